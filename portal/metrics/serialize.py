"""A centre's figures as JSON: the one shape the API and ``flask metrics show --json`` return.

Amounts are yuan as decimal strings with two decimals ("1234.50"); counts are integers.
"""

from __future__ import annotations

from decimal import Decimal

from portal.metrics.figures import CentreFigures
from portal.rules.targets import DealFigures, Eligibility, Tally, Target


def amount(value: Decimal) -> str:
    return format(value, "f")


def tally_to_dict(tally: Tally) -> dict:
    return {"count": tally.count, "amount": amount(tally.amount), "received": amount(tally.received)}


def deals_to_dict(figures: DealFigures) -> dict:
    return {**tally_to_dict(figures.total),
            "by_kind": {kind: tally_to_dict(t) for kind, t in figures.by_kind.items()},
            "sme": tally_to_dict(figures.sme)}


def _value(value):
    return amount(value) if isinstance(value, Decimal) else value


def target_to_dict(target: Target) -> dict:
    result = {"required": _value(target.required), "actual": _value(target.actual), "met": target.met}
    if target.baseline is not None:
        growth = target.growth_pct
        result |= {"baseline": _value(target.baseline), "growth_pct": None if growth is None else str(growth)}
    return result


def eligibility_to_dict(e: Eligibility) -> dict:
    return {"as_of": e.as_of.isoformat(), "window_years": e.window_years,
            "valid_inventions": e.valid_inventions, "operable_patents": e.operable_patents,
            "deals_3y": e.deals_window, "received_3y": amount(e.received_window),
            "ip_department": e.ip_department, "management_rules": e.management_rules,
            "eligible": e.eligible, "unmet": list(e.unmet)}


def figures_to_dict(f: CentreFigures) -> dict:
    """The documented JSON of one centre's figures (README, "Performance figures")."""
    return {
        "centre": f.centre.code,
        "centre_name": f.centre.name_zh,
        "year": f.year,
        "baseline_year": f.baseline_year,
        "deals": deals_to_dict(f.deals),
        "baseline": deals_to_dict(f.baseline),
        "targets": {name: target_to_dict(t) for name, t in f.targets.items()},
        "eligibility": eligibility_to_dict(f.eligibility),
    }
