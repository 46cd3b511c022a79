"""A worker's first searches (issue 18, item 2): the postings cache sized in bytes and read
without a lock, idf and average lengths kept per searcher, length columns read in one piece, and
the health check every process runs when it opens the index."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from search_testkit import make_doc, upserts
from whoosh.codec import whoosh3

from search import SearchIndex, SearchQuery, segments, storage, view, whoosh_internals
from tests.search.test_search_whoosh_internals import corpus, indexes


def entry(count: int) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(count, dtype=np.int64), np.ones(count, dtype=np.float32)


def test_the_postings_cache_is_bounded_by_bytes_not_entries():
    one = segments.PostingsCache.cost(entry(1000))
    cache = segments.PostingsCache(3 * one)
    for n in range(3):
        cache.put(("seg", "title", b"%d" % n), entry(1000))
    assert cache.size == 3 * one and len(cache.entries) == 3
    cache.put(("seg", "title", b"3"), entry(1000))  # over budget: the oldest unused goes
    assert cache.size <= cache.budget
    assert list(cache.entries) == [("seg", "title", b"1"), ("seg", "title", b"2"), ("seg", "title", b"3")]
    # Many small entries fit where one large one would: the budget is bytes.
    small = segments.PostingsCache.cost(entry(1))
    for n in range(10):
        cache.put(("seg", "body", b"%d" % n), entry(1))
    assert cache.size <= cache.budget
    assert sum(key[1] == "body" for key in cache.entries) == 10 and small * 10 < one
    # An entry larger than the whole cache is not kept (it would evict everything else).
    before = dict(cache.entries)
    cache.put(("seg", "title", b"huge"), entry(10_000))
    assert dict(cache.entries) == before


def test_an_entry_used_since_the_last_eviction_gets_a_second_chance():
    one = segments.PostingsCache.cost(entry(10))
    cache = segments.PostingsCache(2 * one)
    a, b, c = ("s", "f", b"a"), ("s", "f", b"b"), ("s", "f", b"c")
    cache.put(a, entry(10))
    cache.put(b, entry(10))
    assert cache.get(a) is not None  # a is used: b, not a, makes room for c
    cache.put(c, entry(10))
    assert set(cache.entries) == {a, c}
    assert cache.get(b) is None


def test_resizing_the_cache_drops_what_no_longer_fits():
    one = segments.PostingsCache.cost(entry(10))
    cache = segments.PostingsCache(10 * one)
    for n in range(10):
        cache.put(("s", "f", b"%d" % n), entry(10))
        cache.get(("s", "f", b"%d" % n))
    cache.resize(3 * one)
    assert len(cache.entries) == 3 and cache.size <= 3 * one
    cache.clear()
    assert cache.size == 0 and not cache.entries and not cache.used


def test_lookups_from_many_threads_while_the_cache_evicts():
    one = segments.PostingsCache.cost(entry(50))
    cache = segments.PostingsCache(20 * one)
    errors = []

    def run(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            for n in rng.integers(0, 60, 3000).tolist():
                key = ("s", "f", b"%d" % n)
                found = cache.get(key)
                if found is None:
                    cache.put(key, entry(50))
                else:
                    assert len(found[0]) == 50
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert cache.size <= cache.budget
    assert cache.size == sum(segments.PostingsCache.cost(e) for e in cache.entries.values())


def test_searches_give_the_same_results_with_a_tiny_cache(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts(corpus()))
    queries = ["支架", "超声导管", "内窥镜 系统", "抗体", "一种装置"]
    expected = [index.search(SearchQuery(q)).ids for q in queries]
    try:
        segments.set_postings_cache_mb(0.001)  # about one entry: nearly every lookup misses
        assert [index.search(SearchQuery(q)).ids for q in queries] == expected
        assert segments.postings_cache_stats()["bytes"] <= segments.postings_cache_stats()["budget_bytes"]
    finally:
        segments.set_postings_cache_mb(segments.POSTINGS_CACHE_MB)


def _check_statistics_once(searcher, monkeypatch) -> None:
    engine = view.View(searcher)
    calls = {"idf": 0, "avg": 0}
    idf, avg = searcher.idf, searcher.avg_field_length

    def counting_idf(*args, **kwargs):
        calls["idf"] += 1
        return idf(*args, **kwargs)

    def counting_avg(*args, **kwargs):
        calls["avg"] += 1
        return avg(*args, **kwargs)

    monkeypatch.setattr(searcher, "idf", counting_idf)
    monkeypatch.setattr(searcher, "avg_field_length", counting_avg)
    first = engine.statistics("title", "支架".encode())
    assert first == (idf("title", "支架"), avg("title") or 1)
    for _ in range(3):
        assert engine.statistics("title", "支架".encode()) == first
    engine.statistics("title", "导管".encode())
    assert calls == {"idf": 2, "avg": 1}


def test_idf_and_average_length_are_computed_once_per_searcher(tmp_path, monkeypatch):
    for index in indexes(tmp_path).values():
        with index._index().searcher() as searcher:
            _check_statistics_once(searcher, monkeypatch)


def test_length_columns_read_in_one_piece_match_whooshs_own(tmp_path):
    for index in indexes(tmp_path).values():
        with index._index().searcher() as searcher:
            for reader, _ in searcher.reader().leaf_readers():
                for field in ("title", "body", "bigrams"):
                    column = reader._perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
                    if column is None:
                        continue
                    ours = whoosh_internals.encoded_lengths(reader, field)
                    assert len(ours) == reader.doc_count_all()
                    theirs = [reader.doc_field_length(d, field) or 0 for d in range(reader.doc_count_all())]
                    decoded = segments._field_lengths(reader, field, reader.doc_count_all()).tolist()
                    assert decoded == pytest.approx(theirs)


def test_the_quick_health_check_finds_a_truncated_segment(tmp_path):
    path = tmp_path / "ix"
    index = SearchIndex(path)
    index.apply(upserts([make_doc(str(n), f"导管{n}", "一种导管。" * 20) for n in range(40)]))
    assert index.is_healthy() and index.is_healthy(thorough=True)
    generation = path / storage.read_pointer(str(path))
    for name in os.listdir(generation):
        if name.endswith(".seg"):
            with open(generation / name, "r+b") as handle:
                handle.truncate(os.path.getsize(handle.name) * 2 // 3)
    assert not SearchIndex(path).is_healthy()
    assert not SearchIndex(path).is_healthy(thorough=True)


@pytest.mark.parametrize(("value", "expected"), [("64", 64), ("0", 0), ("-5", 0), ("lots", 0),
                                                 ("9" * 40, 0), ("", 0)])
def test_the_cache_size_setting_falls_back_on_nonsense(tmp_path, monkeypatch, value, expected):
    from portal.config import Config

    monkeypatch.setenv("PORTAL_SEARCH_POSTINGS_CACHE_MB", value)
    assert expected == Config(tmp_path / "instance").SEARCH_POSTINGS_CACHE_MB


def test_without_the_setting_the_cache_is_a_sixth_of_the_index_and_at_least_the_default(app):
    from portal import indexing

    assert segments.auto_postings_cache_mb(0) == segments.POSTINGS_CACHE_MB
    assert segments.auto_postings_cache_mb(600 * 2**20) == segments.POSTINGS_CACHE_MB
    assert segments.auto_postings_cache_mb(2400 * 2**20) == 400
    assert segments.auto_postings_cache_mb(2400 * 2**20 + 1) == 401
    app.config["SEARCH_POSTINGS_CACHE_MB"] = 0
    app.extensions.pop("search_index", None)
    try:
        with app.app_context():
            index = indexing.get_index()
            assert storage.generation_bytes(index.path) > 0
        assert segments.postings_cache_stats()["budget_bytes"] == segments.POSTINGS_CACHE_MB * 2**20
    finally:
        segments.set_postings_cache_mb(segments.POSTINGS_CACHE_MB)


def test_a_worker_sizes_its_postings_cache_from_the_setting(app):
    from portal import indexing

    app.config["SEARCH_POSTINGS_CACHE_MB"] = 3
    app.extensions.pop("search_index", None)
    try:
        with app.app_context():
            indexing.get_index()
        assert segments.postings_cache_stats()["budget_bytes"] == 3 * 2**20
    finally:
        segments.set_postings_cache_mb(segments.POSTINGS_CACHE_MB)


def test_stored_fields_read_per_segment_are_whooshs(tmp_path):
    for index in indexes(tmp_path).values():
        with index._index().searcher() as searcher:
            engine = view.View(searcher)
            assert len(engine.parts) >= 1
            for docnum in range(searcher.doc_count_all()):
                assert engine.stored(docnum) == searcher.stored_fields(docnum)
