"""A tantivy index of the portal's own analysed terms, for ``bench/tantivy_compare.py``.

Every document is analysed by the portal's code — :func:`search.schema.document_fields`, then each
field's analyser from :func:`search.schema.make_schema` (jieba words, CJK bigrams with their
positions, Latin identifiers, the stemmed English field, application numbers, IPC terms), exactly
as a Whoosh index is written — and handed to tantivy pre-tokenised (``PreTokenizedString``), so
that tantivy indexes the very terms (and, for the bigram fields, positions) the portal's index
holds; its own tokenisers never run. Facets are raw text fast fields (one value per ``add_text``),
counted with a terms aggregation. ``id`` is the listing id as a u64 fast field.

tantivy is a bench-only dependency (``requirements-bench.txt``, ``make bench-deps``).
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from search.schema import FACETS, SINGLE_FACETS, Document, document_fields, make_schema

# Fields whose terms the portal searches, with what tantivy keeps of them: positions where the
# portal asks phrases (the bigram fields), frequencies elsewhere (BM25).
POSITIONAL = ("bigrams", "label_bigrams")
ANALYSED = ("title", "body", "labels", "english", "app_numbers", "ipc", *POSITIONAL)
# Whoosh bakes a field's boost into its postings' weights; tantivy gets it as a query boost.
FIELD_BOOSTS = {name: make_schema()[name].format.field_boost for name in ANALYSED}
COMPLETE = "complete.json"  # written last: the index in this directory is whole
REPEATED = ("labels", "label_bigrams")  # the same few texts across thousands of listings: analysed once

_SCHEMA = None
_REPEATED: dict[tuple[str, str], list[tuple[str, int]]] = {}


def _whoosh_schema():
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = make_schema()
    return _SCHEMA


def analysed_terms(doc: Document) -> dict[str, list[tuple[str, int]]]:
    """``{field: [(term, position), …]}`` for the searched fields of ``doc``, in the order the
    portal's analysers produce them when Whoosh indexes the document."""
    fields = document_fields(doc)
    schema = _whoosh_schema()
    out: dict[str, list[tuple[str, int]]] = {}
    for name in ANALYSED:
        value = fields.get(name)
        if not value:
            continue
        key = (name, value)
        terms = _REPEATED.get(key) if name in REPEATED else None
        if terms is None:
            tokens = schema[name].analyzer(value, positions=True, mode="index")
            terms = [(t.text, t.pos) for t in tokens if not t.stopped]
            if name in REPEATED and len(_REPEATED) < 100_000:
                _REPEATED[key] = terms
        if terms:
            out[name] = terms
    return out


def facet_values(doc: Document) -> dict[str, list[str]]:
    """Each facet's values for ``doc``, as the portal's index keeps them."""
    fields = document_fields(doc)
    out = {}
    for name in FACETS:
        value = fields.get(name)
        if not value:
            continue
        out[name] = [str(value)] if name in SINGLE_FACETS else [v.strip() for v in str(value).split(",") if v.strip()]
    return out


def analysed(doc: Document) -> tuple[int, dict[str, list[tuple[str, int]]], dict[str, list[str]]]:
    return int(doc.doc_id), analysed_terms(doc), facet_values(doc)


def tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=False, indexed=False, fast=True)
    for name in ANALYSED:
        builder.add_text_field(name, tokenizer_name="raw",
                               index_option="position" if name in POSITIONAL else "freq")
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    return builder.build()


def tantivy_document(doc_id: int, terms: dict[str, list[tuple[str, int]]], facets: dict[str, list[str]]):
    import tantivy

    out = tantivy.Document()
    out.add_unsigned("id", doc_id)
    for name, pairs in terms.items():
        tokens = [tantivy.Token(text, position, 0, 0) for text, position in pairs]
        out.add_pre_tokenized_text(name, tantivy.PreTokenizedString("", tokens))
    for name, values in facets.items():
        for value in values:
            out.add_text(name, value)
    return out


def _analyse_chunk(docs: list[Document]) -> list[tuple[int, dict, dict]]:
    return [analysed(doc) for doc in docs]


def _chunks(docs: Iterable[Document], size: int = 500) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(directory: Path, documents: Iterable[Document], processes: int = 1, threads: int = 1) -> dict:
    """Write a tantivy index of ``documents`` to ``directory`` (replaced); the build's figures."""
    import tantivy

    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    index = tantivy.Index(tantivy_schema(), path=str(directory))
    writer = index.writer(heap_size=256_000_000, num_threads=threads)
    started, count = time.perf_counter(), 0
    if processes > 1:
        pool = multiprocessing.get_context("fork").Pool(processes)
        analysed_chunks = pool.imap(_analyse_chunk, _chunks(documents))
    else:
        pool, analysed_chunks = None, map(_analyse_chunk, _chunks(documents))
    try:
        for chunk in analysed_chunks:
            for doc_id, terms, facets in chunk:
                writer.add_document(tantivy_document(doc_id, terms, facets))
                count += 1
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    figures = {"documents": count, "s": round(time.perf_counter() - started, 1),
               "segments": index.searcher().num_segments,
               "mb": round(sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20, 1)}
    (directory / COMPLETE).write_text(json.dumps(figures), encoding="utf-8")
    return figures


def open_index(directory: Path):
    """The tantivy index in ``directory`` and its build figures, or None when absent or unfinished."""
    import tantivy

    if not (directory / COMPLETE).exists():
        return None
    return tantivy.Index.open(str(directory)), json.loads((directory / COMPLETE).read_text(encoding="utf-8"))


def portal_documents(workdir: Path) -> Iterator[Document]:
    """The documents ``flask search rebuild`` indexes, read from ``workdir/bench.sqlite3``."""
    from bench.search import portal_app
    from portal.extensions import db
    from portal.indexing.documents import listing_document, published_listings

    app = portal_app(workdir)
    with app.app_context():
        for row in published_listings():
            yield listing_document(row)
        db.session.remove()
        db.engine.dispose()
