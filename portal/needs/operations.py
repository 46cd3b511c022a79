"""Needs: post, close, expire; proposals from centres. Each operation validates, changes, writes
the audit log and the notifications, and flushes; the view (or command) commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import FIELDS, MODES, NEED_VISIBILITIES, Listing, Need, NeedProposal, User
from portal.needs.access import CENTRE_ROLES, can_see_need, enterprise_members, owns_need
from portal.notify import notify
from portal.rules import InvalidIPC, normalise_ipc

MAX_BUDGET_YUAN = Decimal(10) ** 11
MAX_DEADLINE_DAYS = 730


@dataclass
class NeedData:
    title: str
    description: str
    field: str
    deadline: date
    modes: list[str] = field(default_factory=list)
    ipc: str = ""
    budget_min_yuan: Decimal | None = None
    budget_max_yuan: Decimal | None = None
    visibility: str = "public"


def _check(data: NeedData, today: date) -> None:
    """The rules again, whatever the form let through (the form shows every problem at once)."""
    if not data.title.strip() or not data.description.strip():
        raise OperationError(_("Give the need a title and a description."), field="title")
    if data.field not in FIELDS:
        raise OperationError(_("Choose a technical field."), field="field")
    if not data.modes or any(m not in MODES for m in data.modes):
        raise OperationError(_("Choose at least one mode."), field="modes")
    if data.visibility not in NEED_VISIBILITIES:
        raise OperationError(_("Choose who may read the need."), field="visibility")
    for name in ("budget_min_yuan", "budget_max_yuan"):
        value = getattr(data, name)
        if value is not None and (not value.is_finite() or not 0 <= value <= MAX_BUDGET_YUAN):
            raise OperationError(_("Enter an amount in yuan from 0 to %(max)s.", max=f"{MAX_BUDGET_YUAN:,}"),
                                 field=name)
    if data.budget_min_yuan is not None and data.budget_max_yuan is not None \
            and data.budget_min_yuan > data.budget_max_yuan:
        raise OperationError(_("The upper end of the budget is below the lower end."), field="budget_max_yuan")
    if not today < data.deadline <= today + timedelta(days=MAX_DEADLINE_DAYS):
        raise OperationError(_("The deadline must be a date after today and at most two years away."),
                             field="deadline")


def post_need(user: User, data: NeedData, today: date) -> Need:
    """An SME member posts a need for their organisation; the portal then looks for listings that
    answer it and tells their centres (``portal.needs.matching``)."""
    if user.role != "sme_member":
        raise OperationError(_("Only enterprise members can post technology needs."))
    _check(data, today)
    ipc = None
    if data.ipc.strip():
        try:
            ipc = normalise_ipc(data.ipc)
        except InvalidIPC as exc:
            raise OperationError(rule_message(exc), field="ipc") from exc
    need = Need(enterprise_id=user.organisation_id, created_by_id=user.id, title=data.title.strip()[:200],
                description=data.description.strip()[:5000], field=data.field, ipc=ipc,
                budget_min_yuan=data.budget_min_yuan, budget_max_yuan=data.budget_max_yuan,
                deadline=data.deadline, visibility=data.visibility, status="open")
    need.set_modes(data.modes)
    db.session.add(need)
    db.session.flush()
    audit.record("need.posted", f"need {need.id} posted", target=need, actor=user,
                 data={"title": need.title, "visibility": need.visibility})
    from portal.needs.matching import announce_posted

    announce_posted(need)
    return need


def close_need(need: Need, user: User) -> None:
    """The SME closes its need: no more proposals; the page and its proposals stay."""
    if not owns_need(user, need):
        raise OperationError(_("Only the enterprise that posted this need can close it."))
    if need.status != "open":
        raise OperationError(_("This need is already closed."))
    need.status = "closed"
    need.closed_at = datetime.now(UTC)
    audit.record("need.closed", f"need {need.id} closed", target=need, actor=user)


def expire_needs(today: date) -> int:
    """Mark open needs whose deadline has passed as expired (``flask needs expire`` and the worker)."""
    due = list(db.session.scalars(db.select(Need).where(Need.status == "open", Need.deadline < today)))
    for need in due:
        need.status = "expired"
        audit.record("need.expired", f"need {need.id} expired", target=need, actor=None,
                     data={"deadline": need.deadline.isoformat()})
    return len(due)


def propose(need: Need, listings: list[Listing | None], user: User, message: str, today: date) -> list[NeedProposal]:
    """Centre staff answer a need with one or more of their own published listings and a message;
    the enterprise is told once."""
    if user.role not in CENTRE_ROLES or not can_see_need(user, need):
        raise OperationError(_("Only IP operation centres can propose listings for a need."))
    if need.current_status(today) != "open":
        raise OperationError(_("This need is no longer open to proposals."))
    message = message.strip()
    if not message:
        raise OperationError(_("Write a message to the enterprise."), field="message")
    if not listings:
        raise OperationError(_("Choose at least one of your published listings."), field="listings")
    made = []
    for listing in listings:
        if listing is None or listing.centre_id != user.organisation_id or listing.status != "published":
            raise OperationError(_("You can only propose your own centre's published listings."), field="listings")
        exists = db.session.scalar(db.select(NeedProposal.id).where(NeedProposal.need_id == need.id,
                                                                     NeedProposal.listing_id == listing.id))
        if exists is not None:
            raise OperationError(_("“%(title)s” is already proposed for this need.", title=listing.title[:80]),
                                 field="listings")
        proposal = NeedProposal(need_id=need.id, listing_id=listing.id, centre_id=user.organisation_id,
                                created_by_id=user.id, message=message[:3000])
        db.session.add(proposal)
        made.append(proposal)
    db.session.flush()
    audit.record("need.proposed", f"need {need.id}: {len(made)} listing(s) proposed", target=need, actor=user,
                 data={"centre": user.organisation.code, "listings": [p.listing_id for p in made]})
    notify(enterprise_members(need), "need.proposal", {"centre": user.organisation.code, "need": need.title[:80],
                                                        "count": len(made)},
           "needs.detail", need_id=need.id)
    return made
