"""How many published listings match a list's filters, kept per process under the change log's state.

Counting the published listings for the list's "N listings" and its pages read every one of
them: at 100,000 listings, a third of the list page. Every change that can move a listing into
or out of a filter's count — its status, field or modes, its patents' kinds and IPC symbols, an
open-licence declaration — appends a row to ``search_changes`` in the same transaction, so a count
stays valid while the log's state token (``portal.feeds.cache.state_token``, one small aggregate
query) is unchanged. What bypasses the log (rows edited straight in the database) lives at most
``LISTING_COUNT_CACHE_SECONDS``.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.feeds.cache import state_token
from portal.statecache import StateCache

log = logging.getLogger(__name__)
CACHE_SIZE = 256  # filter combinations
CACHE_SECONDS = 300


def _cache() -> StateCache:
    return current_app.extensions.setdefault("listing_count_cache", StateCache(CACHE_SIZE, CACHE_SECONDS))


def change_state(purpose: str) -> tuple | None:
    """The change log's state token (``portal.feeds.cache.state_token``) for a cache of what
    published listings show; None when the search index's position cannot be read (then do not
    cache: the pages never depend on the search index)."""
    mark = current_app.extensions.get("feed_index_mark")
    if mark is None:
        return None
    try:
        position = mark()
    except Exception:
        log.exception("reading the search index's position for %s", purpose)
        return None
    return state_token(position)


def published_count(key: tuple, query) -> int:
    """The number of rows of ``query`` (published listings matching the filters named by ``key``)."""

    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0

    state = change_state("the list's count")
    if state is None:
        return count()
    return _cache().get(key, state, count)
