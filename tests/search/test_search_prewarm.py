"""``SearchIndex.prewarm`` (search/prewarm.py): a fresh process reads, before its first query, what
searching the given words reads, and nothing a search answers changes."""

from __future__ import annotations

import pytest
from search_testkit import CORPUS, index_with

from search import SearchQuery, prewarm, segments


@pytest.fixture
def fresh(tmp_path):
    segments._postings.clear()
    yield index_with(tmp_path / "ix", CORPUS)
    segments._postings.clear()


def count_reads(monkeypatch) -> list:
    reads = []
    real = segments.read_postings
    monkeypatch.setattr(segments, "read_postings", lambda *args: reads.append(args[1:]) or real(*args))
    return reads


def test_a_warmed_word_is_searched_without_reading_postings(fresh, monkeypatch):
    expected = fresh.search(SearchQuery("冠状动脉支架"))
    segments._postings.clear()
    fresh.close()  # a new searcher: nothing per-searcher survives either
    assert fresh.prewarm(["冠状动脉支架", "超声"]) == 2
    reads = count_reads(monkeypatch)
    assert fresh.search(SearchQuery("冠状动脉支架")) == expected
    assert reads == []
    fresh.search(SearchQuery("康复"))  # a word that was not warmed is read as before
    assert reads


def test_prewarm_stops_at_its_cpu_budget_and_when_the_postings_cache_is_full_enough(fresh):
    assert fresh.prewarm(["支架", "超声"], budget_seconds=0) == 0
    assert fresh.prewarm(["支架"]) == 1
    budget, used = segments._postings.budget, segments._postings.size
    try:
        segments._postings.resize(int(used / prewarm.WARM_SHARE) - 1)  # already past the share
        assert fresh.prewarm(["超声", "导管"]) == 0
    finally:
        segments._postings.resize(budget)
