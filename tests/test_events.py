"""Events: recorded through the UI by organisers and centres, refusals, who may edit, the public
list and page, what came of an event, and the iCalendar files."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Deal, Event, EventAttendance, Organisation, User
from tests.conftest import post

FORM = {"kind": "matchmaking", "title": "心血管器械专利对接会", "starts_at": "2030-05-10T14:00",
        "ends_at": "2030-05-10T17:00", "place": "徐汇区示例路 100 号", "online_url": "", "attendance": "",
        "notes": "现场交流"}


@pytest.fixture
def listing(make, centre):
    return make.listing(centre, [make.patent(centre)], title="可降解冠状动脉支架许可")


@pytest.fixture
def other_listing(make):
    other = make.org("centre", code="renji-ip")
    return make.listing(other, [make.patent(other)], title="新生儿黄疸检测装置许可")


def english(client) -> None:
    """Messages are checked in English: the msgids, whatever the catalogue says."""
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def count(app, model, **where) -> int:
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def event_audit(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.kind).where(AuditEntry.target_type == "events")
                                       .order_by(AuditEntry.id)))


def make_event(app, organiser_org_id: int, *, starts: datetime, hours: int = 3, title: str = "路演",
               listing_ids=(), kind: str = "roadshow", **fields) -> int:
    """An event written through the operation, in its own app context."""
    from portal.events.operations import EventData, create_event

    with app.app_context():
        event = create_event(db.session.get(Organisation, organiser_org_id), EventData(
            kind=kind, title=title, starts_at=starts, ends_at=starts + timedelta(hours=hours),
            place=fields.pop("place", "会议中心"), listing_ids=list(listing_ids), **fields), actor=None)
        db.session.commit()
        return event.id


# ---------------------------------------------------------------- recording through the UI

def test_organiser_records_an_event(client, auth, app, make, organiser, centre, listing, other_listing):
    make.org("enterprise", code="kangxu")
    auth.login(organiser.email)
    assert client.get("/events/new").status_code == 200
    response = post(client, "/events/new", {
        **FORM, "online_url": "https://live.example.org/fair", "listings": [str(listing.id), str(other_listing.id)],
        "attendance": f"{centre.code}, 3\n\n  KANGXU，12  \n"})
    event_id = created_id(response)
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.organiser_id == organiser.org_id
        assert event.created_by_id == organiser.id
        # entered as Shanghai time, stored as UTC
        assert event.starts_at == datetime(2030, 5, 10, 6, 0, tzinfo=UTC)
        assert event.ends_at == datetime(2030, 5, 10, 9, 0, tzinfo=UTC)
        assert {x.id for x in event.listings} == {listing.id, other_listing.id}
        assert {a.organisation.code: a.headcount for a in event.attendances} == {"ruijin-ip": 3, "kangxu": 12}
        assert event.headcount == 15
    assert event_audit(app) == ["event.created"]
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "心血管器械专利对接会" in page and "2030-05-10 14:00" in page and "17:00" in page
    assert "可降解冠状动脉支架许可" in page and "新生儿黄疸检测装置许可" in page
    assert 'id="edit-event"' in page
    assert f'href="/events/{event_id}/edit"' in page


def test_centre_staff_records_and_edits_their_centres_event(client, auth, app, make, centre, centre_staff, listing):
    auth.login(centre_staff.email)
    event_id = created_id(post(client, "/events/new", {**FORM, "kind": "training", "listings": [str(listing.id)]}))
    with app.app_context():
        assert db.session.get(Event, event_id).organiser_id == centre.id
    form = client.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert 'value="2030-05-10T14:00"' in form  # shown again in Shanghai time
    assert "心血管器械专利对接会" in form
    enterprise = make.org("enterprise", code="shenrui")
    response = post(client, f"/events/{event_id}/edit", {
        **FORM, "kind": "training", "title": "专利许可实务培训", "ends_at": "2030-05-10T18:30",
        "listings": [str(listing.id)], "attendance": f"{enterprise.code}, 20"})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.title == "专利许可实务培训"
        assert event.ends_at == datetime(2030, 5, 10, 10, 30, tzinfo=UTC)
        assert [a.organisation.code for a in event.attendances] == ["shenrui"]
        assert event.sequence == 1
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "event.updated"))
        assert set(entry.data) == {"title", "ends_at", "attendance"}
        assert entry.actor_id == centre_staff.id
    # saving the same values again changes nothing and writes nothing
    post(client, f"/events/{event_id}/edit", {
        **FORM, "kind": "training", "title": "专利许可实务培训", "ends_at": "2030-05-10T18:30",
        "listings": [str(listing.id)], "attendance": f"{enterprise.code}, 20"})
    assert event_audit(app) == ["event.created", "event.updated"]


def test_attendance_accepts_credit_code_and_full_name(client, auth, app, make, organiser):
    make.org("enterprise", code="e-a", credit_code="91310000DEMX000017", name_zh="上海康序生物（示例）")
    make.org("enterprise", code="e-b", name_zh="上海影智医疗，软件（示例）")
    auth.login(organiser.email)
    event_id = created_id(post(client, "/events/new", {
        **FORM, "attendance": "91310000demx000017, 2\n上海影智医疗，软件（示例）；５"}))
    with app.app_context():
        codes = {a.organisation.code: a.headcount for a in db.session.get(Event, event_id).attendances}
    assert codes == {"e-a": 2, "e-b": 5}


BAD_LINK = "The online link must be a web address starting with http://"
REFUSALS = [
    ({"ends_at": "2030-05-10T13:00"}, "The event must end after it starts.", "ends_at"),
    ({"ends_at": "2030-05-10T14:00"}, "The event must end after it starts.", "ends_at"),
    ({"place": "", "online_url": ""}, "Give a place or an online link (or both).", "place"),
    ({"online_url": "javascript:alert(1)"}, BAD_LINK, "online_url"),
    ({"online_url": "ftp://files.example.org/x"}, BAD_LINK, "online_url"),
    ({"online_url": "https://"}, BAD_LINK, "online_url"),
    ({"attendance": "ruijin-ip, 2\nno-such-org, 3"},
     "Line 2: no organisation has the code, credit code or name “no-such-org”.", "attendance"),
    ({"attendance": "ruijin-ip, many"}, "Line 1: the number of people must be a whole number from 1 to", "attendance"),
    ({"attendance": "ruijin-ip, 2\nRUIJIN-IP, 1"}, "Line 2: 示例医院知识产权运营中心 is listed twice.", "attendance"),
    ({"kind": "banquet"}, "Unknown event kind.", "kind"),
    ({"title": "   "}, "The title is empty.", "title"),
]


@pytest.mark.parametrize(("changes", "message", "field"), REFUSALS)
def test_refusals_save_nothing(client, auth, app, centre, organiser, changes, message, field):
    english(client)
    auth.login(organiser.email)
    response = post(client, "/events/new", {**FORM, **changes})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    # the message sits under its field
    assert re.search(rf'id="{field}".*?{re.escape(message[:30])}', page, re.DOTALL)
    assert count(app, Event) == 0 and count(app, EventAttendance) == 0
    assert event_audit(app) == []


def test_refusal_on_edit_changes_nothing(client, auth, app, organiser):
    event_id = make_event(app, organiser.org_id, starts=datetime(2030, 6, 1, 2, tzinfo=UTC), title="原标题")
    english(client)
    auth.login(organiser.email)
    response = post(client, f"/events/{event_id}/edit", {**FORM, "title": "新标题", "online_url": "ftp://x.org"})
    assert response.status_code == 400 and "http://" in text(response)
    with app.app_context():
        assert db.session.get(Event, event_id).title == "原标题"
    assert event_audit(app) == ["event.created"]


def test_only_published_listings_are_offered(client, auth, app, make, centre, organiser, listing):
    draft = make.listing(centre, [make.patent(centre)], publish=False, title="草稿许可信息")
    auth.login(organiser.email)
    assert "草稿许可信息" not in client.get("/events/new").get_data(as_text=True)
    response = post(client, "/events/new", {**FORM, "listings": [str(draft.id)]})
    assert response.status_code == 400
    assert count(app, Event) == 0


# ---------------------------------------------------------------- who may do what

@pytest.fixture
def organisers_event(app, organiser):
    return make_event(app, organiser.org_id, starts=datetime(2030, 6, 1, 2, tzinfo=UTC), title="原标题")


@pytest.mark.parametrize("who", ["other_organiser", "centre_staff"])
def test_other_organisations_get_404_on_edit(client, auth, app, make, organisers_event, centre_staff, who):
    user = make.user("organiser") if who == "other_organiser" else centre_staff
    auth.login(user.email)
    assert client.get(f"/events/{organisers_event}/edit").status_code == 404
    assert post(client, f"/events/{organisers_event}/edit", {**FORM, "title": "改掉"}).status_code == 404
    assert 'id="edit-event"' not in client.get(f"/events/{organisers_event}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, organisers_event).title == "原标题"


def test_colleague_in_the_same_organisation_may_edit(client, auth, make, organiser, organisers_event):
    colleague = make.user("organiser", org=make_ref(organiser))
    auth.login(colleague.email)
    assert client.get(f"/events/{organisers_event}/edit").status_code == 200


def make_ref(user):
    from tests.conftest import Ref

    return Ref(id=user.org_id, code=user.org_code)


@pytest.mark.parametrize("role", ["sme_member", "exchange_operator"])
def test_roles_without_manage_events_get_403(client, auth, app, make, organisers_event, role):
    auth.login(make.user(role).email)
    assert client.get("/events/new").status_code == 403
    assert post(client, "/events/new", FORM).status_code == 403
    assert client.get(f"/events/{organisers_event}/edit").status_code == 403
    assert count(app, Event) == 1
    assert 'id="new-event"' not in client.get("/events").get_data(as_text=True)


def test_anonymous_is_sent_to_log_in(client, organisers_event):
    assert client.get("/events/new").status_code == 302
    assert client.get(f"/events/{organisers_event}/edit").status_code == 302


def test_unknown_event_is_404(client):
    for path in ("/events/999", "/events/999.ics"):
        assert client.get(path).status_code == 404


# ---------------------------------------------------------------- public list and page

def test_anonymous_sees_list_and_page(client, app, make, organiser, centre, listing):
    enterprise = make.org("enterprise", code="kangxu", name_zh="上海康序生物医药（示例）")
    from portal.events.operations import Attendee

    event_id = make_event(app, organiser.org_id, starts=datetime.now(UTC) + timedelta(days=3), title="儿科器械路演",
                          listing_ids=[listing.id], online_url="https://live.example.org/r",
                          attendees=[Attendee("kangxu", 4, 1), Attendee(centre.code, 2, 2)])
    nav = client.get("/").get_data(as_text=True)
    assert 'href="/events"' in nav
    listing_page = client.get("/events").get_data(as_text=True)
    assert "儿科器械路演" in listing_page and 'href="/events.ics"' in listing_page
    assert 'id="new-event"' not in listing_page
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "儿科器械路演" in page and "可降解冠状动脉支架许可" in page and "https://live.example.org/r" in page
    assert 'id="edit-event"' not in page
    # the public sees how many came, not who
    assert enterprise.code not in page and "上海康序生物医药" not in page
    assert re.search(r'id="attendance-totals">\s*2\D.*?6\D', page, re.DOTALL)


def test_upcoming_and_past_are_split(client, app, organiser):
    now = datetime.now(UTC)
    old = make_event(app, organiser.org_id, starts=now - timedelta(days=40), title="去年的对接会")
    recent = make_event(app, organiser.org_id, starts=now - timedelta(days=2), title="上周的培训")
    running = make_event(app, organiser.org_id, starts=now - timedelta(hours=1), title="正在进行的路演")
    soon = make_event(app, organiser.org_id, starts=now + timedelta(days=1), title="明天的对接会")
    later = make_event(app, organiser.org_id, starts=now + timedelta(days=30), title="下月的路演")
    page = client.get("/events").get_data(as_text=True)
    upcoming, past = page.split('id="past"')
    order = [m for m in re.findall(r'id="event-(\d+)"', upcoming)]
    assert order == [str(running), str(soon), str(later)]  # soonest first, running ones included
    assert re.findall(r'id="event-(\d+)"', past) == [str(recent), str(old)]  # latest first


def test_past_events_are_paged(client, app, organiser):
    from portal.events.views import PAST_PER_PAGE

    start = datetime(2024, 1, 1, 2, tzinfo=UTC)
    for n in range(PAST_PER_PAGE + 1):
        make_event(app, organiser.org_id, starts=start + timedelta(days=n), title=f"往期活动{n}")
    assert "往期活动0" not in client.get("/events").get_data(as_text=True)
    assert "往期活动0" in client.get("/events?page=2").get_data(as_text=True)
    assert client.get("/events?page=abc").status_code == 200


# ---------------------------------------------------------------- what came of it

@pytest.fixture
def event_with_outcomes(app, make, organiser, centre, centre_staff, listing, sme_user):
    """An event with one request filed from it (through the operation) and one deal naming it."""
    from portal.requests.operations import RequestData, file_request

    event_id = make_event(app, organiser.org_id, starts=datetime.now(UTC) - timedelta(days=5), title="对接会成果",
                          listing_ids=[listing.id])
    make_event(app, organiser.org_id, starts=datetime.now(UTC) - timedelta(days=6), title="另一场活动")
    with app.app_context():
        from portal.models import Listing

        item = file_request(db.session.get(Listing, listing.id), db.session.get(User, sme_user.id),
                            RequestData(mode="ordinary", intended_use="心内科", event_id=event_id))
        deal = Deal(listing_id=listing.id, licensor_id=centre.id, licensee_id=sme_user.org_id, kind="licence",
                    licence_type="ordinary", effective_date=date.today(), event_id=event_id)
        db.session.add(deal)
        db.session.commit()
        return {"event": event_id, "request": item.id, "deal": deal.id}


def outcome_counts(page: str) -> tuple[int, int]:
    requests = re.search(r'id="request-count">(\d+)', page)
    deals = re.search(r'id="deal-count">(\d+)', page)
    return int(requests.group(1)), int(deals.group(1))


def test_public_page_shows_counts_only(client, event_with_outcomes):
    page = client.get(f"/events/{event_with_outcomes['event']}").get_data(as_text=True)
    assert outcome_counts(page) == (1, 1)
    assert 'id="event-requests"' not in page and 'id="event-deals"' not in page


def test_organiser_sees_the_list(client, auth, organiser, sme_user, event_with_outcomes):
    auth.login(organiser.email)
    page = client.get(f"/events/{event_with_outcomes['event']}").get_data(as_text=True)
    assert outcome_counts(page) == (1, 1)
    requests = re.search(r'id="event-requests">(.*?)</ul>', page, re.DOTALL).group(1)
    assert f"#{event_with_outcomes['request']}" in requests and "测试机构" in requests
    # the organiser cannot open the request itself, so no link is offered
    assert f"/requests/{event_with_outcomes['request']}" not in requests
    assert f"#{event_with_outcomes['deal']}" in page


@pytest.mark.parametrize("who", ["sme_user", "centre_staff"])
def test_parties_see_and_open_their_own(client, auth, request, event_with_outcomes, who):
    auth.login(request.getfixturevalue(who).email)
    page = client.get(f"/events/{event_with_outcomes['event']}").get_data(as_text=True)
    assert f'href="/requests/{event_with_outcomes["request"]}"' in page
    assert f'href="/deals/{event_with_outcomes["deal"]}"' in page
    assert client.get(f"/requests/{event_with_outcomes['request']}").status_code == 200


def test_other_enterprise_sees_counts_only(client, auth, other_sme, event_with_outcomes):
    auth.login(other_sme.email)
    page = client.get(f"/events/{event_with_outcomes['event']}").get_data(as_text=True)
    assert outcome_counts(page) == (1, 1)
    assert 'id="event-requests"' not in page and 'id="event-deals"' not in page


def test_event_choices_for_a_request(app, make, organiser, centre, listing, other_listing, sme_user):
    from portal.errors import OperationError
    from portal.events.operations import Attendee, event_choices_for, event_for_request
    from portal.models import Listing

    now = datetime.now(UTC)
    presented = make_event(app, organiser.org_id, starts=now - timedelta(days=10), title="展示过",
                           listing_ids=[listing.id])
    attended = make_event(app, organiser.org_id, starts=now - timedelta(days=20), title="企业到场",
                          listing_ids=[listing.id], attendees=[Attendee(sme_user.org_code, 2, 1)])
    upcoming = make_event(app, organiser.org_id, starts=now + timedelta(days=7), title="即将举行",
                          listing_ids=[listing.id])
    make_event(app, organiser.org_id, starts=now - timedelta(days=400), title="太久以前", listing_ids=[listing.id])
    make_event(app, organiser.org_id, starts=now + timedelta(days=90), title="太远", listing_ids=[listing.id])
    elsewhere = make_event(app, organiser.org_id, starts=now - timedelta(days=3), title="别的许可信息",
                           listing_ids=[other_listing.id])
    with app.test_request_context():
        user = db.session.get(User, sme_user.id)
        offered = event_choices_for(user, db.session.get(Listing, listing.id))
        assert [event_id for event_id, _ in offered] == [attended, upcoming, presented]
        assert "企业到场" in offered[0][1]
        assert {e for e, _ in event_choices_for(user)} == {attended, upcoming, presented, elsewhere}
        assert event_for_request(presented, user, db.session.get(Listing, listing.id)).id == presented
        assert event_for_request(None, user) is None
        with pytest.raises(OperationError):
            event_for_request(elsewhere, user, db.session.get(Listing, listing.id))


# ---------------------------------------------------------------- iCalendar

def unfold(body: bytes) -> list[str]:
    """The content lines of an iCalendar body, after checking its physical lines."""
    assert body.endswith(b"\r\n")
    physical = body.split(b"\r\n")[:-1]
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, "bare line break"
        assert len(line) <= 75, f"line of {len(line)} octets"
        line.decode("utf-8")  # folding never cuts a character
    lines: list[str] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            lines[-1] += line[1:].decode("utf-8")
        else:
            lines.append(line.decode("utf-8"))
    return lines


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_ics(body: bytes) -> list[dict[str, str]]:
    """Each VEVENT as {property name: raw value}; checks that BEGIN and END pair up."""
    events, current, stack = [], None, []
    for line in unfold(body):
        name, _, value = line.partition(":")
        name = name.split(";")[0]
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                events.append(current)
                current = None
        elif current is not None:
            current[name] = value
    assert stack == []
    return events


NOTES = "第一行：议程, 签到; 路径 C:\\会场\n第二行" + "，很长的中文说明" * 12


def test_event_ics(client, app, organiser):
    app.config["EVENTS_UID_AUTHORITY"] = "events.portal.example"
    starts = datetime(2030, 5, 10, 6, 0, tzinfo=UTC)
    event_id = make_event(app, organiser.org_id, starts=starts, title="上海医疗卫生专利技术对接会" * 4,
                          place="会议中心，三楼; 多功能厅", notes=NOTES, online_url="https://live.example.org/a?b=1,2")
    response = client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.data
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nVERSION:2.0\r\n" in body and b"PRODID:" in body
    assert any(len(line.encode()) > 75 for line in unfold(body)), "a long line was folded"
    (event,) = parse_ics(body)
    assert event["UID"] == f"event-{event_id}@events.portal.example"
    assert event["DTSTART"] == "20300510T060000Z" and event["DTEND"] == "20300510T090000Z"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert unescape(event["SUMMARY"]) == "上海医疗卫生专利技术对接会" * 4
    assert unescape(event["LOCATION"]) == "会议中心，三楼; 多功能厅"
    assert event["URL"] == f"http://localhost/events/{event_id}"
    description = unescape(event["DESCRIPTION"])
    assert NOTES in description and "https://live.example.org/a?b=1,2" in description
    assert "\\," in event["DESCRIPTION"] and "\\;" in event["DESCRIPTION"] and "\\\\" in event["DESCRIPTION"]
    assert "\\n" in event["DESCRIPTION"]
    # rendering again gives the same calendar, and an ETag for subscribers
    again = client.get(f"/events/{event_id}.ics")
    assert again.data == body and again.headers["ETag"]
    assert client.get(f"/events/{event_id}.ics", headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_uid_stays_and_sequence_moves_on_edit(client, auth, app, organiser):
    event_id = make_event(app, organiser.org_id, starts=datetime(2030, 5, 10, 6, tzinfo=UTC))
    (before,) = parse_ics(client.get(f"/events/{event_id}.ics").data)
    auth.login(organiser.email)
    assert post(client, f"/events/{event_id}/edit", {**FORM, "title": "改期后的路演"}).status_code == 302
    (after,) = parse_ics(client.get(f"/events/{event_id}.ics").data)
    assert after["UID"] == before["UID"] == f"event-{event_id}@portal.local"
    assert (before["SEQUENCE"], after["SEQUENCE"]) == ("0", "1")
    assert after["DTSTART"] == "20300510T060000Z" and unescape(after["SUMMARY"]) == "改期后的路演"


def test_calendar_has_every_event(client, app, make, organiser, centre):
    now = datetime.now(UTC)
    ids = [make_event(app, organiser.org_id, starts=now - timedelta(days=60), title="往期"),
           make_event(app, centre.id, starts=now + timedelta(days=2), title="近期"),
           make_event(app, organiser.org_id, starts=now + timedelta(days=200), title="远期")]
    response = client.get("/events.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse_ics(response.data)
    assert [e["UID"] for e in events] == [f"event-{i}@portal.local" for i in ids]
    assert b"BEGIN:VTIMEZONE" in response.data


def test_empty_calendar_is_still_valid(client):
    body = client.get("/events.ics").data
    assert parse_ics(body) == []
    assert b"BEGIN:VTIMEZONE" in body and body.endswith(b"END:VCALENDAR\r\n")


def test_fold_and_escape():
    from portal.events.ics import escape_text, fold

    assert escape_text("a,b;c\\d\ne\r\nf\x00") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "DESCRIPTION:" + "医" * 60 + "x" * 30
    folded = fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert all(part.startswith(" ") for part in folded[1:])
    assert "".join([folded[0], *(p[1:] for p in folded[1:])]) == line
    assert fold("SHORT:x") == "SHORT:x"
    assert fold("X:" + "a" * 73) == "X:" + "a" * 73  # exactly 75 octets: not folded


# ---------------------------------------------------------------- demo data

def test_demo_events(app):
    from portal.demo import events as demo
    from portal.demo import load_demo

    with app.app_context():
        messages: list[str] = []
        load_demo(echo=messages.append)
        demo.load(messages.append)
        demo.load(messages.append)  # idempotent
        events = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
        assert len(events) == 2
        now = datetime.now(UTC)
        assert events[0].ends_at < now < events[1].starts_at
        assert all(e.listings for e in events) and events[0].attendances
