"""Searching: relevance, identifiers, filters, facets, sorting, pages, highlights, suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from search_testkit import CORPUS, index_with, make_doc

from search import SearchIndex, SearchQuery


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> SearchIndex:
    return index_with(tmp_path_factory.mktemp("query") / "ix", CORPUS)


def find(index: SearchIndex, text: str = "", **kwargs):
    return index.search(SearchQuery(text, **kwargs))


def test_whole_phrase_ranks_first(index):
    result = find(index, "冠状动脉支架")
    assert result.ids[0] == "stent"
    assert "bracket" in result.ids, "partial matches are still results, after the phrase"


def test_phrase_beats_frequent_partial_terms(tmp_path):
    docs = [
        make_doc("many", "支架支架支架", "支架 支架 支架 动脉 支架 冠状"),
        make_doc("phrase", "一种输送系统", "本装置用于植入冠状动脉支架。" + "其他说明文字。" * 30),
    ]
    assert find(index_with(tmp_path / "ix", docs), "冠状动脉支架").ids == ["phrase", "many"]


def test_traditional_query_finds_simplified_document(index):
    assert find(index, "冠狀動脈支架").ids[0] == "stent"
    assert find(index, "內窺鏡 超聲導管").ids[0] == "catheter"


def test_latin_identifiers_match_in_any_spelling(index):
    for typed in ("PD-1", "pd1", "ＰＤ－１", "PD1抗体"):
        assert find(index, typed).ids[0] == "ctseg", typed
    assert find(index, "ct 图像分割").ids[0] == "ctseg"


def test_latin_typo_within_one_edit_still_matches(index):
    result = find(index, "ultrasond")
    assert result.ids == ["catheter"]
    assert "<mark>ultrasound</mark>" in result.highlights["catheter"]


@pytest.mark.parametrize(
    "typed",
    ["CN201811564288.X", "ZL 2018 1 1564288.X", "201811564288x", "201811564288", "201811564288．X", "ZL201811564288X"],
)
def test_application_number_in_typed_forms(index, typed):
    assert find(index, typed).ids == ["stent"]


def test_application_number_with_digit_check(index):
    for typed in ("2015109587720", "CN 2015 1 0958772.0", "201510958772"):
        assert find(index, typed).ids == ["ctseg"], typed


def test_ipc_prefix_matches_the_hierarchy(tmp_path):
    docs = [
        make_doc("b17", "甲", ipc=["A61B 17/00"]),
        make_doc("b1734", "乙", ipc=["A61B 17/3421"]),
        make_doc("f2", "丙", ipc=["A61F 2/82"]),
    ]
    index = index_with(tmp_path / "ix", docs)
    assert sorted(find(index, "A61B").ids) == ["b17", "b1734"]
    assert sorted(find(index, "a61b17").ids) == ["b17", "b1734"]
    assert find(index, "A61B 17/34").ids == ["b1734"]
    assert find(index, "A61F").ids == ["f2"]
    assert find(index, "", filters={"ipc": "A61B"}).total == 2
    assert find(index, "", filters={"ipc": "nonsense"}).total == 0


def test_facets_count_the_whole_result(index):
    facets = find(index).facets
    assert facets["centre"] == [("RJ", 2), ("ZS", 2), ("HS", 1)]
    assert facets["kind"] == [("invention", 4), ("pct", 1), ("utility_model", 1)]
    assert facets["open_licence"] == [("no", 3), ("yes", 2)]
    assert ("A61F", 2) in facets["ipc_subclass"]
    assert dict(facets["mode"])["ordinary"] == 3


def test_filters_and_facets_without_their_own_filter(index):
    result = find(index, "", filters={"centre": "RJ"})
    assert sorted(result.ids) == ["ctseg", "stent"]
    # The centre facet still shows the other centres, so the user can switch.
    assert result.facets["centre"] == [("RJ", 2), ("ZS", 2), ("HS", 1)]
    assert result.facets["field"] == [("cardiology", 1), ("imaging", 1)]

    both = find(index, "", filters={"centre": ["RJ", "HS"], "open_licence": True})
    assert sorted(both.ids) == ["catheter", "stent"]
    assert find(index, "", filters={"open_licence": "no", "kind": "invention"}).ids == ["ctseg", "joint"]
    assert find(index, "", filters={"ipc_subclass": "a61b", "mode": []}).total == 2


def test_unknown_filter_or_sort_is_a_programming_error(index):
    with pytest.raises(ValueError):
        find(index, "", filters={"colour": "red"})
    with pytest.raises(ValueError):
        find(index, "", sort="random")


def test_sort_newest_and_expiry(index):
    assert find(index, sort="newest").ids == ["bracket", "stent", "ctseg", "catheter", "joint"]
    # Soonest expiry first; a listing without one comes last.
    assert find(index, sort="expiry").ids == ["bracket", "joint", "catheter", "stent", "ctseg"]
    assert find(index, "超声导管", sort="newest").ids[0] == "catheter", "full matches before partial"


def test_pagination(index):
    pages = [find(index, sort="newest", page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [p.ids for p in pages] == [["bracket", "stent"], ["ctseg", "catheter"], ["joint"], []]
    assert all(p.total == 5 for p in pages)
    assert find(index, page=0, per_page=0).ids == ["bracket"]  # clamped to page 1, one per page
    assert find(index, page="x", per_page=10_000).total == 5


def test_highlights_mark_matches_and_escape_everything_else(index):
    result = find(index, "超声 script")
    snippet = result.highlights["catheter"]
    assert "<mark>超声</mark>" in snippet
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in snippet
    assert "<script" not in snippet
    assert find(index, "冠狀動脈支架").highlights["stent"].count("<mark>冠状动脉支架</mark>") == 1


def test_suggestion_for_a_typo(index):
    result = find(index, "utrasond", correct=False)
    assert result.total == 0 and result.corrected is None
    assert result.suggestion == "ultrasound"
    assert find(index, "ultrasound").suggestion is None


def test_suggestion_for_a_chinese_typo(index):
    # 胫骨平抬 is not in the index; 胫骨平台 is one character away.
    assert find(index, "胫骨平抬", correct=False).suggestion == "胫骨平台"


def test_a_typo_is_answered_for_its_correction(index):
    """Nothing holds every typed word, everything the suggestion names is found: its results are
    shown, and the result says which spelling they are for."""
    for typed, corrected, first in (("utrasond", "ultrasound", "catheter"), ("胫骨平抬", "胫骨平台", "joint")):
        result = find(index, typed)
        assert (result.corrected, result.suggestion) == (corrected, None)
        assert result.ids[0] == first and "<mark>" in result.highlights[first]
        assert find(index, corrected).ids == result.ids


def test_no_correction_when_some_listing_holds_every_word(index):
    result = find(index, "冠状动脉支架")
    assert result.corrected is None and result.suggestion is None
    # A suggestion that no listing holds word for word either is offered, not applied.
    result = find(index, "utrasond 胫骨平台")
    assert (result.corrected, result.suggestion) == (None, "ultrasound 胫骨平台")
    assert result.ids, "the listings holding some of the words are still shown"


def test_empty_query_lists_everything(index):
    result = find(index, "   ")
    assert result.total == 5
    assert result.highlights == {} and result.suggestion is None


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        "(((",
        "AND OR NOT",
        "title:支架 AND body:*",
        "*",
        "?",
        "~2",
        "a\x00b",
        "\x01\x02\x1f",
        "支" * 10_000,
        "x" * 10_000,
        "🩺💉 支架 🫀",
        "\ud800",
        "ZL ZL ZL 2018 ．．",
        "A61B 17/ / /",
        "<script>alert(1)</script>",
        "-" * 500,
    ],
)
def test_hostile_input_never_raises(index, text):
    result = find(index, text)
    assert isinstance(result.total, int)


@settings(max_examples=150, deadline=None)
@given(text=st.text(), sort=st.sampled_from(["relevance", "newest", "expiry"]))
def test_search_never_raises_for_arbitrary_text(index, text, sort):
    result = find(index, text, sort=sort)
    assert len(result.ids) <= result.total or result.total == 0
    assert all(isinstance(v, str) for v in result.highlights.values())


def test_facets_ignore_replaced_and_deleted_documents(tmp_path):
    from search import Change

    index = index_with(tmp_path / "ix", [make_doc("1", "导管", centre="RJ"), make_doc("2", "支架", centre="RJ")])
    index.apply(
        [
            Change(3, "upsert", "1", make_doc("1", "导管", centre="ZS")),
            Change(4, "delete", "2"),
        ]
    )
    result = find(index)
    assert result.ids == ["1"]
    assert result.facets["centre"] == [("ZS", 1)]
    assert find(index, "", filters={"centre": "ZS"}).facets["centre"] == [("ZS", 1)]


def test_identifiers_are_not_corrected(index):
    assert find(index, "pd-2").suggestion is None
    assert find(index, "a61z").suggestion is None
