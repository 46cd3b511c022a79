"""Royalty pages: expected against received for the centre or the licensee, and the actions on a
deal's royalty panel (terms, reports, payments). The panel itself is part of the deal page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import db
from portal.models import Deal, RoyaltyPeriod
from portal.permissions import can
from portal.royalties import operations as ops
from portal.royalties.forms import ReportForm, RoyaltyPaymentForm, TermsForm
from portal.transaction import perform

bp = Blueprint("royalties", __name__, url_prefix="/royalties")


def _side() -> str | None:
    if can("record_deals"):
        return "centre"
    if can("file_requests"):
        return "licensee"
    return None


def _party_deal(deal_id: int, *, centre_only: bool = False) -> Deal:
    """The deal of the current user's organisation (the licensor's staff, or the licensee's members)."""
    deal = db.session.get(Deal, deal_id)
    side = _side()
    if deal is None or side is None:
        abort(404)
    if side == "centre" and deal.licensor_id == current_user.organisation_id:
        return deal
    if side == "licensee" and deal.licensee_id == current_user.organisation_id and not centre_only:
        return deal
    abort(404)


def _party_period(period_id: int, *, centre_only: bool = False) -> RoyaltyPeriod:
    period = db.session.get(RoyaltyPeriod, period_id)
    if period is None:
        abort(404)
    _party_deal(period.deal_id, centre_only=centre_only)
    return period


def _terms_form(deal: Deal) -> TermsForm:
    """The terms form, filled with the deal's terms, or the deal's start and the default delays."""
    terms = ops.terms_of(deal)
    if terms is not None:
        return TermsForm(formdata=None, obj=terms)
    return TermsForm(formdata=None, starts_on=deal.effective_date,
                     report_days=current_app.config.get("ROYALTY_REPORT_DAYS", 30),
                     payment_days=current_app.config.get("ROYALTY_PAYMENT_DAYS", 60))


@bp.app_context_processor
def royalty_panel():
    """``royalty_panel(deal)`` for the deal page: terms, periods, totals and the forms."""
    def panel(deal: Deal) -> dict:
        periods = ops.periods_of(deal)
        today = date.today()
        return {"terms": ops.terms_of(deal), "periods": periods, "totals": ops.totals(periods, today),
                "today": today, "terms_form": _terms_form(deal), "report_form": ReportForm(formdata=None),
                "payment_form": RoyaltyPaymentForm(formdata=None)}

    return {"royalty_panel": panel}


@bp.get("/")
@login_required
def index():
    """Expected against received per deal, and the periods overdue: the centre's or the licensee's."""
    side = _side()
    if side is None:
        abort(403)
    today = date.today()
    periods = ops.periods_for(current_user.organisation_id, side)
    by_deal: dict[int, list[RoyaltyPeriod]] = {}
    for p in periods:
        by_deal.setdefault(p.deal_id, []).append(p)
    rows = [(db.session.get(Deal, deal_id), ops.totals(items, today)) for deal_id, items in by_deal.items()]
    overdue = [p for p in periods if p.state(today) in ("report_overdue", "payment_overdue")]
    return render_template("royalties/index.html", rows=rows, total=ops.totals(periods, today), overdue=overdue,
                           today=today, side=side)


def _back(deal_id: int):
    return redirect(url_for("deals.detail", deal_id=deal_id) + "#royalties")


@bp.post("/deals/<int:deal_id>/terms")
@login_required
def set_terms(deal_id: int):
    deal = _party_deal(deal_id, centre_only=True)
    form = TermsForm()
    if not form.validate_on_submit():
        flash(_("Check the royalty terms: %(errors)s", errors="; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())), "danger")
        return _back(deal.id)
    data = ops.TermsData(basis=form.basis.data, rate_pct=form.rate_pct.data, frequency=form.frequency.data,
                         starts_on=form.starts_on.data, report_days=form.report_days.data,
                         payment_days=form.payment_days.data)
    perform(lambda: ops.set_terms(deal, data, current_user), success=_("Royalty terms saved; the periods follow."))
    return _back(deal.id)


@bp.post("/periods/<int:period_id>/report")
@login_required
def report(period_id: int):
    period = _party_period(period_id)
    form = ReportForm()
    if not form.validate_on_submit():
        flash(_("Give the period's sales or profit, in yuan, from 0 to below 10 trillion."), "danger")
        return _back(period.deal_id)
    perform(lambda: ops.report_period(period, form.base_yuan.data, form.due_yuan.data, current_user, date.today()),
            success=_("Royalty report saved."))
    return _back(period.deal_id)


@bp.post("/periods/<int:period_id>/payment")
@login_required
def payment(period_id: int):
    period = _party_period(period_id, centre_only=True)
    form = RoyaltyPaymentForm()
    if not form.validate_on_submit():
        flash(_("A payment needs a date and an amount above zero."), "danger")
        return _back(period.deal_id)
    perform(lambda: ops.record_payment(period, form.paid_on.data, form.amount_yuan.data, current_user),
            success=_("Payment recorded."))
    return _back(period.deal_id)
