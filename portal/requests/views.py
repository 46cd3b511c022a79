"""Requests: file one, the enterprise's list, the centre's inbox, the thread; taking an open
licence and its written notice; notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.documents.operations import add_request_document, receive_upload
from portal.events.operations import event_choices_for, event_label
from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.labels import FEE_METHOD_LABELS, REQUEST_MODE_LABELS
from portal.models import (
    OPEN_STATUSES,
    REQUEST_STATUSES,
    Deal,
    Document,
    Event,
    LicenceRequest,
    Listing,
    Notification,
    OpenLicenceAcceptance,
    Patent,
    RequestMessage,
)
from portal.needs.views import need_for_request
from portal.permissions import require
from portal.requests import operations as ops
from portal.requests.access import can_see_request
from portal.requests.channels import Via, request_channel
from portal.requests.forms import MessageForm, RequestForm, StatusForm, TakeOpenLicenceForm, status_choices
from portal.requests.notice import render_pdf
from portal.requests.open_licence import LicenseeDetails, held_message, held_open_licences, take_open_licence
from portal.timefmt import plain_number
from portal.transaction import once, perform

bp = Blueprint("requests", __name__)


def visible_request(request_id: int) -> LicenceRequest:
    item = db.session.get(LicenceRequest, request_id)
    if item is None or not can_see_request(current_user, item):
        abort(404)
    return item


@bp.route("/listings/<int:listing_id>/request", methods=["GET", "POST"])
@require("file_requests")
def new(listing_id: int):
    """File a licence request on a published listing."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.status != "published":
        abort(404)
    form = RequestForm()
    form.mode.choices = choices((m, REQUEST_MODE_LABELS[m]) for m in listing.modes)
    event_choices = event_choices_for(current_user, listing)
    form.event_id.choices = choices([("", "—"), *event_choices])
    via = Via.from_args(request.args)  # the form posts back to this URL, query string and all
    if request.method == "GET" and via.event_id in {i for i, _label in event_choices}:
        form.event_id.data = via.event_id
    if form.validate_on_submit():
        data = ops.RequestData(mode=form.mode.data, intended_use=form.intended_use.data or "",
                               products=form.products.data or "", region=form.region.data or "",
                               scale=form.scale.data or "", proposed_terms=form.proposed_terms.data or "",
                               message=form.message.data or "", event_id=form.event_id.data,
                               channel=request_channel(via, form.event_id.data),
                               need_id=need_for_request(current_user))
        done = perform(lambda: once(LicenceRequest, form.submission_key.data,
                                    lambda: ops.file_request(listing, current_user, data),
                                    enterprise_id=current_user.organisation_id),
                       form=form, success=_("Your request has been sent to the centre."))
        if done:
            return redirect(url_for("requests.detail", request_id=done.value[0].id))
    return render_template("requests/new.html", form=form, listing=listing), (400 if form.errors else 200)


@bp.get("/requests/")
@login_required
def index():
    """The enterprise's requests, or the centre's inbox with filters and the number waiting."""
    query = db.select(LicenceRequest).options(selectinload(LicenceRequest.listing),
                                              selectinload(LicenceRequest.enterprise))
    if current_user.role == "sme_member":
        query = query.where(LicenceRequest.enterprise_id == current_user.organisation_id)
        inbox = False
    elif current_user.role in ("centre_staff", "centre_admin"):
        query = query.join(Listing).where(Listing.centre_id == current_user.organisation_id)
        inbox = True
    else:
        abort(403)
    waiting = db.session.scalar(query.with_only_columns(db.func.count(LicenceRequest.id))
                                .where(LicenceRequest.status.in_(("submitted", "under_review"))))
    status = request.args.get("status", "")
    if status in REQUEST_STATUSES:
        query = query.where(LicenceRequest.status == status)
    elif status == "open":
        query = query.where(LicenceRequest.status.in_(OPEN_STATUSES))
    listing_id = request.args.get("listing", "")
    if listing_id.isdigit():
        query = query.where(LicenceRequest.listing_id == int(listing_id))
    age = request.args.get("older_than", "")
    if age.isdigit() and int(age) < 100000:
        query = query.where(LicenceRequest.created_at <= datetime.now(UTC) - timedelta(days=int(age)))
    page = db.paginate(query.order_by(LicenceRequest.created_at.desc()), per_page=30, error_out=False)
    return render_template("requests/index.html", page=page, inbox=inbox, waiting=waiting, status=status,
                           listing_id=listing_id, age=age)


@bp.get("/requests/<int:request_id>")
@login_required
def detail(request_id: int):
    """The request, its history and its message thread."""
    item = visible_request(request_id)
    is_centre = item.listing.centre_id == current_user.organisation_id
    moves = (ops.CENTRE_MOVES if is_centre else ops.SME_MOVES).get(item.status, ())
    status_form = StatusForm()
    status_form.status.choices = status_choices(moves)
    acceptance = db.session.scalar(db.select(OpenLicenceAcceptance).where(OpenLicenceAcceptance.request_id == item.id))
    deal = db.session.scalar(db.select(Deal).where(Deal.source_request_id == item.id).order_by(Deal.id).limit(1))
    event = db.session.get(Event, item.event_id) if item.event_id is not None else None
    attachments: dict[int | None, list[Document]] = {}
    for document in db.session.scalars(db.select(Document).where(Document.request_id == item.id).order_by(Document.id)):
        attachments.setdefault(document.message_id, []).append(document)
    return render_template("requests/detail.html", item=item, message_form=MessageForm(), status_form=status_form,
                           moves=moves, acceptance=acceptance, is_centre=is_centre, deal=deal, event=event,
                           event_label=event_label, attachments=attachments)


@bp.post("/requests/<int:request_id>/messages")
@login_required
def message(request_id: int):
    item = visible_request(request_id)
    form = MessageForm()
    if not form.validate_on_submit():
        flash(_("Write a message first."), "danger")
        return redirect(url_for("requests.detail", request_id=item.id))
    upload = form.file.data if getattr(form.file.data, "filename", "") else None

    def send():
        received = receive_upload(upload) if upload is not None else None
        try:
            def create():
                message = ops.add_message(item, current_user, form.body.data)
                if received is not None:
                    add_request_document(item, message, received, current_user)
                return message
            return once(RequestMessage, form.submission_key.data, create, request_id=item.id,
                        author_id=current_user.id)
        finally:
            if received is not None:
                received.data.close()

    # A refused attachment refuses the message too (flashed): nothing is half-sent.
    perform(send)
    return redirect(url_for("requests.detail", request_id=item.id) + "#thread")


@bp.post("/requests/<int:request_id>/status")
@login_required
def status(request_id: int):
    item = visible_request(request_id)
    form = StatusForm()
    if form.validate_on_submit():
        perform(lambda: ops.change_status(item, form.status.data, current_user, form.reason.data or ""),
                success=_("Status changed."))
    else:
        flash(_("Choose a valid status."), "danger")
    return redirect(url_for("requests.detail", request_id=item.id))


def fee_text(method: str, amount, rate) -> str:
    parts = [str(FEE_METHOD_LABELS[method])]
    if amount is not None:
        parts.append(f"{amount:,.2f} " + _("yuan"))
    if rate is not None:
        parts.append(f"{plain_number(rate)}%")
    return " ".join(parts)


@bp.route("/listings/<int:listing_id>/patents/<int:patent_id>/take-open-licence", methods=["GET", "POST"])
@require("file_requests")
def take(listing_id: int, patent_id: int):
    """Take an open licence: confirm the published terms and your details; no negotiation."""
    listing = db.session.get(Listing, listing_id)
    patent = db.session.get(Patent, patent_id)
    if listing is None or patent is None or listing.status != "published" or patent not in listing.patents:
        abort(404)
    held = held_open_licences(current_user, listing).get(patent.id)
    if held is not None:  # not offered again: the listing page says when it was taken
        flash(held_message(held), "info")
        return redirect(url_for("listings.detail", listing_id=listing.id))
    form = TakeOpenLicenceForm()
    if request.method == "GET":
        form.name.data = current_user.organisation.name_zh
    if form.validate_on_submit():
        details = LicenseeDetails(form.name.data, form.address.data, form.contact.data)
        via = Via.from_args(request.args)
        done = perform(lambda: take_open_licence(listing, patent, current_user, details, channel=via.channel,
                                                 event_id=via.event_id), form=form,
                       success=_("You hold an ordinary licence on the published terms. Your written notice is below."))
        if done:
            return redirect(url_for("requests.notice", acceptance_id=done.value.id))
    return render_template("requests/take.html", form=form, listing=listing, patent=patent,
                           declaration=patent.open_declaration, fee_text=fee_text), (400 if form.errors else 200)


def visible_acceptance(acceptance_id: int) -> OpenLicenceAcceptance:
    acceptance = db.session.get(OpenLicenceAcceptance, acceptance_id)
    if acceptance is None or not can_see_request(current_user, acceptance.request):
        abort(404)
    return acceptance


@bp.get("/open-licences/<int:acceptance_id>/notice")
@login_required
def notice(acceptance_id: int):
    """The written notice to the patentee, printable."""
    a = visible_acceptance(acceptance_id)
    return render_template("requests/notice.html", a=a, fee=fee_text(a.fee_method, a.fee_amount_yuan,
                                                                     a.royalty_rate_pct))


@bp.get("/open-licences/<int:acceptance_id>/notice.pdf")
@login_required
def notice_pdf(acceptance_id: int):
    a = visible_acceptance(acceptance_id)
    pdf = render_pdf(a, fee_text(a.fee_method, a.fee_amount_yuan, a.royalty_rate_pct))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{a.notice_number}.pdf"'})


@bp.get("/notifications")
@login_required
def notifications():
    """The user's notifications, newest first."""
    page = db.paginate(db.select(Notification).where(Notification.user_id == current_user.id)
                       .order_by(Notification.id.desc()), per_page=50, error_out=False)
    return render_template("requests/notifications.html", page=page)


@bp.post("/notifications/read")
@login_required
def mark_read():
    """Mark every notification (or one, with ``id``) as read."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    query = db.update(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
    one = request.form.get("id", "")
    if one.isdigit():
        query = query.where(Notification.id == int(one))
    db.session.execute(query.values(read_at=datetime.now(UTC)))
    db.session.commit()
    target = request.form.get("next", "")
    from portal.urls import safe_next

    return redirect(safe_next(target) or url_for("requests.notifications"))
