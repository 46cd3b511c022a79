"""The enterprise's own deals and licences (issue 20, item 6): its page, the deal page open to it, and
either party recording the CNIPA filing."""

from __future__ import annotations

from portal.extensions import db
from portal.models import AuditEntry, Deal, Notification
from tests.conftest import post
from tests.test_exchange import deal  # noqa: F401  (fixture)


def test_sme_sees_its_deals_and_records_the_filing(app, client, auth, deal, sme_user, centre_staff):  # noqa: F811
    auth.login(sme_user.email)
    assert client.get("/deals/").headers["Location"].endswith("/deals/ours")
    page = client.get("/deals/ours").get_data(as_text=True)
    assert f'data-deal="{deal.id}"' in page and deal.code in page
    assert 'id="nav-our-deals"' in page
    assert "500,000.00" in page
    work = client.get("/work").get_data(as_text=True)  # the recordal waits on the work page too
    assert 'id="work-our-recordals"' in work and f"/deals/{deal.id}" in work
    detail = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="recordal-form"' in detail and 'id="deal-document-form"' in detail
    assert "/payments" not in detail  # the centre's forms stay the centre's
    assert post(client, f"/deals/{deal.id}/recordal", {"status": "filed"}).status_code == 302
    with app.app_context():
        assert db.session.get(Deal, deal.id).recordal_status == "filed"
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "deal.recordal"))
        assert entry.actor_id == sme_user.id
        told = db.session.scalar(db.select(Notification).where(Notification.user_id == centre_staff.id,
                                                               Notification.kind == "deal.recordal_by_licensee"))
        assert told is not None and told.params["recordal"] == "filed"
    # A refused step says why and changes nothing
    response = post(client, f"/deals/{deal.id}/recordal", {"status": "recorded", "number": ""})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Deal, deal.id).recordal_status == "filed"
    # ... and payments stay the centre's
    assert post(client, f"/deals/{deal.id}/payments", {"paid_on": "2025-05-01", "amount_yuan": "1"}).status_code == 403
    auth.logout()
    auth.login(centre_staff.email)
    notifications = client.get("/notifications").get_data(as_text=True)
    assert "已提交" in notifications or "备案" in notifications
    assert client.get("/deals/").status_code == 200
    assert client.get("/deals/ours").status_code == 403
    assert post(client, f"/deals/{deal.id}/recordal",
                {"status": "recorded", "number": "2025990000123", "recorded_on": "2025-05-20"}).status_code == 302


def test_other_enterprises_and_roles(app, client, auth, deal, other_sme, organiser, admin):  # noqa: F811
    auth.login(other_sme.email)
    page = client.get("/deals/ours").get_data(as_text=True)
    assert f'data-deal="{deal.id}"' not in page
    assert client.get(f"/deals/{deal.id}").status_code == 404
    assert post(client, f"/deals/{deal.id}/recordal", {"status": "filed"}).status_code == 404
    auth.logout()
    for user in (organiser, admin):
        auth.login(user.email)
        assert client.get("/deals/ours").status_code == 403
        assert client.get("/deals/").status_code == 403
        assert post(client, f"/deals/{deal.id}/recordal", {"status": "filed"}).status_code == 404
        auth.logout()
    assert client.get("/deals/ours").status_code == 302  # to the login page
    with app.app_context():
        assert db.session.get(Deal, deal.id).recordal_status == "not_filed"


def test_open_licences_taken_are_listed(app, client, auth, make, centre, sme_user):
    from datetime import date
    from decimal import Decimal

    from portal.models import Organisation, Patent, User
    from portal.patents.open_licence import declare_open_licence
    from portal.requests.open_licence import LicenseeDetails, take_open_licence
    from portal.rules.open_licence import OpenLicenceTerms

    patent = make.patent(centre)
    with app.app_context(), app.test_request_context():
        p = db.session.get(Patent, patent.id)
        declare_open_licence(p, OpenLicenceTerms("lump_sum", Decimal("20000"), None, date(2030, 1, 1)),
                             announced_on=date(2025, 1, 1), cnipa_reference=None, actor=None)
        db.session.commit()
    listing = make.listing(centre, [patent])
    with app.app_context(), app.test_request_context():
        from portal.models import Listing

        acceptance = take_open_licence(db.session.get(Listing, listing.id), db.session.get(Patent, patent.id),
                                       db.session.get(User, sme_user.id),
                                       LicenseeDetails(db.session.get(Organisation, sme_user.org_id).name_zh,
                                                       "上海市", "张三 021-1234"))
        db.session.commit()
        number = acceptance.notice_number
    auth.login(sme_user.email)
    page = client.get("/deals/ours").get_data(as_text=True)
    assert number in page and patent.code in page
