"""Deals: recording them under the rules, payments, recordal, reminders, who sees what."""

from __future__ import annotations

import html
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


# --- issue 6: listing and event, one deal per request, more refusals -----------------------------------

def english(client) -> None:
    """Messages this issue adds are checked in English: the msgids, whatever the catalogue says."""
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302


def an_event(app, organiser_org_id: int, listing_ids=(), *, title: str = "心血管器械对接会") -> int:
    from datetime import UTC, datetime

    from portal.events.operations import EventData, create_event

    starts = datetime.now(UTC) - timedelta(days=2)
    with app.app_context():
        event = create_event(db.session.get(Organisation, organiser_org_id), EventData(
            kind="matchmaking", title=title, starts_at=starts, ends_at=starts + timedelta(hours=3),
            place="徐汇区示例路 100 号", listing_ids=list(listing_ids)), actor=None)
        db.session.commit()
        return event.id


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def created(response) -> int:
    assert response.status_code == 302, text(response)[:3000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_direct_deal_names_its_listing_and_event(client, app, make, centre, patent, sme_user, organiser, staff):
    listing = make.listing(centre, [patent], title="冠状动脉支架普通许可")
    other = make.org("centre", code="renji-ip")
    make.listing(other, [make.patent(other)], title="别的中心的许可信息")
    event_id = an_event(app, organiser.org_id, [listing.id])
    form = client.get("/deals/new").get_data(as_text=True)
    assert f'<option value="{listing.id}">' in form and "别的中心的许可信息" not in form  # own listings only
    assert f'<option value="{event_id}">' in form

    deal_id = created(record(client, patent.id, sme_user.org_code, listing=str(listing.id), event_id=str(event_id)))
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert (deal.listing_id, deal.event_id) == (listing.id, event_id)
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert f'href="/listings/{listing.id}"' in page.split('id="deal-listing"')[1].split("</dd>")[0]
    assert f'href="/events/{event_id}"' in page.split('id="deal-event"')[1].split("</dd>")[0]
    event_page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert f"#{deal_id}" in event_page.split('id="event-deals"')[1].split("</ul>")[0]
    # without a listing or event: neither is shown
    plain = created(record(client, patent.id, sme_user.org_code))
    page = client.get(f"/deals/{plain}").get_data(as_text=True)
    assert "deal-listing" not in page and "deal-event" not in page


def test_listing_and_event_refusals(client, app, make, centre, patent, sme_user, organiser, staff):
    listing = make.listing(centre, [patent])
    elsewhere = make.listing(centre, [make.patent(centre)])
    other = make.org("centre", code="renji-ip")
    foreign = make.listing(other, [make.patent(other)])
    not_presenting = an_event(app, organiser.org_id, [elsewhere.id])
    english(client)
    refusals = {
        "Choose one of the centre's own listings.": {"listing": str(foreign.id)},
        "The deal's patents must be among the listing's patents.": {"listing": str(elsewhere.id)},
        "Choose one of the events that presented this listing.": {"listing": str(listing.id),
                                                                  "event_id": str(not_presenting)},
        "Choose one of the recorded matchmaking events.": {"event_id": "999999"},
    }
    for message, changes in refusals.items():
        response = record(client, patent.id, sme_user.org_code, **changes)
        assert response.status_code == 400 and message in text(response), message
    assert record(client, patent.id, sme_user.org_code, listing="999999").status_code == 400
    assert deals(app) == []


def agreed_request(client, auth, make, centre, centre_staff, sme_user, event_id=None, listing=None) -> int:
    listing = listing or make.listing(centre, [make.patent(centre)], modes=("ordinary",))
    auth.login(sme_user.email)
    data = {"mode": "ordinary", "intended_use": "x"}
    if event_id is not None:
        data["event_id"] = str(event_id)
    request_id = created(post(client, f"/listings/{listing.id}/request", data))
    auth.logout()
    auth.login(centre_staff.email)
    for status in ("under_review", "agreed"):
        post(client, f"/requests/{request_id}/status", {"status": status})
    return request_id


def test_one_deal_per_request_and_the_button_goes(client, auth, app, make, centre, centre_staff, sme_user,
                                                  organiser):
    from portal.models import LicenceRequest

    listing = make.listing(centre, [make.patent(centre)], modes=("ordinary",))
    event_id = an_event(app, organiser.org_id, [listing.id])
    request_id = agreed_request(client, auth, make, centre, centre_staff, sme_user, event_id, listing)
    assert 'id="record-deal"' in client.get(f"/requests/{request_id}").get_data(as_text=True)
    form = client.get(f"/deals/new?request={request_id}").get_data(as_text=True)
    assert f'<option selected value="{listing.id}">' in form and f'<option selected value="{event_id}">' in form
    with app.app_context():
        patent_id = db.session.get(LicenceRequest, request_id).listing.patents[0].id
    url = f"/deals/new?request={request_id}"
    # the listing of a deal from a request is the request's
    other = make.listing(centre, [make.patent(centre)])
    english(client)
    response = post(client, url, deal_form(patent_id, sme_user.org_code, listing=str(other.id)))
    assert response.status_code == 400 and "A deal from a request is on the request's listing." in text(response)
    deal_id = created(post(client, url, deal_form(patent_id, sme_user.org_code, listing="", event_id="")))
    with app.app_context():
        deal = db.session.get(Deal, deal_id)  # listing and event come from the request
        assert (deal.source_request_id, deal.listing_id, deal.event_id) == (request_id, listing.id, event_id)

    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert 'id="record-deal"' not in page
    assert f'href="/deals/{deal_id}"' in page.split('id="request-deal"')[1].split("</p>")[0]
    # a second deal from the request: the form sends to the deal; a submission records nothing
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/deals/{deal_id}")
    response = post(client, url, deal_form(patent_id, sme_user.org_code), follow_redirects=True)
    assert f"A deal has already been recorded from this request (deal #{deal_id})." in text(response)
    assert len(deals(app)) == 1
    # the operation refuses it too, whoever calls it
    from flask_babel import force_locale

    from portal.deals.operations import DealData, record_deal
    from portal.errors import OperationError

    with app.test_request_context(), force_locale("en"):
        source = db.session.get(LicenceRequest, request_id)
        data = DealData(mode="ordinary", licensee=source.enterprise, patents=list(source.listing.patents),
                        effective_date=date(2025, 3, 1), term_end=date(2030, 2, 28), source_request=source)
        with pytest.raises(OperationError) as refused:
            record_deal(db.session.get(Organisation, centre.id), data, None)
        assert refused.value.message == f"A deal has already been recorded from this request (deal #{deal_id})."
        db.session.rollback()
    assert len(deals(app)) == 1
    # the enterprise sees the link to its deal, not the button
    auth.logout()
    auth.login(sme_user.email)
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert 'id="record-deal"' not in page and f'href="/deals/{deal_id}"' in page


def test_recordal_refused_needs_a_reason(client, app, patent, sme_user, staff):
    deal_id = created(record(client, patent.id, sme_user.org_code))
    post(client, f"/deals/{deal_id}/recordal", {"status": "filed"})
    english(client)
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "refused", "reason": "  "}, follow_redirects=True)
    assert "Give the reason the recordal was refused." in text(response)
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert deal.recordal_status == "filed" and deal.recordal_refusal_reason is None
    post(client, f"/deals/{deal_id}/recordal", {"status": "refused", "reason": "许可期限超过专利权期限"})
    with app.app_context():
        deal = db.session.get(Deal, deal_id)
        assert deal.recordal_status == "refused" and deal.recordal_refusal_reason == "许可期限超过专利权期限"


def test_registration_date_only_on_an_assignment(client, app, patent, sme_user, staff):
    from portal.models import AuditEntry

    deal_id = created(record(client, patent.id, sme_user.org_code))
    english(client)
    response = post(client, f"/deals/{deal_id}/registration", {"registration_date": "2025-06-15"},
                    follow_redirects=True)
    assert "Only an assignment has a registration date." in text(response)
    with app.app_context():
        assert db.session.get(Deal, deal_id).registration_date is None
        assert db.session.query(AuditEntry).filter_by(kind="deal.registered").count() == 0


def test_registration_date_not_before_the_effective_date(client, app, patent, sme_user, staff):
    english(client)
    response = record(client, patent.id, sme_user.org_code, mode="assignment", term_end="",
                      effective_date="2025-03-01", registration_date="2025-02-28")
    assert response.status_code == 400
    assert "The registration date is before the effective date." in text(response)
    assert deals(app) == []
    deal_id = created(record(client, patent.id, sme_user.org_code, mode="assignment", term_end="",
                             effective_date="2025-03-01"))
    response = post(client, f"/deals/{deal_id}/registration", {"registration_date": "2025-02-28"},
                    follow_redirects=True)
    assert "The registration date is before the effective date." in text(response)
    with app.app_context():
        assert db.session.get(Deal, deal_id).registration_date is None
    post(client, f"/deals/{deal_id}/registration", {"registration_date": "2025-03-01"})  # the same day is fine
    with app.app_context():
        assert db.session.get(Deal, deal_id).concluded_on == date(2025, 3, 1)


def test_events_a_deal_may_name(app, organiser):
    from datetime import UTC, datetime

    from portal.events.operations import EventData, create_event, deal_event_choices

    now = datetime.now(UTC)
    ids = {}
    with app.app_context():
        for name, starts in {"recent": now - timedelta(days=300), "old": now - timedelta(days=800),
                             "ahead": now + timedelta(days=3)}.items():
            ids[name] = create_event(db.session.get(Organisation, organiser.org_id), EventData(
                kind="roadshow", title=name, starts_at=starts, ends_at=starts + timedelta(hours=2), place="会议中心"),
                actor=None).id
        db.session.commit()
        assert [e for e, _ in deal_event_choices()] == [ids["recent"]]  # held within two years, not ahead
        assert [e for e, _ in deal_event_choices(ids["old"])] == [ids["recent"], ids["old"]]  # the request's event
