"""Facet counts by set intersection, per segment.

Each segment's facet values and the documents that have them are read once and cached with the
segment (see :mod:`search.view`); a search counts them with C-speed set intersections against
its result set, segment by segment. Deleted documents are never in a result set, so they are
never counted, whatever the cached sets hold.
"""

from __future__ import annotations

from collections import Counter

from .schema import FACETS
from .view import Sets, View


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(((v, n) for v, n in counts.items() if v and n), key=lambda pair: (-pair[1], pair[0]))


def count(view: View, matched: Sets, base: Sets, chosen: dict[str, Sets]) -> dict[str, list[tuple[str, int]]]:
    """Facet value counts, most frequent first.

    ``matched`` is the result set (every filter applied); ``base`` the results before the facet
    filters in ``chosen`` (facet name → the documents that facet's filter allows). A facet that
    is itself filtered on is counted over the results of every *other* filter, so the page can
    offer its alternatives ("RJ 12, ZS 7") instead of only the value already chosen.
    """
    values = view.facet_values()
    result = {}
    for name in FACETS:
        docs = matched
        if name in chosen:
            docs = base
            for other, allowed in chosen.items():
                if other != name:
                    docs = [d & a for d, a in zip(docs, allowed, strict=True)]
        counts: Counter[str] = Counter()
        for part_values, part_docs in zip(values, docs, strict=True):
            if part_docs:
                for value, members in part_values[name].items():
                    found = len(members & part_docs)  # Python iterates the smaller set
                    if found:
                        counts[value] += found
        result[name] = _ranked(counts)
    return result
