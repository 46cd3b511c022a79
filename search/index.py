"""The index as the app sees it: open or create, apply the change log, rebuild, verify, search.

Exactly ONE writer may run against an index at a time, across all processes: the process that
applies the database's change log (and, when asked, rebuilds). Web workers only read. A second
writer does not queue silently: it waits ``write_timeout`` seconds for Whoosh's write lock and
then raises :class:`IndexLocked`. The last applied change id is stored inside the index, in the
same commit as the changes, so after a crash the writer resumes exactly where the index is.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from cachetools import LRUCache
from whoosh.index import FileIndex, LockError
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from . import bulk, prewarm, storage, view, whoosh_internals
from .errors import IndexDamaged, IndexLocked
from .matching import Match, NeedText, match_need
from .merging import merge_segments
from .schema import META_ID, Document, document_fields, make_schema, meta_fields
from .searching import SearchQuery, SearchResult, run_search
from .similar import similar

log = logging.getLogger(__name__)
SIMILAR_CACHE_SIZE = 4096  # similar() answers kept per process (a few ids each)

__all__ = ["Change", "Document", "SearchIndex", "VerifyReport", "move_aside_and_create"]


@dataclass(frozen=True)
class Change:
    """One row of the change log: ``id`` ascending, ``op`` 'upsert' (with ``document``) or
    'delete' of ``doc_id``.
    """

    id: int
    op: Literal["upsert", "delete"]
    doc_id: str
    document: Document | None = None


@dataclass
class VerifyReport:
    """Differences between the index and the database: ids missing from the index, ids the
    index has but should not, and ids whose indexed version differs.
    """

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the index matches the database exactly."""
        return not (self.missing or self.extra or self.stale)


class SearchIndex:
    """A Chinese full-text index of listings in directory ``path`` (created if missing).

    Raises :class:`IndexDamaged` if the directory exists but cannot be read; recover with
    :func:`move_aside_and_create` and :meth:`rebuild`.
    """

    def __init__(self, path: str | os.PathLike[str], write_timeout: float = 10.0):
        # Segments are read through search.mapped, without Whoosh's heap copy: installed before
        # anything is opened (storage.open_generation installs it too, for other callers).
        whoosh_internals.install_mapped_reader()
        self.path = os.fspath(path)
        self.write_timeout = write_timeout
        self._lock = threading.Lock()
        self._opened: tuple[str, FileIndex] | None = None
        # One searcher per thread, refreshed before each search: opening one costs more than
        # most queries, and Whoosh does not promise that a searcher is safe across threads.
        self._local = threading.local()
        self._similar: LRUCache = LRUCache(maxsize=SIMILAR_CACHE_SIZE)  # see similar()
        self._similar_lock = threading.Lock()
        if storage.read_pointer(self.path) is None:
            self._create()
        self._index()

    # -- opening ---------------------------------------------------------------------------

    def _create(self) -> None:
        os.makedirs(self.path, exist_ok=True)
        if storage.looks_foreign(self.path):
            raise IndexDamaged(f"{self.path} holds files that are not a search index")
        name, directory = storage.new_generation(self.path)
        if not storage.publish_first(self.path, name):
            # Another process created the index at the same moment; use theirs, and remove
            # only our own attempt (others may still be writing theirs).
            shutil.rmtree(directory, ignore_errors=True)

    def _index(self) -> FileIndex:
        """The live generation's Whoosh index, reopened when a rebuild has switched it."""
        name = storage.read_pointer(self.path)
        if name is None:
            raise IndexDamaged(f"{self.path} has lost its {storage.POINTER} pointer")
        with self._lock:
            if self._opened is None or self._opened[0] != name:
                self._opened = storage.open_current(self.path)  # a switch meanwhile: the new one
            return self._opened[1]

    def is_healthy(self, thorough: bool = False) -> bool:
        """Read every segment's table of contents, the first and last stored document of each
        segment (a truncated or missing file fails there) and the first terms of each searched
        field; with ``thorough``, every stored document too. False if anything is missing or
        unreadable.

        Every process checks the index it opens, so the default check costs milliseconds: reading
        (decompressing and unpickling) every stored document was 4.5 CPU s per worker at
        100,000 listings, paid by each worker's first search.
        """
        probe = None
        try:
            name = storage.read_pointer(self.path)
            if name is None:
                return False
            storage.open_generation(self.path, name)  # the table of contents
            ix, probe = storage.probe_generation(self.path, name)
            with ix.searcher() as searcher:
                reader = searcher.reader()
                if thorough:
                    for _ in reader.all_stored_fields():
                        pass
                else:
                    for sub, _ in reader.leaf_readers():
                        count = sub.doc_count_all()
                        for docnum in {0, count - 1} if count else ():
                            sub.stored_fields(docnum)
                for field in ("doc_id", "title", "body", "bigrams"):
                    for _ in zip(range(1000), reader.lexicon(field), strict=False):
                        pass
        except Exception:  # health means "nothing at all went wrong", so catch everything
            log.exception("search index at %s is damaged", self.path)
            return False
        finally:
            if probe is not None:
                probe.close_opened()  # a reader that failed half-way leaves its files open
        return True

    def is_current(self) -> bool:
        """Whether the index has this version's fields (an index made before a field was added
        must be rebuilt before documents with that field can be written to it)."""
        name = storage.read_pointer(self.path)
        return name is not None and storage.stored_field_names(self.path, name) == set(make_schema().names())

    # -- writing ---------------------------------------------------------------------------

    def _writer(self, timeout: float | None) -> SegmentWriter:
        timeout = self.write_timeout if timeout is None else timeout
        for _ in range(3):
            name = storage.read_pointer(self.path)
            try:
                writer = self._index().writer(timeout=timeout)
            except LockError as exc:
                raise IndexLocked(f"another writer holds the lock on {self.path}") from exc
            if storage.read_pointer(self.path) == name:
                return writer
            writer.cancel()  # a rebuild switched generations while we waited: go again
        raise IndexLocked(f"{self.path} keeps being rebuilt under us")

    def segment_count(self) -> int:
        """How many segments the index has now (each costs every query a little)."""
        with self._index().searcher() as searcher:
            return len(searcher.reader().leaf_readers())

    def last_applied_id(self) -> int:
        """The id of the last change applied to this index (0 for a new index)."""
        with self._index().searcher() as searcher:
            stored = searcher.document(doc_id=META_ID)
        return int(stored["version"]) if stored else 0

    def apply(self, changes: Iterable[Change], timeout: float | None = None, merge: bool = True,
              mark: int | None = None) -> int:
        """Apply the changes with ``id`` above :meth:`last_applied_id`, in one commit that also
        records the new last id; return how many were applied (0 if none were new).

        ``changes`` must be in strictly ascending id order (``ValueError`` otherwise, and
        nothing is written). Raises :class:`IndexLocked` if another writer holds the lock.
        ``merge=False`` leaves small segments for a later :meth:`merge_small`: the commit, and
        so the moment the changes become searchable, does not wait for Whoosh to merge them.

        ``mark``: the caller has chosen the changes itself; apply every one given, in any id order,
        and record ``mark`` as the position applied (a log followed by something other than ids
        alone — the portal's writer follows it by transaction). A new mark is recorded even
        without changes.
        """
        writer = self._writer(timeout)
        try:
            recorded = last = self.last_applied_id()
            latest: dict[str, dict[str, object] | None] = {}
            applied, previous = 0, None
            for change in changes:
                if mark is None and previous is not None and change.id <= previous:
                    raise ValueError(f"change ids must ascend: {change.id} after {previous}")
                previous = change.id
                if mark is None and change.id <= last:
                    continue
                latest[change.doc_id] = _fields_of(change)
                applied, last = applied + 1, change.id
            if mark is not None:
                last = mark
            if not applied and last == recorded:
                writer.cancel()
                return 0
            # Only the final state of each document matters; Whoosh cannot delete a document
            # added earlier in the same uncommitted writer, so each id is written once.
            for doc_id, fields in latest.items():
                if fields is None:
                    writer.delete_by_term("doc_id", doc_id)
                else:
                    writer.update_document(**fields)
            writer.update_document(**meta_fields(last))
            writer.commit(**({"mergetype": merge_segments} if merge else {"merge": False}))
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return applied

    def merge_small(self, timeout: float | None = None) -> None:
        """Merge the small segments that commits with ``merge=False`` left (``search.merging``)."""
        writer = self._writer(timeout)
        try:
            writer.commit(mergetype=merge_segments)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise

    def rebuild(self, documents: Iterable[Document], last_id: int, timeout: float | None = None,
                processes: int = 1) -> int:
        """Index ``documents`` into a new generation and switch to it atomically; the index
        then records ``last_id`` as applied. Returns the number of documents indexed.

        The live index keeps serving searches meanwhile, and its write lock is held so that no
        change can be applied to the generation being replaced. ``processes`` > 1 analyses and
        writes in that many worker processes (see :mod:`search.bulk`); the caller's process
        only hands documents out, so it can go on reading them from a database meanwhile.
        """
        guard = self._writer(timeout)
        try:
            old = storage.read_pointer(self.path)
            name, directory = storage.new_generation(self.path)
            try:
                count = _fill(storage.open_generation(self.path, name), directory, documents, last_id, processes)
            except BaseException:
                storage.remove_generations(self.path, keep={g for g in (old,) if g})
                raise
            storage.switch_to(self.path, name)
        finally:
            guard.cancel()
        storage.remove_generations(self.path, keep={g for g in (name, old) if g})
        return count

    # -- reading ---------------------------------------------------------------------------

    def verify(self, expected: dict[str, str]) -> VerifyReport:
        """Compare the index with ``expected`` (doc_id → version, from the database)."""
        indexed: dict[str, str] = {}
        with self._index().searcher() as searcher:
            for stored in searcher.reader().all_stored_fields():
                if stored.get("doc_id") != META_ID:
                    indexed[stored["doc_id"]] = stored.get("version", "")
        return VerifyReport(
            missing=sorted(set(expected) - set(indexed)),
            extra=sorted(set(indexed) - set(expected)),
            stale=sorted(d for d in expected.keys() & indexed.keys() if expected[d] != indexed[d]),
        )

    def search(self, request: SearchQuery) -> SearchResult:
        """Run ``request``; see :class:`SearchQuery` and :class:`SearchResult`."""
        try:
            return run_search(self._searcher(), request)
        except FileNotFoundError:
            # A rebuild removed the generation this thread's searcher was opening; the
            # pointer now names a newer one.
            self.close()
            return run_search(self._searcher(), request)

    def similar(self, doc_id: str, limit: int = 5) -> list[str]:
        """Ids of up to ``limit`` listings most like listing ``doc_id``, best first (see
        :mod:`search.similar`). Kept per process for the index's current commit: the answer only
        changes when the index does, and computing it (Bo1 over three fields) cost half of a
        listing page."""
        try:
            searcher = self._searcher()
        except FileNotFoundError:
            self.close()
            searcher = self._searcher()
        key = (self._opened[0] if self._opened else None, searcher.reader().generation(), doc_id, limit)
        with self._similar_lock:
            found = self._similar.get(key)
        if found is None:
            try:
                found = similar(searcher, doc_id, limit)
            except FileNotFoundError:
                self.close()
                found = similar(self._searcher(), doc_id, limit)
            with self._similar_lock:
                self._similar[key] = found
        return list(found)

    def match_need(self, need: NeedText, limit: int = 5, among: list[str] | None = None) -> list[Match]:
        """Listings answering a technology need, best first, each with why (see :mod:`search.matching`)."""
        try:
            return match_need(self._searcher(), need, limit, among)
        except FileNotFoundError:
            self.close()
            return match_need(self._searcher(), need, limit, among)

    def _searcher(self) -> Searcher:
        ix = self._index()
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] is ix and cached[1].up_to_date():
            searcher = cached[1]
        else:
            # Not Searcher.refresh(): it reuses segment readers and so misses deletions
            # committed to a segment it already had open.
            self.close()
            searcher = ix.searcher()
        self._local.searcher = (ix, searcher)
        return searcher

    def close(self) -> None:
        """Release the calling thread's cached searcher (others close when garbage-collected)."""
        cached = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if cached is not None:
            view.close_searcher(cached[1])

    def prewarm(self, words: Iterable[str], budget_seconds: float = 3.0) -> int:
        """Warm this process's caches for ``words`` within a CPU budget (``search.prewarm``)."""
        return prewarm.warm(self._searcher(), words, budget_seconds)

    def frequent_words(self, field: str, number: int) -> list[str]:
        """The ``number`` most frequent words of ``field``, most frequent first (for prewarming)."""
        reader = self._searcher().reader()
        found = reader.most_frequent_terms(field, number)
        return [text.decode("utf-8") if isinstance(text, bytes) else str(text) for _, text in found]

    def document_count(self) -> int:
        """Number of listings in the index."""
        with self._index().searcher() as searcher:
            return searcher.doc_count() - (1 if searcher.document(doc_id=META_ID) else 0)


def _fields_of(change: Change) -> dict[str, object] | None:
    if change.op == "delete":
        return None
    if change.op != "upsert" or change.document is None:
        raise ValueError(f"change {change.id}: bad op {change.op!r} or no document")
    if change.document.doc_id != change.doc_id:
        raise ValueError(f"change {change.id}: document id {change.document.doc_id!r} differs from {change.doc_id!r}")
    return document_fields(change.document)


def _fill(ix: FileIndex, directory: str, documents: Iterable[Document], last_id: int,
          processes: int) -> int:
    # Nobody else knows this generation yet, so its own lock is uncontended. The documents go
    # into segments written by search.bulk; this writer adds the metadata document and lists
    # every segment in one table of contents.
    writer = ix.writer()
    try:
        segments, count = bulk.parallel_segments(directory, documents, processes)
        writer.add_document(**meta_fields(last_id))
        whoosh_internals.commit_segments(writer, segments)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return count


def move_aside_and_create(path: str | os.PathLike[str], **kwargs) -> SearchIndex:
    """Rename a damaged index directory to ``<path>.damaged-<timestamp>`` (kept for
    inspection) and create an empty index at ``path``; the caller then rebuilds it.
    """
    path = os.fspath(path).rstrip(os.sep)
    if os.path.exists(path):
        target = f"{path}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
        suffix = 1
        while os.path.exists(target):
            suffix += 1
            target = f"{path}.damaged-{time.strftime('%Y%m%dT%H%M%S')}-{suffix}"
        os.rename(path, target)
        log.warning("moved damaged search index %s to %s", path, target)
    return SearchIndex(path, **kwargs)
