"""The SME size table pinned against the standard itself, typed independently of the code.

《中小企业划型标准规定》(工信部联企业〔2011〕300号), 第四条: for each industry, the bounds of a
medium (中型), small (小型) and micro (微型) enterprise, and the "以下" bounds below which an
enterprise is an SME at all (so a large one meets every one of them). 万元 for amounts; "及以上"
includes the bound. Every industry × size × bound is checked twice: against the table constant, and
through ``classify_enterprise`` at the bound (that size) and just under it (the next size down).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.rules import INDUSTRIES, SIZE_THRESHOLDS, classify_enterprise

E, R, A = "employees", "revenue_wan", "total_assets_wan"  # 从业人员 (人), 营业收入 (万元), 资产总额 (万元)

# (key, 行业, {size: {measure: bound}}), typed from 第四条 (一)–(十六) in the standard's order.
STANDARD = (
    # (一) 营业收入20000万元以下的为中小微型企业；500万元及以上为中型，50万元及以上为小型，50万元以下为微型。
    ("agriculture", "农、林、牧、渔业",
     {"large": {R: 20000}, "medium": {R: 500}, "small": {R: 50}}),
    # (二) 从业人员1000人以下或营业收入40000万元以下；中型 300人且2000万元；小型 20人且300万元。
    ("industry", "工业",
     {"large": {E: 1000, R: 40000}, "medium": {E: 300, R: 2000}, "small": {E: 20, R: 300}}),
    # (三) 营业收入80000万元以下或资产总额80000万元以下；中型 6000万元且5000万元；小型 300万元且300万元。
    ("construction", "建筑业",
     {"large": {R: 80000, A: 80000}, "medium": {R: 6000, A: 5000}, "small": {R: 300, A: 300}}),
    # (四) 从业人员200人以下或营业收入40000万元以下；中型 20人且5000万元；小型 5人且1000万元。
    ("wholesale", "批发业",
     {"large": {E: 200, R: 40000}, "medium": {E: 20, R: 5000}, "small": {E: 5, R: 1000}}),
    # (五) 从业人员300人以下或营业收入20000万元以下；中型 50人且500万元；小型 10人且100万元。
    ("retail", "零售业",
     {"large": {E: 300, R: 20000}, "medium": {E: 50, R: 500}, "small": {E: 10, R: 100}}),
    # (六) 从业人员1000人以下或营业收入30000万元以下；中型 300人且3000万元；小型 20人且200万元。
    ("transport", "交通运输业",
     {"large": {E: 1000, R: 30000}, "medium": {E: 300, R: 3000}, "small": {E: 20, R: 200}}),
    # (七) 从业人员200人以下或营业收入30000万元以下；中型 100人且1000万元；小型 20人且100万元。
    ("warehousing", "仓储业",
     {"large": {E: 200, R: 30000}, "medium": {E: 100, R: 1000}, "small": {E: 20, R: 100}}),
    # (八) 从业人员1000人以下或营业收入30000万元以下；中型 300人且2000万元；小型 20人且100万元。
    ("postal", "邮政业",
     {"large": {E: 1000, R: 30000}, "medium": {E: 300, R: 2000}, "small": {E: 20, R: 100}}),
    # (九) 从业人员300人以下或营业收入10000万元以下；中型 100人且2000万元；小型 10人且100万元。
    ("accommodation", "住宿业",
     {"large": {E: 300, R: 10000}, "medium": {E: 100, R: 2000}, "small": {E: 10, R: 100}}),
    # (十) 从业人员300人以下或营业收入10000万元以下；中型 100人且2000万元；小型 10人且100万元。
    ("catering", "餐饮业",
     {"large": {E: 300, R: 10000}, "medium": {E: 100, R: 2000}, "small": {E: 10, R: 100}}),
    # (十一) 从业人员2000人以下或营业收入100000万元以下；中型 100人且1000万元；小型 10人且100万元。
    ("information_transmission", "信息传输业",
     {"large": {E: 2000, R: 100000}, "medium": {E: 100, R: 1000}, "small": {E: 10, R: 100}}),
    # (十二) 从业人员300人以下或营业收入10000万元以下；中型 100人且1000万元；小型 10人且50万元。
    ("software_it", "软件和信息技术服务业",
     {"large": {E: 300, R: 10000}, "medium": {E: 100, R: 1000}, "small": {E: 10, R: 50}}),
    # (十三) 营业收入200000万元以下或资产总额10000万元以下；中型 1000万元且5000万元；小型 100万元且2000万元。
    ("real_estate", "房地产开发经营",
     {"large": {R: 200000, A: 10000}, "medium": {R: 1000, A: 5000}, "small": {R: 100, A: 2000}}),
    # (十四) 从业人员1000人以下或营业收入5000万元以下；中型 300人且1000万元；小型 100人且500万元。
    ("property_management", "物业管理",
     {"large": {E: 1000, R: 5000}, "medium": {E: 300, R: 1000}, "small": {E: 100, R: 500}}),
    # (十五) 从业人员300人以下或资产总额120000万元以下；中型 100人且8000万元；小型 10人且100万元。
    ("leasing_business", "租赁和商务服务业",
     {"large": {E: 300, A: 120000}, "medium": {E: 100, A: 8000}, "small": {E: 10, A: 100}}),
    # (十六) 从业人员300人以下；中型 100人及以上；小型 10人及以上；10人以下为微型。
    ("other", "其他未列明行业",
     {"large": {E: 300}, "medium": {E: 100}, "small": {E: 10}}),
)

BY_KEY = {key: sizes for key, _zh, sizes in STANDARD}
SIZES = ("large", "medium", "small")
NEXT_DOWN = {"large": "medium", "medium": "small", "small": "micro"}
CASES = [(key, size, measure, bound)
         for key, _zh, sizes in STANDARD for size in SIZES for measure, bound in sizes[size].items()]


def _just_under(measure: str, value: int) -> int | Decimal:
    return value - 1 if measure == E else Decimal(value) - Decimal("0.01")


def _classify(key: str, figures: dict) -> str:
    return classify_enterprise(key, figures.get(E), figures.get(R), figures.get(A))


def test_the_industries_are_those_of_the_standard():
    assert list(INDUSTRIES) == [key for key, _zh, _sizes in STANDARD]
    assert {key: zh for key, (zh, _en) in INDUSTRIES.items()} == {key: zh for key, zh, _sizes in STANDARD}
    assert set(SIZE_THRESHOLDS) == set(INDUSTRIES)


@pytest.mark.parametrize(("key", "size"), [(key, size) for key, _zh, _s in STANDARD for size in SIZES])
def test_each_size_uses_the_standards_measures(key, size):
    """Only the measures the standard names for the industry are bounded (the rest are None)."""
    table = SIZE_THRESHOLDS[key][size]
    used = {measure for measure in (E, R, A) if getattr(table, measure) is not None}
    assert used == set(BY_KEY[key][size]), f"{key} {size}: bounded on {sorted(used)}"


@pytest.mark.parametrize(("key", "size", "measure", "bound"), CASES,
                         ids=[f"{k}-{s}-{m}-{b}" for k, s, m, b in CASES])
def test_bound(key, size, measure, bound):
    """The table holds the standard's bound, and classification turns on exactly that figure."""
    assert getattr(SIZE_THRESHOLDS[key][size], measure) == bound, f"{key} {size} {measure}"

    at_bounds = dict(BY_KEY[key][size])
    assert _classify(key, at_bounds) == size, f"{key} at every {size} bound {at_bounds}"
    under = {**at_bounds, measure: _just_under(measure, bound)}
    assert _classify(key, under) == NEXT_DOWN[size], f"{key} {measure} just under the {size} bound: {under}"


def test_the_issue_example_software_medium_revenue():
    """软件和信息技术服务业: 100 staff and 1000万元 revenue is medium; 999.99万元 is small."""
    assert classify_enterprise("software_it", 100, Decimal(1000)) == "medium"
    assert classify_enterprise("software_it", 100, Decimal("999.99")) == "small"
    assert classify_enterprise("software_it", 299, Decimal(9999)) == "medium"
    assert classify_enterprise("software_it", 10, Decimal(50)) == "small"
    assert classify_enterprise("software_it", 10, Decimal("49.99")) == "micro"
