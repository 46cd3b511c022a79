"""Deals: a centre's list, recording one (from an agreed request or directly), the deal page with
payments, recordal and registration, and the recordal watchlist."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.deals import list_filters
from portal.deals import operations as ops
from portal.deals.forms import DealForm, PaymentForm, RegistrationForm, recordal_form
from portal.documents.access import is_deal_party
from portal.documents.access import listing_documents as readable_listing_documents
from portal.errors import OperationError
from portal.events.operations import deal_event_choices, event_label
from portal.extensions import db
from portal.forms import choices
from portal.history import describe_all
from portal.inputs import id_arg
from portal.labels import LISTING_STATUS_LABELS
from portal.models import AuditEntry, Deal, Document, Event, LicenceRequest, Listing, Organisation, Patent, User
from portal.notify import notify
from portal.permissions import can, require
from portal.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, download
from portal.transaction import once, perform

bp = Blueprint("deals", __name__, url_prefix="/deals")


def visible_deal(deal_id: int) -> Deal:
    """The licensor centre's staff and the licensee's members see a deal; nobody else."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or current_user.organisation_id not in (deal.licensor_id, deal.licensee_id):
        abort(404)
    if current_user.organisation_id == deal.licensor_id and not current_user.can("record_deals"):
        abort(404)
    return deal


def centre_staff_of(centre_id: int) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.organisation_id == centre_id,
                                                         User.role.in_(("centre_staff", "centre_admin")))))


def own_deal(deal_id: int) -> Deal:
    deal = db.session.get(Deal, deal_id)
    if deal is None or deal.licensor_id != current_user.organisation_id:
        abort(404)
    return deal


def party_deal(deal_id: int) -> Deal:
    """A deal of which the user's organisation is a party: the licensor's staff or the licensee's members."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or not is_deal_party(current_user, deal):
        abort(404)
    return deal


@bp.get("/")
@login_required
def index():
    """The centre's deals, newest first; filtered by state, mode, recordal, year and the other party.
    An enterprise's members are sent to their own deals and licences."""
    if can("file_requests"):
        return redirect(url_for("deals.ours"))
    if not can("record_deals"):
        abort(403)
    centre_id, today = current_user.organisation_id, date.today()
    filters = list_filters.DealFilters.from_args(request.args)
    deals = db.paginate(list_filters.deals_query(centre_id, filters, today), per_page=50, error_out=False)
    overdue, soon = ops.recordal_watchlist(centre_id, today)
    return render_template("deals/index.html", page=deals, overdue=overdue, soon=soon, filters=filters,
                           years=list_filters.deal_years(centre_id, filters.year),
                           states=list_filters.DEAL_STATE_LABELS)


@bp.get("/export.<any(csv, xlsx):fmt>")
@require("record_deals")
def export(fmt: str):
    """The deals the list shows with the same filters, every page of them, as CSV or XLSX."""
    filters = list_filters.DealFilters.from_args(request.args)
    rows = list_filters.export_rows(current_user.organisation_id, filters, date.today())
    name = f"deals-{current_user.organisation.code}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return download(csv_bytes(rows, list_filters.EXPORT_HEADINGS), CSV_MIMETYPE, name)
    return download(list_filters.export_xlsx(rows), XLSX_MIMETYPE, name)


@bp.get("/recordal")
@require("record_deals")
def recordal():
    """Recordals overdue or due within 30 days."""
    overdue, soon = ops.recordal_watchlist(current_user.organisation_id, date.today())
    return render_template("deals/recordal.html", overdue=overdue, soon=soon)


@bp.route("/new", methods=["GET", "POST"])
@require("record_deals")
def new():
    """Record a deal; ``?request=<id>`` pre-fills it from an agreed request."""
    source = None
    if request.args.get("request", "").isdigit():
        # Locked on PostgreSQL while recording, so two submissions cannot both make a deal of it.
        source_id = id_arg("request")
        source = None if source_id is None else db.session.get(LicenceRequest, source_id,
                                                                with_for_update=request.method == "POST")
        if source is None or source.listing.centre_id != current_user.organisation_id:
            abort(404)
        earlier = db.session.scalar(db.select(Deal.id).where(Deal.source_request_id == source.id).limit(1))
        if earlier is not None:
            flash(_("A deal has already been recorded from this request (deal #%(id)d).", id=earlier), "info")
            return redirect(url_for("deals.detail", deal_id=earlier))
    form = DealForm()
    enterprises = db.session.scalars(db.select(Organisation).where(Organisation.kind == "enterprise")
                                     .order_by(Organisation.name_zh)).all()
    locale = str(get_locale())
    form.licensee.choices = choices((o.code, f"{o.display_name(locale)} ({o.credit_code or o.code})")
                                    for o in enterprises)
    form.patents.choices = choices(db.session.execute(
        db.select(Patent.id, Patent.application_number).where(Patent.centre_id == current_user.organisation_id)
        .order_by(Patent.id.desc()).limit(1000)).all())
    form.listing.choices = _listing_choices()
    form.event_id.choices = choices([("", "—"), *deal_event_choices(source.event_id if source else None)])
    if request.method == "GET":
        form.pricing.data = "agreement"  # a public hospital's usual case; the notice is then checked
    if request.method == "GET" and source is not None:
        form.mode.data = source.mode
        form.licensee.data = source.enterprise.code
        form.patents.data = [p.id for p in source.listing.patents]
        form.listing.data = source.listing_id
        form.event_id.data = source.event_id
    if form.validate_on_submit():
        licensee = db.session.scalar(db.select(Organisation).where(Organisation.code == form.licensee.data))
        patents = db.session.scalars(db.select(Patent).where(Patent.id.in_(form.patents.data or []),
                                                             Patent.centre_id == current_user.organisation_id)).all()
        payments = [(form.paid_on.data, form.paid_amount.data)] if form.paid_amount.data else []
        data = ops.DealData(
            mode=form.mode.data, licensee=licensee, patents=list(patents), effective_date=form.effective_date.data,
            contract_amount_yuan=form.contract_amount_yuan.data, term_end=form.term_end.data,
            signed_date=form.signed_date.data, registration_date=form.registration_date.data,
            gross_income_yuan=form.gross_income_yuan.data, deductions_yuan=form.deductions_yuan.data,
            listing=db.session.get(Listing, form.listing.data) if form.listing.data is not None else None,
            source_request=source, event_id=form.event_id.data, payments=payments, pricing=form.pricing.data,
            notice_override_reason=form.notice_override_reason.data)
        def record():
            if form.listing.data is not None and data.listing is None:
                raise OperationError(_("Choose one of the centre's own listings."), field="listing")
            return ops.record_deal(current_user.organisation, data, current_user)

        done = perform(lambda: once(Deal, form.submission_key.data, record,
                                    licensor_id=current_user.organisation_id),
                       form=form, success=lambda result: _(
            "Deal recorded. Record it with CNIPA by %(due)s.", due=result[0].recordal_due.isoformat()))
        if done:
            return redirect(url_for("deals.detail", deal_id=done.value[0].id))
    return render_template("deals/new.html", form=form, source=source), (400 if form.errors else 200)


def _listing_choices():
    """The centre's own listings, newest first; those no longer published say so."""
    listings = db.session.execute(db.select(Listing.id, Listing.title, Listing.status)
                                  .where(Listing.centre_id == current_user.organisation_id)
                                  .order_by(Listing.id.desc()).limit(1000)).all()
    return choices([("", "—"), *((x.id, x.title[:80] if x.status == "published"
                                  else f"{x.title[:80]} ({LISTING_STATUS_LABELS[x.status]})") for x in listings)])


@bp.get("/<int:deal_id>")
@login_required
def detail(deal_id: int):
    """The deal: parties, patents, listing and event, amounts received, income, recordal, its history."""
    return _render_detail(visible_deal(deal_id))


def _render_detail(deal: Deal, recordal=None, code: int = 200):
    """The deal page; ``recordal`` is a refused recordal form to show again with what was sent."""
    history = db.session.scalars(db.select(AuditEntry).where(AuditEntry.target_type == "deals",
                                                             AuditEntry.target_id == deal.id)
                                 .order_by(AuditEntry.id)).all()
    listing = db.session.get(Listing, deal.listing_id) if deal.listing_id is not None else None
    event = db.session.get(Event, deal.event_id) if deal.event_id is not None else None
    documents = db.session.scalars(db.select(Document).where(Document.deal_id == deal.id).order_by(Document.id)).all()
    listing_documents = readable_listing_documents(current_user, listing) if listing is not None else []
    return render_template("deals/detail.html", deal=deal, history=describe_all(history), payment_form=PaymentForm(),
                           recordal_form=recordal or recordal_form(deal), registration_form=RegistrationForm(),
                           manage=deal.licensor_id == current_user.organisation_id, listing=listing,
                           event=event, event_label=event_label, documents=documents,
                           listing_documents=listing_documents), code


def _act(deal: Deal, action, success: str):
    perform(action, success=success)
    return redirect(url_for("deals.detail", deal_id=deal.id))


@bp.post("/<int:deal_id>/payments")
@require("record_deals")
def add_payment(deal_id: int):
    deal = own_deal(deal_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        flash(_("A payment needs a date and an amount above zero."), "danger")
        return redirect(url_for("deals.detail", deal_id=deal.id))
    return _act(deal, lambda: ops.add_payment(deal, form.paid_on.data, form.amount_yuan.data, current_user),
                _("Payment recorded."))


@bp.post("/<int:deal_id>/recordal")
@login_required
def update_recordal(deal_id: int):
    """Either party records the CNIPA recordal's progress: filed, recorded (number and date), refused."""
    deal = party_deal(deal_id)
    form = recordal_form(deal)
    if form.validate_on_submit():
        def step():
            if form.status.data == deal.recordal_status:
                raise OperationError(_("Choose the recordal's new status."), field="status")
            ops.update_recordal(deal, form.status.data, current_user, number=form.number.data,
                                recorded_on=form.recorded_on.data, reason=form.reason.data)
            if current_user.organisation_id == deal.licensee_id:  # the licensee filed it: the centre is told
                notify(centre_staff_of(deal.licensor_id), "deal.recordal_by_licensee",
                       {"company": deal.licensee.code, "deal_id": deal.id, "item": "",
                        "recordal": deal.recordal_status},
                       "deals.detail", deal_id=deal.id)

        if perform(step, form=form, success=_("Recordal updated.")):
            return redirect(url_for("deals.detail", deal_id=deal.id))
    # Refused: the page again, the form keeping the chosen status and what was typed, its errors beside them.
    return _render_detail(deal, recordal=form, code=400)


@bp.post("/<int:deal_id>/registration")
@require("record_deals")
def register(deal_id: int):
    deal = own_deal(deal_id)
    form = RegistrationForm()
    if not form.validate_on_submit():
        flash(_("Give the registration date."), "danger")
        return redirect(url_for("deals.detail", deal_id=deal.id))
    return _act(deal, lambda: ops.register_assignment(deal, form.registration_date.data, current_user),
                _("Registration recorded."))
