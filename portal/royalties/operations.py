"""Royalty operations: set a deal's terms (its periods follow), report a period, match a payment,
remind about what is overdue. Each validates, changes, audits and flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError
from portal.extensions import db
from portal.models import (
    ROYALTY_BASES,
    ROYALTY_FREQUENCIES,
    Deal,
    RoyaltyPeriod,
    RoyaltyReminder,
    RoyaltyTerms,
    User,
)
from portal.royalties.periods import period_bounds, royalty

MAX_YUAN = Decimal(10) ** 13
DEFAULT_YEARS = 10  # periods for a deal with no end of term (an assignment with royalties)


@dataclass
class TermsData:
    basis: str
    rate_pct: Decimal | None
    frequency: str
    starts_on: date | None
    report_days: int | None = None
    payment_days: int | None = None


def set_terms(deal: Deal, data: TermsData, actor: User | None) -> RoyaltyTerms:
    """Give a deal running-royalty terms; its reporting periods are created from the start to the end
    of the licence term. Once a period is reported the terms stay as they are."""
    if data.basis not in ROYALTY_BASES:
        raise OperationError(_("Choose sales or profit."), field="basis")
    if data.frequency not in ROYALTY_FREQUENCIES:
        raise OperationError(_("Choose quarterly, half-yearly or yearly."), field="frequency")
    if data.rate_pct is None or not Decimal(0) < data.rate_pct <= 100:
        raise OperationError(_("The royalty rate is a percentage above 0 and at most 100."), field="rate_pct")
    if data.starts_on is None:
        raise OperationError(_("Give the day the first period starts."), field="starts_on")
    if data.starts_on < deal.effective_date or (deal.term_end and data.starts_on > deal.term_end):
        raise OperationError(_("The first period starts within the deal's term."), field="starts_on")
    for name in ("report_days", "payment_days"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 365:
            raise OperationError(_("Give a number of days from 0 to 365."), field=name)
    existing = db.session.scalar(db.select(RoyaltyTerms).where(RoyaltyTerms.deal_id == deal.id))
    periods = periods_of(deal)
    if any(p.royalty_due_yuan is not None for p in periods):
        raise OperationError(_("A period has been reported: the royalty terms can no longer change."))
    for p in periods:
        db.session.delete(p)
    if existing is not None:
        db.session.delete(existing)
    db.session.flush()
    config = current_app.config
    terms = RoyaltyTerms(deal_id=deal.id, basis=data.basis, rate_pct=data.rate_pct, frequency=data.frequency,
                         starts_on=data.starts_on,
                         report_days=data.report_days if data.report_days is not None
                         else config.get("ROYALTY_REPORT_DAYS", 30),
                         payment_days=data.payment_days if data.payment_days is not None
                         else config.get("ROYALTY_PAYMENT_DAYS", 60))
    db.session.add(terms)
    until = deal.term_end or date(data.starts_on.year + DEFAULT_YEARS, data.starts_on.month, 1) - timedelta(days=1)
    for start, end in period_bounds(data.starts_on, data.frequency, until):
        db.session.add(RoyaltyPeriod(deal_id=deal.id, starts_on=start, ends_on=end,
                                     report_due=end + timedelta(days=terms.report_days),
                                     payment_due=end + timedelta(days=terms.payment_days)))
    db.session.flush()
    audit.record("royalty.terms", f"deal {deal.id}: royalty {data.rate_pct}% of {data.basis}, {data.frequency}",
                 target=deal, actor=actor, data={"rate": str(data.rate_pct), "basis": data.basis,
                                                  "frequency": data.frequency, "starts": data.starts_on.isoformat()})
    return terms


def terms_of(deal: Deal) -> RoyaltyTerms | None:
    return db.session.scalar(db.select(RoyaltyTerms).where(RoyaltyTerms.deal_id == deal.id))


def periods_of(deal: Deal) -> list[RoyaltyPeriod]:
    return list(db.session.scalars(db.select(RoyaltyPeriod).where(RoyaltyPeriod.deal_id == deal.id)
                                   .order_by(RoyaltyPeriod.starts_on)))


def report_period(period: RoyaltyPeriod, base: Decimal | None, due: Decimal | None, actor: User | None,
                  today: date) -> None:
    """The licensee reports the period's sales or profit (or the centre enters it); the royalty due is
    the base at the agreed rate unless a different amount is given. A report may be corrected until a
    payment is matched to the period."""
    if today < period.ends_on:
        raise OperationError(_("A period is reported once it has ended (on %(day)s).",
                               day=period.ends_on.isoformat()))
    if base is None or not 0 <= base < MAX_YUAN:
        raise OperationError(_("Give the period's sales or profit, in yuan, from 0 to below 10 trillion."),
                             field="base_yuan")
    if due is not None and not 0 <= due < MAX_YUAN:
        raise OperationError(_("The royalty due is from 0 to below 10 trillion yuan."), field="due_yuan")
    if period.payments:
        raise OperationError(_("A payment is matched to this period: its report can no longer change."))
    terms = db.session.scalar(db.select(RoyaltyTerms).where(RoyaltyTerms.deal_id == period.deal_id))
    period.reported_base_yuan = base
    period.royalty_due_yuan = due if due is not None else royalty(base, terms.rate_pct)
    period.reported_at = datetime.now(UTC)
    period.reported_by_id = actor.id if actor else None
    audit.record("royalty.reported", f"deal {period.deal_id}: period {period.starts_on} reported",
                 target=period.deal, actor=actor,
                 data={"period": period.starts_on.isoformat(), "base": str(base),
                       "due": str(period.royalty_due_yuan)})


def record_payment(period: RoyaltyPeriod, paid_on: date | None, amount: Decimal | None, actor: User | None) -> None:
    """An amount received for a period: an amount received on the deal, matched to the period."""
    from portal.deals.operations import add_payment

    if amount is None or not 0 < amount < MAX_YUAN or paid_on is None:
        raise OperationError(_("A payment needs a date and an amount above zero."), field="amount_yuan")
    payment = add_payment(period.deal, paid_on, amount, actor)
    period.payments.append(payment)
    db.session.flush()
    audit.record("royalty.payment", f"deal {period.deal_id}: {amount} for period {period.starts_on}",
                 target=period.deal, actor=actor, data={"period": period.starts_on.isoformat(),
                                                        "amount": str(amount), "paid_on": paid_on.isoformat()})


# ---------------------------------------------------------------- figures and what is overdue

@dataclass
class Totals:
    expected: Decimal
    received: Decimal
    overdue: int

    @property
    def outstanding(self) -> Decimal:
        return max(self.expected - self.received, Decimal(0))


def totals(periods: list[RoyaltyPeriod], today: date) -> Totals:
    expected = sum((p.royalty_due_yuan or Decimal(0) for p in periods), Decimal(0))
    received = sum((p.received_yuan for p in periods), Decimal(0))
    overdue = sum(1 for p in periods if p.state(today) in ("report_overdue", "payment_overdue"))
    return Totals(expected, received, overdue)


def periods_for(org_id: int, side: str) -> list[RoyaltyPeriod]:
    """Every royalty period of the deals where ``org_id`` is the licensor (side ``centre``) or the
    licensee (side ``licensee``)."""
    column = Deal.licensor_id if side == "centre" else Deal.licensee_id
    return list(db.session.scalars(db.select(RoyaltyPeriod).join(Deal, Deal.id == RoyaltyPeriod.deal_id)
                                   .where(column == org_id).order_by(RoyaltyPeriod.report_due, RoyaltyPeriod.id)))


def overdue_for(org_id: int, side: str, today: date) -> list[RoyaltyPeriod]:
    return [p for p in periods_for(org_id, side) if p.state(today) in ("report_overdue", "payment_overdue")]


def send_reminders(today: date) -> int:
    """Mail both parties once per period and stage (report overdue, then payment overdue), through the
    notification queue. Run daily: ``flask --app portal royalties remind``."""
    from portal.notify import notify

    sent = 0
    candidates = db.session.scalars(db.select(RoyaltyPeriod).where(
        RoyaltyPeriod.report_due < today).order_by(RoyaltyPeriod.id)).all()
    for period in candidates:
        state = period.state(today)
        stage = {"report_overdue": "report", "payment_overdue": "payment"}.get(state)
        if stage is None:
            continue
        already = db.session.scalar(db.select(RoyaltyReminder.id).where(RoyaltyReminder.period_id == period.id,
                                                                       RoyaltyReminder.stage == stage))
        if already is not None:
            continue
        deal = period.deal
        users = db.session.scalars(db.select(User).where(
            ((User.organisation_id == deal.licensor_id) & User.role.in_(("centre_staff", "centre_admin")))
            | ((User.organisation_id == deal.licensee_id) & (User.role == "sme_member")))).all()
        params = {"company": deal.licensee.code, "start": period.starts_on.isoformat(),
                  "end": period.ends_on.isoformat(),
                  "due": (period.report_due if stage == "report" else period.payment_due).isoformat()}
        notify(list(users), f"royalty.{stage}_overdue", params, "deals.detail", deal_id=deal.id)
        db.session.add(RoyaltyReminder(period_id=period.id, stage=stage, sent_on=today))
        sent += 1
    db.session.flush()
    return sent
