"""Facet counts by set intersection.

Whoosh's ``groupedby`` calls back into Python for every matching document and every facet;
on a few thousand listings that is most of a search's time. Instead, each facet value's set of
documents is read once per searcher (the values are few: centres, kinds, modes, subclasses)
and counted with C-speed set intersections against the result set.
"""

from __future__ import annotations

import threading
import weakref

from whoosh import query as wq
from whoosh.searching import Searcher

from .schema import FACETS

_cache: weakref.WeakKeyDictionary[Searcher, dict[str, dict[str, frozenset[int]]]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def value_documents(searcher: Searcher) -> dict[str, dict[str, frozenset[int]]]:
    """For each facet, every indexed value and the documents that have it (cached while this
    searcher lives; a searcher never sees later commits, so the cache cannot go stale).
    """
    with _cache_lock:
        cached = _cache.get(searcher)
    if cached is not None:
        return cached
    reader = searcher.reader()
    values: dict[str, dict[str, frozenset[int]]] = {}
    for name in FACETS:
        field = searcher.schema[name]
        values[name] = {
            field.from_bytes(term): frozenset(reader.postings(name, term).all_ids()) for term in reader.lexicon(name)
        }
    with _cache_lock:
        _cache[searcher] = values
    return values


def _ranked(values: dict[str, frozenset[int]], docs: set[int]) -> list[tuple[str, int]]:
    counts = [(value, len(members & docs)) for value, members in values.items() if value]
    return sorted(((v, n) for v, n in counts if n), key=lambda pair: (-pair[1], pair[0]))


def count(
    searcher: Searcher, matching: wq.Query, matched: set[int], filters: dict[str, wq.Query]
) -> dict[str, list[tuple[str, int]]]:
    """Facet value counts, most frequent first.

    ``matched`` is the result set (every filter applied). A facet that is itself filtered on
    is counted over the results of every *other* filter, so the page can offer its
    alternatives ("RJ 12, ZS 7") instead of only the value already chosen.
    """
    values = value_documents(searcher)
    active = [name for name in filters if name in FACETS]
    base: set[int] = set()
    chosen: dict[str, set[int]] = {}
    if active:
        base = set(matching.docs(searcher))
        for name, part in filters.items():
            if name in FACETS:
                chosen[name] = set(part.docs(searcher))
            else:  # a filter that is not a facet (ipc) always applies
                base &= set(part.docs(searcher))
    result = {}
    for name in FACETS:
        docs = matched
        if name in chosen:
            docs = base.copy()
            for other, members in chosen.items():
                if other != name:
                    docs &= members
        result[name] = _ranked(values[name], docs)
    return result
