"""The index follows the change log: order, last applied id, rebuild, verify, damage, locking."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from search_testkit import index_with, make_doc, upserts

from search import (
    Change,
    IndexDamaged,
    IndexLocked,
    SearchIndex,
    SearchQuery,
    move_aside_and_create,
)
from search.storage import POINTER, read_pointer


def ids(index: SearchIndex, text: str = "") -> list[str]:
    return index.search(SearchQuery(text, per_page=100)).ids


def test_new_index_is_empty(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    assert index.last_applied_id() == 0
    assert index.document_count() == 0
    assert ids(index) == []
    assert index.is_healthy()


def test_apply_records_last_id_inside_the_index(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    docs = [make_doc("1", "导管"), make_doc("2", "支架")]
    assert index.apply(upserts(docs, first_id=10)) == 2
    assert index.last_applied_id() == 11
    reopened = SearchIndex(tmp_path / "ix")
    assert reopened.last_applied_id() == 11
    assert sorted(ids(reopened)) == ["1", "2"]


def test_reapplying_the_same_changes_is_a_no_op(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    changes = upserts([make_doc("1", "导管"), make_doc("2", "支架")])
    index.apply(changes)
    assert index.apply(changes) == 0
    assert index.document_count() == 2
    # Overlapping batches apply only the new tail.
    more = [*changes, Change(3, "upsert", "3", make_doc("3", "内窥镜"))]
    assert index.apply(more) == 1
    assert index.last_applied_id() == 3
    assert index.document_count() == 3


def test_later_changes_win_and_delete_removes(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.apply(
        [
            Change(1, "upsert", "1", make_doc("1", "导管", version="a")),
            Change(2, "upsert", "2", make_doc("2", "支架")),
            Change(3, "upsert", "1", make_doc("1", "内窥镜", version="b")),
            Change(4, "upsert", "3", make_doc("3", "留置针")),
            Change(5, "delete", "3"),
        ]
    )
    assert ids(index, "内窥镜") == ["1"]
    assert ids(index, "导管") == []
    assert ids(index, "留置针") == []
    index.apply([Change(6, "delete", "2"), Change(7, "delete", "does-not-exist")])
    assert ids(index) == ["1"]
    assert index.last_applied_id() == 7


def test_changes_out_of_order_are_refused_and_nothing_is_written(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    with pytest.raises(ValueError, match="ascend"):
        index.apply([Change(2, "upsert", "2", make_doc("2", "导管")), Change(1, "delete", "1")])
    assert index.last_applied_id() == 0
    assert ids(index) == []


def test_bad_upserts_are_refused(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    with pytest.raises(ValueError):
        index.apply([Change(1, "upsert", "1", None)])
    with pytest.raises(ValueError):
        index.apply([Change(1, "upsert", "1", make_doc("2", "导管"))])
    with pytest.raises(ValueError):
        index.apply([Change(1, "upsert", "__meta__", make_doc("__meta__", "导管"))])
    assert index.last_applied_id() == 0
    # The lock was released each time.
    assert index.apply(upserts([make_doc("1", "导管")])) == 1


def test_rebuild_swaps_in_a_new_generation(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts([make_doc("old", "导管")]))
    reader = SearchIndex(tmp_path / "ix")  # another worker, already open
    assert ids(reader) == ["old"]
    first = read_pointer(str(tmp_path / "ix"))

    assert index.rebuild([make_doc("a", "支架"), make_doc("b", "内窥镜")], last_id=42) == 2
    assert sorted(ids(reader)) == ["a", "b"]
    assert reader.last_applied_id() == 42
    second = read_pointer(str(tmp_path / "ix"))
    assert second != first

    index.rebuild([make_doc("c", "导丝")], last_id=43)
    generations = sorted(e for e in os.listdir(tmp_path / "ix") if e.startswith("gen-"))
    assert len(generations) == 2, "only the live and the previous generation are kept"
    assert first not in generations
    assert ids(reader) == ["c"]
    assert index.apply(upserts([make_doc("d", "留置针")], first_id=44)) == 1
    assert sorted(ids(reader)) == ["c", "d"]


def test_opening_while_a_rebuild_switches_generations_opens_the_new_one(tmp_path, monkeypatch):
    import search.storage as storage

    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts([make_doc("old", "导管")]))
    first = read_pointer(str(tmp_path / "ix"))
    index.rebuild([make_doc("a", "支架")], last_id=42)
    index.rebuild([make_doc("b", "内窥镜")], last_id=43)  # the first generation is removed now
    # A reader read the pointer just before the switch, and opens the generation it named.
    real, reads = storage.read_pointer, []

    def stale_once(path):
        reads.append(path)
        return first if len(reads) <= 3 else real(path)  # the constructor, _index and open_current

    monkeypatch.setattr(storage, "read_pointer", stale_once)
    reader = SearchIndex(tmp_path / "ix")
    assert reader.last_applied_id() == 43 and ids(reader) == ["b"]


def test_failed_rebuild_leaves_the_live_index_alone(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts([make_doc("keep", "导管")]))

    def documents():
        yield make_doc("x", "支架")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(documents(), last_id=9)
    assert ids(index) == ["keep"]
    assert index.last_applied_id() == 1
    assert len([e for e in os.listdir(tmp_path / "ix") if e.startswith("gen-")]) == 1
    with pytest.raises(ValueError, match="duplicate"):
        index.rebuild([make_doc("x", "支架"), make_doc("x", "导管")], last_id=9)


def test_verify_reports_missing_extra_and_stale(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts([make_doc("1", "导管", version="a"), make_doc("2", "支架", version="a")]))
    report = index.verify({"1": "a", "2": "b", "3": "a"})
    assert (report.missing, report.extra, report.stale) == (["3"], [], ["2"])
    assert not report.ok
    report = index.verify({"1": "a"})
    assert report.extra == ["2"]
    assert index.verify({"1": "a", "2": "a"}).ok


def test_missing_toc_is_detected_and_recovered(tmp_path):
    path = tmp_path / "ix"
    SearchIndex(path).apply(upserts([make_doc("1", "导管")]))
    generation = path / read_pointer(str(path))
    for name in os.listdir(generation):
        if name.endswith(".toc"):
            os.remove(generation / name)
    with pytest.raises(IndexDamaged):
        SearchIndex(path)

    fresh = move_aside_and_create(path)
    assert fresh.last_applied_id() == 0
    assert fresh.is_healthy()
    assert [p for p in os.listdir(tmp_path) if p.startswith("ix.damaged-")]
    fresh.rebuild([make_doc("1", "导管")], last_id=1)
    assert ids(fresh, "导管") == ["1"]


def test_corrupt_toc_or_pointer_is_damage(tmp_path):
    path = tmp_path / "ix"
    SearchIndex(path)
    generation = path / read_pointer(str(path))
    toc = next(name for name in os.listdir(generation) if name.endswith(".toc"))
    (generation / toc).write_bytes(b"\x00garbage")
    with pytest.raises(IndexDamaged):
        SearchIndex(path)
    (path / POINTER).write_text("../../etc")
    with pytest.raises(IndexDamaged):
        SearchIndex(path)


def test_missing_segment_makes_the_index_unhealthy(tmp_path):
    path = tmp_path / "ix"
    index = SearchIndex(path)
    index.apply(upserts([make_doc("1", "导管")]))
    generation = path / read_pointer(str(path))
    for name in os.listdir(generation):
        if name.endswith(".seg"):
            os.remove(generation / name)
    assert not SearchIndex(path).is_healthy()


def test_a_foreign_directory_is_not_overwritten(tmp_path):
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / "notes.txt").write_text("mine")
    with pytest.raises(IndexDamaged):
        SearchIndex(tmp_path / "ix")
    assert (tmp_path / "ix" / "notes.txt").read_text() == "mine"


def test_second_writer_gets_lock_error_not_silent_loss(tmp_path):
    first = SearchIndex(tmp_path / "ix")
    second = SearchIndex(tmp_path / "ix")
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def slow_changes():
        # The first writer holds the lock while it streams its changes.
        holding.set()
        release.wait(10)
        yield Change(1, "upsert", "a", make_doc("a", "导管"))

    def run_first():
        outcome["applied"] = first.apply(slow_changes())

    thread = threading.Thread(target=run_first)
    thread.start()
    assert holding.wait(10)
    try:
        with pytest.raises(IndexLocked):
            second.apply([Change(2, "upsert", "b", make_doc("b", "支架"))], timeout=0.2)
        with pytest.raises(IndexLocked):
            second.rebuild([make_doc("c", "内窥镜")], last_id=5, timeout=0.2)
    finally:
        release.set()
        thread.join(10)
    assert outcome["applied"] == 1
    assert second.last_applied_id() == 1
    # Once the lock is free the second writer catches up normally.
    assert second.apply([Change(2, "upsert", "b", make_doc("b", "支架"))], timeout=1) == 1
    assert sorted(ids(first)) == ["a", "b"]


def test_concurrent_creation_agrees_on_one_generation(tmp_path):
    indexes, errors = [], []

    def create():
        try:
            indexes.append(SearchIndex(tmp_path / "ix"))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len([e for e in os.listdir(tmp_path / "ix") if e.startswith("gen-")]) == 1
    indexes[0].apply(upserts([make_doc("1", "导管")]))
    assert all(ids(index) == ["1"] for index in indexes)


def test_malformed_identifiers_do_not_block_the_change_log(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    doc = make_doc("1", "导管", app_numbers=["garbage", "201811564288.X"], ipc=["??", "A61M 25/00"])
    assert index.apply(upserts([doc])) == 1
    assert ids(index, "201811564288X") == ["1"]
    assert ids(index, "A61M") == ["1"]
    assert index.search(SearchQuery()).facets["ipc_subclass"] == [("A61M", 1)]


def test_aware_datetimes_sort_in_utc(tmp_path):

    shanghai = timezone(timedelta(hours=8))
    docs = [
        make_doc("early", "导管", published=datetime(2024, 1, 1, 7, 0, tzinfo=shanghai)),  # 23:00 UTC the day before
        make_doc("late", "导管", published=datetime(2023, 12, 31, 23, 30, tzinfo=UTC)),
    ]
    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts(docs))
    assert index.search(SearchQuery(sort="newest")).ids == ["late", "early"]


HOLD_LOCK = """
import sys, time, pathlib
sys.path.insert(0, {root!r})
from search import Change, Document, SearchIndex

ready, release = pathlib.Path({ready!r}), pathlib.Path({release!r})

def changes():
    ready.touch()  # the write lock is held from here on
    while not release.exists():
        time.sleep(0.02)
    yield Change(1, "upsert", "child", Document("child", "v1", "导管"))

print(SearchIndex({path!r}).apply(changes()))
"""


def test_writer_in_another_process_holds_the_lock(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    ready, release = tmp_path / "ready", tmp_path / "release"
    script = HOLD_LOCK.format(
        root=str(Path(__file__).resolve().parents[2]), ready=str(ready), release=str(release), path=str(tmp_path / "ix")
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists():
            assert child.poll() is None and time.monotonic() < deadline, "child did not take the lock"
            time.sleep(0.02)
        with pytest.raises(IndexLocked):
            index.apply([Change(2, "upsert", "parent", make_doc("parent", "支架"))], timeout=0.2)
    finally:
        release.touch()
        out, _ = child.communicate(timeout=300)
    assert out.strip() == "1"
    assert index.apply([Change(2, "upsert", "parent", make_doc("parent", "支架"))]) == 1
    assert sorted(ids(index)) == ["child", "parent"]


def test_old_searchers_and_their_views_are_freed(tmp_path):
    """Each commit gives readers a new searcher, with its cached arrays: the old ones must go."""
    import gc
    import weakref

    from search import Change, SearchQuery

    index = SearchIndex(tmp_path / "ix")
    index.rebuild([make_doc("1", "一种支架")], last_id=1)
    views = []
    for n in range(2, 8):
        index.apply([Change(n, "upsert", str(n), make_doc(str(n), f"一种支架{n}"))])
        assert index.search(SearchQuery("支架")).total == n
        views.append(weakref.ref(index._local.searcher[1]._portal_view))
    gc.collect()
    assert [ref() is not None for ref in views] == [False] * 5 + [True]


def test_bulk_segments_read_the_same_as_the_writers(tmp_path, monkeypatch):
    """A rebuild writes segments itself (search/bulk.py: blocks of 1,024 postings, arrays pickled as
    raw bytes); the change-log writer goes through Whoosh. Both must answer every query alike,
    through our engine and through Whoosh's own matchers, across several blocks of one term
    (blocks of 64 here, so that a small corpus spans many)."""
    from whoosh import query as wq

    import search.bulk

    monkeypatch.setattr(search.bulk, "BLOCK_POSTINGS", 64)

    words = ["支架", "导管", "内窥镜", "超声", "CT", "抗体", "缝合", "康复"]
    docs = [make_doc(str(n), f"{words[n % 8]}{words[n % 5]}系统", f"一种{words[n % 3]}装置" * (1 + n % 2),
                     centre=f"C{n % 7}", kind=["invention", "utility_model"][n % 2:n % 2 + 1],
                     ipc=[f"A61B {n % 20}/00"], open_licence=n % 11 == 0) for n in range(700)]
    built = SearchIndex(tmp_path / "bulk")
    built.rebuild(docs, last_id=len(docs))
    applied = index_with(tmp_path / "applied", docs)
    for text in ["支架", "导管 超声", "一种内窥镜装置", "CT 抗体", "A61B", "A61B 7/00", "缝合 康复 支架", ""]:
        for sort in ("relevance", "newest"):
            request = SearchQuery(text, sort=sort, per_page=50, filters={"centre": "C3"} if "CT" in text else {})
            a, b = built.search(request), applied.search(request)
            assert (a.ids, a.total, a.facets) == (b.ids, b.total, b.facets), (text, sort)
    with built._searcher() as mine, applied._searcher() as theirs:
        for q in (wq.Term("title", "支架"), wq.Term("body", "装置"), wq.Term("centre", "C3")):
            found = {mine.stored_fields(d)["doc_id"] for d in q.docs(mine)}
            assert found == {theirs.stored_fields(d)["doc_id"] for d in q.docs(theirs)} and len(found) >= 100
            ranked = [(h["doc_id"], round(h.score, 4)) for h in mine.search(q, limit=20)]
            assert ranked == [(h["doc_id"], round(h.score, 4)) for h in theirs.search(q, limit=20)]


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads Linux's /proc/self/smaps")
def test_a_search_leaves_no_segment_pages_in_the_resident_set(tmp_path):
    """Mapped segment pages read during a search are dropped from the process afterwards (they
    stay in the shared page cache): a worker's resident memory does not grow with the index."""
    index = index_with(tmp_path / "ix", [make_doc(str(n), f"支架{n}", "一种可降解支架。" * 50) for n in range(300)])

    def resident_kb() -> int:
        total, mine = 0, False
        for line in Path("/proc/self/smaps").read_text().splitlines():
            if line[:1].isdigit() or line[:1] in "abcdef":  # a mapping's header line
                mine = str(tmp_path) in line
            elif mine and line.startswith("Rss:"):
                total += int(line.split()[1])
        return total

    result = index.search(SearchQuery("可降解支架", per_page=50))
    assert result.total == 300 and result.highlights
    mapped = [part.map for part in index._searcher()._portal_view.parts if part.map is not None]
    assert mapped, "segments are memory-mapped by default"
    assert resident_kb() == 0


def test_scores_are_the_same_whether_candidates_are_looked_up_or_gathered(tmp_path, monkeypatch):
    """BM25 gathers the candidates' postings one of two ways, chosen by their counts; both must
    give the same score to every document."""
    import numpy as np
    from whoosh import query as wq

    import search.view

    docs = [make_doc(str(n), f"{'支架' if n % 3 else '导管'}系统", "一种可降解支架。" * (1 + n % 5),
                     centre=f"C{n % 9}") for n in range(900)]
    index = SearchIndex(tmp_path / "ix")
    index.rebuild(docs, last_id=1)
    view = search.view.view_for(index._searcher())
    q = wq.Or([wq.Term("title", "支架"), wq.Term("title", "导管"), wq.Term("body", "降解")])
    for candidates in (view.evaluate(wq.Term("centre", "C4")), view.live()):
        scores = {}
        for ratio in (0, 10**9):  # 0: always gather; 10**9: always look up
            monkeypatch.setattr(search.view, "SPARSE_RATIO", ratio)
            scores[ratio] = view.score(q, candidates)
        assert np.count_nonzero(scores[0]) == np.count_nonzero(candidates)
        assert np.allclose(scores[0], scores[10**9], rtol=0, atol=1e-12)


def test_unmerged_commits_are_searchable_and_merge_later(tmp_path):
    """The following writer commits without merging (a change is searchable sooner) and merges
    the small segments it left once the change log is quiet."""
    index = SearchIndex(tmp_path / "ix")
    for n in range(8):
        assert index.apply([Change(n + 1, "upsert", str(n), make_doc(str(n), f"支架{n}"))], merge=False) == 1
        assert str(n) in ids(index, "支架")
    segments = len(index._index()._segments())
    assert segments >= 8
    index.merge_small()
    assert len(index._index()._segments()) < segments
    assert sorted(ids(index, "支架")) == [str(n) for n in range(8)] and index.last_applied_id() == 8
