"""Events people sign up for: an enterprise registers (naming listings), the centre sees who comes
for its listings, the organiser sees the list, exports it, checks people in (the attendance fills),
and sends one follow-up mail; access and bad input."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Event, EventAttendance, EventRegistration, OutgoingMail
from tests.conftest import post
from tests.test_events import make_event


@pytest.fixture
def listing(make, centre):
    return make.listing(centre, [make.patent(centre)], title="可降解冠状动脉支架许可")


@pytest.fixture
def other_listing(make):
    other = make.org("centre", code="renji-ip")
    return make.listing(other, [make.patent(other)], title="新生儿黄疸检测装置许可")


@pytest.fixture
def upcoming(app, organiser, listing):
    return make_event(app, organiser.org_id, starts=datetime.now(UTC) + timedelta(days=5), kind="matchmaking",
                      title="心血管对接会", listing_ids=[listing.id])


def registration(app, event_id: int, org_id: int) -> EventRegistration | None:
    with app.app_context():
        r = db.session.scalar(db.select(EventRegistration).where(EventRegistration.event_id == event_id,
                                                                 EventRegistration.organisation_id == org_id))
        if r is not None:
            db.session.expunge(r)
        return r


def set_event(app, event_id: int, **values) -> None:
    with app.app_context():
        event = db.session.get(Event, event_id)
        for k, v in values.items():
            setattr(event, k, v)
        db.session.commit()


def move(app, event_id: int, starts_in_hours: int, hours: int) -> None:
    starts = datetime.now(UTC) + timedelta(hours=starts_in_hours)
    set_event(app, event_id, starts_at=starts, ends_at=starts + timedelta(hours=hours))


def test_sme_registers_centre_sees_organiser_checks_in_and_follows_up(client, auth, app, make, upcoming, listing,
                                                                        other_listing, sme_user, centre_staff,
                                                                        other_centre_staff, organiser):
    auth.login(sme_user.email)
    form = client.get(f"/events/{upcoming}/register").get_data(as_text=True)
    # The listing the event presents comes first, in a group of its own.
    assert form.index("可降解冠状动脉支架许可") < form.index("新生儿黄疸检测装置许可")
    response = post(client, f"/events/{upcoming}/register",
                    {"people": "3", "listings": [str(listing.id), str(other_listing.id)], "note": "希望面谈"})
    assert response.status_code == 302
    r = registration(app, upcoming, sme_user.org_id)
    assert r.people == 3 and r.note == "希望面谈"
    assert "my-registration" in client.get(f"/events/{upcoming}").get_data(as_text=True)
    auth.logout()

    # The centre sees who comes for its listings, and only its listings; on the event and its work page.
    auth.login(centre_staff.email)
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    section = page[page.index('id="coming-for-my-listings"'):]
    assert "可降解冠状动脉支架许可" in section and "新生儿黄疸检测装置许可" not in section
    assert 'id="registrations"' not in page
    work = client.get("/work").get_data(as_text=True)
    assert 'id="work-event-signups"' in work and "心血管对接会" in work
    auth.logout()

    # The organiser sees the list, exports it; check-in is not open before the day.
    auth.login(organiser.email)
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    assert 'id="registrations"' in page and "sme@company.example.cn" in page
    sheet = load_workbook(io.BytesIO(client.get(f"/events/{upcoming}/registrations.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][2] == "sme@company.example.cn" and rows[1][3] == 3
    assert post(client, f"/events/{upcoming}/check-in/{r.id}").status_code == 302
    assert registration(app, upcoming, sme_user.org_id).checked_in_at is None

    # On the day: check in, twice (nothing more), the attendance fills; a walk-in typed by hand stays.
    move(app, upcoming, -1, 3)
    desk = client.get(f"/events/{upcoming}/check-in")
    assert desk.status_code == 200 and f'id="registration-{r.id}"' in desk.get_data(as_text=True)
    post(client, f"/events/{upcoming}/check-in/{r.id}")
    post(client, f"/events/{upcoming}/check-in/{r.id}")
    with app.app_context():
        assert [(a.organisation_id, a.headcount) for a in db.session.scalars(db.select(EventAttendance))] == \
            [(sme_user.org_id, 3)]
    walk_in = make.org("enterprise", code="walkin")
    with app.app_context():
        db.session.add(EventAttendance(event_id=upcoming, organisation_id=walk_in.id, headcount=2))
        db.session.commit()
    # Undo removes only the line the check-in added; check in again.
    post(client, f"/events/{upcoming}/check-in/{r.id}", {"undo": "1"})
    with app.app_context():
        assert [a.organisation_id for a in db.session.scalars(db.select(EventAttendance))] == [walk_in.id]
    post(client, f"/events/{upcoming}/check-in/{r.id}")
    assert registration(app, upcoming, sme_user.org_id).checked_in_at is not None

    # Not before the event is over; then once, even when clicked twice.
    post(client, f"/events/{upcoming}/follow-up")
    with app.app_context():
        assert db.session.query(OutgoingMail).count() == 0
    move(app, upcoming, -5, 4)
    post(client, f"/events/{upcoming}/follow-up")
    post(client, f"/events/{upcoming}/follow-up")
    with app.app_context():
        mails = db.session.scalars(db.select(OutgoingMail)).all()
        assert len(mails) == 1 and mails[0].to_address == "sme@company.example.cn"
        assert "可降解冠状动脉支架许可" in mails[0].body
        assert f"/listings/{listing.id}?via=event&event={upcoming}" in mails[0].body
        assert db.session.get(Event, upcoming).follow_up_sent_at is not None
    assert 'id="follow-up-sent"' in client.get(f"/events/{upcoming}").get_data(as_text=True)
    auth.logout()

    # The link in the mail files a request naming the event, through the "event" channel.
    auth.login(sme_user.email)
    query = f"?via=event&event={upcoming}"
    assert f"/listings/{listing.id}/request{query}".replace("&", "&amp;") in \
        client.get(f"/listings/{listing.id}{query}").get_data(as_text=True)
    response = post(client, f"/listings/{listing.id}/request{query}",
                    {"mode": "ordinary", "intended_use": "生产", "event_id": str(upcoming)})
    assert response.status_code == 302
    with app.app_context():
        from portal.models import LicenceRequest

        item = db.session.scalar(db.select(LicenceRequest))
        assert (item.channel, item.event_id) == ("event", upcoming)


def test_cancel_before_the_event_and_not_after(client, auth, app, upcoming, listing, sme_user):
    auth.login(sme_user.email)
    post(client, f"/events/{upcoming}/register", {"people": "1"})
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    assert 'id="cancel-registration"' in page and "data-confirm" in page
    assert post(client, f"/events/{upcoming}/registration/cancel").status_code == 302
    assert registration(app, upcoming, sme_user.org_id) is None
    post(client, f"/events/{upcoming}/register", {"people": "1"})
    set_event(app, upcoming, starts_at=datetime.now(UTC) - timedelta(minutes=1))
    post(client, f"/events/{upcoming}/registration/cancel")
    assert registration(app, upcoming, sme_user.org_id) is not None
    # Registration is closed once the event has started.
    response = client.get(f"/events/{upcoming}/register")
    assert response.status_code == 302


def test_capacity_is_never_exceeded(client, auth, app, make, upcoming, sme_user, other_sme):
    set_event(app, upcoming, capacity=4)
    auth.login(sme_user.email)
    post(client, f"/events/{upcoming}/register", {"people": "3"})
    auth.logout()
    auth.login(other_sme.email)
    post(client, "/language", {"lang": "en", "next": "/"})
    response = post(client, f"/events/{upcoming}/register", {"people": "2"})
    assert response.status_code == 400 and "Only 1 place is left" in response.get_data(as_text=True)
    assert registration(app, upcoming, other_sme.org_id) is None
    assert post(client, f"/events/{upcoming}/register", {"people": "1"}).status_code == 302
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    assert 'id="my-registration"' in page
    auth.logout()
    auth.login(sme_user.email)
    post(client, "/language", {"lang": "en", "next": "/"})
    # Changing its own registration does not count its own places twice; growing past the limit is refused.
    assert post(client, f"/events/{upcoming}/register", {"people": "3"}).status_code == 302
    response = post(client, f"/events/{upcoming}/register", {"people": "4"})
    assert "Only 3 places are left" in response.get_data(as_text=True)
    auth.logout()
    auth.login(make.user("sme_member").email)
    post(client, "/language", {"lang": "en", "next": "/"})
    assert "This event is full" in post(client, f"/events/{upcoming}/register", {"people": "1"}).get_data(as_text=True)


@pytest.mark.parametrize("data", [{"people": "0"}, {"people": "51"}, {"people": "abc"}, {"people": "9" * 40},
                                  {"people": "1", "listings": ["999999"]}, {"people": "1", "listings": ["abc"]},
                                  {"people": "1", "note": "长" * 1001}])
def test_bad_input_saves_nothing(client, auth, app, upcoming, sme_user, data):
    auth.login(sme_user.email)
    response = post(client, f"/events/{upcoming}/register", data)
    assert response.status_code == 400
    assert 'invalid-feedback' in response.get_data(as_text=True) or 'alert-danger' in response.get_data(as_text=True)
    assert registration(app, upcoming, sme_user.org_id) is None


def test_access(client, auth, app, upcoming, sme_user, other_sme, centre_staff, other_centre_staff, listing):
    auth.login(sme_user.email)
    post(client, f"/events/{upcoming}/register", {"people": "2", "listings": [str(listing.id)], "note": "机密备注"})
    r = registration(app, upcoming, sme_user.org_id)
    # An SME sees only its own registration; it cannot check in, export or follow up.
    for url in (f"/events/{upcoming}/check-in", f"/events/{upcoming}/registrations.xlsx"):
        assert client.get(url).status_code in (403, 404)
    assert post(client, f"/events/{upcoming}/check-in/{r.id}").status_code in (403, 404)
    auth.logout()
    auth.login(other_sme.email)
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    assert "机密备注" not in page and "my-registration" not in page
    assert post(client, f"/events/{upcoming}/registration/cancel").status_code == 302
    assert registration(app, upcoming, sme_user.org_id) is not None
    auth.logout()
    # A centre whose listings nobody named sees nobody; centres never check in at another's event.
    auth.login(other_centre_staff.email)
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    assert "coming-for-my-listings" not in page and "机密备注" not in page
    assert client.get(f"/events/{upcoming}/check-in").status_code == 404
    assert post(client, f"/events/{upcoming}/check-in/{r.id}").status_code == 404
    assert post(client, f"/events/{upcoming}/follow-up").status_code == 404
    auth.logout()
    auth.login(centre_staff.email)
    page = client.get(f"/events/{upcoming}").get_data(as_text=True)
    assert "coming-for-my-listings" in page and "机密备注" not in page
    assert client.get(f"/events/{upcoming}/registrations.xlsx").status_code == 404
    # Centre staff cannot register.
    assert client.get(f"/events/{upcoming}/register").status_code == 403


def test_check_in_of_another_events_registration_is_404(client, auth, app, organiser, upcoming, sme_user, listing):
    other_event = make_event(app, organiser.org_id, starts=datetime.now(UTC) + timedelta(days=9), title="另一场")
    auth.login(sme_user.email)
    post(client, f"/events/{other_event}/register", {"people": "1"})
    r = registration(app, other_event, sme_user.org_id)
    auth.logout()
    auth.login(organiser.email)
    assert post(client, f"/events/{upcoming}/check-in/{r.id}").status_code == 404


def test_follow_up_needs_attendees(client, auth, app, organiser, upcoming):
    move(app, upcoming, -5, 4)
    auth.login(organiser.email)
    post(client, "/language", {"lang": "en", "next": "/"})
    response = post(client, f"/events/{upcoming}/follow-up", follow_redirects=True)
    assert "Nobody was checked in" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, upcoming).follow_up_sent_at is None


def test_event_form_sets_capacity_and_rejects_bad_values(client, auth, app, organiser, upcoming):
    from tests.test_events import FORM

    auth.login(organiser.email)
    for bad in ("0", "-3", "abc", "9" * 30):
        response = post(client, f"/events/{upcoming}/edit", {**FORM, "capacity": bad})
        assert response.status_code == 400
    post(client, f"/events/{upcoming}/edit", {**FORM, "capacity": "30"})
    with app.app_context():
        assert db.session.get(Event, upcoming).capacity == 30
