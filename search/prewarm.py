"""Warming a fresh process's caches before its first searches (issue 18, item 2).

A process that has just opened the index pays, on its first queries, for reading each term's
postings from disk (Whoosh's blocks: a hash-table lookup, zlib and pickle per term and segment),
for each term's idf, and once per segment for its columns and facet values. ``warm`` pays those
up front: one search with no words (columns, facets, the tie order), then, for each of the given
words, what searching it reads — its postings in every field the query looks in and its
statistics — without ranking, facets or snippets, so that a word costs a fraction of a search.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from whoosh.searching import Searcher

from .query import parse
from .searching import SearchQuery, run_search
from .segments import postings_cache_stats
from .view import view_for

# The share of the postings cache a prewarm may fill. The cache's own budget bounds a process's
# postings however it fills them; the rest is left for what the queries bring.
WARM_SHARE = 0.75


def warm(searcher: Searcher, words: Iterable[str], budget_seconds: float) -> int:
    """Warm the caches for ``searcher`` and each of ``words`` in turn until ``budget_seconds`` of
    this process's CPU time are spent or the postings cache is ``WARM_SHARE`` full; the number of
    words warmed."""
    started = time.process_time()
    run_search(searcher, SearchQuery(text="", per_page=20))
    view = view_for(searcher)
    done = 0
    for word in words:
        cache = postings_cache_stats()
        if time.process_time() - started > budget_seconds or cache["bytes"] > cache["budget_bytes"] * WARM_SHARE:
            break  # out of time, or the postings cache is full enough: leave the rest to the queries
        parsed = parse(word)
        for q in (parsed.match, parsed.tier0, parsed.tier1, *parsed.covers):
            view.warm(q)
        view.release_pages()  # as after a search: the segment pages read stay out of our RSS
        done += 1
    return done
