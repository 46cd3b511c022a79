"""search.matching: what a need is matched on (issue 17: matching precision)."""

from __future__ import annotations

import pytest

from search import NeedText
from tests.search.search_testkit import index_with, make_doc

DOCS = [
    make_doc("welder", "一种焊接机器人", "焊接机器人沿焊缝自动跟踪，完成钢结构焊接。"),
    make_doc("wire", "一种焊丝装置", "焊丝装置由抓取机械手送料，焊丝工位自动上料，想法简单。"),
    make_doc("spinner", "一种落纱机器人", "落纱机器人自动上车，想要省人工。"),
    make_doc("truck", "一种无人驾驶配送车", "配送车通过激光雷达检测障碍物并进行路径规划，自动驾驶。"),
    make_doc("lamp", "一种台灯", "台灯的灯罩可调节角度。"),
]


@pytest.fixture
def index(tmp_path):
    idx = index_with(tmp_path / "index", DOCS)
    yield idx
    idx.close()


def test_the_title_comes_first_and_one_character_stand_ins_do_not_cover(index):
    need = NeedText(title="焊接机器人", description="钢结构企业想用机器人自动焊接，需要焊缝跟踪。")
    found = index.match_need(need, limit=5)
    assert found[0].doc_id == "welder"
    assert "lamp" not in [m.doc_id for m in found]
    # 焊丝 shares the character 焊 that the search box lets stand for 焊接: for a need it covers nothing
    alone = {m.doc_id: m.relevance for m in index.match_need(NeedText(title="焊接"), limit=5)}
    assert alone["welder"] == 1.0
    assert alone.get("wire", 0.0) == 0.0


def test_colloquial_single_characters_are_not_concepts(index):
    plain = index.match_need(NeedText(title="落纱机器人", description="自动上车"), limit=5)
    chatty = index.match_need(NeedText(title="落纱机器人", description="我们想用、想做自动上车"), limit=5)
    assert plain[0].doc_id == chatty[0].doc_id == "spinner"
    assert chatty[0].relevance == pytest.approx(plain[0].relevance, abs=0.05)


def test_an_english_need_reaches_chinese_listings_through_the_glossary(index):
    need = NeedText(title="Autonomous driving obstacle detection",
                    description="Delivery vehicles need lidar obstacle detection and path planning.")
    found = index.match_need(need, limit=3)
    assert found and found[0].doc_id == "truck"


@pytest.mark.parametrize("title", ["", "\x00", "想" * 5000, "9" * 400])
def test_odd_needs_never_raise(index, title):
    assert isinstance(index.match_need(NeedText(title=title, description=title), limit=5), list)


def test_among_listings_covering_the_title_alike_the_description_decides(tmp_path, monkeypatch):
    """Both cover the title and every concept of the description (the same relevance); the one whose
    text says the title's words over and over has the higher BM25F, the one that describes the
    description's problem comes first (RANK_BY_DESCRIPTION; without it the order is the other way)."""
    import search.matching as matching

    docs = [make_doc("title_words", "一种焊接机器人", "焊接机器人，焊接机器人，焊接机器人用于船舶甲板曲面焊缝跟踪。"),
            make_doc("described", "一种焊接机器人",
                     "焊接机器人用于船舶甲板曲面焊缝跟踪，船舶甲板曲面焊缝跟踪，甲板曲面焊缝跟踪。")]
    idx = index_with(tmp_path / "index", docs)
    try:
        need = NeedText(title="焊接机器人", description="船舶甲板曲面焊缝跟踪")
        found = idx.match_need(need, limit=5)
        assert [m.doc_id for m in found] == ["described", "title_words"]
        assert found[0].relevance == found[1].relevance  # the relevance (and so notifications) is unchanged
        assert found[0].score < found[1].score
        monkeypatch.setattr(matching, "RANK_BY_DESCRIPTION", 0.0)
        assert [m.doc_id for m in idx.match_need(need, limit=5)] == ["title_words", "described"]
    finally:
        idx.close()
