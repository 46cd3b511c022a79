"""Set algebra and BM25 over cached postings: how a search runs in a few milliseconds.

Whoosh answers a query by stepping matcher objects through every matching document in Python,
scoring each one; with sorting, facets and an OR of many terms (our recall-first queries), that
took 0.2–2 s on 30,000 listings. Here the postings of each term are read once into arrays of
document numbers and weights and kept, per segment, in a process-wide LRU: segments never change
once written (deletions live in the reader, and are applied per searcher), so nothing cached
can go stale. A query is then evaluated as C-speed set operations per segment (union for OR,
intersection for AND, all bigrams for a phrase), facets are counted by set intersection, and
only the documents a page needs are scored, with the same BM25F formula as Whoosh.

A phrase is evaluated as "every bigram present", a superset of the exact phrase; where exactness
matters (the whole-phrase tier) the caller checks the candidate's text.
"""

from __future__ import annotations

import threading
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .schema import FACETS, META_ID

POSTINGS_BUDGET = 6_000_000  # postings cached per process (8 bytes each: ~48 MB at most)
TERM_SETS_BUDGET = 1_500_000  # members of the per-searcher term sets kept (~60 bytes each as frozensets)
BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's BM25F defaults

_EMPTY: frozenset[int] = frozenset()


class _PostingsCache:
    """(segment id, field, term bytes) → (document numbers, weights), least recently used first."""

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[tuple[str, str, bytes], tuple[array, array]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry[0])
            while self.size > self.budget and len(self.entries) > 1:
                _, (ids, _) = self.entries.popitem(last=False)
                self.size -= len(ids)


_postings = _PostingsCache(POSTINGS_BUDGET)


def _read_postings(reader: IndexReader, fieldname: str, tbytes: bytes) -> tuple[array, array]:
    """All postings of a term in one segment, deleted documents included."""
    ids, weights = array("I"), array("f")
    terms = getattr(reader, "_terms", None)
    if terms is None or (fieldname, tbytes) not in terms:
        return ids, weights
    matcher = terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    while matcher.is_active():
        # Whole blocks at a time; this is Whoosh's own block decoding without the per-posting calls.
        matcher._read_data()
        deltas, block_weights = matcher._data[0], matcher._data[1]
        ids.extend(accumulate(deltas))
        count = len(deltas)
        if block_weights is None:
            weights.extend(repeat(1.0, count))
        elif isinstance(block_weights, float):
            weights.extend(repeat(block_weights, count))
        else:
            weights.extend(block_weights)
        matcher._next_block()
    return ids, weights


class Leaf:
    """One segment's cached data. Segments are immutable, so this is valid as long as the
    segment exists; it is shared by every searcher that includes the segment."""

    def __init__(self, segment_id: str, doc_count: int):
        self.segment_id = segment_id
        self.doc_count = doc_count
        self.lock = threading.Lock()
        self._lengths: dict[str, list[int]] = {}
        self._columns: dict[str, list] = {}
        self._facets: dict[str, dict[str, frozenset[int]]] | None = None

    def postings(self, reader: IndexReader, fieldname: str, tbytes: bytes) -> tuple[array, array]:
        key = (self.segment_id, fieldname, tbytes)
        entry = _postings.get(key)
        if entry is None:
            entry = _read_postings(reader, fieldname, tbytes)
            _postings.put(key, entry)
        return entry

    def docs(self, reader: IndexReader, fieldname: str, tbytes: bytes) -> frozenset[int]:
        return frozenset(self.postings(reader, fieldname, tbytes)[0])

    def lengths(self, reader: IndexReader, fieldname: str) -> list[int]:
        """Each document's length of ``fieldname`` as BM25 sees it (one-byte approximation)."""
        with self.lock:
            found = self._lengths.get(fieldname)
            if found is None:
                found = self._lengths[fieldname] = _field_lengths(reader, fieldname, self.doc_count)
            return found

    def column(self, reader: IndexReader, name: str) -> list:
        """Raw values of a sortable column, by document number (0 where a document has none)."""
        with self.lock:
            found = self._columns.get(name)
            if found is None:
                if reader.has_column(name):
                    found = list(reader.column_reader(name, translate=False))
                else:
                    found = [0] * self.doc_count
                self._columns[name] = found
            return found

    def facet_values(self, reader: IndexReader) -> dict[str, dict[str, frozenset[int]]]:
        """For each facet, each value and the documents that have it."""
        with self.lock:
            if self._facets is None:
                schema = reader.schema
                self._facets = {
                    name: {schema[name].from_bytes(tb): frozenset(_read_postings(reader, name, tb)[0])
                           for tb in reader.lexicon(name)}
                    for name in FACETS
                }
            return self._facets


def _field_lengths(reader: IndexReader, fieldname: str, count: int) -> list[int]:
    perdoc = getattr(reader, "_perdoc", None)
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return [0] * count
        decode = [byte_to_length(b) for b in range(256)]
        decode[0] = 0
        return [decode[b] for b in column]
    except (AttributeError, ImportError):  # another codec: the slow public way
        return [reader.doc_field_length(d, fieldname) or 0 for d in range(count)]


_leaves: weakref.WeakValueDictionary[str, Leaf] = weakref.WeakValueDictionary()
_leaves_lock = threading.Lock()


def _leaf_for(reader: IndexReader) -> Leaf:
    segment = reader.segment()
    key = segment.segment_id() if segment is not None else f"reader-{id(reader)}"
    with _leaves_lock:
        leaf = _leaves.get(key)
        if leaf is None:
            leaf = _leaves[key] = Leaf(key, reader.doc_count_all())
        return leaf


@dataclass
class Part:
    """One segment as a searcher sees it: cached data, its reader, its first global document
    number, and the documents to leave out (deleted ones and the metadata document)."""

    leaf: Leaf
    reader: IndexReader
    offset: int
    excluded: frozenset[int]
    live: frozenset[int] | None = field(default=None)

    def live_docs(self) -> frozenset[int]:
        if self.live is None:
            self.live = frozenset(range(self.leaf.doc_count)) - self.excluded
        return self.live


Sets = list[frozenset[int]]  # one set of local document numbers per part, in part order


class View:
    """A searcher seen as parts; evaluates queries to per-part document sets and scores them."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.schema = searcher.schema
        reader = searcher.reader()
        self.reader = reader
        meta = searcher.document_number(doc_id=META_ID)
        self.parts: list[Part] = []
        for sub, offset in reader.leaf_readers():
            excluded = set(sub.deleted_docs_set) if sub.has_deletions() else set()
            if meta is not None and offset <= meta < offset + sub.doc_count_all():
                excluded.add(meta - offset)
            self.parts.append(Part(_leaf_for(sub), sub, offset, frozenset(excluded)))
        self._cache: dict[object, Sets] = {}
        self._cached_members = 0
        self._lock = threading.Lock()

    # -- sets ----------------------------------------------------------------------------------

    def empty(self) -> Sets:
        return [_EMPTY for _ in self.parts]

    def live(self) -> Sets:
        return [part.live_docs() for part in self.parts]

    def term(self, fieldname: str, text: str | bytes) -> Sets:
        if fieldname not in self.schema:
            return self.empty()
        tbytes = text if isinstance(text, bytes) else self._to_bytes(fieldname, text)
        if tbytes is None:
            return self.empty()
        key = (fieldname, tbytes)
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = [part.leaf.docs(part.reader, fieldname, tbytes) - part.excluded for part in self.parts]
            size = sum(map(len, found))
            with self._lock:
                if self._cached_members + size > TERM_SETS_BUDGET:
                    self._cache.clear()
                    self._cached_members = 0
                self._cache[key] = found
                self._cached_members += size
        return found

    def _to_bytes(self, fieldname: str, text: str) -> bytes | None:
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def evaluate(self, q: wq.Query | None) -> Sets:
        """The documents matching ``q`` (a phrase: every one of its words), per part."""
        if q is None or q is wq.NullQuery:
            return self.empty()
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.Or):
            return self.union(self.evaluate(sub) for sub in q.subqueries)
        if isinstance(q, wq.And):
            out: Sets | None = None
            for sub in q.subqueries:
                found = self.evaluate(sub)
                out = found if out is None else [a & b for a, b in zip(out, found, strict=True)]
                if not any(out):
                    break
            return out if out is not None else self.empty()
        if isinstance(q, wq.Phrase):
            return self.evaluate(wq.And([wq.Term(q.fieldname, w) for w in q.words]))
        if isinstance(q, wq.Every):
            return self.live()
        if isinstance(q, wq.MultiTerm):  # Prefix, FuzzyTerm, …: the terms they expand to
            return self.union(self.term(q.fieldname, btext) for btext in self.expand(q))
        found = {docnum for docnum in q.docs(self.searcher)}  # anything else: Whoosh's own way
        return [frozenset(d - p.offset for d in found if p.offset <= d < p.offset + p.leaf.doc_count)
                - p.excluded for p in self.parts]

    def expand(self, q: wq.MultiTerm) -> list[bytes]:
        key = ("expand", q.__class__.__name__, q.fieldname, q.text, getattr(q, "maxdist", None))
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = []
            if q.fieldname in self.schema:  # some expand to bytes, some (FuzzyTerm) to text
                found = [t if isinstance(t, bytes) else self._to_bytes(q.fieldname, t) for t in q._btexts(self.reader)]
                found = [t for t in found if t is not None]
            with self._lock:
                self._cache[key] = found
        return found

    def union(self, found: Iterable[Sets]) -> Sets:
        out: list[set[int]] = [set() for _ in self.parts]
        for sets in found:
            for mine, theirs in zip(out, sets, strict=True):
                mine |= theirs
        return [frozenset(s) for s in out]

    # -- scoring -------------------------------------------------------------------------------

    def score(self, q: wq.Query, candidates: Sets) -> list[dict[int, float]]:
        """BM25F scores of the candidate documents for the terms of ``q`` (summed over an OR, as
        Whoosh does); candidates that match none of them score 0."""
        scores: list[dict[int, float]] = [dict.fromkeys(c, 0.0) for c in candidates]
        if not any(candidates):
            return scores
        for fieldname, tbytes, boost, constant in self._scored_terms(q, 1.0):
            if fieldname not in self.schema:
                continue
            scorable = self.schema[fieldname].scorable and not constant
            if scorable:
                text = self.schema[fieldname].from_bytes(tbytes)
                idf = self.searcher.idf(fieldname, text)
                avg = self.searcher.avg_field_length(fieldname) or 1
                norm_k = BM25_K1 * (1 - BM25_B)
                per_length = BM25_K1 * BM25_B / avg
            for part, wanted, out in zip(self.parts, candidates, scores, strict=True):
                if not wanted:
                    continue
                ids, weights = part.leaf.postings(part.reader, fieldname, tbytes)
                if not ids:
                    continue
                mask = list(map(wanted.__contains__, ids))
                if scorable:
                    lengths = part.leaf.lengths(part.reader, fieldname)
                    for docnum, weight in zip(compress(ids, mask), compress(weights, mask), strict=True):
                        out[docnum] += boost * idf * (weight * (BM25_K1 + 1)) / (
                            weight + norm_k + per_length * lengths[docnum])
                else:
                    for docnum in compress(ids, mask):
                        out[docnum] += boost
        return scores

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

    def column(self, name: str) -> list[list]:
        return [part.leaf.column(part.reader, name) for part in self.parts]

    def facet_values(self) -> list[dict[str, dict[str, frozenset[int]]]]:
        return [part.leaf.facet_values(part.reader) for part in self.parts]


_views: weakref.WeakKeyDictionary[Searcher, View] = weakref.WeakKeyDictionary()
_views_lock = threading.Lock()


def view_for(searcher: Searcher) -> View:
    """The view of ``searcher``, created once (a searcher never sees later commits)."""
    with _views_lock:
        view = _views.get(searcher)
        if view is None:
            view = _views[searcher] = View(searcher)
        return view
