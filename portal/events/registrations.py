"""Signing up for events: register, change, cancel; check in on the day (and undo); the follow-up
mail after the event. Each operation validates, changes, writes the audit log and flushes; the view
commits once (``portal.transaction.perform``).

Rules:
- enterprise members register their company (one registration per company and event), naming
  how many people come and the published listings they want to discuss;
- registration closes when the event starts; a capacity (places for people), when the event has
  one, is never exceeded: the event row is locked while places are counted (PostgreSQL);
- the organiser checks registrants in from the event's start day on; a check-in adds the company's
  attendance line (``code, head-count``) when it has none, and its undo removes only that line, so
  lines typed by hand for walk-ins stay;
- after the event the organiser sends one follow-up mail to the people checked in: a conditional
  UPDATE marks it sent, so a second click, or two organisers at once, send nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlalchemy.orm import selectinload

from portal import audit
from portal.errors import OperationError
from portal.events.operations import can_manage_event
from portal.extensions import db
from portal.models import Event, EventAttendance, EventRegistration, Listing, User
from portal.notify import queue_mail
from portal.timefmt import SHANGHAI

MAX_PEOPLE = 50
MAX_LISTINGS = 20
MAX_NOTE = 1000
# Check-in opens on the event's start day (Shanghai), so the desk can start before the doors open.
CHECK_IN_EARLY = timedelta(hours=12)


@dataclass
class RegistrationData:
    people: int
    listing_ids: list[int] = field(default_factory=list)
    note: str = ""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def registration_of(event: Event, organisation_id: int | None) -> EventRegistration | None:
    if organisation_id is None:
        return None
    return db.session.scalar(db.select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.organisation_id == organisation_id))


def places_taken(event: Event, excluding: EventRegistration | None = None) -> int:
    query = db.select(func.coalesce(func.sum(EventRegistration.people), 0)).where(
        EventRegistration.event_id == event.id)
    if excluding is not None and excluding.id is not None:
        query = query.where(EventRegistration.id != excluding.id)
    return int(db.session.scalar(query) or 0)


def places_left(event: Event) -> int | None:
    """Free places, or None when the event has no capacity."""
    return None if event.capacity is None else max(0, event.capacity - places_taken(event))


def is_open(event: Event, now: datetime | None = None) -> bool:
    return _now(now) < event.starts_at


def listing_choices(event: Event, keep: list[Listing] = ()) -> tuple[list[Listing], list[Listing]]:
    """The listings a registrant may name: those the event presents first, then every other
    published listing (by centre and title); listings already named stay choosable."""
    presented = [x for x in event.listings if x.status == "published"]
    seen = {x.id for x in presented}
    others = [x for x in db.session.scalars(db.select(Listing).where(Listing.status == "published")
                                            .order_by(Listing.centre_id, Listing.title, Listing.id))
              if x.id not in seen]
    seen |= {x.id for x in others}
    return presented, others + [x for x in keep if x.id not in seen]


def _listings(event: Event, ids: list[int], registration: EventRegistration | None) -> list[Listing]:
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_LISTINGS:
        raise OperationError(_("Name at most %(max)d listings.", max=MAX_LISTINGS), field="listings")
    kept = {x.id for x in registration.listings} if registration is not None else set()
    found = {x.id: x for x in db.session.scalars(db.select(Listing).where(Listing.id.in_(ids)))} if ids else {}
    for listing_id in ids:
        listing = found.get(listing_id)
        if listing is None or (listing.status != "published" and listing_id not in kept):
            raise OperationError(_("Choose published listings only."), field="listings")
    return [found[i] for i in ids]


def register(event: Event, user: User, data: RegistrationData, now: datetime | None = None) -> EventRegistration:
    """Register the user's company for ``event``, or change its registration."""
    if user.role != "sme_member":
        raise OperationError(_("Only enterprise members can register for events."))
    if not is_open(event, now):
        raise OperationError(_("Registration closed when the event started."))
    if not isinstance(data.people, int) or not 1 <= data.people <= MAX_PEOPLE:
        raise OperationError(_("The number of people must be a whole number from 1 to %(max)d.", max=MAX_PEOPLE),
                             field="people")
    note = (data.note or "").strip()
    if len(note) > MAX_NOTE:
        raise OperationError(_("The note is too long (at most %(max)d characters).", max=MAX_NOTE), field="note")
    # Count places with the event row locked, so two last registrations cannot both take the last place.
    db.session.execute(db.select(Event.id).where(Event.id == event.id).with_for_update())
    registration = registration_of(event, user.organisation_id)
    listings = _listings(event, data.listing_ids, registration)
    if event.capacity is not None:
        left = event.capacity - places_taken(event, excluding=registration)
        if data.people > left:
            if left <= 0:
                raise OperationError(_("This event is full: all %(capacity)d places are taken.",
                                       capacity=event.capacity), field="people")
            raise OperationError(ngettext("Only %(num)d place is left at this event.",
                                          "Only %(num)d places are left at this event.", left), field="people")
    created = registration is None
    if created:
        registration = EventRegistration(event_id=event.id, organisation_id=user.organisation_id)
        db.session.add(registration)
    registration.user_id = user.id
    registration.people = data.people
    registration.note = note
    registration.listings = listings
    db.session.flush()
    audit.record("event.registered" if created else "event.registration_changed",
                 f"{user.organisation.code} registered for event {event.id}", target=event, actor=user,
                 data={"company": user.organisation.code, "people": data.people, "listings": [x.id for x in listings]})
    return registration


def cancel(event: Event, user: User, now: datetime | None = None) -> None:
    """Cancel the user's company's registration, before the event starts."""
    registration = registration_of(event, user.organisation_id) if user.role == "sme_member" else None
    if registration is None:
        raise OperationError(_("Your company is not registered for this event."))
    if not is_open(event, now):
        raise OperationError(_("The event has started: a registration can no longer be cancelled."))
    db.session.delete(registration)
    db.session.flush()
    audit.record("event.registration_cancelled", f"{user.organisation.code} cancelled for event {event.id}",
                 target=event, actor=user, data={"company": user.organisation.code})


def registrations_of(event: Event) -> list[EventRegistration]:
    return list(db.session.scalars(
        db.select(EventRegistration).where(EventRegistration.event_id == event.id)
        .options(selectinload(EventRegistration.organisation), selectinload(EventRegistration.user),
                 selectinload(EventRegistration.listings).selectinload(Listing.centre))
        .order_by(EventRegistration.created_at, EventRegistration.id)))


def sign_up_context(event: Event, user, now: datetime | None = None) -> dict:
    """What the event page shows about sign-up to ``user``: their company's registration
    (enterprise), the registrations naming their centre's listings, with only those listings
    (centre), every registration (the organiser)."""
    context = {"registration_open": is_open(event, now), "places_left": places_left(event),
               "my_registration": None, "registrations": [], "for_my_listings": []}
    if not user.is_authenticated:
        return context
    if user.role == "sme_member":
        context["my_registration"] = registration_of(event, user.organisation_id)
    if can_manage_event(user, event):
        context["registrations"] = registrations_of(event)
    if user.role in ("centre_staff", "centre_admin"):
        context["for_my_listings"] = [
            (r, [x for x in r.listings if x.centre_id == user.organisation_id]) for r in registrations_of(event)
            if any(x.centre_id == user.organisation_id for x in r.listings)]
    return context


# ---------------------------------------------------------------- on the day

def check_in_open(event: Event, now: datetime | None = None) -> bool:
    day_start = event.starts_at.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    return _now(now) >= min(day_start, event.starts_at - CHECK_IN_EARLY)


def _own(event: Event, registration: EventRegistration, user) -> None:
    if not can_manage_event(user, event) or registration.event_id != event.id:
        raise OperationError(_("Only the event's organiser checks people in."))


def check_in(event: Event, registration: EventRegistration, user: User, now: datetime | None = None) -> bool:
    """Mark the registrant present; False when it already was (a second click changes nothing)."""
    _own(event, registration, user)
    if not check_in_open(event, now):
        raise OperationError(_("Check-in opens on the day of the event."))
    if registration.checked_in_at is not None:
        return False
    registration.checked_in_at = _now(now)
    registration.checked_in_by_id = user.id
    line = db.session.scalar(db.select(EventAttendance).where(
        EventAttendance.event_id == event.id, EventAttendance.organisation_id == registration.organisation_id))
    if line is None:
        db.session.add(EventAttendance(event_id=event.id, organisation_id=registration.organisation_id,
                                       headcount=registration.people))
        registration.added_attendance = True
    db.session.flush()
    db.session.expire(event, ["attendances"])
    audit.record("event.checked_in", f"{registration.organisation.code} checked in at event {event.id}",
                 target=event, actor=user, data={"company": registration.organisation.code})
    return True


def undo_check_in(event: Event, registration: EventRegistration, user: User) -> bool:
    """Undo a check-in; the attendance line goes only if the check-in added it."""
    _own(event, registration, user)
    if registration.checked_in_at is None:
        return False
    if registration.added_attendance:
        db.session.execute(db.delete(EventAttendance).where(
            EventAttendance.event_id == event.id, EventAttendance.organisation_id == registration.organisation_id))
    registration.checked_in_at = None
    registration.checked_in_by_id = None
    registration.added_attendance = False
    db.session.flush()
    db.session.expire(event, ["attendances"])
    audit.record("event.check_in_undone", f"check-in of {registration.organisation.code} at event {event.id} undone",
                 target=event, actor=user, data={"company": registration.organisation.code})
    return True


# ---------------------------------------------------------------- after the event

def checked_in(event: Event) -> list[EventRegistration]:
    return list(db.session.scalars(db.select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.checked_in_at.isnot(None))
        .order_by(EventRegistration.id)))


def follow_up_text(event: Event, listings: list[Listing], locale: str) -> tuple[str, str]:
    """The follow-up mail's subject and body in ``locale``: the listings presented, each with the
    link that files a request naming the event."""
    english = locale.startswith("en")
    lines = [_("Thank you for attending “%(title)s” on %(date)s.", title=event.title,
               date=event.starts_at.astimezone(SHANGHAI).date().isoformat()), "",
             _("The listings presented at the event:"), ""]
    for listing in listings:
        title = ((listing.title_en or "").strip() if english else "") or listing.title
        centre = listing.centre.display_name(locale)
        link = url_for("listings.detail", listing_id=listing.id, via="event", event=event.id, _external=True)
        lines += [f"- {title} ({centre})", f"  {link}"]
    lines += ["", _("To ask for a licence, open a listing and choose “Ask for a licence”: your request "
                    "will name this event, so the centre knows where you met.")]
    subject = _("[Medical patent licensing] After the event: %(title)s", title=event.title[:80])
    return subject, "\n".join(lines)


def send_follow_up(event: Event, user: User, default_locale: str, now: datetime | None = None) -> int:
    """Queue one follow-up mail to each person checked in; returns how many were queued."""
    if not can_manage_event(user, event):
        raise OperationError(_("Only the event's organiser sends the follow-up mail."))
    now = _now(now)
    if event.ends_at > now:
        raise OperationError(_("The follow-up mail can be sent once the event is over."))
    if event.follow_up_sent_at is not None:
        raise OperationError(_("The follow-up mail was already sent."))
    listings = [x for x in event.listings if x.status == "published"]
    if not listings:
        raise OperationError(_("No listing presented at this event is still published: there is nothing to follow up."))
    recipients = {r.user.id: r.user for r in checked_in(event) if r.user.active}
    if not recipients:
        raise OperationError(_("Nobody was checked in at this event: there is nobody to write to."))
    # Only the request that flips the column sends: a second click, or a second organiser, finds it set.
    flipped = db.session.execute(update(Event).where(Event.id == event.id, Event.follow_up_sent_at.is_(None))
                                 .values(follow_up_sent_at=now).execution_options(synchronize_session=False))
    if flipped.rowcount != 1:
        raise OperationError(_("The follow-up mail was already sent."))
    for person in recipients.values():
        locale = person.locale or default_locale
        with force_locale(locale):
            subject, body = follow_up_text(event, listings, locale)
        queue_mail(person.email, subject, body)
    db.session.expire(event, ["follow_up_sent_at"])
    audit.record("event.follow_up_sent", f"follow-up of event {event.id} to {len(recipients)} attendees",
                 target=event, actor=user, data={"recipients": len(recipients), "listings": [x.id for x in listings]})
    return len(recipients)
