"""Every use of Whoosh's private names, in one place, checked when this module is imported.

The engine is fast because it reaches under Whoosh's public API in a few places: it decodes whole
posting blocks at once (:mod:`search.segments`), reads the one-byte field lengths as a column,
writes segments block by block (:mod:`search.bulk`), lists segments written by other processes in
one commit (:mod:`search.index`), and replaces two methods so that mapped segments are not copied
onto the heap (:mod:`search.mapped`). None of that is promised by Whoosh: a release may rename any
of it. So the rest of ``search/`` calls the small named functions here, never a ``_``-name of
Whoosh's, and :func:`check` runs at import: if a name this module needs is gone, importing
``search`` fails at once, naming the missing names and the installed Whoosh version — rather than
a search silently finding nothing, or a rebuild writing segments Whoosh cannot read.

The names are listed in :data:`REQUIRED`: module and class attributes are looked up; attributes
that only instances have are looked for among the attributes the class's own code assigns.
"""

from __future__ import annotations

import dis
import importlib.metadata
import inspect
import mmap
import threading
import zlib
from array import array
from collections.abc import Iterator
from operator import sub
from pickle import dumps
from types import CodeType

import whoosh
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
)
from whoosh.columns import NumericColumn
from whoosh.filedb import compound, structfile
from whoosh.filedb.filestore import OverlayStorage, StorageError
from whoosh.query import MultiTerm
from whoosh.reading import EmptyReader, IndexReader, SegmentReader
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from . import mapped

# -- reading ----------------------------------------------------------------------------------


def read_toc(storage, schema) -> whoosh_index.TOC:
    """Read the table of contents of the index in ``storage`` (Whoosh's default index name)."""
    return whoosh_index.TOC.read(storage, whoosh_index._DEF_INDEX_NAME, schema=schema)


def posting_blocks(reader: IndexReader, fieldname: str, tbytes: bytes) -> Iterator[tuple[object, object]]:
    """Each posting block of a term in one segment as (id deltas, weights) — the block's data as
    the codec pickled it: the first id then the gaps; None (all 1.0), one float, or one per
    posting. Whoosh's own block decoding without its per-posting calls. An empty index's reader
    has no postings; any other reader without the codec's terms fails loudly."""
    if isinstance(reader, EmptyReader):
        return
    terms = reader._terms
    if (fieldname, tbytes) not in terms:
        return
    matcher = terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    while matcher.is_active():
        matcher._read_data()
        data = matcher._data
        yield data[0], data[1]
        matcher._next_block()


def stored_fields(reader: IndexReader, docnum: int) -> dict:
    """A segment's stored fields of ``docnum`` as written, without Whoosh's per-call filter of
    fields no longer in the schema (an index made by another schema is rebuilt before use)."""
    if isinstance(reader, SegmentReader):
        return reader._perdoc.stored_fields(docnum)
    return reader.stored_fields(docnum)


def has_length_column(reader: IndexReader) -> bool:
    """True if ``reader`` is a segment of the whoosh3 codec, whose lengths :func:`encoded_lengths`
    can read (otherwise only Whoosh's slow public ``doc_field_length`` can)."""
    return isinstance(reader, SegmentReader) and isinstance(reader._perdoc, W3PerDocReader)


def encoded_lengths(reader: SegmentReader, fieldname: str) -> bytes | None:
    """Every document's one-byte length code of ``fieldname`` in a whoosh3 segment (decode with
    ``byte_to_length``), or None if the segment has no lengths for it."""
    column = reader._perdoc._cached_reader(whoosh3._lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    if isinstance(column, NumericColumn.Reader) and column._fixedlen == 1:
        # One byte per document, stored contiguously (documents past the written ones are 0):
        # one read of the column's bytes, not a Python call per document.
        stored = min(column._count, column._doccount)
        raw = column._dbfile.get(column._basepos, stored)
        return raw + bytes(column._doccount - stored)
    return bytes(bytearray(column))


def segment_map(reader: IndexReader):
    """The memory map of a compound segment's file, if ``reader`` reads one through a map."""
    storage = reader.storage() if isinstance(reader, SegmentReader) else None
    if isinstance(storage, OverlayStorage):  # a compound segment, overlaid on the directory
        storage = storage.a
    source = storage._source if isinstance(storage, compound.CompoundStorage) else None
    return source if isinstance(source, mmap.mmap) else None


def multiterm_texts(q: MultiTerm, reader: IndexReader) -> list:
    """The terms (bytes, or text for some queries) that ``q`` — Prefix, FuzzyTerm, … — expands to
    in ``reader``."""
    return list(q._btexts(reader))


# -- writing ----------------------------------------------------------------------------------


def unlocked_segment_writer(ix: whoosh_index.FileIndex) -> SegmentWriter:
    """A writer of one new segment of ``ix`` that takes no lock: the caller holds the index's
    write lock (a rebuild's workers write into a generation their parent locked)."""
    return SegmentWriter(ix, _lk=False)


def close_segment(writer: SegmentWriter) -> None:
    """Close the new segment's files (without committing anything)."""
    writer._close_segment()


def assemble_segment(writer: SegmentWriter) -> None:
    """Join the new segment's files into its compound file, if the writer makes one."""
    writer._assemble_segment()


def commit_segments(writer: SegmentWriter, segments: list) -> None:
    """Commit ``writer``'s own new segment together with ``segments`` written elsewhere, listed in
    one table of contents — one commit makes them all visible. (Whoosh's commit lists only the
    segments it knows.)"""
    writer._commit_toc([*segments, writer._finalize_segment()])
    writer._finish()


class BlockPostingsWriter(W3PostingsWriter):
    """The codec's postings writer, given whole blocks, in the codec's layout with two changes
    that make a block cheap to read (:func:`posting_blocks` reads every block of a term at once):

    * blocks of the caller's size, so a common term is tens of blocks rather than hundreds;
    * ids (the first, then the gaps) and weights as arrays pickled at protocol 4, which stores an
      array as its raw bytes; the codec's tuples at protocol 2 unpickle one Python object per
      posting. Whoosh's own reader takes either: it only iterates them.
    """

    def buffer_block(self, ids: array, weights: array, values: list, minlength: int | None,
                     maxlength: int) -> None:
        """Make ``ids`` (and their weights, encoded values, field lengths) the buffered block,
        with the statistics ``add_posting`` would have gathered; ``finish_postings`` writes the
        last block of a term."""
        self._ids = ids
        self._weights = weights
        self._values = values
        self._minlength = minlength
        self._maxlength = maxlength
        self._maxweight = max(0, max(weights))

    def write_buffered_block(self) -> None:
        """Write the buffered block (not the term's last) to the postings file."""
        self._write_block()

    def _mini_ids(self):
        ids = self._ids
        return array("I", (ids[0], *map(sub, ids[1:], ids[:-1])))

    def _mini_weights(self):
        weights = self._weights
        first = weights[0]
        if weights.count(first) == len(weights):
            return None if first == 1.0 else first
        return array("f", weights)

    def _write_block(self, last=False):
        # W3PostingsWriter._write_block, but the data pickled at protocol 4.
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 4)
        if self._compression:
            databytes = zlib.compress(databytes, self._compression)
        infobytes = dumps((len(self._ids), self._ids[-1], self._maxweight, self._compression,
                           length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


def block_postings_writer(fieldwriter: W3FieldWriter, codec: W3Codec, blocklimit: int) -> BlockPostingsWriter:
    """Make a :class:`BlockPostingsWriter` with blocks of ``blocklimit`` the postings writer of
    the field ``fieldwriter`` has just started (``start_field``), and return it."""
    postwriter = fieldwriter._postwriter = BlockPostingsWriter(
        fieldwriter._postfile, blocklimit=blocklimit, compression=codec._compression,
        inlinelimit=codec._inlinelimit)
    return postwriter


# -- reading compound segments without copying them (search/mapped.py) -------------------------

# What Whoosh's BufferFile.__init__ assigns; the replacement assigns the same, streaming instead.
_BUFFER_FILE_ATTRIBUTES = frozenset({"_buf", "_name", "file", "onclose", "is_real", "is_closed"})


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = mapped.buffered_view(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _open_compound_part(self, name, *args, **kwargs):
    if self.is_closed:
        raise StorageError("Storage was closed")
    offset, length = self.range(name)
    if self._source:  # memory-mapped
        return structfile.BufferFile(memoryview(self._source)[offset : offset + length], name=name)
    raw = self._file.file if isinstance(self._file, structfile.StructFile) else self._file
    return structfile.StructFile(mapped.buffered_range(raw, offset, length), name=name)


_REPLACEMENTS = ((structfile.BufferFile, "__init__", _buffer_file_init),
                 (compound.CompoundStorage, "open_file", _open_compound_part))
_replaced: dict[tuple[type, str], object] = {}  # Whoosh's own methods, once replaced
_install_lock = threading.Lock()


def install_mapped_reader() -> None:
    """Make Whoosh read compound segment parts through :mod:`search.mapped` streams, instead of
    copying them (``BufferFile``) or reading them a system call at a time (``SubFile``).

    Called by every path that opens an index (``SearchIndex``, :mod:`search.storage`, a rebuild's
    workers) before it opens one; idempotent and cheap. It replaces ``BufferFile.__init__`` and
    ``CompoundStorage.open_file`` for the whole process: the replacements read the same bytes."""
    if mapped_reader_installed():
        return
    with _install_lock:
        for cls, name, replacement in _REPLACEMENTS:
            current = vars(cls)[name]
            if current is not replacement:
                _replaced.setdefault((cls, name), current)
                setattr(cls, name, replacement)


def mapped_reader_installed() -> bool:
    """True once :func:`install_mapped_reader` has replaced both methods."""
    return all(vars(cls)[name] is replacement for cls, name, replacement in _REPLACEMENTS)


# -- the check --------------------------------------------------------------------------------

# (owner, name, what): "attribute" is looked up on the module or class; "assigned" must be an
# attribute the class's code (or its bases') assigns, i.e. one its instances have; "parameter" a
# parameter of the class's constructor.
REQUIRED: tuple[tuple[object, str, str], ...] = (
    (whoosh_index, "_DEF_INDEX_NAME", "attribute"),
    (whoosh3, "_lenfield", "attribute"),
    (SegmentReader, "_terms", "assigned"),
    (SegmentReader, "_perdoc", "assigned"),
    (W3PerDocReader, "_cached_reader", "attribute"),
    (NumericColumn.Reader, "_dbfile", "assigned"),
    (NumericColumn.Reader, "_basepos", "assigned"),
    (NumericColumn.Reader, "_count", "assigned"),
    (NumericColumn.Reader, "_doccount", "assigned"),
    (NumericColumn.Reader, "_fixedlen", "assigned"),
    (W3LeafMatcher, "_read_data", "attribute"),
    (W3LeafMatcher, "_next_block", "attribute"),
    (W3LeafMatcher, "_data", "assigned"),
    (MultiTerm, "_btexts", "attribute"),
    (compound.CompoundStorage, "_source", "assigned"),
    (compound.CompoundStorage, "_file", "assigned"),
    (structfile.BufferFile, "_buf", "assigned"),
    (structfile.BufferFile, "_name", "assigned"),
    (SegmentWriter, "_lk", "parameter"),
    *((SegmentWriter, name, "attribute") for name in (
        "_close_segment", "_assemble_segment", "_finalize_segment", "_commit_toc", "_finish")),
    (W3FieldWriter, "_postwriter", "assigned"),
    (W3FieldWriter, "_postfile", "assigned"),
    (W3Codec, "_compression", "assigned"),
    (W3Codec, "_inlinelimit", "assigned"),
    *((W3PostingsWriter, name, "attribute") for name in (
        "_new_block", "_write_block", "_mini_ids", "_mini_weights", "_mini_values")),
    *((W3PostingsWriter, name, "assigned") for name in (
        "_postfile", "_terminfo", "_compression", "_blocklimit", "_blockcount", "_ids", "_weights",
        "_values", "_minlength", "_maxlength", "_maxweight")),
)


class WhooshInternalsMissing(ImportError):
    """The installed Whoosh lacks private names that ``search`` relies on."""


def whoosh_version() -> str:
    """The installed Whoosh, as its distribution and version (e.g. ``Whoosh-Reloaded 2.7.5``)."""
    for distribution in ("Whoosh-Reloaded", "Whoosh"):
        try:
            return f"{distribution} {importlib.metadata.version(distribution)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return f"Whoosh {whoosh.versionstring()}"


def _stored_names(code: CodeType) -> set[str]:
    names = {i.argval for i in dis.get_instructions(code) if i.opname == "STORE_ATTR"}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _stored_names(const)
    return names


def _whoosh_code(cls: type, name: str) -> CodeType | None:
    """The code of method ``name`` of ``cls`` as Whoosh wrote it (not our replacement)."""
    member = _replaced.get((cls, name), vars(cls)[name])
    member = getattr(member, "__func__", getattr(member, "fget", member))
    return getattr(member, "__code__", None)


def assigned_attributes(cls: type) -> set[str]:
    """The attribute names that Whoosh's methods of ``cls`` and its bases assign (``x.name = …``):
    the attributes its instances have."""
    names: set[str] = set()
    for klass in cls.__mro__[:-1]:  # not object
        for name in vars(klass):
            code = _whoosh_code(klass, name)
            if code is not None:
                names |= _stored_names(code)
    return names


def _describe(owner: object) -> str:
    if inspect.ismodule(owner):
        return owner.__name__
    return f"{owner.__module__}.{owner.__qualname__}"


def problems(required=REQUIRED) -> list[str]:
    """What in ``required`` the installed Whoosh lacks, one description each (empty: nothing)."""
    found = []
    assigned: dict[type, set[str]] = {}
    for owner, name, what in required:
        if what == "attribute":
            ok = hasattr(owner, name)
        elif what == "assigned":
            if owner not in assigned:
                assigned[owner] = assigned_attributes(owner)
            ok = name in assigned[owner]
        elif what == "parameter":
            ok = name in inspect.signature(owner.__init__).parameters
        else:
            raise ValueError(f"unknown requirement kind {what!r}")
        if not ok:
            found.append(f"{_describe(owner)}: {what} {name}")
    extra = _stored_names(_whoosh_code(structfile.BufferFile, "__init__")) - _BUFFER_FILE_ATTRIBUTES
    if extra:
        found.append(f"whoosh.filedb.structfile.BufferFile.__init__ assigns {sorted(extra)}, "
                     "which install_mapped_reader's replacement does not")
    return found


def check(required=REQUIRED) -> None:
    """Raise :class:`WhooshInternalsMissing`, naming what is missing and the installed Whoosh
    version, unless the installed Whoosh has everything in ``required``."""
    found = problems(required)
    if found:
        raise WhooshInternalsMissing(
            f"search cannot use {whoosh_version()} (whoosh {whoosh.versionstring()}): it lacks private "
            f"names that search/whoosh_internals.py relies on — {'; '.join(found)}. Install the "
            "Whoosh-Reloaded version in requirements.txt, or adapt search/whoosh_internals.py.")


check()
