"""SME classification (工信部联企业〔2011〕300号), DOMAIN.md §5."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import (
    INDUSTRIES,
    SIZE_CLASSES,
    SIZE_THRESHOLDS,
    RuleError,
    UnknownIndustry,
    classify_enterprise,
    industry_requires_total_assets,
    is_sme,
)

DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)
RANK = {"micro": 0, "small": 1, "medium": 2, "large": 3}


def test_domain_example_industrial_firm_is_medium():
    assert classify_enterprise("industry", 1500, 30000) == "medium"
    assert is_sme("industry", 1500, 30000)
    assert classify_enterprise("industry", 1000, 40000) == "large"
    assert not is_sme("industry", 1000, 40000)


def test_industry_keys_and_labels():
    assert list(INDUSTRIES) == [
        "agriculture", "industry", "construction", "wholesale", "retail", "transport",
        "warehousing", "postal", "accommodation", "catering", "information_transmission",
        "software_it", "real_estate", "property_management", "leasing_business", "other",
    ]
    assert INDUSTRIES["industry"] == ("工业", "Industry (mining, manufacturing, utilities)")
    assert all(zh and en for zh, en in INDUSTRIES.values())


def test_size_classes():
    assert dict(SIZE_CLASSES) == {
        "large": ("大型", "Large"), "medium": ("中型", "Medium"),
        "small": ("小型", "Small"), "micro": ("微型", "Micro"),
    }


def test_table_is_monotone():
    # A larger class never has a lower bound: growth can only move a firm up.
    for industry, table in SIZE_THRESHOLDS.items():
        for bigger, smaller in (("large", "medium"), ("medium", "small")):
            for big, small in zip(table[bigger], table[smaller], strict=True):
                assert (big is None) == (small is None), industry
                assert big is None or big >= small, industry


@pytest.mark.parametrize(("industry", "figures", "expected"), [
    # (employees, revenue 万元, total assets 万元); bounds are inclusive.
    ("industry", (20, 300), "small"),
    ("industry", (19, 300), "micro"),
    ("industry", (20, Decimal("299.99")), "micro"),
    ("industry", (300, 2000), "medium"),
    ("industry", (5000, 1999), "small"),
    ("agriculture", (None, 20000), "large"),
    ("agriculture", (None, 500), "medium"),
    ("agriculture", (3, 50), "small"),
    ("agriculture", (0, 49), "micro"),
    ("construction", (None, 80000, 80000), "large"),
    ("construction", (None, 80000, 79999), "medium"),
    ("construction", (None, 6000, 4999), "small"),
    ("construction", (None, 300, 299), "micro"),
    ("wholesale", (200, 40000), "large"),
    ("wholesale", (5, 1000), "small"),
    ("retail", (50, 500), "medium"),
    ("transport", (1000, 30000), "large"),
    ("warehousing", (100, 1000), "medium"),
    ("postal", (20, 100), "small"),
    ("accommodation", (300, 10000), "large"),
    ("catering", (9, 5000), "micro"),
    ("information_transmission", (1999, 100000), "medium"),
    ("software_it", (10, 50), "small"),
    ("real_estate", (None, 200000, 10000), "large"),
    ("real_estate", (None, 200000, 1999), "micro"),
    ("property_management", (100, 500), "small"),
    ("leasing_business", (300, None, 120000), "large"),
    ("leasing_business", (300, 0, 7999), "small"),
    ("other", (300, None), "large"),
    ("other", (299, 10**9), "medium"),
    ("other", (10, 0), "small"),
    ("other", (9, None), "micro"),
])
def test_bounds(industry, figures, expected):
    assert classify_enterprise(industry, *figures) == expected


def test_exact_decimal_comparison_and_number_types():
    assert classify_enterprise("industry", 300, Decimal("2000.00")) == "medium"
    assert classify_enterprise("industry", 300, Decimal("1999.999999")) == "small"
    assert classify_enterprise("industry", 300, 2000.0) == "medium"
    assert classify_enterprise("industry", 300, 1999.9999999999998) == "small"
    assert classify_enterprise("construction", None, 6000, 5000.0) == "medium"


def test_unknown_industry_names_the_key():
    with pytest.raises(UnknownIndustry, match="mining") as info:
        classify_enterprise("mining", 10, 10)
    assert info.value.params == {"industry": "mining"}
    with pytest.raises(UnknownIndustry):
        is_sme(None, 10, 10)
    with pytest.raises(UnknownIndustry):
        industry_requires_total_assets("mining")


@pytest.mark.parametrize("industry", ["construction", "real_estate", "leasing_business"])
def test_total_assets_required_where_the_table_uses_them(industry):
    assert industry_requires_total_assets(industry)
    with pytest.raises(RuleError, match="Total assets are required") as info:
        classify_enterprise(industry, 50, 1000)
    assert info.value.params == {"industry": industry}


def test_other_industries_do_not_need_assets():
    needing = {key for key in INDUSTRIES if industry_requires_total_assets(key)}
    assert needing == {"construction", "real_estate", "leasing_business"}


def test_missing_measures_the_industry_uses():
    with pytest.raises(RuleError, match="number of employees is required"):
        classify_enterprise("industry", None, 1000)
    with pytest.raises(RuleError, match="Operating revenue is required"):
        classify_enterprise("industry", 10, None)


@pytest.mark.parametrize(("figures", "fragment"), [
    ((-1, 10, None), "employees cannot be negative"),
    ((10, -1, None), "revenue cannot be negative"),
    ((10, Decimal("-0.01"), None), "revenue cannot be negative"),
    ((10, 10, -5), "Total assets cannot be negative"),
    ((10, float("nan"), None), "not a usable amount"),
    ((10, Decimal("Infinity"), None), "not a usable amount"),
])
def test_bad_figures(figures, fragment):
    with pytest.raises(RuleError, match=fragment):
        classify_enterprise("industry", *figures)


def test_wrong_types_are_programming_errors():
    with pytest.raises(TypeError):
        classify_enterprise("industry", 10.5, 10)
    with pytest.raises(TypeError):
        classify_enterprise("industry", True, 10)
    with pytest.raises(TypeError):
        classify_enterprise("industry", 10, "300")


amounts = st.decimals(min_value=0, max_value=500000, places=2, allow_nan=False)
firms = st.tuples(st.sampled_from(list(INDUSTRIES)), st.integers(0, 5000), amounts, amounts)
growth = st.tuples(st.integers(0, 3000), amounts, amounts)


@DETERMINISTIC
@given(firms, growth)
def test_growing_never_makes_a_firm_smaller(firm, grow):
    industry, employees, revenue, assets = firm
    before = classify_enterprise(industry, employees, revenue, assets)
    after = classify_enterprise(industry, employees + grow[0], revenue + grow[1], assets + grow[2])
    assert RANK[after] >= RANK[before]
    assert is_sme(industry, employees, revenue, assets) == (before != "large")
