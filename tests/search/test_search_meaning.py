"""Search that finds what SMEs mean (issue 15): labels, English, partial matches, synonyms,
corrections that keep the meaning, similar listings. One test per example the issue names."""

from __future__ import annotations

import pytest

from search import SearchQuery
from tests.search.search_testkit import index_with, make_doc


def ids(index, text: str, **kwargs) -> list[str]:
    return index.search(SearchQuery(text=text, **kwargs)).ids


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return index_with(tmp_path_factory.mktemp("meaning"), [
        make_doc("glass", "一种玻璃清洗方法", "用清洗液清洗玻璃表面。"),
        make_doc("wafer", "晶圆清洗装置", "半导体晶圆的清洗。"),
        make_doc("steriliser", "一种医疗器械消毒柜", "对手术器械进行消毒。", labels=["医疗器械", "Medical devices"]),
        make_doc("clutch", "离合器摩擦材料", "一种耐磨的摩擦材料。"),
        make_doc("denture", "一种义齿及其牙科修复方法", "义齿基托与牙科树脂。", labels=["A61C", "牙科；口腔卫生"]),
        make_doc("mould", "一种注射成型模具", "注射成型用的模具结构。"),
        make_doc("steel", "模具钢的热处理", "提高模具钢的硬度。"),
        make_doc("crystal-form", "一种药物的晶型A及其制备", "化合物的新晶型。"),
        make_doc("crystal-1", "晶体生长炉", "晶体生长。"),
        make_doc("crystal-2", "晶体管", "一种晶体管。"),
        make_doc("crystal-3", "人工晶体", "人工晶体植入。"),
        make_doc("wearable", "一种可穿戴设备", "可穿戴设备监测心率。"),
        make_doc("drill", "带钻孔设备的钻机", "钻孔设备。"),
        make_doc("tumour", "一种治疗癌症的药物组合物", "用于治疗肺癌。"),
        make_doc("monitor", "一种病人生命体征监测装置", "实时监测心率和血压。"),
        make_doc("stent", "一种冠状动脉药物洗脱支架", "可降解支架。", labels=["医疗器械", "Medical devices"]),
        make_doc("other", "一种中药组合物", "治疗咳嗽。", labels=["中医药", "Traditional Chinese medicine"],
                 title_en="A herbal composition", body_en="Treats coughs with herbal extracts."),
    ])


def test_a_sector_name_finds_the_fields_listings_first(index):
    for text in ("医疗器械", "醫療器械", "器械", "medical devices"):
        assert set(ids(index, text)[:2]) == {"steriliser", "stent"}, text


@pytest.mark.parametrize(("text", "first"), [("stent", "stent"), ("coronary stents", "stent"),
                                              ("denture", "denture"), ("herbal", "other"), ("coughs", "other")])
def test_english_finds_chinese_listings(index, text, first):
    assert ids(index, text)[0] == first


@pytest.mark.parametrize(("text", "first", "below"), [
    ("医疗器械 清洗 消毒", "steriliser", {"glass", "wafer"}),  # two of three concepts beat one
    ("义齿 牙科材料", "denture", {"clutch"}),
    ("注塑成型 模具", "mould", {"steel"}),  # 注塑成型 is said 注射成型 in the records
])
def test_partial_matches_rank_by_concepts_covered(index, text, first, below):
    found = ids(index, text)
    assert found[0] == first
    assert all(found.index(doc) > 0 for doc in below if doc in found)


@pytest.mark.parametrize(("typed", "meant"), [("假牙", "denture"), ("抗肿瘤", "tumour"), ("注塑", "mould"),
                                               ("监护", "monitor"), ("心脏支架", "stent")])
def test_colloquial_words_find_the_technical_ones(index, typed, meant):
    assert ids(index, typed)[0] == meant


def test_a_correction_keeps_the_meaning(index):
    result = index.search(SearchQuery(text="晶形"))
    assert result.ids[0] == "crystal-form"  # 晶型, not the crystals (晶体) most listings mention
    fixed = index.search(SearchQuery(text="可穿带设备"))
    assert fixed.corrected == "可穿戴设备" and fixed.ids[0] == "wearable"
    typed = index.search(SearchQuery(text="可穿带设备", correct=False))
    assert typed.suggestion == "可穿戴设备"  # and "search as typed" still answers as typed


def test_similar_listings(index):
    similar = index.similar("steriliser")
    assert "steriliser" not in similar and len(similar) <= 5
    assert similar[0] == "stent"  # the other medical device
    assert index.similar("no-such-listing") == []


def test_english_text_ranks_above_the_glossarys_chinese(tmp_path):
    index = index_with(tmp_path, [
        make_doc("a", "一种冠状动脉支架", "支架结构。"),
        make_doc("b", "血管支架及其制备方法", "支架。"),
        make_doc("c", "一种可降解支架", "可降解。", title_en="A bioresorbable coronary stent"),
    ])
    assert ids(index, "stent")[0] == "c"
    assert set(ids(index, "stent")) == {"a", "b", "c"}
