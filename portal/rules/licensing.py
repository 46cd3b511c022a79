"""Licence types, deal kinds, recordal states and income shares (DOMAIN.md §3).

Vocabulary mappings are key -> (zh label, en label) in display order; the
keys are what the database stores.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from .errors import N_, RuleError

LICENCE_TYPES = MappingProxyType(
    {
        "exclusive": ("独占", "Exclusive"),
        "sole": ("排他", "Sole"),
        "ordinary": ("普通", "Ordinary"),
    }
)
"""Licence type -> labels (SPC interpretation on technology contracts, Art 25)."""

# Art 25: a licence whose type the contract does not state is ordinary.
DEFAULT_LICENCE_TYPE = "ordinary"

DEAL_KINDS = MappingProxyType(
    {
        "licence": ("许可", "Licence"),
        "assignment": ("转让", "Assignment"),
        "equity": ("作价入股", "Equity contribution"),
    }
)
"""Deal kinds the programme counts."""

RECORDAL_STATUSES = MappingProxyType(
    {
        "not_filed": ("未备案", "Not filed"),
        "filed": ("已提交备案", "Filed"),
        "recorded": ("已备案", "Recorded"),
        "refused": ("不予备案", "Refused"),
    }
)
"""CNIPA recordal (备案) status of a deal."""

# Law on Promoting the Transformation of S&T Achievements, Art 45: at least
# half of the net income goes to the contributors.  Centres may set more
# (Shanghai's 2017 regulation allows 70% and above), never less.
MIN_REWARD_SHARE = Decimal("0.5")


def licence_type_or_default(licence_type: str | None) -> str:
    """Return ``licence_type`` checked against :data:`LICENCE_TYPES`, or 'ordinary' if unstated."""
    if licence_type is None or licence_type == "":
        return DEFAULT_LICENCE_TYPE
    if licence_type not in LICENCE_TYPES:
        raise RuleError(N_("Unknown licence type %(given)s."), given=licence_type)
    return licence_type


def net_income(
    gross: Decimal | int,
    taxes: Decimal | int = 0,
    maintenance_costs: Decimal | int = 0,
    transaction_costs: Decimal | int = 0,
) -> Decimal:
    """Net licence/transfer income: gross − related taxes − maintenance − direct costs.

    Maintenance costs include annual fees.  Amounts may be in any one unit
    (yuan or fen); a negative amount or deductions above the gross raise
    :class:`RuleError`.
    """
    figures = {
        "gross": gross,
        "taxes": taxes,
        "maintenance_costs": maintenance_costs,
        "transaction_costs": transaction_costs,
    }
    amounts = {name: _money(value, name) for name, value in figures.items()}
    net = amounts["gross"] - amounts["taxes"] - amounts["maintenance_costs"] - amounts[
        "transaction_costs"
    ]
    if net < 0:
        raise RuleError(
            N_("The deductions (%(deductions)s) exceed the gross income (%(gross)s)."),
            deductions=str(amounts["gross"] - net),
            gross=str(amounts["gross"]),
        )
    return net


def check_reward_share(share: Decimal | str) -> Decimal:
    """Validate a contributors' reward share (a fraction, e.g. ``0.7``); return it as Decimal.

    It must lie between the legal floor of 50% and 100%.
    """
    value = Decimal(share) if isinstance(share, str) else share
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError("share must be a finite Decimal or a numeric string")
    if not MIN_REWARD_SHARE <= value <= 1:
        raise RuleError(
            N_("The contributors' share must be between 50%% and 100%% of net income, "
               "not %(given)s."),
            given=str(value),
        )
    return value


def _money(value: Decimal | int, name: str) -> Decimal:
    # Floats are refused: money is fen or Decimal throughout the portal.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{name} must be an int or Decimal, got {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise TypeError(f"{name} must be finite")
    if amount < 0:
        raise RuleError(
            N_("An income amount or deduction cannot be negative (%(given)s)."), given=str(value)
        )
    return amount
