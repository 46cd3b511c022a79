"""What each segment contributes to a search, read once into arrays and cached with the segment.

A segment never changes once written (deletions live in the reader, and are applied per
searcher), so nothing cached here can go stale: a term's postings (document numbers and weights,
kept in a process-wide LRU), each document's field lengths as BM25 sees them, sortable columns
and facet values are read once per segment and shared by every searcher that includes it
(:mod:`search.view` joins them into one array space per searcher). Whoosh's blocks and length
column are read through :mod:`search.whoosh_internals`, the one module that touches its private
names.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from . import whoosh_internals
from .schema import FACETS

POSTINGS_CACHE_MB = 128  # default size of the process-wide postings cache (PORTAL_SEARCH_POSTINGS_CACHE_MB)
_ENTRY_OVERHEAD = 320  # bytes an entry costs beyond its arrays: two ndarray headers, key, dict slot

_LENGTH_DECODE = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float32)


class PostingsCache:
    """(segment id, field, term bytes) → (document numbers, weights), bounded by bytes.

    A search looks up hundreds of terms, so a lookup takes no lock: it is a dict read plus
    marking the entry as used (a set add), each atomic under the GIL. Only a miss, which reads
    the postings from disk anyway, takes the lock, to insert and evict. Eviction is the CLOCK
    approximation of least-recently-used: entries are visited oldest first; one used since the
    last visit gets a second chance (moved to the young end, its mark cleared), any other is
    dropped, until the cache fits its budget. The budget is in bytes (the arrays' own sizes),
    not entries: a common term's postings are a thousand times a rare one's."""

    def __init__(self, budget_bytes: int):
        self.budget = max(0, int(budget_bytes))
        self.size = 0
        self.entries: dict[tuple[str, str, bytes], tuple[np.ndarray, np.ndarray]] = {}
        self.used: set[tuple[str, str, bytes]] = set()
        self.lock = threading.Lock()

    @staticmethod
    def cost(entry: tuple[np.ndarray, np.ndarray]) -> int:
        return entry[0].nbytes + entry[1].nbytes + _ENTRY_OVERHEAD

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def put(self, key, entry) -> None:
        cost = self.cost(entry)
        with self.lock:
            if key in self.entries or cost > self.budget:
                return
            self.entries[key] = entry
            self.size += cost
            if self.size > self.budget:
                self._evict()

    def _evict(self) -> None:  # self.lock held
        # Each entry is visited at most twice: once to clear its mark, once to drop it.
        for _ in range(2 * len(self.entries)):
            if self.size <= self.budget:
                break
            key = next(iter(self.entries))
            entry = self.entries.pop(key)
            if key in self.used:
                self.used.discard(key)
                self.entries[key] = entry  # a second chance, at the young end
            else:
                self.size -= self.cost(entry)

    def resize(self, budget_bytes: int) -> None:
        with self.lock:
            self.budget = max(0, int(budget_bytes))
            self._evict()
            if self.size > self.budget:  # everything was marked used: drop oldest first
                while self.entries and self.size > self.budget:
                    key = next(iter(self.entries))
                    self.size -= self.cost(self.entries.pop(key))
                    self.used.discard(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used.clear()
            self.size = 0


_postings = PostingsCache(POSTINGS_CACHE_MB * 2**20)


def set_postings_cache_mb(megabytes: float) -> None:
    """Size the process-wide postings cache (entries beyond the new size are dropped)."""
    _postings.resize(int(megabytes * 2**20))


def auto_postings_cache_mb(index_bytes: int) -> int:
    """The postings cache a process needs for an index of ``index_bytes`` on disk: a sixth of it,
    and never less than the default. The bench's 200 queries fill 16–17 % of the index's size in
    decoded postings at 100,000, 300,000 and 1,000,000 listings; with less, every pass evicts what
    the next one reads (at 1,000,000 listings, 128 MB made warm queries 3× slower than 512)."""
    return max(POSTINGS_CACHE_MB, -(-int(index_bytes) // (6 * 2**20)))


def postings_cache_stats() -> dict[str, int]:
    return {"entries": len(_postings.entries), "bytes": _postings.size, "budget_bytes": _postings.budget}


_EMPTY_POSTINGS = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def read_postings(reader: IndexReader, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term in one segment, deleted documents included."""
    id_blocks, weight_blocks = [], []
    # Whole blocks at a time; this is Whoosh's own block decoding without the per-posting calls.
    for deltas, block_weights in whoosh_internals.posting_blocks(reader, fieldname, tbytes):
        # A block holds its first id, then the gaps to each next one.
        id_blocks.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        count = len(deltas)
        if block_weights is None:
            weight_blocks.append(np.ones(count, dtype=np.float32))
        elif isinstance(block_weights, float):
            weight_blocks.append(np.full(count, block_weights, dtype=np.float32))
        else:
            weight_blocks.append(np.asarray(block_weights, dtype=np.float32))
    if not id_blocks:
        return _EMPTY_POSTINGS
    # Document numbers within a segment fit in int32 (Whoosh segments hold far fewer than 2**31
    # documents): 8 bytes a posting with its weight instead of 12, so the same cache budget holds
    # half as many postings again.
    return np.concatenate(id_blocks).astype(np.int32), np.concatenate(weight_blocks)


class Leaf:
    """One segment's cached data. Segments are immutable, so this is valid as long as the
    segment exists; it is shared by every searcher that includes the segment."""

    def __init__(self, segment_id: str, doc_count: int):
        self.segment_id = segment_id
        self.doc_count = doc_count
        self.lock = threading.Lock()
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] | None = None

    def postings(self, reader: IndexReader, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
        key = (self.segment_id, fieldname, tbytes)
        entry = _postings.get(key)
        if entry is None:
            entry = read_postings(reader, fieldname, tbytes)
            _postings.put(key, entry)
        return entry

    def lengths(self, reader: IndexReader, fieldname: str) -> np.ndarray:
        """Each document's length of ``fieldname`` as BM25 sees it (one-byte approximation)."""
        with self.lock:
            found = self._lengths.get(fieldname)
            if found is None:
                found = self._lengths[fieldname] = _field_lengths(reader, fieldname, self.doc_count)
            return found

    def column(self, reader: IndexReader, name: str) -> np.ndarray:
        """Raw values of a sortable column by document number: float64 for numbers and dates,
        bytes for identifiers."""
        with self.lock:
            return self._column(reader, name)

    def _column(self, reader: IndexReader, name: str) -> np.ndarray:  # self.lock held
        found = self._columns.get(name)
        if found is None:
            if reader.has_column(name):
                values = list(reader.column_reader(name, translate=False))
                # Dates are 100 ns ticks, and a missing one is the column's largest value:
                # float64 keeps their order (to within 2 µs) without overflowing.
                kind = np.bytes_ if values and isinstance(values[0], bytes) else np.float64
                found = np.array(values, dtype=kind) if values else np.zeros(0, dtype=kind)
            else:
                found = np.zeros(self.doc_count, dtype=np.float64)
            self._columns[name] = found
        return found

    def numeric_ids(self, reader: IndexReader) -> np.ndarray | None:
        """Each document's ``doc_id`` as an integer, or None if some id is not a number."""
        with self.lock:
            if "numeric_ids" not in self._columns:
                ids = self._column(reader, "doc_id").tolist()
                numeric = all(i.isdigit() and len(i) < 18 for i in ids)
                self._columns["numeric_ids"] = np.array([int(i) for i in ids], dtype=np.int64) if numeric else None
            return self._columns["numeric_ids"]

    def facet_values(self, reader: IndexReader) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
        """For each facet: its values, and two parallel arrays (document, value index), one
        pair per posting, in document order."""
        with self.lock:
            if self._facets is None:
                schema = reader.schema
                facets = {}
                for name in FACETS:
                    values, docs, codes = [], [], []
                    for tbytes in reader.lexicon(name):
                        ids = read_postings(reader, name, tbytes)[0]
                        docs.append(ids)
                        codes.append(np.full(len(ids), len(values), dtype=np.int32))
                        values.append(schema[name].from_bytes(tbytes))
                    # int32: a segment holds far fewer than 2**31 documents, and these arrays
                    # stay in memory for the segment's life (12 → 8 bytes a facet value).
                    owners = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
                    value_codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
                    order = np.argsort(owners, kind="stable")  # by document, once per segment
                    facets[name] = (values, owners[order], value_codes[order])
                self._facets = facets
            return self._facets


def _field_lengths(reader: IndexReader, fieldname: str, count: int) -> np.ndarray:
    if not whoosh_internals.has_length_column(reader):  # another codec: the slow public way
        return np.array([reader.doc_field_length(d, fieldname) or 0 for d in range(count)], dtype=np.float32)
    encoded = whoosh_internals.encoded_lengths(reader, fieldname)
    if encoded is None:
        return np.zeros(count, dtype=np.float32)
    return _LENGTH_DECODE[np.frombuffer(encoded, dtype=np.uint8)][:count]


_leaves: weakref.WeakValueDictionary[str, Leaf] = weakref.WeakValueDictionary()
_leaves_lock = threading.Lock()


def leaf_for(reader: IndexReader) -> Leaf:
    """The cached data of the segment ``reader`` reads, shared with every other reader of it."""
    segment = reader.segment()
    key = segment.segment_id() if segment is not None else f"reader-{id(reader)}"
    with _leaves_lock:
        leaf = _leaves.get(key)
        if leaf is None:
            leaf = _leaves[key] = Leaf(key, reader.doc_count_all())
        return leaf
