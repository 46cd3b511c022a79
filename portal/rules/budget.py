"""The project funds' arithmetic and rules (DOMAIN.md §7, notice §七): amounts in fen, what the central
funds may not pay for, the separate accounts and the matching ratio. Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from .errors import N_, RuleError

FEN = 100
# One entry above RMB 1,000,000,000 is a typing mistake (the whole grant is 500,000): refuse it.
MAX_AMOUNT_FEN = 1_000_000_000 * FEN
EARLIEST_DATE = date(2000, 1, 1)


def parse_amount(text: str | Decimal | int) -> int:
    """An amount in yuan as typed ("12,500.50", "¥8000") → integer fen; refuses what is not one."""
    raw = str(text).strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RuleError(N_("“%(amount)s” is not an amount in yuan."), amount=str(text)[:40]) from None
    if not value.is_finite():
        raise RuleError(N_("“%(amount)s” is not an amount in yuan."), amount=str(text)[:40])
    if value <= 0:
        raise RuleError(N_("The amount must be more than zero."))
    if value > Decimal(MAX_AMOUNT_FEN) / FEN:
        raise RuleError(N_("The amount is too large: one entry may be at most %(max)s yuan."),
                        max=f"{MAX_AMOUNT_FEN // FEN:,}")
    if value != value.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise RuleError(N_("An amount has at most two decimals (fen)."))
    return int(value * FEN)


def check_entry_date(day: date, today: date) -> None:
    """A receipt or expenditure is dated between 2000 and today."""
    if day > today:
        raise RuleError(N_("The date %(date)s is in the future."), date=day.isoformat())
    if day < EARLIEST_DATE:
        raise RuleError(N_("The date %(date)s is before 2000."), date=day.isoformat())


def check_expense(fund: str, forbidden_from_grant: bool, rule: str) -> None:
    """The central funds (``fund == "grant"``) may not pay for a forbidden category; ``rule`` names
    the rule in the reader's language. Matching funds follow the hospital's own rules."""
    if fund == "grant" and forbidden_from_grant:
        raise RuleError(N_("Refused: %(rule)s. Record it against the matching funds if the hospital pays it "
                           "from its own money."), rule=rule)


def yuan(fen: int) -> Decimal:
    """Integer fen as yuan with two decimals."""
    return (Decimal(fen) / FEN).quantize(Decimal("0.01"))


@dataclass
class Account:
    """One of the two accounts: received, spent by category, balance (all in fen)."""

    received: int = 0
    spent_by_category: dict[str, int] = field(default_factory=dict)

    @property
    def spent(self) -> int:
        return sum(self.spent_by_category.values())

    @property
    def balance(self) -> int:
        return self.received - self.spent

    @property
    def execution_pct(self) -> Decimal | None:
        """Spent as a share of received (预算执行率), one decimal; None before anything is received."""
        if self.received <= 0:
            return None
        return (Decimal(self.spent) * 100 / Decimal(self.received)).quantize(Decimal("0.1"))


@dataclass
class Ledger:
    """A centre's two accounts for one year, kept apart (单独核算)."""

    grant: Account = field(default_factory=Account)
    matching: Account = field(default_factory=Account)

    def account(self, fund: str) -> Account:
        return self.grant if fund == "grant" else self.matching

    @property
    def matching_ratio(self) -> Decimal | None:
        """Matching funds received ÷ grant received (DOMAIN.md §7), two decimals; None without a grant."""
        if self.grant.received <= 0:
            return None
        return (Decimal(self.matching.received) / Decimal(self.grant.received)).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN)

    @property
    def matching_below_one_to_one(self) -> bool:
        """True when grant money has arrived and less matching money than it."""
        return self.grant.received > 0 and self.matching.received < self.grant.received
