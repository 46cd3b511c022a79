"""Sign-up pages of an event: an enterprise registers, changes or cancels; the organiser sees the
registrations (and exports them), checks people in on the day and sends the follow-up mail.

Routes join the events blueprint. Who may do what: enterprise members register their own company;
the event's organiser organisation (``can_manage_event``) sees everything and checks in; anyone
else asking for an organiser's page gets 404, as for another party's object.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.events import registrations as reg
from portal.events.forms import RegistrationForm
from portal.events.views import bp, get_event, own_event
from portal.extensions import db
from portal.forms import EmptyForm
from portal.models import EventRegistration, Listing
from portal.permissions import require
from portal.spreadsheets import XLSX_MIMETYPE, Sheet, download, workbook_bytes
from portal.timefmt import SHANGHAI
from portal.transaction import perform


def _listing_label(listing: Listing) -> str:
    return f"{listing.centre.display_name(str(get_locale()))} · {listing.title[:80]}"


def _grouped_choices(event, keep) -> dict[str, list[tuple[int, str]]]:
    presented, others = reg.listing_choices(event, keep)
    groups = {}
    if presented:
        groups[_("Presented at this event")] = [(x.id, _listing_label(x)) for x in presented]
    groups[_("Other published listings")] = [(x.id, _listing_label(x)) for x in others]
    return groups


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@require("file_requests")
def register(event_id: int):
    """Register the user's company for an upcoming event, or change the registration."""
    event = get_event(event_id)
    mine = reg.registration_of(event, current_user.organisation_id)
    if not reg.is_open(event):
        flash(_("Registration closed when the event started."), "warning")
        return redirect(url_for("events.detail", event_id=event.id))
    form = RegistrationForm(obj=mine if request.method == "GET" else None)
    form.listings.choices = _grouped_choices(event, mine.listings if mine else [])
    if request.method == "GET" and mine is not None:
        form.listings.data = [x.id for x in mine.listings]
    if form.validate_on_submit():
        data = reg.RegistrationData(people=form.people.data, listing_ids=form.listings.data or [],
                                    note=form.note.data or "")
        done = perform(lambda: reg.register(event, current_user, data), form=form,
                       success=_("Your registration is saved. You can change or cancel it until the event starts."))
        if done:
            return redirect(url_for("events.detail", event_id=event.id) + "#registration")
    return render_template("events/register.html", event=event, form=form, mine=mine,
                           places_left=reg.places_left(event)), (400 if form.errors else 200)


@bp.post("/events/<int:event_id>/registration/cancel")
@require("file_requests")
def cancel_registration(event_id: int):
    """Cancel the company's registration (the page asks first)."""
    event = get_event(event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: reg.cancel(event, current_user), success=_("Your registration is cancelled."))
    return redirect(url_for("events.detail", event_id=event.id))


# ---------------------------------------------------------------- the organiser's pages

@bp.get("/events/<int:event_id>/check-in")
@require("manage_events")
def check_in_page(event_id: int):
    """The check-in desk: one button per registrant, usable on a phone."""
    event = own_event(event_id)
    registrations = reg.registrations_of(event)
    q = request.args.get("q", "").strip()[:100].lower()
    shown = [r for r in registrations if not q or q in r.organisation.name_zh.lower()
             or q in (r.organisation.name_en or "").lower() or q in r.organisation.code.lower()]
    present = sum(1 for r in registrations if r.checked_in_at is not None)
    return render_template("events/check_in.html", event=event, registrations=shown, total=len(registrations),
                           present=present, q=q, open=reg.check_in_open(event))


def _registration(event, registration_id: int) -> EventRegistration:
    registration = db.session.get(EventRegistration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.post("/events/<int:event_id>/check-in/<int:registration_id>")
@require("manage_events")
def check_in(event_id: int, registration_id: int):
    """Check one registrant in, or (``undo=1``) undo it."""
    event = own_event(event_id)
    registration = _registration(event, registration_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = registration.organisation.display_name(str(get_locale()))
    if request.form.get("undo") == "1":
        perform(lambda: reg.undo_check_in(event, registration, current_user),
                success=_("Check-in of %(name)s undone.", name=name), category="info")
    else:
        perform(lambda: reg.check_in(event, registration, current_user),
                success=_("%(name)s checked in.", name=name))
    back = url_for("events.check_in_page", event_id=event.id, q=request.form.get("q") or None)
    return redirect(f"{back}#registration-{registration.id}")


@bp.post("/events/<int:event_id>/follow-up")
@require("manage_events")
def follow_up(event_id: int):
    """Send the one follow-up mail to the people checked in (the page asks first)."""
    event = own_event(event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: reg.send_follow_up(event, current_user, current_app.config["BABEL_DEFAULT_LOCALE"]),
            success=lambda n: _("The follow-up mail is on its way to %(num)d people.", num=n))
    return redirect(url_for("events.detail", event_id=event.id) + "#registrations")


REGISTRATION_HEADINGS = ("企业", "统一社会信用代码", "报名人电子邮箱", "人数", "希望洽谈的项目", "备注",
                         "报名时间", "签到时间")


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


@bp.get("/events/<int:event_id>/registrations.xlsx")
@require("manage_events")
def registrations_xlsx(event_id: int):
    """The registrations as a workbook (Chinese headings, as the programme's other exports)."""
    event = own_event(event_id)
    rows = [[r.organisation.name_zh, r.organisation.credit_code or "", r.user.email, r.people,
             "；".join(f"{x.title}（{x.centre.name_zh}）" for x in r.listings), r.note,
             _local(r.created_at), _local(r.checked_in_at)] for r in reg.registrations_of(event)]
    body = workbook_bytes([Sheet("报名名单", REGISTRATION_HEADINGS, rows, text_columns=(1,),
                                 widths={0: 32, 5: 60})])
    return download(body, XLSX_MIMETYPE, f"event-{event.id}-registrations.xlsx")

