"""Warm a fresh worker's search caches before its first user does.

A worker that has just started reads each term's postings from disk and decodes its segments'
columns on its first queries: those cost about half again a steady query. ``prewarm`` reads what
searching each of the index's most frequent title words reads — postings in every field a query
looks in, idf — within a CPU budget and three quarters of the postings cache
(``SearchIndex.prewarm``), so that the postings most queries touch are in the worker's caches;
then it serves one page of API items (their statements compiled once per process).
gunicorn runs it in each worker after the app is loaded (``post_worker_init`` in
``gunicorn.conf.py``); a failure is logged and never stops the worker.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from search import SearchQuery

log = logging.getLogger(__name__)


def prewarm(app: Flask, terms: int | None = None, budget_seconds: float = 3.0) -> int:
    """Warm the caches for up to ``terms`` (default ``SEARCH_PREWARM_TERMS``) frequent title words;
    the number warmed. Stops once ``budget_seconds`` of this process's CPU time are spent."""
    from portal.indexing import get_index

    terms = app.config.get("SEARCH_PREWARM_TERMS", 0) if terms is None else terms
    if terms <= 0:
        return 0
    started = time.process_time()
    done = 0
    try:
        with app.app_context():
            index = get_index(app)
            words = index.frequent_words("title", terms)
            # Two whole searches (ranking, facets, snippets: the code and its compiled patterns), then
            # what searching each word reads (SearchIndex.prewarm: a fraction of a search each).
            ids = [index.search(SearchQuery(text=word, per_page=20)).ids for word in words[:2]]
            done = index.prewarm(words, max(0.0, budget_seconds - (time.process_time() - started)))
            _warm_api_items(app, [int(i) for i in (ids[0] if ids else [])])
    except Exception:  # a cold worker is slower, never broken
        log.exception("prewarming the search index")
    log.info("prewarmed the search index with %d words in %.2f CPU s", done, time.process_time() - started)
    return done


def _warm_api_items(app: Flask, ids: list[int]) -> None:
    """Serve one page of API items: the first use of their statements compiles them and configures
    the ORM's mappers (0.7 CPU s at 100,000 listings, paid by a worker's first API request)."""
    if "api_item_cache" not in app.extensions:  # the API is not part of this app
        return
    from portal.listings import items

    with app.test_request_context():
        items.published_items(ids)
