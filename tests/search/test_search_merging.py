"""After any burst of commits, a merge leaves a handful of segments, and the index answers alike."""

from __future__ import annotations

from search_testkit import make_doc

from search import Change, SearchIndex, SearchQuery
from search.merging import MAX_SEGMENTS


def test_a_burst_of_commits_merges_down_to_a_handful(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    for i in range(1, 41):  # forty publishes, each its own commit, none merged
        index.apply([Change(i, "upsert", str(i), make_doc(str(i), f"可降解支架{i}型"))], merge=False)
    assert index.segment_count() >= 40
    before = index.search(SearchQuery(text="支架", per_page=100))
    index.merge_small()
    assert index.segment_count() <= 2
    after = index.search(SearchQuery(text="支架", per_page=100))
    assert (after.ids, after.total) == (before.ids, before.total) and after.total == 40


def test_merging_bounds_the_count_of_large_segments_too(tmp_path, monkeypatch):
    import search.merging as merging

    monkeypatch.setattr(merging, "SMALL_DOCS", 2)  # every segment of three documents counts as large
    index = SearchIndex(tmp_path / "ix")
    for batch in range(12):
        index.apply([Change(batch * 3 + k + 1, "upsert", f"{batch}-{k}", make_doc(f"{batch}-{k}", "导管"))
                     for k in range(3)], merge=False)
    index.merge_small()
    assert index.segment_count() <= MAX_SEGMENTS
    assert index.search(SearchQuery(text="导管", per_page=100)).total == 36
