"""Bulk indexing for rebuilds: whole segments written fast, in several processes.

Whoosh's ``SegmentWriter.add_document`` sends every posting of every document through a
sorting pool and then, one posting at a time, through ``add_postings``, which also reads the
document's field length back from disk for each posting. That costs ~30 µs a posting, and a
listing has ~380 postings (jieba words, CJK bigrams with positions, facets), so 100,000 listings
took half an hour. Here a segment is built instead from in-memory postings lists (term → ids,
weights, encoded values), written block by block through Whoosh's own codec objects — in larger
blocks that read faster (:class:`search.whoosh_internals.BlockPostingsWriter`), which Whoosh reads
like its own (the tests compare the answers of both) — at a fraction of the cost. Documents are
analysed and written by worker processes, each producing its own segments; the caller lists them
all in one table of contents, which makes the new generation visible in a single commit.

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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import sub
from pickle import dumps

from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency, Positions
from whoosh.index import FileIndex
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import whoosh_internals
from .analysis import BigramTokenizer, ChineseTokenizer, LabelBigramTokenizer, LabelTokenizer, analyse
from .normalise import CJK_RUN, normalise
from .schema import Document, document_fields, make_schema

SEGMENT_DOCS = 25_000  # documents per segment: bounds a worker's memory (~10 KB a document)
BATCH = 250  # documents per job sent to a worker
_FREQ_BYTES = tuple(pack_uint(n) for n in range(256))
_ONE_POSITION: list[bytes] = []  # encoded values of a single position, by position


def _frequency_value(freq: int) -> bytes:
    return _FREQ_BYTES[freq] if freq < 256 else pack_uint(freq)


def _positions_value(positions: list[int]) -> bytes:
    # Positions.encode: the count, then the pickled deltas. Most bigrams occur once in a
    # listing, so single positions are encoded once per process and reused.
    if len(positions) == 1:
        pos = positions[0]
        if pos < 4096:
            while len(_ONE_POSITION) <= pos:
                _ONE_POSITION.append(pack_uint(1) + dumps([len(_ONE_POSITION)], 2))
            return _ONE_POSITION[pos]
        return pack_uint(1) + dumps(positions, 2)
    return pack_uint(len(positions)) + dumps([positions[0], *map(sub, positions[1:], positions[:-1])], 2)


def _word_frequencies(value: str):
    """(term, frequency, encoded value) of a title/body field, as ChineseTokenizer indexes it."""
    counts = Counter(t for t, _, _ in analyse(normalise(value)))
    return [(term, freq, _frequency_value(freq)) for term, freq in counts.items()]


def _bigram_positions(value: str):
    """(term, frequency, encoded value) of the bigrams field, as BigramTokenizer indexes it:
    the same positions as :func:`search.analysis.bigrams`, without character offsets."""
    positions: dict[str, list[int]] = defaultdict(list)
    base = 0
    for match in CJK_RUN.finditer(normalise(value)):
        run = match.group()
        last = len(run) - 1
        for i in range(last):
            positions[run[i : i + 2]].append(base + i)
        positions[run[last]].append(base + last)
        base += last + 3
    return [(term, len(p), _positions_value(p)) for term, p in positions.items()]


@lru_cache(maxsize=16384)
def _label_frequencies(value: str):
    """:func:`_word_frequencies` of a listing's labels, each distinct text analysed once."""
    return tuple(_word_frequencies(value))


@lru_cache(maxsize=16384)
def _label_bigram_positions(value: str):
    return tuple(_bigram_positions(value))


_ENGLISH_ANALYSER = make_schema()["english"].analyzer


@lru_cache(maxsize=16384)
def _english_frequencies(value: str):
    """(term, frequency, encoded value) of the ``english`` field, as Whoosh's stemming analyser
    indexes it; the same English labels recur, so each distinct text is analysed once."""
    counts = Counter(token.text for token in _ENGLISH_ANALYSER(value))
    return tuple((term, freq, _frequency_value(freq)) for term, freq in counts.items())


# Fast paths for the analysers that produce nearly all postings; any other field goes through
# Whoosh's own ``field.index``. Each returns (term, frequency, encoded value) per term.
_FAST_ANALYSERS: dict[tuple[type, type], Callable[[str], object]] = {
    (ChineseTokenizer, Frequency): _word_frequencies,
    (LabelTokenizer, Frequency): _label_frequencies,
    (BigramTokenizer, Positions): _bigram_positions,
    (LabelBigramTokenizer, Positions): _label_bigram_positions,
}
_FAST_FIELDS: dict[str, Callable[[str], object]] = {"english": _english_frequencies}


# Postings per block (the codec's default is 128): a common term is tens of blocks rather than
# hundreds, and search/segments.py reads every block of a term at once.
BLOCK_POSTINGS = 1024


class SegmentBuilder:
    """Builds one new segment of ``ix`` from field dicts (as :func:`document_fields` makes)."""

    def __init__(self, ix: FileIndex):
        # A SegmentWriter supplies the segment, codec and file writers; its posting pool is
        # never used. It takes no lock: the caller holds the index's write lock.
        self.writer = whoosh_internals.unlocked_segment_writer(ix)
        self.schema = self.writer.schema
        # field → term → (doc numbers, weights, encoded values or None when the format has none)
        self.postings: dict[str, dict[str | bytes, tuple[array, array, list[bytes] | None]]] = defaultdict(dict)
        # field → doc number → field length as the lengths column gives it back
        self.lengths: dict[str, dict[int, int]] = defaultdict(dict)
        self.count = 0

    def add(self, fields: dict[str, object]) -> None:
        writer, schema = self.writer, self.schema
        perdoc, docnum = writer.perdocwriter, writer.docnum
        perdoc.start_doc(docnum)
        for name in sorted(n for n in fields if not n.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = self._index_field(name, field, value, docnum) if field.indexed else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        writer.docnum += 1
        self.count += 1

    def _index_field(self, name, field, value, docnum: int) -> int:
        table = self.postings[name]
        fmt = field.format
        fast = (_FAST_FIELDS.get(name) or _FAST_ANALYSERS.get((type(field.analyzer), type(fmt)))
                if isinstance(value, str) else None)
        length = 0
        if fast is not None:
            boost = fmt.field_boost
            for term, freq, encoded in fast(value):
                entry = table.get(term)
                if entry is None:
                    entry = table[term] = (array("I"), array("f"), [])
                entry[0].append(docnum)
                entry[1].append(freq * boost)
                entry[2].append(encoded)
                length += freq
        else:
            has_values = fmt.fixed_value_size() != 0
            for tbytes, freq, weight, encoded in field.index(value):  # terms as bytes: some are binary
                entry = table.get(tbytes)
                if entry is None:
                    entry = table[tbytes] = (array("I"), array("f"), [] if has_values else None)
                entry[0].append(docnum)
                entry[1].append(weight)
                if has_values:
                    entry[2].append(encoded)
                length += freq
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
        table = self.postings[name]
        known = self.lengths.get(name)
        lengths = array("I", bytes(4 * self.count))
        for docnum, size in (known or {}).items():
            lengths[docnum] = size
        limit = BLOCK_POSTINGS
        fieldwriter.start_field(name, self.schema[name])
        postwriter = whoosh_internals.block_postings_writer(fieldwriter, self.writer.codec, limit)
        # Fast paths key terms by text, field.index by bytes (numbers and dates are binary).
        encoded_terms = sorted((term.encode("utf-8") if isinstance(term, str) else term, term) for term in table)
        for tbytes, term in encoded_terms:
            ids, weights, values = table[term]
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
