"""A searcher replaced after a commit frees its view's arrays at once (issue 18: a worker serving
searches while listings were published kept every old view until a full garbage collection)."""

from __future__ import annotations

from search_testkit import index_with, make_doc, upserts

from search import SearchQuery


def test_the_old_searchers_view_is_released_when_a_commit_replaces_it(tmp_path):
    index = index_with(tmp_path / "ix", [make_doc(str(n), f"导管{n}", "一种可降解支架。") for n in range(1, 30)])
    assert index.search(SearchQuery("支架")).total == 29
    old = index._local.searcher[1]
    old_view = old._portal_view
    assert old_view._arrays or old_view._cache  # the search computed something to keep

    index.apply(upserts([make_doc("99", "新型支架", "一种支架。")], first_id=100))
    assert index.search(SearchQuery("支架")).total == 30

    assert index._local.searcher[1] is not old
    assert not hasattr(old, "_portal_view")
    assert not old_view._arrays and not old_view._cache and not old_view._stats


def test_closing_releases_the_view_and_searching_again_works(tmp_path):
    index = index_with(tmp_path / "ix", [make_doc("1", "导管", "一种导管。")])
    assert index.search(SearchQuery("导管")).total == 1
    searcher = index._local.searcher[1]
    index.close()
    assert not hasattr(searcher, "_portal_view")
    assert index.search(SearchQuery("导管")).total == 1
