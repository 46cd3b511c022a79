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
from collections import OrderedDict

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from . import whoosh_internals
from .schema import FACETS

POSTINGS_BUDGET = 6_000_000  # postings cached per process (8 bytes each: ~48 MB at most)

_LENGTH_DECODE = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float32)


class _PostingsCache:
    """(segment id, field, term bytes) → (document numbers, weights), least recently used first."""

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[tuple[str, str, bytes], tuple[np.ndarray, np.ndarray]] = OrderedDict()
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
_EMPTY_POSTINGS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


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
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


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
                    owners = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
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
