"""What the figures mean: tallies of deals, targets and when they are met, eligibility.

Pure arithmetic on the numbers that ``portal.metrics.figures`` queries; no database, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

DEAL_KINDS = ("licence", "assignment", "equity")
SME_CLASSES = ("medium", "small", "micro")  # 中小微企业, as snapshotted on the deal
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """An amount in yuan, exactly two decimals (SQLite may hand back a float sum)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tally:
    """Deals counted: how many, contract amount, amount actually received (实际到账)."""

    count: int = 0
    amount: Decimal = ZERO
    received: Decimal = ZERO

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.amount + other.amount, self.received + other.received)


@dataclass(frozen=True)
class DealFigures:
    """One centre's deals of one year, by kind and for SMEs."""

    by_kind: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in DEAL_KINDS})
    sme: Tally = Tally()

    @property
    def total(self) -> Tally:
        return sum(self.by_kind.values(), Tally())

    @classmethod
    def from_rows(cls, rows) -> DealFigures:
        """From grouped rows ``(kind, is_sme, count, amount, received)``."""
        by_kind = {k: Tally() for k in DEAL_KINDS}
        sme = Tally()
        for kind, is_sme, count, amount, received in rows:
            tally = Tally(int(count), money(amount), money(received))
            by_kind[kind] = by_kind[kind] + tally
            if is_sme:
                sme = sme + tally
        return cls(by_kind=by_kind, sme=sme)


@dataclass(frozen=True)
class Target:
    """A target: the least value that meets it, the actual value, and the baseline it grows from."""

    required: int | Decimal
    actual: int | Decimal
    baseline: int | Decimal | None = None

    @property
    def met(self) -> bool:
        return self.actual >= self.required

    @property
    def growth_pct(self) -> Decimal | None:
        """Growth over the baseline in per cent, one decimal; None without a baseline above zero."""
        if not self.baseline:
            return None
        return ((Decimal(self.actual) - Decimal(self.baseline)) * 100 / Decimal(self.baseline)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def progress(self) -> int:
        """Per cent of the way to the requirement, capped at 100 (for a progress bar)."""
        if not self.required:
            return 100
        return min(100, int(Decimal(self.actual) * 100 / Decimal(self.required)))


def growth_target(actual: int | Decimal, baseline: int | Decimal, growth_pct: Decimal, minimum: int = 0) -> Target:
    """Met when ``actual ≥ baseline × (1 + growth)`` and ``actual > baseline`` (and ``≥ minimum``).

    ``required`` is the least value meeting all of these: a whole number for counts, a whole cent
    for amounts — so a baseline of zero needs at least one deal, or one cent.
    """
    grown = Decimal(baseline) * (100 + Decimal(growth_pct)) / 100
    if isinstance(baseline, Decimal) or isinstance(actual, Decimal):
        required = max(grown.quantize(CENT, rounding=ROUND_CEILING), money(baseline) + CENT, money(minimum))
        return Target(required=required, actual=money(actual), baseline=money(baseline))
    required = max(int(grown.to_integral_value(rounding=ROUND_CEILING)), int(baseline) + 1, minimum)
    return Target(required=required, actual=int(actual), baseline=int(baseline))


@dataclass(frozen=True)
class Eligibility:
    """The application conditions (申报条件) as of a date; ``unmet`` names those that fail."""

    as_of: date
    window_years: int
    window_start: date  # deals and payments count after this day, up to and including as_of
    valid_inventions: int
    operable_patents: int
    deals_window: int
    received_window: Decimal
    ip_department: bool
    management_rules: bool
    unmet: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.unmet


ELIGIBILITY_CONDITIONS = ("valid_inventions", "operable_patents", "deals_or_received", "ip_department",
                          "management_rules")


def judge_eligibility(params, *, as_of: date, window_start: date, valid_inventions: int, operable_patents: int,
                      deals_window: int, received_window: Decimal, ip_department: bool,
                      management_rules: bool) -> Eligibility:
    """Apply the thresholds of ``params`` (a ProgrammeParameters) to a centre's counts."""
    holds = {
        "valid_inventions": valid_inventions >= params.min_valid_inventions,
        "operable_patents": operable_patents >= params.min_operable_patents,
        "deals_or_received": deals_window >= params.min_deals_window
        or received_window >= params.min_received_window_yuan,
        "ip_department": ip_department,
        "management_rules": management_rules,
    }
    return Eligibility(as_of=as_of, window_years=params.window_years, window_start=window_start,
                       valid_inventions=valid_inventions, operable_patents=operable_patents, deals_window=deals_window,
                       received_window=money(received_window), ip_department=ip_department,
                       management_rules=management_rules,
                       unmet=tuple(c for c in ELIGIBILITY_CONDITIONS if not holds[c]))
