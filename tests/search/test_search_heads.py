"""search.heads: what a listing is (its title and first sentence), and whether a concept holds there."""

from __future__ import annotations

from search.heads import HEAD_CHARS, head_text, holds_in
from search.query import parse
from tests.search.search_testkit import index_with, make_doc


def _concepts(text: str):
    return parse(text).covers


def test_the_head_is_the_title_and_the_first_sentence():
    head = head_text({"title": "一种匣钵", "body": "本发明公开了一种匣钵。所述匣钵用于锂电池正极材料的烧结。"})
    assert "匣钵" in head and "正极材料" not in head
    run_on = head_text({"title": "", "body": "甲" * (HEAD_CHARS + 10) + "乙。"})
    assert "乙" not in run_on and len(run_on.strip()) == HEAD_CHARS
    assert head_text({}).strip() == ""


def test_a_concept_holds_by_its_word_its_string_or_all_its_pieces():
    head = head_text({"body": "本发明公开了一种锂离子电池正极材料及其制备方法。"})
    assert all(holds_in(c, head) for c in _concepts("锂电池正极材料"))  # 锂电池 by its synonym 锂离子电池
    assert not any(holds_in(c, head) for c in _concepts("匣钵"))
    assert [holds_in(c, head_text({"body": "一种混凝土搅拌装置。"})) for c in _concepts("混凝土强度")] == [True, False]


def test_a_latin_word_starts_a_word():
    covers = _concepts("CT")
    assert holds_in(covers[0], head_text({"body": "一种CT扫描装置。"}))
    assert not holds_in(covers[0], head_text({"body": "a function of the device."}))


def test_a_listing_that_is_what_the_title_asks_for_comes_before_one_that_mentions_it(tmp_path, monkeypatch):
    """Both cover the title and the description alike (the same relevance); the saggar says 正极材料
    more often (the higher BM25F) but only the cathode material is one in its first sentence: it comes
    first (RANK_BY_HEAD; without it the order is the other way)."""
    import search.matching as matching

    docs = [make_doc("saggar", "", "本发明公开了一种匣钵及其制备方法。该匣钵用于烧结锂电池正极材料，"
                                    "锂电池正极材料的容量，锂电池正极材料的容量，锂电池正极材料的容量。"),
            make_doc("cathode", "", "本发明公开了一种锂电池正极材料及其制备方法。该材料由镍钴锰前驱体与锂盐"
                                     "混合烧结而成，颗粒均匀，提高容量。")]
    idx = index_with(tmp_path / "index", docs)
    try:
        need = matching.NeedText(title="锂电池正极材料", description="提高容量")
        found = idx.match_need(need, limit=5)
        assert [m.doc_id for m in found] == ["cathode", "saggar"]
        assert found[0].relevance == found[1].relevance  # the relevance (and so notifications) is unchanged
        monkeypatch.setattr(matching, "RANK_BY_HEAD", 0.0)
        assert [m.doc_id for m in idx.match_need(need, limit=5)] == ["saggar", "cathode"]
    finally:
        idx.close()
