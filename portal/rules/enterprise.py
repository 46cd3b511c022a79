"""Enterprise size classes: the SME test (DOMAIN.md §5).

Source: 中小企业划型标准规定 (工信部联企业〔2011〕300号), still the standard
in force.  Amounts are in 万元 (RMB 10,000).  The thresholds are data: one
row per industry in ``_TABLE`` below, so a revised standard is a table edit.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from .errors import N_, RuleError

Number = int | float | Decimal


class UnknownIndustry(RuleError):
    """An industry key that is not in :data:`INDUSTRIES`."""


class Bounds(NamedTuple):
    """Lower bounds (≥) that must all hold; ``None`` means the measure is not used."""

    employees: int | None = None
    revenue_wan: int | None = None
    total_assets_wan: int | None = None


_E, _R, _A = "employees", "revenue_wan", "total_assets_wan"

# key, zh label, en label, large, medium, small.
# Keys are those of DOMAIN.md §5; bounds are "≥" (及以上).
_TABLE: tuple[tuple[str, str, str, Bounds, Bounds, Bounds], ...] = (
    ("agriculture", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery",
     Bounds(revenue_wan=20000), Bounds(revenue_wan=500), Bounds(revenue_wan=50)),
    ("industry", "工业", "Industry (mining, manufacturing, utilities)",
     Bounds(1000, 40000), Bounds(300, 2000), Bounds(20, 300)),
    ("construction", "建筑业", "Construction",
     Bounds(None, 80000, 80000), Bounds(None, 6000, 5000), Bounds(None, 300, 300)),
    ("wholesale", "批发业", "Wholesale",
     Bounds(200, 40000), Bounds(20, 5000), Bounds(5, 1000)),
    ("retail", "零售业", "Retail",
     Bounds(300, 20000), Bounds(50, 500), Bounds(10, 100)),
    ("transport", "交通运输业", "Transport (except railways)",
     Bounds(1000, 30000), Bounds(300, 3000), Bounds(20, 200)),
    ("warehousing", "仓储业", "Warehousing",
     Bounds(200, 30000), Bounds(100, 1000), Bounds(20, 100)),
    ("postal", "邮政业", "Postal services",
     Bounds(1000, 30000), Bounds(300, 2000), Bounds(20, 100)),
    ("accommodation", "住宿业", "Accommodation",
     Bounds(300, 10000), Bounds(100, 2000), Bounds(10, 100)),
    ("catering", "餐饮业", "Catering",
     Bounds(300, 10000), Bounds(100, 2000), Bounds(10, 100)),
    ("information_transmission", "信息传输业", "Information transmission",
     Bounds(2000, 100000), Bounds(100, 1000), Bounds(10, 100)),
    ("software_it", "软件和信息技术服务业", "Software and IT services",
     Bounds(300, 10000), Bounds(100, 1000), Bounds(10, 50)),
    ("real_estate", "房地产开发经营", "Real estate development",
     Bounds(None, 200000, 10000), Bounds(None, 1000, 5000), Bounds(None, 100, 2000)),
    ("property_management", "物业管理", "Property management",
     Bounds(1000, 5000), Bounds(300, 1000), Bounds(100, 500)),
    ("leasing_business", "租赁和商务服务业", "Leasing and business services",
     Bounds(300, None, 120000), Bounds(100, None, 8000), Bounds(10, None, 100)),
    ("other", "其他未列明行业", "Other industries (incl. research and technical services)",
     Bounds(300), Bounds(100), Bounds(10)),
)

INDUSTRIES = MappingProxyType({key: (zh, en) for key, zh, en, *_ in _TABLE})
"""Industry key -> (zh label, en label), in the order of the standard."""

SIZE_THRESHOLDS = MappingProxyType(
    {
        key: MappingProxyType({"large": large, "medium": medium, "small": small})
        for key, _zh, _en, large, medium, small in _TABLE
    }
)
"""Industry key -> {'large'|'medium'|'small': :class:`Bounds`}; micro has none."""

SIZE_CLASSES = MappingProxyType(
    {
        "large": ("大型", "Large"),
        "medium": ("中型", "Medium"),
        "small": ("小型", "Small"),
        "micro": ("微型", "Micro"),
    }
)
"""Size class -> (zh label, en label), largest first."""


def industry_requires_total_assets(industry: str) -> bool:
    """True when the industry's thresholds use total assets (资产总额)."""
    return _thresholds(industry)["small"].total_assets_wan is not None


def classify_enterprise(
    industry: str,
    employees: int | None,
    revenue_wan: Number | None,
    total_assets_wan: Number | None = None,
) -> str:
    """Return 'large', 'medium', 'small' or 'micro' for an enterprise.

    Large when every large bound of the industry holds, else medium when
    every medium bound holds, else small when every small bound holds,
    else micro.  Revenue and assets are in 万元 and compared exactly (as
    Decimal).  A measure the industry does not use may be ``None``; one it
    uses may not.
    """
    table = _thresholds(industry)
    used = table["small"]
    figures = {
        _E: _count(employees, used.employees is not None, industry),
        _R: _amount(revenue_wan, _R, used.revenue_wan is not None, industry),
        _A: _amount(total_assets_wan, _A, used.total_assets_wan is not None, industry),
    }
    for size in ("large", "medium", "small"):
        if _all_hold(table[size], figures):
            return size
    return "micro"


def is_sme(
    industry: str,
    employees: int | None,
    revenue_wan: Number | None,
    total_assets_wan: Number | None = None,
) -> bool:
    """True for a small, medium or micro enterprise (中小微企业), i.e. not large."""
    return classify_enterprise(industry, employees, revenue_wan, total_assets_wan) != "large"


def _thresholds(industry: str):
    try:
        return SIZE_THRESHOLDS[industry]
    except (KeyError, TypeError):
        raise UnknownIndustry(N_("Unknown industry %(industry)s."), industry=industry) from None


def _all_hold(bounds: Bounds, figures: dict[str, object]) -> bool:
    return all(
        figures[measure] >= bound
        for measure, bound in bounds._asdict().items()
        if bound is not None
    )


_MISSING = {
    _E: N_("The number of employees is required to classify an enterprise in the "
          "%(industry)s industry."),
    _R: N_("Operating revenue is required to classify an enterprise in the %(industry)s "
          "industry."),
    _A: N_("Total assets are required to classify an enterprise in the %(industry)s industry."),
}

_NEGATIVE = {
    _E: N_("The number of employees cannot be negative (%(value)s)."),
    _R: N_("Operating revenue cannot be negative (%(value)s)."),
    _A: N_("Total assets cannot be negative (%(value)s)."),
}


def _count(value: int | None, required: bool, industry: str) -> int | None:
    if value is None:
        if required:
            raise RuleError(_MISSING[_E], industry=industry)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"employees must be an int, got {type(value).__name__}")
    if value < 0:
        raise RuleError(_NEGATIVE[_E], value=value)
    return value


def _amount(value: Number | None, measure: str, required: bool, industry: str) -> Decimal | None:
    if value is None:
        if required:
            raise RuleError(_MISSING[measure], industry=industry)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{measure} must be a number, got {type(value).__name__}")
    # Decimal(float) is the float's exact value, so no rounding moves a
    # figure across a threshold.
    amount = Decimal(value)
    if not amount.is_finite():
        raise RuleError(N_("%(value)s is not a usable amount."), value=str(value))
    if amount < 0:
        raise RuleError(_NEGATIVE[measure], value=value)
    return amount
