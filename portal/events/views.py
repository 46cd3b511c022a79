"""Events: the public list and pages, iCalendar files, and the organiser's create and edit pages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.events import operations as ops
from portal.events.forms import EventForm
from portal.events.ics import CalendarEntry, serialize_calendar
from portal.events.registrations import sign_up_context
from portal.extensions import db
from portal.forms import choices, form_error
from portal.labels import EVENT_KIND_LABELS
from portal.models import Event, EventAttendance, Listing
from portal.permissions import require
from portal.requests.access import can_see_request
from portal.transaction import Outcome, perform

bp = Blueprint("events", __name__)


@bp.context_processor
def kind_labels():
    return {"kind_labels": EVENT_KIND_LABELS}

DEFAULT_UID_AUTHORITY = "portal.local"
PAST_PER_PAGE = 20


def _with_details(query):
    return query.options(selectinload(Event.organiser), selectinload(Event.listings).selectinload(Listing.centre),
                         selectinload(Event.attendances).selectinload(EventAttendance.organisation))


def get_event(event_id: int) -> Event:
    event = db.session.scalar(_with_details(db.select(Event).where(Event.id == event_id)))
    if event is None:
        abort(404)
    return event


def own_event(event_id: int) -> Event:
    """An event the user's organisation organised; any other id answers 404."""
    event = get_event(event_id)
    if not ops.can_manage_event(current_user, event):
        abort(404)
    return event


@bp.get("/events")
def index():
    """Upcoming events (running ones included), soonest first; past events, latest first, paged."""
    now = datetime.now(UTC)
    upcoming = db.session.scalars(_with_details(ops.upcoming_events(now))).all()
    page = request.args.get("page", "1")
    past = db.paginate(_with_details(ops.past_events(now)), page=int(page) if page.isdigit() else 1,
                       per_page=PAST_PER_PAGE, error_out=False)
    return render_template("events/index.html", upcoming=upcoming, past=past)


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    """An event and what came of it: counts for everyone, the rows for those who may see them."""
    event = get_event(event_id)
    manage = ops.can_manage_event(current_user, event)
    outcomes = ops.event_outcomes(event, current_user)
    now = datetime.now(UTC)
    return render_template("events/detail.html", event=event, manage=manage, outcomes=outcomes,
                           request_url=_request_url, deal_url=_deal_url, now=now,
                           **sign_up_context(event, current_user, now))


def _request_url(item) -> str | None:
    """A link only for those the request's own page lets in (the organiser sees the row, no link)."""
    return url_for("requests.detail", request_id=item.id) if can_see_request(current_user, item) else None


def _deal_url(deal) -> str | None:
    """Likewise for a deal's page."""
    return url_for("deals.detail", deal_id=deal.id) if ops.can_see_deal(current_user, deal) else None


# ---------------------------------------------------------------- iCalendar

def _uid_authority() -> str:
    return current_app.config.get("EVENTS_UID_AUTHORITY") or DEFAULT_UID_AUTHORITY


def _entry(event: Event) -> CalendarEntry:
    url = url_for("events.detail", event_id=event.id, _external=True)
    lines = [_("Organiser: %(name)s", name=event.organiser.display_name(str(get_locale())))]
    if event.online_url:
        lines.append(_("Online: %(url)s", url=event.online_url))
    if event.notes:
        lines += ["", event.notes]
    lines += ["", url]
    return CalendarEntry(
        uid=f"event-{event.id}@{_uid_authority()}", stamp=event.updated_at, start=event.starts_at,
        end=event.ends_at, summary=event.title, location=event.place or event.online_url or "", url=url,
        description="\n".join(lines), categories=(str(EVENT_KIND_LABELS[event.kind]),),
        sequence=event.sequence or 0, created=event.created_at)


def _calendar_response(body: bytes, filename: str, attachment: bool) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.add_etag()
    return response.make_conditional(request)


def _prodid() -> str:
    return f"-//{_uid_authority()}//Shanghai Medical Patent Licensing Portal//EN"


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    """One event as an iCalendar file, to add to any calendar."""
    event = get_event(event_id)
    body = serialize_calendar([_entry(event)], prodid=_prodid())
    return _calendar_response(body, f"event-{event.id}.ics", attachment=True)


@bp.get("/events.ics")
def calendar_ics():
    """Every event, for calendar subscriptions."""
    events = db.session.scalars(db.select(Event).options(selectinload(Event.organiser))
                                .order_by(Event.starts_at, Event.id)).all()
    body = serialize_calendar([_entry(e) for e in events], prodid=_prodid(), name=_("Matchmaking events"),
                              refresh_hours=1)
    return _calendar_response(body, "events.ics", attachment=False)


# ---------------------------------------------------------------- create and edit

def _listing_choices(event: Event | None):
    """Published listings of every centre, plus those the event already presented."""
    query = db.select(Listing).options(selectinload(Listing.centre)).where(Listing.status == "published")
    listings = list(db.session.scalars(query.order_by(Listing.centre_id, Listing.title, Listing.id)))
    if event is not None:
        known = {x.id for x in listings}
        listings += [x for x in event.listings if x.id not in known]
    locale = str(get_locale())
    return choices((x.id, f"{x.centre.display_name(locale)} · {x.title[:80]}") for x in listings)


def _event_data(form: EventForm) -> ops.EventData:
    attendees, problems = ops.read_attendance(form.attendance.data or "")
    return ops.EventData(
        kind=form.kind.data or "", title=form.title.data or "",
        starts_at=form.shanghai_to_aware(form.starts_at.data), ends_at=form.shanghai_to_aware(form.ends_at.data),
        place=form.place.data or "", online_url=form.online_url.data or "",
        # ids the field refused (not among its choices) are its own error, never looked up
        listing_ids=[] if form.listings.errors else (form.listings.data or []), attendees=attendees,
        notes=form.notes.data or "", problems=problems,
        capacity=form.capacity.data)


def _submit(form: EventForm, event: Event | None, operation) -> Outcome | None:
    """Validate the form and run ``operation`` on its data. When the form's own checks fail, the
    event rules are checked too (without changing anything), so every problem shows at once."""
    if not form.is_submitted():
        return None
    if form.validate():
        return perform(lambda: operation(_event_data(form)), form=form)
    if not form.csrf_token.errors:
        for problem in ops.event_problems(event, _event_data(form)):
            if not (problem.field and getattr(form, problem.field).errors):
                form_error(form, problem)
        db.session.rollback()  # only reads happened
    return None


@bp.route("/events/new", methods=["GET", "POST"])
@require("manage_events")
def new():
    """Record an event organised by the user's organisation."""
    form = EventForm()
    form.listings.choices = _listing_choices(None)
    done = _submit(form, None, lambda data: ops.create_event(current_user.organisation, data, current_user))
    if done:
        flash(_("Event recorded."), "success")
        return redirect(url_for("events.detail", event_id=done.value.id))
    return render_template("events/form.html", form=form, event=None), (400 if form.errors else 200)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@require("manage_events")
def edit(event_id: int):
    """Edit an event; only its organiser organisation may."""
    event = own_event(event_id)
    form = EventForm(obj=event if request.method == "GET" else None)
    form.listings.choices = _listing_choices(event)
    if request.method == "GET":
        form.fill_times(event.starts_at, event.ends_at)
        form.listings.data = [x.id for x in event.listings]
        form.attendance.data = ops.attendance_text(event)
        form.online_url.data = event.online_url or ""
        form.place.data = event.place or ""
    done = _submit(form, event, lambda data: ops.update_event(event, data, current_user))
    if done:
        flash(_("Event saved.") if done.value else _("Nothing was changed."), "success" if done.value else "info")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), (400 if form.errors else 200)
