"""Exchange hand-off pages: centres forward a deal or a published listing; an exchange's operators
see what was forwarded to their exchange and report each step."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.exchange import operations as ops
from portal.exchange.forms import ForwardForm, StatusForm
from portal.extensions import db
from portal.forms import choices
from portal.labels import FORWARD_STATUS_LABELS
from portal.models import FORWARD_CLOSED, FORWARD_STATUSES, Deal, ExchangeForward, Listing
from portal.permissions import require
from portal.transaction import perform

bp = Blueprint("exchange", __name__, url_prefix="/exchange")


@bp.app_context_processor
def exchange_helpers():
    """For the deal and listing pages: a centre's forwards and the forwarding form."""
    return {"exchange_forwards": _forwards_for_template, "exchange_forward_form": _forward_form,
            "FORWARD_STATUS_LABELS": FORWARD_STATUS_LABELS}


def _forwards_for_template(deal=None, listing=None) -> list[ExchangeForward]:
    return ops.forwards_of(deal=deal, listing=listing)


def _forward_form() -> ForwardForm:
    form = ForwardForm()
    form.exchange.choices = choices((o.code, o.display_name(_locale())) for o in ops.exchanges())
    return form


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "")


# --- centre: forwarding -----------------------------------------------------------------------

def _forward(form: ForwardForm, action, back: str):
    if not form.validate_on_submit():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        flash(errors[0] if form.exchange.data and errors else _("Choose one of the exchange bases."), "danger")
        return redirect(back)
    perform(lambda: action(ops.exchange_by_code(form.exchange.data), form.note.data or ""),
            success=lambda forward: _("Forwarded to %(exchange)s.", exchange=forward.exchange.display_name(_locale())))
    return redirect(back)


@bp.post("/forward/deals/<int:deal_id>")
@require("record_deals")
def forward_deal(deal_id: int):
    """Forward one of the centre's deals to an exchange base."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or deal.licensor_id != current_user.organisation_id:
        abort(404)
    return _forward(_forward_form(), lambda exchange, note: ops.forward_deal(deal, exchange, current_user, note),
                    url_for("deals.detail", deal_id=deal.id))


@bp.post("/forward/listings/<int:listing_id>")
@require("manage_listings")
def forward_listing(listing_id: int):
    """Forward one of the centre's published listings for public listing (挂牌)."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.centre_id != current_user.organisation_id:
        abort(404)
    return _forward(_forward_form(),
                    lambda exchange, note: ops.forward_listing(listing, exchange, current_user, note),
                    url_for("listings.detail", listing_id=listing.id))


# --- exchange operators -----------------------------------------------------------------------

def own_forward(forward_id: int, *, lock: bool = False) -> ExchangeForward:
    """A forward to the operator's own exchange; anything else is 404."""
    forward = db.session.get(ExchangeForward, forward_id, with_for_update=lock)
    if forward is None or forward.exchange_id != current_user.organisation_id:
        abort(404)
    return forward


@bp.get("/")
@require("operate_exchange")
def index():
    """What was forwarded to this exchange: ?status=open (default), all, or one status."""
    status = request.args.get("status", "open")
    query = db.select(ExchangeForward).where(ExchangeForward.exchange_id == current_user.organisation_id)
    if status == "open":
        query = query.where(ExchangeForward.status.not_in(FORWARD_CLOSED))
    elif status in FORWARD_STATUSES:
        query = query.where(ExchangeForward.status == status)
    elif status != "all":
        abort(400)
    page = db.paginate(query.order_by(ExchangeForward.updated_at.desc(), ExchangeForward.id.desc()),
                       per_page=50, error_out=False)
    return render_template("exchange/index.html", page=page, status=status, statuses=FORWARD_STATUSES,
                           subject_label=ops.subject_label)


def _status_form(forward: ExchangeForward) -> StatusForm:
    """The steps open from the forward's status; the closing ones ask first (static/js/confirm.js)."""
    questions = {"concluded": _("Report this forward as concluded on the exchange? It is then closed and cannot "
                                "be changed."),
                 "returned": _("Return this forward to the centre? It is then closed and cannot be changed.")}
    form = StatusForm()
    form.status.choices = [SelectChoice(s, FORWARD_STATUS_LABELS[s], render_kw={"data-confirm": questions[s]}
                                        if s in questions else {}) for s in forward.next_statuses]
    return form


def _render_detail(forward: ExchangeForward, form: StatusForm, code: int = 200):
    return render_template("exchange/detail.html", forward=forward, form=form,
                           subject_label=ops.subject_label(forward)), code


@bp.get("/<int:forward_id>")
@require("operate_exchange")
def detail(forward_id: int):
    """The forwarded deal or listing, its history, and the next step."""
    forward = own_forward(forward_id)
    return _render_detail(forward, _status_form(forward))


@bp.post("/<int:forward_id>/status")
@require("operate_exchange")
def change_status(forward_id: int):
    """Report a step: received, listed, announced, concluded, or returned with a reason."""
    forward = own_forward(forward_id, lock=True)
    form = _status_form(forward)
    if form.validate_on_submit():
        if perform(lambda: ops.change_status(forward, form.status.data, actor=current_user, reason=form.reason.data,
                                             reference=form.reference.data), form=form,
                   success=lambda _result: _("Status updated: %(status)s.",
                                             status=FORWARD_STATUS_LABELS[forward.status])):
            return redirect(url_for("exchange.detail", forward_id=forward.id))
        forward = own_forward(forward_id)
    return _render_detail(forward, form, 400)
