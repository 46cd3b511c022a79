"""Deals: record one (from an agreed request, or directly), payments received, CNIPA recordal.

Each operation validates, changes, writes the audit log and flushes; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import (
    PRICINGS,
    Deal,
    DealPayment,
    Event,
    LicenceRequest,
    Listing,
    Organisation,
    Patent,
    User,
    deal_patents,
)
from portal.rules import RuleError, check_licence_allowed, net_income, recordal_due_date

DEAL_MODES = ("exclusive", "sole", "ordinary", "open", "assignment", "equity")


@dataclass
class DealData:
    mode: str  # one of DEAL_MODES
    licensee: Organisation
    patents: list[Patent]
    effective_date: date
    contract_amount_yuan: Decimal = Decimal(0)
    term_end: date | None = None
    signed_date: date | None = None
    registration_date: date | None = None
    gross_income_yuan: Decimal | None = None
    deductions_yuan: Decimal | None = None
    listing: Listing | None = None
    source_request: LicenceRequest | None = None
    event_id: int | None = None
    payments: list[tuple[date, Decimal]] = field(default_factory=list)
    # How the price was set (models.PRICINGS); "agreement" needs a public notice first, or an override reason.
    pricing: str | None = None
    notice_override_reason: str | None = None


def exclusive_deal_overlaps(patent: Patent, start: date, end: date | None, exclude_id: int | None = None) -> bool:
    """An exclusive or sole licence deal on ``patent`` whose term meets [start, end]."""
    query = (db.select(Deal.id).join(deal_patents, deal_patents.c.deal_id == Deal.id)
             .where(deal_patents.c.patent_id == patent.id, Deal.kind == "licence",
                    Deal.licence_type.in_(("exclusive", "sole")), Deal.open_licence.is_(False),
                    (Deal.term_end.is_(None)) | (Deal.term_end >= start)))
    if end is not None:
        query = query.where(Deal.effective_date <= end)
    if exclude_id is not None:
        query = query.where(Deal.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def _open_licence_during(patent: Patent, start: date, end: date | None) -> bool:
    """An open-licence declaration on ``patent`` in force at some point of [start, end]: a past
    exclusive licence that ended before a later declaration stays lawful."""
    for d in patent.declarations:
        announced_before_end = end is None or d.announced_on <= end
        still_in_force_at_start = d.withdrawn_on is None or d.withdrawn_on > start
        if announced_before_end and still_in_force_at_start:
            return True
    return False


def check_deal(data: DealData) -> None:
    """The rules of a deal, each refused with its reason."""
    if data.mode not in DEAL_MODES:
        raise OperationError(_("Unknown deal kind."), field="mode")
    if not data.patents:
        raise OperationError(_("Choose at least one patent."), field="patents")
    if data.licensee.kind != "enterprise":
        raise OperationError(_("The licensee or assignee must be an enterprise."), field="licensee")
    if data.contract_amount_yuan is None or data.contract_amount_yuan < 0:
        raise OperationError(_("The contract amount cannot be negative."), field="contract_amount_yuan")
    is_licence = data.mode in ("exclusive", "sole", "ordinary", "open")
    if is_licence and data.term_end is None:
        raise OperationError(_("A licence needs the end of its term."), field="term_end")
    if data.term_end is not None and data.term_end < data.effective_date:
        raise OperationError(_("The licence term ends before it takes effect."), field="term_end")
    for patent in data.patents:
        if is_licence and data.term_end > patent.last_day:
            raise OperationError(_("The licence may not run past the expiry of patent %(number)s (last day "
                                   "%(day)s).", number=patent.display_number, day=patent.last_day.isoformat()),
                                 field="term_end")
        if data.mode in ("exclusive", "sole"):
            if _open_licence_during(patent, data.effective_date, data.term_end):
                try:
                    check_licence_allowed(data.mode, open_licence_in_force=True)
                except RuleError as exc:
                    raise OperationError(rule_message(exc), field="mode") from exc
            if exclusive_deal_overlaps(patent, data.effective_date, data.term_end):
                raise OperationError(_("An exclusive or sole licence on patent %(number)s already covers part of "
                                       "this term.", number=patent.display_number), field="mode")
    if data.pricing is not None and data.pricing not in PRICINGS:
        raise OperationError(_("Unknown pricing method."), field="pricing")
    if data.registration_date and data.mode != "assignment":
        raise OperationError(_("Only an assignment has a registration date."), field="registration_date")
    if data.registration_date and data.registration_date < data.effective_date:
        raise OperationError(_("The registration date is before the effective date."), field="registration_date")
    if data.gross_income_yuan is not None:
        try:
            net_income(data.gross_income_yuan, data.deductions_yuan or 0)
        except RuleError as exc:
            raise OperationError(rule_message(exc), field="deductions_yuan") from exc
    for paid_on, amount in data.payments:
        _check_payment(paid_on, amount)


def _check_payment(paid_on: date | None, amount: Decimal | None) -> None:
    if paid_on is None or amount is None or amount <= 0:
        raise OperationError(_("A payment needs a date and an amount above zero."), field="payments")


def _source_checks(source: LicenceRequest, listing: Listing | None) -> Listing:
    """A deal from a request: the request is agreed, has no deal yet, and the deal is on its listing."""
    if source.status != "agreed":
        raise OperationError(_("Only an agreed request becomes a deal."))
    earlier = db.session.scalar(db.select(Deal.id).where(Deal.source_request_id == source.id)
                                .order_by(Deal.id).limit(1))
    if earlier is not None:
        raise OperationError(_("A deal has already been recorded from this request (deal #%(id)d).", id=earlier))
    if listing is not None and listing.id != source.listing_id:
        raise OperationError(_("A deal from a request is on the request's listing."), field="listing")
    return source.listing


def _check_listing(centre: Organisation, listing: Listing, patents: list[Patent]) -> None:
    if listing.centre_id != centre.id:
        raise OperationError(_("Choose one of the centre's own listings."), field="listing")
    offered = {p.id for p in listing.patents}
    if any(p.id not in offered for p in patents):
        raise OperationError(_("The deal's patents must be among the listing's patents."), field="patents")


def _check_event(event_id: int, listing: Listing | None) -> None:
    """The event a deal names: one on the portal and, when the deal is on a listing, one that presented it."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise OperationError(_("Choose one of the recorded matchmaking events."), field="event_id")
    if listing is not None and listing not in event.listings:
        raise OperationError(_("Choose one of the events that presented this listing."), field="event_id")


def record_deal(centre: Organisation, data: DealData, actor: User | None) -> Deal:
    """Record a deal concluded by ``centre``; the licensee's size class is snapshotted now.

    A deal from an agreed request is on the request's listing and, unless another is named, its
    event; a request gives one deal only. A listing must be the centre's own and hold the deal's
    patents; an event must have presented the listing."""
    check_deal(data)
    if any(p.centre_id != centre.id for p in data.patents):
        raise OperationError(_("A deal can only cover the centre's own patents."), field="patents")
    source = data.source_request
    listing = _source_checks(source, data.listing) if source is not None else data.listing
    if listing is not None:
        _check_listing(centre, listing, data.patents)
    event_id = data.event_id if data.event_id is not None else (source.event_id if source else None)
    if data.event_id is not None:
        _check_event(data.event_id, listing)
    notice, override = None, None
    if data.pricing == "agreement":
        from portal.notices.operations import check_signing

        notice, override = check_signing(centre, data.patents, source, data.signed_date or data.effective_date,
                                         date.today(), data.notice_override_reason)
    licence = data.mode in ("exclusive", "sole", "ordinary", "open")
    deal = Deal(
        listing_id=listing.id if listing else None, licensor_id=centre.id, licensee_id=data.licensee.id,
        kind="licence" if licence else data.mode,
        licence_type=("ordinary" if data.mode == "open" else data.mode) if licence else None,
        open_licence=data.mode == "open", contract_amount_yuan=data.contract_amount_yuan,
        effective_date=data.effective_date, term_end=data.term_end, signed_date=data.signed_date,
        registration_date=data.registration_date, gross_income_yuan=data.gross_income_yuan,
        deductions_yuan=data.deductions_yuan, licensee_size_class=data.licensee.size_class,
        source_request_id=source.id if source else None, event_id=event_id,
        recordal_status="not_filed", recordal_due=recordal_due_date(data.effective_date),
        patents=list(dict.fromkeys(data.patents)), created_by_id=actor.id if actor else None,
        pricing=data.pricing, notice_id=notice.id if notice else None, notice_override_reason=override)
    deal.payments = [DealPayment(paid_on=d, amount_yuan=a) for d, a in data.payments]
    db.session.add(deal)
    db.session.flush()
    audit.record("deal.recorded", f"{deal.mode} deal with {data.licensee.name_zh}", target=deal, actor=actor,
                 data={"mode": deal.mode, "amount": str(deal.contract_amount_yuan),
                       "size_class": deal.licensee_size_class, "licensee": data.licensee.code})
    if override is not None:
        audit.record("deal.notice_override", f"deal {deal.id} recorded without a completed public notice",
                     target=deal, actor=actor, data={"reason": override})
    return deal


def add_payment(deal: Deal, paid_on: date, amount: Decimal, actor: User | None) -> DealPayment:
    _check_payment(paid_on, amount)
    payment = DealPayment(deal=deal, paid_on=paid_on, amount_yuan=amount)
    db.session.add(payment)
    db.session.flush()
    audit.record("deal.payment", f"deal {deal.id}: received {amount} on {paid_on}", target=deal, actor=actor,
                 data={"amount": str(amount), "paid_on": paid_on.isoformat()})
    return payment


# The steps of a CNIPA recordal: from each status, the statuses it may go to.
RECORDAL_MOVES = {"not_filed": ("filed",), "filed": ("recorded", "refused"), "refused": ("filed",), "recorded": ()}


def update_recordal(deal: Deal, status: str, actor: User | None, *, number: str | None = None,
                    recorded_on: date | None = None, reason: str | None = None) -> None:
    """Track CNIPA recordal: not filed → filed → recorded, or refused with its reason."""
    if status not in RECORDAL_MOVES.get(deal.recordal_status, ()):
        raise OperationError(_("The recordal cannot go from this state to that one."), field="status")
    if status == "recorded" and not ((number or "").strip() and recorded_on):
        raise OperationError(_("A completed recordal needs its number and date."), field="number")
    if status == "refused" and not (reason or "").strip():
        raise OperationError(_("Give the reason the recordal was refused."), field="reason")
    old = deal.recordal_status
    deal.recordal_status = status
    if status == "recorded":
        deal.recordal_number, deal.recordal_date = number.strip(), recorded_on
    deal.recordal_refusal_reason = reason.strip()[:500] if status == "refused" else None
    audit.record("deal.recordal", f"deal {deal.id}: recordal {old} → {status}", target=deal, actor=actor,
                 data={"from": old, "to": status, "number": number, "reason": reason})


def register_assignment(deal: Deal, registered_on: date, actor: User | None) -> None:
    """An assignment concludes on its CNIPA registration date."""
    if deal.kind != "assignment":
        raise OperationError(_("Only an assignment has a registration date."), field="registration_date")
    if registered_on < deal.effective_date:
        raise OperationError(_("The registration date is before the effective date."), field="registration_date")
    deal.registration_date = registered_on
    audit.record("deal.registered", f"assignment {deal.id} registered on {registered_on}", target=deal,
                 actor=actor, data={"registered_on": registered_on.isoformat()})


def recordal_watchlist(centre_id: int, today: date, within_days: int = 30) -> tuple[list[Deal], list[Deal]]:
    """(overdue, due within ``within_days``) deals of a centre whose recordal is not done."""
    from datetime import timedelta

    pending = db.select(Deal).where(Deal.licensor_id == centre_id, Deal.recordal_status.in_(("not_filed", "refused")),
                                    Deal.recordal_due.isnot(None)).order_by(Deal.recordal_due)
    rows = db.session.scalars(pending).all()
    overdue = [d for d in rows if d.recordal_due < today]
    soon = [d for d in rows if today <= d.recordal_due <= today + timedelta(days=within_days)]
    return overdue, soon


def send_recordal_reminders(today: date, within_days: int = 14) -> int:
    """Warn each centre's staff once about deals whose recordal falls due within ``within_days``
    (and about overdue ones not yet warned). Run daily: `flask --app portal deals remind`."""
    from datetime import timedelta

    from portal.notify import notify

    rows = db.session.scalars(db.select(Deal).where(
        Deal.recordal_status.in_(("not_filed", "refused")), Deal.recordal_due.isnot(None),
        Deal.recordal_due <= today + timedelta(days=within_days), Deal.recordal_reminded_on.is_(None))).all()
    for deal in rows:
        staff = db.session.scalars(db.select(User).where(User.organisation_id == deal.licensor_id,
                                                         User.role.in_(("centre_staff", "centre_admin")))).all()
        params = {"company": deal.licensee.code, "due": deal.recordal_due.isoformat()}
        notify(list(staff), "deal.recordal_due", params, "deals.detail", deal_id=deal.id)
        deal.recordal_reminded_on = today
    return len(rows)
