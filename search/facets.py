"""Facet counts over a result set.

Each segment's facet postings are read once and cached with the segment (see :mod:`search.view`)
as parallel (document, value) arrays, joined once per searcher. A facet where no document has more
than one value (centre, field, open licence, value) becomes one array of value codes by document,
so counting a result set is one gather and one ``bincount``; the others (kind, mode, IPC subclass)
become rows by document (``indptr`` and codes), and counting gathers the result set's rows first.
Deleted documents are never in a result set, so they are never counted.
"""

from __future__ import annotations

import numpy as np

from .schema import FACETS
from .view import Docs, View


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(((v, n) for v, n in counts.items() if v and n), key=lambda pair: (-pair[1], pair[0]))


def count(view: View, matched: Docs, base: Docs, chosen: dict[str, Docs]) -> dict[str, list[tuple[str, int]]]:
    """Facet value counts, most frequent first.

    ``matched`` is the result set (every filter applied); ``base`` the results before the facet
    filters in ``chosen`` (facet name → the documents that facet's filter allows). A facet that
    is itself filtered on is counted over the results of every *other* filter, so the page can
    offer its alternatives ("RJ 12, ZS 7") instead of only the value already chosen.
    """
    result = {}
    hits = np.flatnonzero(matched)  # shared by every facet not filtered on
    for name in FACETS:
        if name in chosen:
            docs = base
            for other, allowed in chosen.items():
                if other != name:
                    docs = docs & allowed
            result[name] = _ranked(facet_counts(view, name, np.flatnonzero(docs)))
        else:
            result[name] = _ranked(facet_counts(view, name, hits))
    return result


def facet_counts(view: View, name: str, hits: np.ndarray) -> dict[str, int]:
    """How many of the documents ``hits`` (global numbers) carry each value of facet ``name``."""
    values, dense, indptr, codes = view.kept(("facet", name), lambda: _rows(view, name))
    if not values or not len(hits):
        return {}
    if dense is not None:  # at most one value a document; code len(values) is "none"
        counts = np.bincount(dense[hits], minlength=len(values) + 1)[: len(values)]
    else:
        # Gather the value codes of the hits' rows: O(hits), not O(every posting of the facet).
        starts = indptr[hits]
        lengths = indptr[hits + 1] - starts
        total = int(lengths.sum())
        if not total:
            return {}
        firsts = np.cumsum(lengths) - lengths  # where each hit's row begins in the output
        counts = np.bincount(codes[np.repeat(starts - firsts, lengths) + np.arange(total)], minlength=len(values))
    return {values[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist()}


def _rows(view: View, name: str) -> tuple[list[str], np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Facet ``name`` over the whole searcher, from the segments' cached (document, value) pairs:
    its values, and either the value code of each document (``dense``) or rows by document
    (document d's codes are ``codes[indptr[d]:indptr[d + 1]]``)."""
    index: dict[str, int] = {}
    owners, codes = [], []
    for part in view.parts:
        part_values, part_owners, part_codes = part.leaf.facet_values(part.reader)[name]
        mapping = np.array([index.setdefault(v, len(index)) for v in part_values] or [0], dtype=np.int32)
        owners.append(part_owners.astype(np.int64) + part.offset)
        codes.append(mapping[part_codes] if len(part_codes) else part_codes)
    # Each segment's pairs are in document order and the parts in offset order, so the joined
    # pairs are the rows of every document in turn: no sort per searcher.
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
    if len(owner) > 1 and not (owner[1:] >= owner[:-1]).all():  # parts out of order: sort
        order = np.argsort(owner, kind="stable")
        owner, code = owner[order], code[order]
    per_document = np.bincount(owner, minlength=view.size)[: view.size]
    if not len(owner) or int(per_document.max()) <= 1:
        dense = np.full(view.size, len(index), dtype=np.int32)
        dense[owner] = code
        return list(index), dense, None, None
    # Row offsets fit in int32 below 2**31 facet values: half the memory of int64, and an array
    # per facet as long as the searcher's documents.
    indptr = np.zeros(view.size + 1, dtype=np.int32 if len(owner) < 2**31 else np.int64)
    np.cumsum(per_document, out=indptr[1:])
    return list(index), None, indptr, code
