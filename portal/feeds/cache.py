"""Serving feeds cheaply: a per-process cache of rendered feeds, and conditional GETs.

Invalidation
------------
Every change to a listing, to one of its patents or to an open-licence declaration appends a row
to ``search_changes`` in the same transaction (``portal.indexing.changes.note_search_change``): it is
the change log the search index follows, and it tells the feeds just as well. A cached feed stays
valid while the *state token* it was built under is unchanged:

* ``(max(id), count(id))`` of ``search_changes`` — one small aggregate query per request.
  ``max`` moves with every new change; ``count`` catches a transaction that committed *after* one
  holding a higher id (PostgreSQL hands out sequence values at insert, not at commit, so a late
  commit with a lower id would leave ``max`` where it was).
* for a saved-search feed (``q``), also the last change id the search index has applied: the index
  lags the commit by a moment, and a feed built while it lagged must be rebuilt once it catches up.
  Reading it opens an index searcher, so :class:`IndexMark` re-reads it at most once every
  ``FEED_INDEX_CHECK_SECONDS`` (1 s): a saved-search feed may trail its index by that second more.

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
from sqlalchemy import func, select

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


STATE_QUERY = select(func.max(SearchChange.id), func.count(SearchChange.id))


def state_token() -> tuple[int, int]:
    """``(max(id), count(id))`` of the change log, in one query.

    Run on the session's connection as a Core statement: this is the whole cost of serving a
    cached feed, and the ORM's result machinery would be most of it.
    """
    last, count = db.session.connection().execute(STATE_QUERY).one()
    return last or 0, count


class IndexMark:
    """The search index's last applied change id, read at most once every ``seconds``."""

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
            # Racing threads may both read: harmless, the id only grows.
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
