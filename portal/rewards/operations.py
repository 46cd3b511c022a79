"""Reward figures and operations.

Net income (DOMAIN.md §3): gross income − taxes − maintenance costs − direct transaction costs,
as the deal records it (gross and deductions). A deal without a recorded gross income counts the
amounts actually received as its gross. The reward due is net income × the centre's reward share:
a centre setting, never below the legal floor of 50 % (``rules.check_reward_share``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import Deal, InventorReward, Organisation, RewardShare, User
from portal.rules import MIN_REWARD_SHARE, RuleError, check_reward_share

MAX_YUAN = Decimal(10) ** 13
_SEPARATORS = re.compile(r"[;；,，、\n]+")


def share_of(centre_id: int) -> Decimal:
    row = db.session.get(RewardShare, centre_id)
    return row.share if row is not None else MIN_REWARD_SHARE


def set_share(centre: Organisation, share: Decimal | None, actor: User | None) -> None:
    """The centre's reward share, from its income-distribution rules (a fraction: 0.7 for 70 %)."""
    if share is None:
        raise OperationError(_("Give the share as a percentage."), field="share_pct")
    try:
        share = check_reward_share(share)
    except RuleError as exc:
        raise OperationError(rule_message(exc), field="share_pct") from exc
    row = db.session.get(RewardShare, centre.id)
    if row is None:
        row = RewardShare(centre_id=centre.id, share=share)
        db.session.add(row)
    row.share = share
    row.updated_by_id = actor.id if actor else None
    db.session.flush()
    audit.record("reward.share", f"{centre.code}: reward share {share}", target=centre, actor=actor,
                 data={"share": f"{share * 100:g}%"})


def net_income(deal: Deal) -> Decimal:
    gross = deal.gross_income_yuan if deal.gross_income_yuan is not None else deal.received_yuan
    return max(gross - (deal.deductions_yuan or Decimal(0)), Decimal(0))


def inventors_of(deal: Deal) -> list[str]:
    """The inventors named on the deal's patents, each once, in order."""
    names = (n.strip() for p in deal.patents for n in _SEPARATORS.split(p.inventors or ""))
    return list(dict.fromkeys(n for n in names if n))


@dataclass
class RewardFigures:
    net: Decimal
    share: Decimal
    due: Decimal
    paid: Decimal

    @property
    def shortfall(self) -> Decimal:
        return max(self.due - self.paid, Decimal(0))


def paid_rewards(deal: Deal) -> list[InventorReward]:
    return list(db.session.scalars(db.select(InventorReward).where(InventorReward.deal_id == deal.id)
                                   .order_by(InventorReward.paid_on, InventorReward.id)))


def figures(deal: Deal, share: Decimal | None = None) -> RewardFigures:
    share = share if share is not None else share_of(deal.licensor_id)
    net = net_income(deal)
    due = (net * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    paid = sum((r.amount_yuan for r in paid_rewards(deal)), Decimal(0))
    return RewardFigures(net, share, due, paid)


def record_reward(deal: Deal, inventor: str, amount: Decimal | None, paid_on: date | None, note: str,
                  actor: User | None, today: date) -> InventorReward:
    """A reward paid to a named inventor: one of the inventors of the deal's patents."""
    name = (inventor or "").strip()
    known = inventors_of(deal)
    if not name:
        raise OperationError(_("Name the inventor."), field="inventor")
    if known and name not in known:
        raise OperationError(_("Choose one of the inventors of the deal's patents: %(names)s.",
                               names="、".join(known)), field="inventor")
    if amount is None or not 0 < amount < MAX_YUAN:
        raise OperationError(_("A reward needs an amount above zero and below 10 trillion yuan."), field="amount_yuan")
    if paid_on is None or paid_on > today:
        raise OperationError(_("Give the day the reward was paid (not in the future)."), field="paid_on")
    reward = InventorReward(deal_id=deal.id, inventor=name[:100], amount_yuan=amount, paid_on=paid_on,
                            note=(note or "").strip()[:300], created_by_id=actor.id if actor else None)
    db.session.add(reward)
    db.session.flush()
    audit.record("reward.paid", f"deal {deal.id}: {amount} to {name}", target=deal, actor=actor,
                 data={"inventor": name, "amount": str(amount), "paid_on": paid_on.isoformat()})
    return reward


@dataclass
class YearRow:
    year: int
    deals: int
    net: Decimal
    due: Decimal
    paid: Decimal
    short_deals: int


def summary(centre_id: int) -> tuple[list[YearRow], list[tuple[Deal, RewardFigures]]]:
    """Per year of conclusion: deals, net income, reward due and paid; and the deals paid below due."""
    share = share_of(centre_id)
    years: dict[int, YearRow] = {}
    short = []
    for deal in db.session.scalars(db.select(Deal).where(Deal.licensor_id == centre_id).order_by(Deal.id)):
        day = deal.concluded_on
        if day is None:
            continue
        f = figures(deal, share)
        row = years.setdefault(day.year, YearRow(day.year, 0, Decimal(0), Decimal(0), Decimal(0), 0))
        row.deals += 1
        row.net += f.net
        row.due += f.due
        row.paid += f.paid
        if f.shortfall > 0:
            row.short_deals += 1
            short.append((deal, f))
    return sorted(years.values(), key=lambda r: r.year, reverse=True), short
