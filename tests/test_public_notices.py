"""Public notices (公示) before a deal priced by agreement: opening, the public list, page and feed,
objections from anyone, answers, and the check when the deal is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Deal, NoticeObjection, Notification, OutgoingMail, PublicNotice
from tests.conftest import post


@pytest.fixture
def patent(make, centre):
    return make.patent(centre)


def notice_form(patent_id, **changes):
    today = date.today()
    data = {"title": "冠状动脉支架专利许可", "mode": "ordinary", "intended_price_yuan": "500000",
            "patents": [str(patent_id)], "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=14)).isoformat(), "counterparty": "", "description": "拟协议定价许可"}
    data.update(changes)
    return data


def deal_form(patent_id, licensee_code, **changes):
    data = {"mode": "ordinary", "licensee": licensee_code, "patents": [str(patent_id)], "pricing": "agreement",
            "effective_date": date.today().isoformat(), "term_end": "2030-02-28", "contract_amount_yuan": "500000",
            "signed_date": date.today().isoformat()}
    data.update(changes)
    return data


def open_notice(client, auth, staff, patent_id, **changes):
    auth.login(staff.email)
    response = post(client, "/notices/new", notice_form(patent_id, **changes))
    auth.logout()
    return response


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def end_window(app, notice_id):
    """Move the notice's window into the past, as if 15 days had gone by."""
    with app.app_context():
        notice = db.session.get(PublicNotice, notice_id)
        notice.starts_on, notice.ends_on = date.today() - timedelta(days=20), date.today() - timedelta(days=6)
        db.session.commit()


def test_notice_is_public_with_a_feed(client, auth, app, patent, centre_staff, sme_user):
    response = open_notice(client, auth, centre_staff, patent.id, counterparty=sme_user.org_code,
                           show_counterparty="y")
    assert response.status_code == 302
    notice_id = int(response.headers["Location"].rsplit("/", 1)[1])
    listing = client.get("/notices/").get_data(as_text=True)
    assert "冠状动脉支架专利许可" in listing and "500,000.00" in listing
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert 'id="objection-form"' in page and 'id="notice-counterparty"' in page
    for fmt in ("atom", "rss"):
        feed = client.get(f"/notices/feed.{fmt}")
        assert feed.status_code == 200 and "冠状动脉支架专利许可" in feed.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry.kind).where(AuditEntry.kind == "notice.opened"))


def test_counterparty_hidden_unless_chosen(client, auth, app, patent, centre_staff, sme_user):
    location = open_notice(client, auth, centre_staff, patent.id, counterparty=sme_user.org_code).headers["Location"]
    assert 'id="notice-counterparty"' not in client.get(location).get_data(as_text=True)


def test_objection_reaches_the_centre_and_is_answered(client, auth, app, patent, centre_staff):
    location = open_notice(client, auth, centre_staff, patent.id).headers["Location"]
    notice_id = int(location.rsplit("/", 1)[1])
    objection = {"name": "李四", "organisation": "某医院", "email": "li.si@example.cn", "phone": "021-1234 5678",
                 "body": "该专利的发明人之一未被列入。"}
    response = post(client, f"/notices/{notice_id}/objections", objection, )
    assert response.status_code == 302
    page = client.get(location).get_data(as_text=True)
    assert "该专利的发明人之一未被列入。" in page and "li.si@example.cn" not in page
    with app.app_context():
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == centre_staff.id))
        assert note is not None and note.kind == "notice.objection"
        objection_id = db.session.scalar(db.select(NoticeObjection.id))
    auth.login(centre_staff.email)
    assert "li.si@example.cn" in client.get(location).get_data(as_text=True)  # the centre sees the contact
    response = post(client, f"/notices/{notice_id}/objections/{objection_id}/answer",
                    {"answer": "已核实，发明人名单完整。"})
    assert response.status_code == 302
    auth.logout()
    page = client.get(location).get_data(as_text=True)
    assert "已核实，发明人名单完整。" in page and "li.si@example.cn" not in page
    with app.app_context():
        assert db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.to_address == "li.si@example.cn"))


@pytest.mark.parametrize("changes", [
    {"email": "not-an-address"}, {"email": ""}, {"name": ""}, {"body": ""}, {"phone": "call me maybe"},
    {"body": "x" * 5001},
])
def test_bad_objection_saves_nothing(client, auth, app, patent, centre_staff, changes):
    notice_id = int(open_notice(client, auth, centre_staff, patent.id).headers["Location"].rsplit("/", 1)[1])
    objection = {"name": "李四", "email": "li.si@example.cn", "body": "异议", **changes}
    response = post(client, f"/notices/{notice_id}/objections", objection)
    assert response.status_code == 400
    assert count(app, NoticeObjection) == 0


def test_objection_needs_csrf_and_an_open_window(client, auth, app, patent, centre_staff):
    notice_id = int(open_notice(client, auth, centre_staff, patent.id).headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/notices/{notice_id}/objections",
                           data={"name": "李四", "email": "li.si@example.cn", "body": "异议"})
    assert response.status_code == 400 and count(app, NoticeObjection) == 0
    end_window(app, notice_id)
    response = post(client, f"/notices/{notice_id}/objections", {"name": "李四", "email": "li@example.cn",
                                                                 "body": "异议"})
    assert response.status_code == 400 and count(app, NoticeObjection) == 0


def test_deal_priced_by_agreement_waits_for_the_notice(client, auth, app, patent, centre_staff, sme_user):
    auth.login(centre_staff.email)
    # no notice at all
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code))
    assert response.status_code == 400 and "公示" in response.get_data(as_text=True) and count(app, Deal) == 0
    location = post(client, "/notices/new", notice_form(patent.id)).headers["Location"]
    notice_id = int(location.rsplit("/", 1)[1])
    # the window is open: refused
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code))
    assert response.status_code == 400 and count(app, Deal) == 0
    auth.logout()
    post(client, f"/notices/{notice_id}/objections", {"name": "王五", "email": "w5@example.cn", "body": "价格过低"})
    end_window(app, notice_id)
    auth.login(centre_staff.email)
    # ended, but an objection is unanswered: refused
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code))
    assert response.status_code == 400 and count(app, Deal) == 0
    with app.app_context():
        objection_id = db.session.scalar(db.select(NoticeObjection.id))
    post(client, f"/notices/{notice_id}/objections/{objection_id}/answer", {"answer": "价格经评估确定。"})
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code))
    assert response.status_code == 302
    with app.app_context():
        deal = db.session.scalar(db.select(Deal))
        assert deal.notice_id == notice_id and deal.pricing == "agreement" and deal.notice_override_reason is None
    assert "notice-link" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_override_is_recorded_audited_and_shown(client, auth, app, patent, centre_staff, sme_user):
    auth.login(centre_staff.email)
    post(client, "/notices/new", notice_form(patent.id))
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code,
                                                    notice_override_reason="上级主管部门批准，免于公示"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "上级主管部门批准，免于公示" in page
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "deal.notice_override"))


def test_other_pricing_needs_no_notice(client, auth, app, patent, centre_staff, sme_user):
    auth.login(centre_staff.email)
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code, pricing="listing"))
    assert response.status_code == 302


def test_deal_import_obeys_the_notice(app, patent, centre, sme_user):
    from portal.deals.operations import DealData, record_deal
    from portal.errors import OperationError
    from portal.models import Organisation, Patent

    with app.app_context():
        data = DealData(mode="ordinary", licensee=db.session.get(Organisation, sme_user.org_id),
                        patents=[db.session.get(Patent, patent.id)], effective_date=date.today(),
                        term_end=date(2030, 1, 1), pricing="agreement")
        with pytest.raises(OperationError):
            record_deal(db.session.get(Organisation, centre.id), data, None)


@pytest.mark.parametrize("changes", [
    {"ends_on": (date.today() + timedelta(days=10)).isoformat()},  # shorter than 15 days
    {"starts_on": (date.today() - timedelta(days=1)).isoformat()},
    {"intended_price_yuan": "1e30"}, {"intended_price_yuan": "-1"}, {"title": ""}, {"patents": []},
    {"starts_on": "2024-02-30"}, {"title": "a\x00b"},
])
def test_bad_notice_saves_nothing(client, auth, app, patent, centre_staff, changes):
    response = open_notice(client, auth, centre_staff, patent.id, **changes)
    assert response.status_code == 400
    assert count(app, PublicNotice) == 0


def test_access(client, auth, app, make, patent, centre_staff, other_centre_staff, sme_user, organiser):
    location = open_notice(client, auth, centre_staff, patent.id).headers["Location"]
    notice_id = int(location.rsplit("/", 1)[1])
    post(client, f"/notices/{notice_id}/objections", {"name": "李四", "email": "li@example.cn", "body": "异议"})
    with app.app_context():
        objection_id = db.session.scalar(db.select(NoticeObjection.id))
    assert client.get("/notices/new").status_code == 302  # anonymous: log in first
    for user in (sme_user, organiser):
        auth.login(user.email)
        assert client.get("/notices/new").status_code == 403
        assert post(client, f"/notices/{notice_id}/cancel", {"reason": "x"}).status_code == 403
        auth.logout()
    auth.login(other_centre_staff.email)
    assert post(client, f"/notices/{notice_id}/objections/{objection_id}/answer", {"answer": "x"}).status_code == 404
    assert post(client, f"/notices/{notice_id}/cancel", {"reason": "x"}).status_code == 404
    assert "li@example.cn" not in client.get(location).get_data(as_text=True)
    # another centre's patent cannot be noticed
    other_patent = make.patent(make.org("centre", code="third-ip"))
    response = post(client, "/notices/new", notice_form(other_patent.id))
    assert response.status_code == 400
    auth.logout()
    with app.app_context():
        assert db.session.get(NoticeObjection, objection_id).answer is None
        assert db.session.get(PublicNotice, notice_id).cancelled_on is None
    auth.login(centre_staff.email)
    response = post(client, f"/notices/{notice_id}/cancel", {"reason": "交易取消"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PublicNotice, notice_id).cancelled_on == date.today()


def test_deal_import_reads_the_pricing(runner, app, make, centre, tmp_path):
    """The import obeys the notice: a deal priced by agreement without a notice is an error row (nothing
    saved); the same row with an override reason is imported, the reason kept; other pricing passes."""
    from tests.test_deal_import import deal, to_csv

    number = make.patent(centre).code

    def run(**fields):
        path = tmp_path / "deals.csv"
        path.write_text(to_csv([deal(number, **fields)]), encoding="utf-8")
        return runner.invoke(args=["deals", "import", str(path), "--centre", centre.code, "--json"])

    assert run(pricing="协议定价").exit_code == 1 and count(app, Deal) == 0
    assert run(pricing="拍卖价").exit_code == 1 and count(app, Deal) == 0  # not a pricing method
    assert run(pricing="协议定价", notice_override_reason="平台上线前签订").exit_code == 0
    with app.app_context():
        deal_row = db.session.scalar(db.select(Deal))
        assert (deal_row.pricing, deal_row.notice_override_reason) == ("agreement", "平台上线前签订")


def test_objections_are_rate_limited(client, auth, app, patent, centre_staff):
    notice_id = int(open_notice(client, auth, centre_staff, patent.id).headers["Location"].rsplit("/", 1)[1])
    limit = int(app.config["OBJECTION_RATE_LIMIT"].split()[0])
    codes = [post(client, f"/notices/{notice_id}/objections", {"name": "李四", "email": f"l{i}@example.cn",
                                                              "body": "异议"}).status_code for i in range(limit + 1)]
    assert codes[:limit] == [302] * limit and codes[-1] == 429
    assert count(app, NoticeObjection) == limit


def test_override_not_recorded_when_the_notice_suffices(client, auth, app, patent, centre_staff, sme_user):
    auth.login(centre_staff.email)
    notice_id = int(post(client, "/notices/new", notice_form(patent.id)).headers["Location"].rsplit("/", 1)[1])
    end_window(app, notice_id)
    response = post(client, "/deals/new", deal_form(patent.id, sme_user.org_code, notice_override_reason="以防万一"))
    assert response.status_code == 302
    with app.app_context():
        deal = db.session.scalar(db.select(Deal))
        assert deal.notice_id == notice_id and deal.notice_override_reason is None
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "deal.notice_override")) is None
