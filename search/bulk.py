"""Bulk indexing for rebuilds: whole segments written fast, in several processes.

Whoosh's ``SegmentWriter.add_document`` sends every posting of every document through a
sorting pool and then, one posting at a time, through ``add_postings``, which also reads the
document's field length back from disk for each posting. That costs ~30 µs a posting, and a
listing has ~380 postings (jieba words, CJK bigrams with positions, facets), so 100,000 listings
took half an hour. Here a segment is built instead from in-memory postings, written block by
block through Whoosh's own codec objects — in larger blocks that read faster
(:class:`search.whoosh_internals.BlockPostingsWriter`), which Whoosh reads like its own (the tests
compare the answers of both) — at a fraction of the cost. Documents are analysed and written by
worker processes, each producing its own segments; the caller lists them all in one table of
contents, which makes the new generation visible in a single commit.

A field's postings are gathered as flat arrays in document order (term number, document,
weight, encoded value), filled a document at a time by C loops (``extend`` over ``map``), and
sorted into per-term lists with NumPy when the segment is written: no Python work per posting.
What each field value indexes comes from :mod:`search.bulk_terms`.

Only for a fresh generation that nobody else writes to: there are no deletions to honour and no
existing segments to merge.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import traceback
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import repeat

import numpy as np
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency, Positions
from whoosh.index import FileIndex
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import bulk_terms, whoosh_internals
from .analysis import BigramTokenizer, ChineseTokenizer, LabelBigramTokenizer, LabelTokenizer
from .normalise import normalise_with_offsets
from .schema import Document, document_fields, make_schema

SEGMENT_DOCS = 25_000  # documents per segment: bounds a worker's memory (~10 KB a document)
BATCH = 250  # documents per job sent to a worker

# Fast paths for the analysers that produce nearly all postings; any other field goes through
# Whoosh's own ``field.index`` (once per distinct value: bulk_terms.FieldTerms). Each returns
# (terms, frequencies, encoded values, length).
_FAST_ANALYSERS: dict[tuple[type, type], Callable[[str], tuple]] = {
    (ChineseTokenizer, Frequency): bulk_terms.word_frequencies,
    (LabelTokenizer, Frequency): bulk_terms.label_frequencies,
    (BigramTokenizer, Positions): bulk_terms.bigram_positions,
    (LabelBigramTokenizer, Positions): bulk_terms.label_bigram_positions,
}
_FAST_FIELDS: dict[str, Callable[[str], tuple]] = {"english": bulk_terms.english_frequencies}
_UNIQUE_FIELDS = frozenset({"doc_id", "app_numbers"})  # a value per listing: not worth remembering
# Fields whose value is the title, a newline and the body, as document_fields makes it: the two
# are normalised once for their own fields and for this one.
_JOINED_FIELDS = {"bigrams": ("title", "body")}

# Postings per block (the codec's default is 128): a common term is tens of blocks rather than
# hundreds, and search/segments.py reads every block of a term at once.
BLOCK_POSTINGS = 1024


class _TermNumbers(dict):
    """Term → its number in a field, numbered in order of first appearance."""

    def __missing__(self, term) -> int:
        number = self[term] = len(self)
        return number


class _FieldPostings:
    """One field's postings in document order, as flat arrays."""

    __slots__ = ("numbers", "terms", "docs", "weights", "values")

    def __init__(self, has_values: bool):
        self.numbers = _TermNumbers()  # term (text from the fast paths, bytes from field.index) → number
        self.terms = array("I")  # per posting: its term's number
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] | None = [] if has_values else None

    def add(self, docnum: int, terms, weights, values) -> None:
        if (values is None) != (self.values is None):
            raise ValueError("a field's postings must all have encoded values, or none")
        self.terms.extend(map(self.numbers.__getitem__, terms))
        self.docs.extend(repeat(docnum, len(terms)))
        self.weights.extend(weights)
        if values is not None:
            self.values.extend(values)

    def by_term(self):
        """``(term bytes, ids, weights, values)`` for each term in byte order, its postings in
        document order (as the arrays Whoosh's postings writer takes)."""
        numbers = np.frombuffer(self.terms, dtype=np.uint32)
        order = np.argsort(numbers, kind="stable")  # stable: each term's documents stay in order
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        weights = np.frombuffer(self.weights, dtype=np.float32)[order]
        values = None
        if self.values is not None:  # reordered by NumPy too, as an array of references
            values = np.fromiter(self.values, dtype=object, count=len(self.values))[order]
        ends = np.cumsum(np.bincount(numbers, minlength=len(self.numbers))).tolist()
        encoded = sorted((term.encode("utf-8") if isinstance(term, str) else term, number)
                         for term, number in self.numbers.items())
        for tbytes, number in encoded:
            start, end = (ends[number - 1] if number else 0), ends[number]
            yield (tbytes, array("I", docs[start:end].tobytes()), array("f", weights[start:end].tobytes()),
                   values[start:end].tolist() if values is not None else None)


class SegmentBuilder:
    """Builds one new segment of ``ix`` from field dicts (as :func:`document_fields` makes)."""

    def __init__(self, ix: FileIndex):
        # A SegmentWriter supplies the segment, codec and file writers; its posting pool is
        # never used. It takes no lock: the caller holds the index's write lock.
        self.writer = whoosh_internals.unlocked_segment_writer(ix)
        self.schema = self.writer.schema
        self.postings: dict[str, _FieldPostings] = {}
        # field → doc number → field length as the lengths column gives it back
        self.lengths: dict[str, dict[int, int]] = defaultdict(dict)
        self.count = 0
        self.field_terms = bulk_terms.FieldTerms()

    def add(self, fields: dict[str, object]) -> None:
        writer, schema = self.writer, self.schema
        perdoc, docnum = writer.perdocwriter, writer.docnum
        perdoc.start_doc(docnum)
        normalised = _normalised_parts(fields)
        for name in sorted(n for n in fields if not n.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = self._index_field(name, field, value, docnum, normalised) if field.indexed else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        writer.docnum += 1
        self.count += 1

    def _index_field(self, name, field, value, docnum: int, normalised: dict[str, str]) -> int:
        fmt = field.format
        fast = (_FAST_FIELDS.get(name) or _FAST_ANALYSERS.get((type(field.analyzer), type(fmt)))
                if isinstance(value, str) else None)
        if fast is not None:
            text = normalised.get(name)
            terms, freqs, values, length = fast(value) if text is None else fast(text, normalised=True)
            boost = fmt.field_boost
            weights = freqs if boost == 1.0 else list(map(boost.__mul__, freqs))
        elif name in _UNIQUE_FIELDS or not isinstance(value, str):
            terms, weights, values, length = bulk_terms.index_value(field, value)
        else:
            terms, weights, values, length = self.field_terms(name, field, value)
        table = self.postings.get(name)
        if table is None:
            table = self.postings[name] = _FieldPostings(values is not None)
        table.add(docnum, terms, weights, values)
        if not field.scorable:
            return 0
        if length:
            # What add_postings would read back from the lengths column: a one-byte approximation.
            self.lengths[name][docnum] = byte_to_length(length_to_byte(length))
        return length

    def finish(self) -> Segment:
        """Write the postings and close the segment; return it, for a table of contents."""
        writer = self.writer
        writer.perdocwriter.close()
        fieldwriter = writer.fieldwriter
        for name in sorted(self.postings):
            self._write_field(fieldwriter, name)
        fieldwriter.close()
        whoosh_internals.close_segment(writer)
        whoosh_internals.assemble_segment(writer)
        self.postings.clear()
        return writer.get_segment()

    def _write_field(self, fieldwriter, name: str) -> None:
        known = self.lengths.get(name)
        lengths = array("I", bytes(4 * self.count))
        for docnum, size in (known or {}).items():
            lengths[docnum] = size
        limit = BLOCK_POSTINGS
        fieldwriter.start_field(name, self.schema[name])
        postwriter = whoosh_internals.block_postings_writer(fieldwriter, self.writer.codec, limit)
        for tbytes, ids, weights, values in self.postings[name].by_term():
            fieldwriter.start_term(tbytes)
            total = len(ids)
            # Fill the block buffer a whole block at a time, with the statistics add_posting
            # would have gathered; finish_term writes the last block.
            for start in range(0, total, limit):
                end = min(start + limit, total)
                block_ids = ids[start:end]
                block_weights = weights[start:end]
                sizes = list(filter(None, map(lengths.__getitem__, block_ids))) if known else None
                postwriter.buffer_block(block_ids, block_weights, values[start:end] if values is not None else [],
                                        min(sizes) if sizes else None, max(sizes) if sizes else 0)
                if end < total:
                    postwriter.write_buffered_block()
            fieldwriter.finish_term()
        fieldwriter.finish_field()

    def cancel(self) -> None:
        writer = self.writer
        if not writer.perdocwriter.is_closed:
            writer.perdocwriter.close()
        whoosh_internals.close_segment(writer)


def _normalised_parts(fields: dict[str, object]) -> dict[str, str]:
    """Normalised text of the fields in :data:`_JOINED_FIELDS` and of their parts, each part
    normalised once. Normalising ``a + "\\n" + b`` gives the normalised ``a``, a newline and the
    normalised ``b`` when both parts are folded the same way (:func:`normalise_with_offsets`
    folds a text whose length changes character by character); otherwise the joined text is left
    to be normalised whole."""
    out: dict[str, str] = {}
    for name, (first, second) in _JOINED_FIELDS.items():
        a, b = fields.get(first, ""), fields.get(second, "")
        if not isinstance(a, str) or not isinstance(b, str) or fields.get(name) != f"{a}\n{b}":
            continue
        (na, oa), (nb, ob) = normalise_with_offsets(a), normalise_with_offsets(b)
        # Folded whole iff the joined text keeps its length (to_simplified keeps lengths).
        whole = len(na) + len(nb) == len(a) + len(b)
        if (oa is None and ob is None) if whole else (oa is not None and ob is not None):
            out[name] = f"{na}\n{nb}"
        for part, text in ((first, na), (second, nb)):
            if part in fields:
                out[part] = text
    return out


def _open(directory: str) -> FileIndex:
    # A rebuild's worker opens the index itself: it reads segments as every other opener does.
    whoosh_internals.install_mapped_reader()
    return FileIndex(FileStorage(directory), schema=make_schema())


def build_segments(directory: str, fields: Iterable[dict[str, object]], segment_docs: int = SEGMENT_DOCS):
    """Write ``fields`` (one dict per document) as new segments of the index in ``directory``;
    return the segments. The caller holds the write lock and commits them."""
    ix = _open(directory)
    segments: list[Segment] = []
    builder: SegmentBuilder | None = None
    try:
        for values in fields:
            if builder is None:
                builder = SegmentBuilder(ix)
            builder.add(values)
            if builder.count >= segment_docs:
                segments.append(builder.finish())
                builder = None
        if builder is not None:
            segments.append(builder.finish())
            builder = None
    except BaseException:
        if builder is not None:
            builder.cancel()
        raise
    return segments


def _worker(directory: str, jobs, results, segment_docs: int) -> None:
    def documents():
        while (batch := jobs.get()) is not None:
            for doc in batch:
                yield document_fields(doc)

    try:
        results.put(("ok", build_segments(directory, documents(), segment_docs)))
    except BaseException as exc:  # reported to the parent, which raises
        results.put(("error", f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc()}"))


class WorkerFailed(RuntimeError):
    """A rebuild worker process failed or died."""


def parallel_segments(directory: str, documents: Iterable[Document], processes: int,
                      segment_docs: int = SEGMENT_DOCS) -> tuple[list[Segment], int]:
    """Index ``documents`` into new segments of the index in ``directory`` with ``processes``
    worker processes; return the segments and the number of documents.

    Raises ``ValueError`` for a duplicate doc_id or a document that cannot be indexed.
    """
    seen: set[str] = set()

    def checked() -> Iterable[Document]:
        for doc in documents:
            if doc.doc_id in seen:
                raise ValueError(f"duplicate doc_id in rebuild: {doc.doc_id!r}")
            seen.add(doc.doc_id)
            yield doc

    if processes <= 1:
        return build_segments(directory, (document_fields(d) for d in checked()), segment_docs), len(seen)

    # "spawn": a forked copy of a web or CLI process would inherit its database connections
    # and threads; a fresh interpreter only needs the search package.
    context = multiprocessing.get_context("spawn")
    jobs = context.Queue(processes * 4)
    results = context.Queue()
    workers = [context.Process(target=_worker, args=(directory, jobs, results, segment_docs), daemon=True)
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    try:
        batch: list[Document] = []
        for doc in checked():
            batch.append(doc)
            if len(batch) >= BATCH:
                _put(jobs, batch, workers, results)
                batch = []
        if batch:
            _put(jobs, batch, workers, results)
        for _ in workers:
            _put(jobs, None, workers, results)
        segments: list[Segment] = []
        for _ in workers:
            segments.extend(_get(results, workers))
        for worker in workers:
            worker.join()
        return segments, len(seen)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()
        # Jobs nobody will read must not keep this process waiting at exit.
        jobs.cancel_join_thread()
        jobs.close()
        results.close()


def _put(jobs, item, workers, results) -> None:
    while True:
        try:
            jobs.put(item, timeout=1)
            return
        except queue.Full:
            # A worker that failed stops taking jobs: look for its report.
            with contextlib.suppress(queue.Empty):
                _unpack(results.get_nowait())
            _check_alive(workers)


def _get(results, workers) -> list[Segment]:
    while True:
        try:
            return _unpack(results.get(timeout=1))
        except queue.Empty:
            _check_alive(workers)


def _unpack(result) -> list[Segment]:
    status, payload = result
    if status != "ok":
        raise ValueError(f"rebuild worker failed: {payload}")
    return payload


def _check_alive(workers) -> None:
    dead = [w for w in workers if not w.is_alive() and w.exitcode not in (0, None)]
    if dead:
        raise WorkerFailed(f"rebuild worker exited with code {dead[0].exitcode}")


def default_processes() -> int:
    """Worker processes for a rebuild: one per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
