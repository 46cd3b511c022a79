"""Taking an open licence: the written notice, an ordinary licence deal on exactly the published terms."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.models import Deal, LicenceRequest, Notification, OpenLicenceAcceptance
from portal.rules import recordal_due_date
from tests.conftest import post

DETAILS = {"name": "上海测试医疗器械有限公司", "address": "上海市浦东新区张江路 1 号", "contact": "李经理 021-12345678",
           "confirm": "yes"}


@pytest.fixture
def open_listing(client, auth, make, centre, centre_staff):
    patent = make.patent(centre)
    listing = make.listing(centre, [patent], modes=("ordinary",))
    auth.login(centre_staff.email)
    post(client, f"/manage/patents/{patent.id}/open-licence", {
        "fee_method": "entry_plus_royalty", "fee_amount_yuan": "20000", "royalty_rate_pct": "2.5",
        "term_end": "2032-12-31", "announced_on": "2025-01-01"})
    auth.logout()
    return {"listing": listing.id, "patent": patent.id}


def take(client, open_listing, **changes):
    url = f"/listings/{open_listing['listing']}/patents/{open_listing['patent']}/take-open-licence"
    return post(client, url, {**DETAILS, **changes})


def test_take_open_licence_records_notice_request_and_ordinary_deal(client, auth, app, open_listing, sme_user,
                                                                    centre_staff):
    auth.login(sme_user.email)
    page = client.get(f"/listings/{open_listing['listing']}/patents/{open_listing['patent']}/take-open-licence")
    assert "入门费+提成" in page.get_data(as_text=True) and "2032-12-31" in page.get_data(as_text=True)
    response = take(client, open_listing)
    assert response.status_code == 302
    notice = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "专利开放许可实施通知书" in notice and "普通许可" in notice and "2.5%" in notice
    with app.app_context():
        acceptance = db.session.scalar(db.select(OpenLicenceAcceptance))
        assert (acceptance.fee_method, acceptance.fee_amount_yuan, acceptance.royalty_rate_pct) == \
            ("entry_plus_royalty", 20000, 2.5)
        request = db.session.get(LicenceRequest, acceptance.request_id)
        assert request.status == "agreed" and request.mode == "open"
        deal = db.session.scalar(db.select(Deal))
        assert (deal.kind, deal.licence_type, deal.open_licence) == ("licence", "ordinary", True)
        assert deal.licensee_id == sme_user.org_id and deal.licensee_size_class == "small"
        assert deal.effective_date == date.today() and deal.recordal_due == recordal_due_date(date.today())
        assert deal.term_end == date(2032, 12, 31) and deal.contract_amount_yuan == 20000
        assert [p.id for p in deal.patents] == [open_listing["patent"]]
        pdf = client.get(f"/open-licences/{acceptance.id}/notice.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert count_notifications(app, centre_staff.id, "open_licence.taken") == 1


def count_notifications(app, user_id, kind):
    with app.app_context():
        return db.session.query(Notification).filter_by(user_id=user_id, kind=kind).count()


def test_taking_twice_is_refused(client, auth, app, open_listing, sme_user):
    auth.login(sme_user.email)
    take(client, open_listing)
    # a form sent again (another tab, the back button) is sent back to the listing, which says so
    response = take(client, open_listing)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/listings/{open_listing['listing']}")
    assert "贵公司已取得该开放许可" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Deal).count() == 1


def test_holder_is_not_offered_the_form_again(client, auth, app, open_listing, sme_user, other_sme):
    listing_url = f"/listings/{open_listing['listing']}"
    form_url = f"{listing_url}/patents/{open_listing['patent']}/take-open-licence"
    auth.login(sme_user.email)
    assert form_url in client.get(listing_url).get_data(as_text=True)
    take(client, open_listing)
    with app.app_context():
        acceptance = db.session.scalar(db.select(OpenLicenceAcceptance))
        taken_on, number = acceptance.effective_date.isoformat(), acceptance.notice_number
    page = client.get(listing_url).get_data(as_text=True)
    assert form_url not in page
    assert f"贵公司已取得该开放许可：于 {taken_on} 取得，通知书编号 {number}。" in page
    assert f"/open-licences/{acceptance.id}/notice" in page
    response = client.get(form_url)  # typed in by hand: back to the listing, which says why
    assert response.status_code == 302 and response.headers["Location"].endswith(listing_url)
    # another company is still offered the form
    auth.logout()
    auth.login(other_sme.email)
    page = client.get(listing_url).get_data(as_text=True)
    assert form_url in page and "贵公司已取得" not in page
    assert client.get(form_url).status_code == 200


def test_operation_still_refuses_a_second_licence(app, open_listing, sme_user):
    """Two requests racing past the page: the operation itself refuses the second."""
    from portal.errors import OperationError
    from portal.models import Listing, Patent, User
    from portal.requests.open_licence import LicenseeDetails, take_open_licence

    with app.test_request_context():
        listing = db.session.get(Listing, open_listing["listing"])
        patent = db.session.get(Patent, open_listing["patent"])
        user = db.session.get(User, sme_user.id)
        take_open_licence(listing, patent, user, LicenseeDetails("甲", "", ""))
        with pytest.raises(OperationError, match="已获得该开放许可"):
            take_open_licence(listing, patent, user, LicenseeDetails("甲", "", ""))
        db.session.rollback()


def test_confirmation_is_required(client, auth, app, open_listing, sme_user):
    auth.login(sme_user.email)
    assert take(client, open_listing, confirm="").status_code == 400
    with app.app_context():
        assert db.session.query(Deal).count() == 0


def test_withdrawn_declaration_is_refused_but_earlier_licence_stays(client, auth, app, open_listing, sme_user,
                                                                    other_sme, centre_staff):
    auth.login(sme_user.email)
    take(client, open_listing)
    auth.logout()
    auth.login(centre_staff.email)
    with app.app_context():
        declaration_id = db.session.scalar(db.select(OpenLicenceAcceptance.declaration_id))
    post(client, f"/manage/declarations/{declaration_id}/withdraw",
         {"withdrawn_on": date.today().isoformat(), "reason": "许可策略调整"})
    auth.logout()
    auth.login(other_sme.email)
    response = take(client, open_listing)
    assert response.status_code == 400 and "已撤回" in response.get_data(as_text=True)
    with app.app_context():
        deals = db.session.scalars(db.select(Deal)).all()
        assert len(deals) == 1 and deals[0].licensee_id == sme_user.org_id  # the earlier licence stays


def test_notice_is_private_to_the_parties(client, auth, app, open_listing, sme_user, other_sme, centre_staff):
    auth.login(sme_user.email)
    location = take(client, open_listing).headers["Location"]
    auth.logout()
    auth.login(other_sme.email)
    assert client.get(location).status_code == 404
    assert client.get(location + ".pdf").status_code == 404
    auth.logout()
    auth.login(centre_staff.email)
    assert client.get(location).status_code == 200


def test_only_enterprises_take_licences(client, auth, open_listing, centre_staff):
    auth.login(centre_staff.email)
    assert take(client, open_listing).status_code == 403


def test_the_deal_page_history_shows_how_the_deal_was_made(client, auth, app, open_listing, sme_user, centre_staff):
    from portal.models import AuditEntry

    auth.login(sme_user.email)
    take(client, open_listing)
    with app.app_context():
        deal = db.session.scalar(db.select(Deal))
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "deal.recorded"))
        assert (entry.target_type, entry.target_id, entry.actor_id) == ("deals", deal.id, sme_user.id)
        assert entry.data["mode"] == "open" and entry.data["acceptance"] is not None
        deal_id, company = deal.id, deal.licensee.name_zh
    auth.logout()
    auth.login(centre_staff.email)
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    history = page.split('id="deal-history"')[1].split("</ul>")[0]
    assert "开放许可" in history and company in history
