"""Event operations: each validates, changes, writes the audit log and flushes. The caller commits.

Also the queries other areas need: upcoming and past events, what came of an event, and which
events an enterprise may name when it files a request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_

from portal import audit
from portal.errors import OperationError, OperationErrors
from portal.extensions import db
from portal.inputs import MAX_DB_INT
from portal.labels import EVENT_KIND_LABELS
from portal.models import (
    EVENT_KINDS,
    Deal,
    Event,
    EventAttendance,
    LicenceRequest,
    Listing,
    Organisation,
    User,
    event_listings,
)
from portal.permissions import role_has
from portal.requests.access import can_see_request
from portal.timefmt import local_time

MAX_HEADCOUNT = 10_000
# An enterprise may name an event that started up to this long ago, or starts within AHEAD.
RECENT = timedelta(days=180)
AHEAD = timedelta(days=30)
# A centre recording a deal may name an event held up to this long ago (deals take time to negotiate).
DEAL_LOOKBACK = timedelta(days=730)

# "code, headcount": the last comma (ASCII or full-width), semicolon or tab splits the line, so
# an organisation's name may itself contain commas.
_ATTENDANCE_LINE = re.compile(r"^(?P<ref>.+?)\s*[,，;；\t]\s*(?P<count>[^,，;；\t]*)$")


@dataclass
class Attendee:
    """One line of the attendance list: an organisation as typed (code, credit code or full name)."""

    reference: str
    headcount: int
    line: int = 0


@dataclass
class EventData:
    kind: str
    title: str
    starts_at: datetime | None  # timezone-aware; None only when checking a form whose time did not parse
    ends_at: datetime | None
    place: str = ""
    online_url: str = ""
    listing_ids: list[int] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    notes: str = ""
    capacity: int | None = None  # places for sign-up (portal/events/registrations.py); None: no limit
    # Problems already found while reading the form (attendance lines), reported with the rest.
    problems: list[OperationError] = field(default_factory=list)


# ---------------------------------------------------------------- access

def can_manage_event(user, event: Event) -> bool:
    """Only the organiser organisation's people holding ``manage_events`` change an event."""
    return bool(user is not None and user.is_authenticated and role_has(user.role, "manage_events")
                and event.organiser_id == user.organisation_id)


# ---------------------------------------------------------------- parsing

def read_attendance(text: str) -> tuple[list[Attendee], list[OperationError]]:
    """Read "organisation, headcount" lines (blank lines are skipped): the attendees, and a
    problem for every line that cannot be read, so the form lists them all at once."""
    attendees, problems = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _ATTENDANCE_LINE.match(line)
        if match is None:
            problems.append(OperationError(_(
                "Line %(line)d: write the organisation's code, a comma and the number of people, for example "
                "“%(example)s”.", line=number, example="ruijin-ip, 3"), field="attendance"))
            continue
        count = unicodedata.normalize("NFKC", match["count"]).strip()  # full-width digits from a Chinese IME
        if not count.isascii() or not count.isdigit() or not 1 <= int(count) <= MAX_HEADCOUNT:
            problems.append(OperationError(_("Line %(line)d: the number of people must be a whole number from 1 "
                                             "to %(max)d.", line=number, max=MAX_HEADCOUNT), field="attendance"))
            continue
        attendees.append(Attendee(reference=match["ref"].strip(), headcount=int(count), line=number))
    return attendees, problems


def attendance_text(event: Event) -> str:
    """The attendance list as the form shows it, one "code, headcount" per line."""
    return "\n".join(f"{a.organisation.code}, {a.headcount}" for a in event.attendances)


def find_organisation(reference: str) -> list[Organisation]:
    """Organisations whose code, credit code or full name (Chinese or English) is ``reference``."""
    ref = reference.strip()
    return list(db.session.scalars(db.select(Organisation).where(or_(
        func.lower(Organisation.code) == ref.lower(), Organisation.credit_code == ref.upper(),
        Organisation.name_zh == ref, Organisation.name_en == ref)).limit(3)))


# ---------------------------------------------------------------- create / update

def _clean_url(url: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise OperationError(_("The online link must be a web address starting with http:// or https://."),
                             field="online_url")
    if len(url) > 500:
        raise OperationError(_("The online link is too long."), field="online_url")
    return url


def _resolve_listings(event: Event | None, ids: list[int], problems: list[OperationError]) -> list[Listing]:
    """Published listings of any centre; a listing presented earlier stays even if withdrawn since."""
    ids = list(dict.fromkeys(ids))
    if any(not 0 < i <= MAX_DB_INT for i in ids):  # no such listing; the database would refuse the number
        problems.append(OperationError(_("Only published listings can be presented."), field="listings"))
        return []
    already = {x.id for x in event.listings} if event is not None else set()
    listings = {x.id: x for x in db.session.scalars(db.select(Listing).where(Listing.id.in_(ids)))} if ids else {}
    for listing_id in ids:
        listing = listings.get(listing_id)
        if listing is None or (listing.status != "published" and listing_id not in already):
            problems.append(OperationError(_("Only published listings can be presented."), field="listings"))
            return []
    return [listings[i] for i in ids]


def _resolve_attendees(attendees: list[Attendee], problems: list[OperationError]) -> list[tuple[Organisation, int]]:
    resolved: dict[int, tuple[Organisation, int]] = {}
    for attendee in attendees:
        found = find_organisation(attendee.reference)
        if not found:
            problems.append(OperationError(_("Line %(line)d: no organisation has the code, credit code or name "
                                             "“%(ref)s”.", line=attendee.line, ref=attendee.reference[:100]),
                                           field="attendance"))
        elif len(found) > 1:
            problems.append(OperationError(_("Line %(line)d: “%(ref)s” matches several organisations; give its "
                                             "code.", line=attendee.line, ref=attendee.reference[:100]),
                                           field="attendance"))
        elif found[0].id in resolved:
            problems.append(OperationError(_("Line %(line)d: %(name)s is listed twice.", line=attendee.line,
                                             name=found[0].display_name(str(get_locale()))), field="attendance"))
        else:
            resolved[found[0].id] = (found[0], attendee.headcount)
    return list(resolved.values())


def _validate(data: EventData, problems: list[OperationError]) -> tuple[str | None, str | None]:
    """Check the event's own fields, adding every problem to ``problems``; the place and link to store."""
    if data.kind not in EVENT_KINDS:
        problems.append(OperationError(_("Unknown event kind."), field="kind"))
    if not (data.title or "").strip():
        problems.append(OperationError(_("The title is empty."), field="title"))
    elif len(data.title.strip()) > 300:
        problems.append(OperationError(_("The title is too long."), field="title"))
    if data.starts_at is not None and data.ends_at is not None:
        if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
            raise ValueError("event times must be timezone-aware")
        if data.ends_at <= data.starts_at:
            problems.append(OperationError(_("The event must end after it starts."), field="ends_at"))
    place = (data.place or "").strip()[:300] or None
    url = None
    try:
        url = _clean_url(data.online_url)
    except OperationError as exc:
        problems.append(exc)
    if place is None and not (data.online_url or "").strip():
        problems.append(OperationError(_("Give a place or an online link (or both)."), field="place"))
    return place, url


def event_problems(event: Event | None, data: EventData) -> list[OperationError]:
    """Every problem of ``data`` for ``event`` (None: a new one), changing nothing: a form whose
    own checks failed lists these too, so the user corrects everything in one round."""
    problems = list(data.problems)
    _validate(data, problems)
    _resolve_listings(event, data.listing_ids, problems)
    _resolve_attendees(data.attendees, problems)
    return problems


def _apply(event: Event, data: EventData) -> None:
    if data.starts_at is None or data.ends_at is None:
        raise ValueError("an event needs its start and end")
    problems = list(data.problems)
    place, url = _validate(data, problems)
    listings = _resolve_listings(event, data.listing_ids, problems)
    attendees = _resolve_attendees(data.attendees, problems)
    if problems:
        raise OperationErrors(problems)
    event.kind = data.kind
    event.title = data.title.strip()
    event.starts_at = data.starts_at.astimezone(UTC)
    event.ends_at = data.ends_at.astimezone(UTC)
    event.place, event.online_url = place, url
    event.notes = (data.notes or "").strip()
    event.capacity = data.capacity
    event.listings = listings
    # Keep the rows of organisations that stay: a delete and re-insert of the same pair in one
    # flush would hit the unique constraint (inserts are flushed before deletes).
    kept = {a.organisation_id: a for a in event.attendances}
    rows = []
    for org, headcount in attendees:
        row = kept.get(org.id) or EventAttendance(organisation=org)
        row.headcount = headcount
        rows.append(row)
    event.attendances = rows


def _snapshot(event: Event) -> dict:
    return {
        "kind": event.kind, "title": event.title,
        "starts_at": event.starts_at.isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "place": event.place, "online_url": event.online_url, "notes": event.notes,
        "listings": [x.id for x in event.listings], "capacity": event.capacity,
        "attendance": {a.organisation.code: a.headcount for a in event.attendances},
    }


def create_event(organiser: Organisation, data: EventData, actor: User | None) -> Event:
    """Record an event organised by ``organiser`` (the creator's own organisation)."""
    event = Event(organiser=organiser, created_by_id=actor.id if actor is not None else None, sequence=0)
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    audit.record("event.created", f"event {event.id} {event.title[:80]}", target=event, actor=actor,
                 data=_snapshot(event))
    return event


def update_event(event: Event, data: EventData, actor: User | None) -> list[str]:
    """Change an event; returns the names of what changed (nothing changed: nothing written)."""
    before = _snapshot(event)
    _apply(event, data)
    after = _snapshot(event)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        event.sequence = (event.sequence or 0) + 1
        event.updated_at = datetime.now(UTC)
        db.session.flush()
        audit.record("event.updated", f"event {event.id}: {', '.join(changed)}", target=event, actor=actor,
                     data={k: {"from": before[k], "to": after[k]} for k in changed})
    return changed


# ---------------------------------------------------------------- queries

def upcoming_events(now: datetime | None = None):
    """Events not yet over (running ones included), soonest first."""
    now = now or datetime.now(UTC)
    return db.select(Event).where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)


def past_events(now: datetime | None = None):
    """Events that are over, latest first."""
    now = now or datetime.now(UTC)
    return db.select(Event).where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())


@dataclass
class Outcomes:
    """What came of an event: counts for everyone, rows the viewer may see listed."""

    request_count: int
    agreed_count: int
    deal_count: int
    requests: list[LicenceRequest]
    deals: list[Deal]


def can_see_deal(user, deal: Deal) -> bool:
    """As the deal page decides: the licensee's members, and the licensor centre's deal recorders."""
    if not user.is_authenticated or user.organisation_id not in (deal.licensor_id, deal.licensee_id):
        return False
    return user.organisation_id != deal.licensor_id or role_has(user.role, "record_deals")


def event_outcomes(event: Event, user) -> Outcomes:
    """The requests and deals that name the event. Anonymous visitors get counts only; the
    organiser sees every row; anyone else the rows they could open anyway (their own requests,
    their centre's)."""
    count = func.count()
    request_count = db.session.scalar(db.select(count).select_from(LicenceRequest)
                                      .where(LicenceRequest.event_id == event.id))
    agreed_count = db.session.scalar(db.select(count).select_from(LicenceRequest)
                                     .where(LicenceRequest.event_id == event.id, LicenceRequest.status == "agreed"))
    deal_count = db.session.scalar(db.select(count).select_from(Deal).where(Deal.event_id == event.id))
    requests: list[LicenceRequest] = []
    deals: list[Deal] = []
    if user is not None and user.is_authenticated and (request_count or deal_count):
        organiser = can_manage_event(user, event)
        requests = [r for r in db.session.scalars(db.select(LicenceRequest).where(LicenceRequest.event_id == event.id)
                                                  .order_by(LicenceRequest.created_at, LicenceRequest.id))
                    if organiser or can_see_request(user, r)]
        deals = [d for d in db.session.scalars(db.select(Deal).where(Deal.event_id == event.id)
                                               .order_by(Deal.effective_date, Deal.id))
                 if organiser or can_see_deal(user, d)]
    return Outcomes(request_count, agreed_count, deal_count, requests, deals)


def event_label(event: Event) -> str:
    return f"{local_time(event.starts_at, 'yyyy-MM-dd')} {EVENT_KIND_LABELS[event.kind]} · {event.title}"


def _choosable_events(user, listing: Listing | None, now: datetime | None):
    now = now or datetime.now(UTC)
    query = db.select(Event).where(Event.starts_at >= now - RECENT, Event.starts_at <= now + AHEAD)
    if listing is not None:
        query = query.join(event_listings, event_listings.c.event_id == Event.id).where(
            event_listings.c.listing_id == listing.id)
    events = list(db.session.scalars(query.order_by(Event.starts_at.desc(), Event.id.desc())))
    if user is not None and user.is_authenticated:
        attended = set(db.session.scalars(db.select(EventAttendance.event_id).where(
            EventAttendance.organisation_id == user.organisation_id)))
        events.sort(key=lambda e: e.id not in attended)  # stable: attended first, each group newest first
    return events


def event_choices_for(user, listing: Listing | None = None, *, now: datetime | None = None) -> list[tuple[int, str]]:
    """(id, label) pairs of the events an enterprise may name when filing a request: events that
    presented ``listing`` (any event when None) and started within the last 180 days or start
    within the next 30; those the user's organisation attended first, then newest first."""
    return [(e.id, event_label(e)) for e in _choosable_events(user, listing, now)]


def event_for_request(event_id: int | None, user, listing: Listing | None = None) -> Event | None:
    """The event a request may name, checked against ``event_choices_for``; None for none."""
    if event_id is None:
        return None
    for event in _choosable_events(user, listing, None):
        if event.id == event_id:
            return event
    raise OperationError(_("Choose one of the events that presented this listing."), field="event_id")


def deal_event_choices(include_id: int | None = None, *, now: datetime | None = None) -> list[tuple[int, str]]:
    """(id, label) pairs of the events a centre may name when recording a deal: those that have
    started, within the last two years, newest first; ``include_id`` (the source request's event)
    is always offered. The deal operation checks the choice against the deal's listing."""
    now = now or datetime.now(UTC)
    window = (Event.starts_at <= now) & (Event.starts_at >= now - DEAL_LOOKBACK)
    if include_id is not None:
        window = or_(window, Event.id == include_id)
    events = db.session.scalars(db.select(Event).where(window).order_by(Event.starts_at.desc(), Event.id.desc()))
    return [(e.id, event_label(e)) for e in events]
