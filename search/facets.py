"""Facet counts over a result set.

Each segment's facet postings are read once and cached with the segment (see :mod:`search.view`)
as parallel (document, value) arrays, joined per searcher into rows by document; counting a
result set gathers its rows and is one ``bincount`` per facet. Deleted documents are never in a
result set, so they are never counted.
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
            result[name] = _ranked(view.facet_counts(name, docs))
        else:
            result[name] = _ranked(view.facet_counts(name, matched, hits))
    return result
