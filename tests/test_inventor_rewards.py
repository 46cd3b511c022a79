"""Inventor rewards: the centre's share (≥ 50 %), the reward due on a deal's net income, rewards
paid to named inventors, the warning while paid is below due, the summary per year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import InventorReward, RewardShare
from tests.conftest import post


@pytest.fixture
def deal_id(app, make, centre, sme_user):
    from portal.deals.operations import DealData, record_deal
    from portal.models import Organisation, Patent

    patent = make.patent(centre, inventors="张三; 李四")
    with app.app_context():
        deal = record_deal(db.session.get(Organisation, centre.id), DealData(
            mode="ordinary", licensee=db.session.get(Organisation, sme_user.org_id),
            patents=[db.session.get(Patent, patent.id)], effective_date=date(2025, 3, 1),
            term_end=date(2030, 2, 28), contract_amount_yuan=Decimal(500000), gross_income_yuan=Decimal(300000),
            deductions_yuan=Decimal(100000)), None)
        db.session.commit()
        return deal.id


@pytest.fixture
def centre_admin(make, centre):
    return make.user("centre_admin", org=centre, email="admin@ruijin.example.cn")


def reward(client, deal_id, **changes):
    data = {"inventor": "张三", "amount_yuan": "60000", "paid_on": "2025-06-01", "note": ""}
    data.update(changes)
    return post(client, f"/rewards/deals/{deal_id}", data)


def test_due_paid_and_warning(client, auth, app, deal_id, centre_staff):
    auth.login(centre_staff.email)
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    # net 200,000 × default share 50 % = 100,000 due; nothing paid yet
    assert "100,000.00" in page and 'id="reward-warning"' in page
    assert reward(client, deal_id).status_code == 302
    assert reward(client, deal_id, inventor="李四", amount_yuan="40000").status_code == 302
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert 'id="reward-warning"' not in page and "张三" in page
    summary = client.get("/rewards/").get_data(as_text=True)
    assert "2025" in summary and "100,000.00" in summary


def test_share_is_a_centre_setting_with_a_floor(client, auth, app, deal_id, centre_staff, centre_admin):
    auth.login(centre_admin.email)
    for bad in ("40", "101", "abc", "1e30", ""):
        post(client, "/rewards/share", {"share_pct": bad})
        with app.app_context():
            assert db.session.scalar(db.select(RewardShare)) is None
    post(client, "/rewards/share", {"share_pct": "70"})
    with app.app_context():
        assert db.session.scalar(db.select(RewardShare.share)) == Decimal("0.7")
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "140,000.00" in page  # 200,000 × 70 %
    auth.logout()
    auth.login(centre_staff.email)  # staff record rewards but do not set the share
    assert post(client, "/rewards/share", {"share_pct": "90"}).status_code == 403


@pytest.mark.parametrize("changes", [
    {"inventor": "王五"},  # not an inventor of the deal's patents
    {"inventor": ""}, {"amount_yuan": "0"}, {"amount_yuan": "1e30"}, {"amount_yuan": "abc"},
    {"paid_on": (date.today() + timedelta(days=3)).isoformat()}, {"paid_on": "2025-02-30"},
])
def test_bad_reward_saves_nothing(client, auth, app, deal_id, centre_staff, changes):
    auth.login(centre_staff.email)
    reward(client, deal_id, **changes)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(InventorReward.id))) == 0


def test_access(client, auth, app, deal_id, other_centre_staff, sme_user, organiser, make, centre):
    auth.login(other_centre_staff.email)
    assert reward(client, deal_id).status_code == 404
    auth.logout()
    auth.login(sme_user.email)  # the licensee sees the deal but not the hospital's rewards
    assert reward(client, deal_id).status_code == 403
    assert 'id="rewards"' not in client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert client.get("/rewards/").status_code == 403
    auth.logout()
    auth.login(organiser.email)  # the programme office reads every centre's summary
    page = client.get("/rewards/")
    assert page.status_code == 200 and "示例医院知识产权运营中心" in page.get_data(as_text=True)
    auth.logout()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(InventorReward.id))) == 0
