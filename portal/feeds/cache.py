"""Serving feeds cheaply: a per-process cache of rendered feeds, and conditional GETs.

Invalidation
------------
Every change to a listing, to one of its patents or to an open-licence declaration appends a row
to ``search_changes`` in the same transaction (``portal.indexing.changes.note_search_change``): it is
the change log the search index follows, and it tells the feeds just as well. A cached feed stays
valid while the *state token* it was built under is unchanged:

* the search index's mark (``portal.indexing.log``: every change below it is applied) and
  ``(max(id), count(id))`` of the log rows at or above it — one small aggregate query per request
  over the few rows the index has not yet passed, whatever the log's size. ``max`` moves with every
  new change; ``count`` catches a transaction that committed *after* one holding a higher id
  (PostgreSQL hands out sequence values at insert, not at commit, so a late commit with a lower id
  would leave ``max`` where it was; its row is at or above the mark until the index applies it).
  The mark also makes a saved-search feed (``q``) that was built while the index lagged the commit
  rebuild once the index catches up. Reading it opens an index searcher, so :class:`IndexMark`
  re-reads it at most once every ``FEED_INDEX_CHECK_SECONDS`` (1 s): a feed may trail its index by
  that second more.

The token is read *before* the feed is built, so a change committed during a build leaves the
entry under the older token and the next request rebuilds it: never stale, at worst one rebuild
too many. What changes outside the change log (a centre renamed straight in the database) is
bounded by ``FEED_CACHE_SECONDS``: an older entry is rebuilt — with the same bytes and ETag if
nothing changed, so readers still get 304.

Each worker keeps its own cache (LRU, ``FEED_CACHE_SIZE`` feeds; 0 disables it). Workers never
need to agree: the ETag is a hash of the bytes, the bytes depend only on the database, and so two
workers that each built a feed send the same ``ETag`` and ``Last-Modified``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Response, request
from sqlalchemy import bindparam, func, select

from portal.extensions import db
from portal.models import SearchChange


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    content_type: str
    etag: str  # unquoted; strong
    last_modified: datetime

    @classmethod
    def of(cls, body: bytes, content_type: str, last_modified: datetime) -> RenderedFeed:
        return cls(body, content_type, hashlib.sha256(body).hexdigest()[:40], last_modified)


# Built once per dialect: the log's position is the transaction id on PostgreSQL, the id elsewhere.
_STATE_QUERIES = {
    name: select(func.max(SearchChange.id), func.count(SearchChange.id)).where(column >= bindparam("mark"))
    for name, column in (("postgresql", SearchChange.txid), ("other", SearchChange.id))}


def state_token(mark: int) -> tuple[int, int, int]:
    """``(mark, max(id), count(id))`` of the change-log rows at or above the index's ``mark``.

    Run on the session's connection as a Core statement: this is the whole cost of serving a
    cached feed, and the ORM's result machinery would be most of it.
    """
    connection = db.session.connection()
    query = _STATE_QUERIES["postgresql" if connection.dialect.name == "postgresql" else "other"]
    last, count = connection.execute(query, {"mark": mark}).one()
    return mark, last or 0, count


class IndexMark:
    """The search index's mark (the log position it has applied below), read at most once every ``seconds``."""

    def __init__(self, read: Callable[[], int], seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.read = read
        self.seconds = seconds
        self.clock = clock
        self._value: int | None = None
        self._read_at = 0.0

    def __call__(self) -> int:
        now = self.clock()
        if self._value is None or now - self._read_at >= self.seconds:
            # Racing threads may both read: harmless, the mark only grows.
            self._value, self._read_at = self.read(), now
        return self._value


def feed_response(feed: RenderedFeed, max_age: int) -> Response:
    """The feed with its validators, or 304 when the request's If-None-Match / If-Modified-Since
    says the reader already has it (If-None-Match wins when both are sent, as RFC 9110 asks)."""
    response = Response(feed.body, content_type=feed.content_type)
    response.set_etag(feed.etag)
    response.last_modified = feed.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)
