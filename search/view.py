"""Set algebra and BM25 over cached postings, in NumPy: how a search runs in a few milliseconds.

Whoosh answers a query by stepping matcher objects through every matching document in Python,
scoring each one; with sorting, facets and an OR of many terms (our recall-first queries), that
took 0.5–3 s at 100,000 listings. Here the postings of each term are read once into arrays of
document numbers and weights and kept, per segment, in a process-wide LRU (:mod:`search.segments`):
segments never change once written (deletions live in the reader, and are applied per searcher),
so nothing cached can go stale. A searcher is seen as one space of document numbers (Whoosh's
global numbers); a set of documents is a boolean array over it, so OR, AND and NOT are single
vector operations, facets are counted with ``bincount``, and only the candidates a page needs are
scored, with the same BM25F formula as Whoosh.

A phrase is evaluated as "every bigram present", a superset of the exact phrase; where exactness
matters (the whole-phrase tier) the caller checks the candidate's text.
"""

from __future__ import annotations

import contextlib
import mmap
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from . import whoosh_internals
from .schema import META_ID
from .segments import Leaf, leaf_for

TERM_SETS_BUDGET = 64  # boolean term sets kept per searcher (one byte per document each)
BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's BM25F defaults
STATISTICS_BUDGET = 100_000  # terms whose idf a searcher keeps (~200 bytes each)
SPARSE_RATIO = 16  # score by looking candidates up when postings outnumber them this many times

Docs = np.ndarray  # a boolean array over the searcher's document numbers


class Part:
    """One segment as a searcher sees it: cached data, its reader, and its first global
    document number."""

    def __init__(self, leaf: Leaf, reader: IndexReader, offset: int):
        self.leaf, self.reader, self.offset = leaf, reader, offset
        self.map = whoosh_internals.segment_map(reader)  # a compound segment: its map, when mapped


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


class View:
    """A searcher seen as one array space; evaluates queries to boolean arrays and scores them."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.schema = searcher.schema
        reader = searcher.reader()
        self.reader = reader
        self.parts: list[Part] = [Part(leaf_for(sub), sub, offset) for sub, offset in reader.leaf_readers()]
        self.size = sum(part.leaf.doc_count for part in self.parts)
        live = np.ones(self.size, dtype=bool)
        for part in self.parts:
            if part.reader.has_deletions():
                deleted = np.fromiter(part.reader.deleted_docs_set, dtype=np.int64)
                live[deleted[deleted < part.leaf.doc_count] + part.offset] = False
        meta = searcher.document_number(doc_id=META_ID)
        if meta is not None and meta < self.size:
            live[meta] = False
        live.flags.writeable = False
        self._live = live
        self._offsets = [part.offset for part in self.parts]
        self._cache: OrderedDict[object, Docs] = OrderedDict()
        self._arrays: dict[object, np.ndarray] = {}
        self._lock = threading.Lock()
        self._stats: dict[tuple[str, bytes], tuple[float, float]] = {}
        self._averages: dict[str, float] = {}

    def release(self) -> None:
        """Drop what this view computed (its searcher is being closed)."""
        with self._lock:
            self._cache.clear()
            self._arrays.clear()
            self._stats.clear()
            self._averages.clear()

    def release_pages(self) -> None:
        """Drop this process's mappings of the segments' pages (``MADV_DONTNEED``).

        A mapped page read once stays in the process's resident set, though the postings were
        copied into arrays and the page lives on in the shared page cache: at 100,000 listings
        that was 175 MB per worker. After a search nothing needs them mapped; a later read maps
        a page again from the cache (a minor fault, no disk read)."""
        if _DONTNEED is None:
            return
        for part in self.parts:
            if part.map is not None and not part.map.closed:
                with contextlib.suppress(OSError, ValueError):  # closed meanwhile: nothing to drop
                    part.map.madvise(_DONTNEED)

    def stored(self, docnum: int) -> dict:
        """The stored fields of global document ``docnum`` (a fresh dict: the caller may keep it)."""
        at = bisect_right(self._offsets, docnum) - 1
        part = self.parts[at]
        return whoosh_internals.stored_fields(part.reader, docnum - part.offset)

    # -- sets ----------------------------------------------------------------------------------

    def empty(self) -> Docs:
        return np.zeros(self.size, dtype=bool)

    def live(self) -> Docs:
        return self._live

    def _docs(self, fieldname: str, tbytes: bytes) -> Docs:
        out = self.empty()
        for part in self.parts:
            ids = part.leaf.postings(part.reader, fieldname, tbytes)[0]
            if len(ids):
                out[ids + part.offset] = True
        out &= self._live
        out.flags.writeable = False
        return out

    def term(self, fieldname: str, text: str | bytes) -> Docs:
        if fieldname not in self.schema:
            return self.empty()
        tbytes = text if isinstance(text, bytes) else self._to_bytes(fieldname, text)
        if tbytes is None:
            return self.empty()
        key = (fieldname, tbytes)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
        if found is None:
            found = self._docs(fieldname, tbytes)
            with self._lock:
                self._cache[key] = found
                while len(self._cache) > TERM_SETS_BUDGET:
                    self._cache.popitem(last=False)
        return found

    def _to_bytes(self, fieldname: str, text: str) -> bytes | None:
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def evaluate(self, q: wq.Query | None) -> Docs:
        """The documents matching ``q`` (a phrase: every one of its words). The result may be
        shared: combine it with ``&``, ``|``, never in place."""
        if q is None or q is wq.NullQuery:
            return self.empty()
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.Or):
            return self.union(self.evaluate(sub) for sub in q.subqueries)
        if isinstance(q, wq.And):
            out: Docs | None = None
            for sub in q.subqueries:
                found = self.evaluate(sub)
                out = found if out is None else out & found
                if not out.any():
                    break
            return out if out is not None else self.empty()
        if isinstance(q, wq.Phrase):
            return self.evaluate(wq.And([wq.Term(q.fieldname, w) for w in q.words]))
        if isinstance(q, wq.Every):
            return self._live
        if isinstance(q, wq.MultiTerm):  # Prefix, FuzzyTerm, …: the terms they expand to
            return self.union(self.term(q.fieldname, btext) for btext in self.expand(q))
        out = self.empty()  # anything else: Whoosh's own way
        found = np.fromiter(q.docs(self.searcher), dtype=np.int64)
        out[found[found < self.size]] = True
        return out & self._live

    def expand(self, q: wq.MultiTerm) -> list[bytes]:
        def build() -> list[bytes]:
            if q.fieldname not in self.schema:
                return []
            # Some expand to bytes, some (FuzzyTerm) to text.
            found = [t if isinstance(t, bytes) else self._to_bytes(q.fieldname, t)
                     for t in whoosh_internals.multiterm_texts(q, self.reader)]
            return [t for t in found if t is not None]

        return self.kept(("expand", q.__class__.__name__, q.fieldname, q.text, getattr(q, "maxdist", None)), build)

    def union(self, found: Iterable[Docs]) -> Docs:
        out = self.empty()
        for docs in found:
            out |= docs
        return out

    # -- scoring -------------------------------------------------------------------------------

    def score(self, q: wq.Query, candidates: Docs) -> np.ndarray:
        """BM25F scores of every document for the terms of ``q`` (summed over an OR, as Whoosh
        does), counted only for the candidates; others score 0."""
        scores = np.zeros(self.size, dtype=np.float64)
        chosen = np.flatnonzero(candidates)
        if not len(chosen):
            return scores
        # Each part's candidates as its own document numbers (sorted), for the sparse path below.
        bounds = np.searchsorted(chosen, [part.offset for part in self.parts] + [self.size])
        local = [chosen[bounds[i]:bounds[i + 1]] - part.offset for i, part in enumerate(self.parts)]
        for fieldname, tbytes, boost, constant in self._scored_terms(q, 1.0):
            if fieldname not in self.schema:
                continue
            scorable = self.schema[fieldname].scorable and not constant
            if scorable:
                idf, avg = self.statistics(fieldname, tbytes)
                norm_k = BM25_K1 * (1 - BM25_B)
                per_length = BM25_K1 * BM25_B / avg
            for part, mine in zip(self.parts, local, strict=True):
                ids, weights = part.leaf.postings(part.reader, fieldname, tbytes)
                if not len(ids) or not len(mine):
                    continue
                if len(mine) * SPARSE_RATIO < len(ids):
                    # Few candidates, a long posting list: look each candidate up (ids are sorted).
                    at = np.minimum(np.searchsorted(ids, mine), len(ids) - 1)
                    mask = at[ids[at] == mine]
                else:
                    mask = np.flatnonzero(candidates[ids + part.offset])
                if not len(mask):
                    continue
                docs = ids[mask]
                if scorable:
                    weight = weights[mask].astype(np.float64)
                    lengths = part.leaf.lengths(part.reader, fieldname)[docs]
                    scores[docs + part.offset] += (boost * idf * (weight * (BM25_K1 + 1))
                                                   / (weight + norm_k + per_length * lengths))
                else:
                    scores[docs + part.offset] += boost
        return scores

    def statistics(self, fieldname: str, tbytes: bytes) -> tuple[float, float]:
        """A term's idf and its field's average length, as Whoosh's BM25F computes them, once per
        searcher (they change only with the documents, and a searcher never sees later commits):
        Whoosh sums the term's document frequency over every segment at each call."""
        key = (fieldname, tbytes)
        found = self._stats.get(key)  # a dict read: atomic, and a value never changes once set
        if found is None:
            avg = self._averages.get(fieldname)
            if avg is None:
                avg = self._averages[fieldname] = self.searcher.avg_field_length(fieldname) or 1
            if len(self._stats) >= STATISTICS_BUDGET:  # a long-lived searcher seeing endless new terms
                self._stats = {}
            text = self.schema[fieldname].from_bytes(tbytes)
            found = self._stats[key] = (self.searcher.idf(fieldname, text), avg)
        return found

    def warm(self, q: wq.Query | None) -> None:
        """Read what searching ``q`` reads — its terms' postings and statistics — into the caches."""
        if q is not None:
            self.evaluate(q)
            for fieldname, tbytes, _, _ in self._scored_terms(q, 1.0):
                self.statistics(fieldname, tbytes)

    def _scored_terms(self, q: wq.Query, boost: float) -> Iterable[tuple[str, bytes, float, bool]]:
        boost *= q.boost
        if isinstance(q, wq.Term):
            tbytes = self._to_bytes(q.fieldname, q.text) if q.fieldname in self.schema else None
            if tbytes is not None:
                yield q.fieldname, tbytes, boost, False
        elif isinstance(q, (wq.Or, wq.And)):
            for sub in q.subqueries:
                yield from self._scored_terms(sub, boost)
        elif isinstance(q, wq.Phrase):
            for word in q.words:
                yield from self._scored_terms(wq.Term(q.fieldname, word), boost)
        elif isinstance(q, wq.MultiTerm) and q.fieldname in self.schema:
            constant = bool(getattr(q, "constantscore", False))
            for btext in self.expand(q):
                yield q.fieldname, btext, boost, constant

    # -- per-document values ------------------------------------------------------------------

    def column(self, name: str) -> np.ndarray:
        """A sortable column over the whole searcher (numbers as float64)."""
        def build() -> np.ndarray:
            pieces = [part.leaf.column(part.reader, name) for part in self.parts]
            return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float64)

        return self.kept(("column", name), build)

    def tie_order(self) -> np.ndarray:
        """The tie-breaker of every sort, by document: the ``doc_id`` as a number (listing ids
        are), read once per segment; any other ids are ranked as text, once per searcher."""
        def build() -> np.ndarray:
            pieces = [part.leaf.numeric_ids(part.reader) for part in self.parts]
            if all(piece is not None for piece in pieces):
                return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
            ids = self.column("doc_id")
            order = np.empty(len(ids), dtype=np.int64)
            order[np.argsort(ids, kind="stable")] = np.arange(len(ids))
            return order

        return self.kept("tie", build)

    def kept(self, key: object, build):
        """What is kept under ``key`` for this searcher (columns, the tie order, a multi-term's
        expansion, the facets' rows of :mod:`search.facets`), built by ``build()`` on first use
        outside the lock: two threads missing together both build the same value."""
        with self._lock:
            found = self._arrays.get(key)
        if found is None:
            found = build()
            with self._lock:
                self._arrays[key] = found
        return found


_views_lock = threading.Lock()


def close_searcher(searcher: Searcher) -> None:
    """Close a searcher nobody will use again and free its view's arrays now.

    Left to the garbage collector, a closed searcher and its view (a cycle) wait for a full
    collection, which the arrays' size does not trigger: a worker serving searches while the index
    took 60 commits kept every old view and grew to 860 MB at 100,000 listings."""
    with _views_lock:
        view = searcher.__dict__.pop("_portal_view", None)
    if view is not None:
        view.release()
    searcher.close()


def view_for(searcher: Searcher) -> View:
    """The view of ``searcher``, created once (a searcher never sees later commits).

    The view is kept on the searcher itself: the two form a cycle that the garbage collector frees
    with the searcher. (A weak-keyed table would not: its value refers to its key, so every
    searcher a worker ever opened would stay alive, with its arrays.)"""
    with _views_lock:
        view = getattr(searcher, "_portal_view", None)
        if view is None:
            view = View(searcher)
            searcher._portal_view = view
        return view
