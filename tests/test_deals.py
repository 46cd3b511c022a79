"""Deals: recording them under the rules, payments, recordal, reminders, who sees what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Deal, Notification, Organisation
from tests.conftest import post


@pytest.fixture
def patent(make, centre):
    return make.patent(centre)  # invention filed 2019-03-01: last day of protection 2039-02-28


def deal_form(patent_id, licensee_code, **changes):
    data = {"mode": "ordinary", "licensee": licensee_code, "patents": [str(patent_id)],
            "effective_date": "2025-03-01", "term_end": "2030-02-28", "contract_amount_yuan": "500000",
            "signed_date": "", "registration_date": "", "gross_income_yuan": "", "deductions_yuan": "",
            "paid_on": "2025-04-01", "paid_amount": "100000"}
    data.update(changes)
    return data


def record(client, patent_id, licensee_code, **changes):
    return post(client, "/deals/new", deal_form(patent_id, licensee_code, **changes))


def deals(app):
    with app.app_context():
        return db.session.scalars(db.select(Deal).order_by(Deal.id)).all()


@pytest.fixture
def staff(auth, centre_staff):
    auth.login(centre_staff.email)
    return centre_staff


def test_record_a_deal_snapshots_the_size_class(client, app, patent, sme_user, staff):
    response = record(client, patent.id, sme_user.org_code)
    assert response.status_code == 302
    with app.app_context():
        deal = db.session.scalar(db.select(Deal))
        assert deal.licensee_size_class == "small" and deal.recordal_due == date(2025, 6, 1)
        assert deal.received_yuan == 100000 and deal.mode == "ordinary"
        db.session.get(Organisation, sme_user.org_id).size_class = "large"  # the company grows later
        db.session.commit()
        assert db.session.get(Deal, deal.id).licensee_size_class == "small"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100,000.00" in page and "小型企业" in page


def test_record_from_an_agreed_request_is_prefilled(client, auth, app, make, centre, centre_staff, sme_user):
    listing = make.listing(centre, [make.patent(centre)], modes=("sole",))
    auth.login(sme_user.email)
    location = post(client, f"/listings/{listing.id}/request",
                    {"mode": "sole", "intended_use": "x"}).headers["Location"]
    request_id = int(location.rsplit("/", 1)[1])
    auth.logout()
    auth.login(centre_staff.email)
    assert client.get(f"/deals/new?request={request_id}").status_code == 200
    # not agreed yet: refused
    response = post(client, f"/deals/new?request={request_id}", deal_form(1, sme_user.org_code, mode="sole"))
    assert response.status_code == 400 and "已同意" in response.get_data(as_text=True)
    for status in ("under_review", "agreed"):
        post(client, f"/requests/{request_id}/status", {"status": status})
    page = client.get(f"/deals/new?request={request_id}").get_data(as_text=True)
    assert 'value="sole" selected' in page or 'selected value="sole"' in page
    response = post(client, f"/deals/new?request={request_id}", deal_form(1, sme_user.org_code, mode="sole"))
    assert response.status_code == 302
    assert deals(app)[0].source_request_id == request_id


def test_licence_may_not_run_past_expiry(client, app, patent, sme_user, staff):
    response = record(client, patent.id, sme_user.org_code, term_end="2039-03-01")
    assert response.status_code == 400 and "2039-02-28" in response.get_data(as_text=True)
    assert deals(app) == []


def test_no_exclusive_under_open_licence(client, app, patent, sme_user, staff):
    post(client, f"/manage/patents/{patent.id}/open-licence", {
        "fee_method": "lump_sum", "fee_amount_yuan": "1000", "term_end": "2030-01-01", "announced_on": "2025-01-01"})
    for mode in ("exclusive", "sole"):
        response = record(client, patent.id, sme_user.org_code, mode=mode)
        assert response.status_code == 400 and "开放许可" in response.get_data(as_text=True)
    assert record(client, patent.id, sme_user.org_code, mode="ordinary").status_code == 302


def test_overlapping_exclusive_licences_refused(client, app, patent, sme_user, other_sme, staff):
    assert record(client, patent.id, sme_user.org_code, mode="exclusive").status_code == 302
    response = record(client, patent.id, other_sme.org_code, mode="sole", effective_date="2029-01-01",
                      term_end="2031-01-01")
    assert response.status_code == 400 and "已" in response.get_data(as_text=True)
    assert record(client, patent.id, other_sme.org_code, mode="sole", effective_date="2030-03-01",
                  term_end="2032-01-01").status_code == 302


def test_exclusive_deal_in_force_blocks_an_open_licence(client, app, make, centre, sme_user, staff):
    patent = make.patent(centre)
    today = date.today()
    record(client, patent.id, sme_user.org_code, mode="exclusive", effective_date=today.isoformat(),
           term_end=(today + timedelta(days=365)).isoformat())
    response = post(client, f"/manage/patents/{patent.id}/open-licence", {
        "fee_method": "lump_sum", "fee_amount_yuan": "1000", "term_end": "2030-01-01",
        "announced_on": today.isoformat()})
    assert response.status_code == 400 and "独占或排他许可" in response.get_data(as_text=True)


def test_assignment_counts_from_registration(client, app, patent, sme_user, staff):
    response = record(client, patent.id, sme_user.org_code, mode="assignment", term_end="")
    deal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(Deal, deal_id).concluded_on is None
    post(client, f"/deals/{deal_id}/registration", {"registration_date": "2025-06-15"})
    with app.app_context():
        assert db.session.get(Deal, deal_id).concluded_on == date(2025, 6, 15)


def test_income_deductions_may_not_exceed_gross(client, app, patent, sme_user, staff):
    response = record(client, patent.id, sme_user.org_code, gross_income_yuan="1000", deductions_yuan="2000")
    assert response.status_code == 400 and "超过了总收入" in response.get_data(as_text=True)


def test_recordal_flow_and_watchlist(client, app, patent, sme_user, staff):
    today = date.today()
    overdue = record(client, patent.id, sme_user.org_code,
                     effective_date=(today - timedelta(days=120)).isoformat()).headers["Location"]
    record(client, patent.id, sme_user.org_code, effective_date=(today - timedelta(days=80)).isoformat())
    page = client.get("/deals/recordal").get_data(as_text=True)
    assert "逾期（1）" in page or "(1)" in page
    deal_id = int(overdue.rsplit("/", 1)[1])
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "recorded"}, follow_redirects=True)
    assert "不能" in response.get_data(as_text=True)  # not filed → recorded is not a step
    post(client, f"/deals/{deal_id}/recordal", {"status": "filed"})
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "recorded"}, follow_redirects=True)
    assert "备案号" in response.get_data(as_text=True)
    post(client, f"/deals/{deal_id}/recordal", {"status": "recorded", "number": "2025310000123",
                                                "recorded_on": today.isoformat()})
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert deal.recordal_status == "recorded" and deal.recordal_number == "2025310000123"


def test_reminders_are_sent_once(app, runner, make, centre, centre_staff, sme_user, patent, client, staff):
    record(client, patent.id, sme_user.org_code, effective_date=(date.today() - timedelta(days=85)).isoformat())
    assert "1 deal" in runner.invoke(args=["deals", "remind"]).output
    assert "0 deal" in runner.invoke(args=["deals", "remind"]).output
    with app.app_context():
        assert db.session.query(Notification).filter_by(kind="deal.recordal_due").count() == 1


def test_deal_access(client, auth, app, patent, sme_user, other_sme, other_centre_staff, staff):
    location = record(client, patent.id, sme_user.org_code).headers["Location"]
    deal_id = int(location.rsplit("/", 1)[1])
    auth.logout()
    auth.login(sme_user.email)
    assert client.get(location).status_code == 200  # the licensee sees its deal
    assert post(client, f"/deals/{deal_id}/payments", {"paid_on": "2025-05-01", "amount_yuan": "1"}).status_code == 403
    auth.logout()
    for intruder in (other_sme, other_centre_staff):
        auth.login(intruder.email)
        assert client.get(location).status_code == 404
        auth.logout()
    auth.login(other_centre_staff.email)
    assert post(client, f"/deals/{deal_id}/payments", {"paid_on": "2025-05-01", "amount_yuan": "1"}).status_code == 404
    assert post(client, f"/deals/{deal_id}/recordal", {"status": "filed"}).status_code == 404
    with app.app_context():
        assert len(db.session.get(Deal, deal_id).payments) == 1
