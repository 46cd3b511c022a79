"""Counting listing page views for the funnel (``portal.metrics.funnel``).

A view is counted in this process first (:class:`PendingViews`, by listing, Shanghai day and
channel) and written with the others in one statement — an UPSERT adding each count to
``listing_view_counts`` — then committed on its own, when ``VIEW_COUNT_FLUSH_VIEWS`` views are
waiting or the oldest has waited ``VIEW_COUNT_FLUSH_SECONDS`` (a timer writes them if no request
comes), before the funnel is read in this process, and when the process exits normally (``atexit``;
gunicorn's ``worker_exit`` too). Writing every view at once cost an UPSERT and a commit per listing
page, a seventh of its CPU (issue 18). The trade-off: a process that is killed (a crash, SIGKILL)
loses the views it has not yet written, at most those of the last ``VIEW_COUNT_FLUSH_SECONDS``; and
another worker's funnel page may lag by as much.

A counter that cannot be written (a locked database, a read-only replica) is logged and forgotten,
never the reason a page fails. Not counted: HEAD requests, robots and scripts (by their
User-Agent), the listing centre's own staff, and listings that are not published (their centre
previewing a draft).
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
import weakref
from collections import Counter
from datetime import date, datetime

from flask import Flask, current_app, request
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import Listing, ListingViewCount
from portal.timefmt import SHANGHAI

log = logging.getLogger(__name__)

# Crawlers name themselves; scripts and link checkers send their library's name or nothing at all.
BOT_AGENT = re.compile(r"bot|crawl|spider|slurp|archiver|facebookexternalhit|preview|monitor|headless|"
                       r"curl|wget|python|httpx|aiohttp|java/|go-http|okhttp|libwww|scrapy|feed", re.I)


def is_counted_visit(listing: Listing, user) -> bool:
    """Whether this request is a person looking at a published listing from outside its centre."""
    if request.method != "GET" or listing.status != "published":
        return False
    agent = request.headers.get("User-Agent", "")
    if not agent.strip() or BOT_AGENT.search(agent):
        return False
    return not (user.is_authenticated and user.organisation_id == listing.centre_id)


def upsert_statement(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE views = views + the new count, in the dialect's own words; run
    with one parameter set (``listing_id``, ``day``, ``channel``, ``views``) per row."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ListingViewCount.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(index_elements=[table.c.listing_id, table.c.day, table.c.channel],
                                           set_={"views": table.c.views + statement.excluded.views})


class PendingViews:
    """Views counted in this process and not yet written, by (listing id, day, channel)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._counts: Counter[tuple[int, date, str]] = Counter()
        self._since: float | None = None
        self._timer: threading.Timer | None = None
        _live.add(self)

    def add(self, key: tuple[int, date, str]) -> bool:
        """Count one view; True when the views waiting should be written now."""
        config = self.app.config
        with self._lock:
            self._counts[key] += 1
            now = time.monotonic()
            if self._since is None:
                self._since = now
                seconds = config["VIEW_COUNT_FLUSH_SECONDS"]
                if seconds > 0 and config["VIEW_COUNT_FLUSH_VIEWS"] > 1:
                    self._timer = threading.Timer(seconds, self.flush_in_context)
                    self._timer.daemon = True
                    self._timer.start()
            return (sum(self._counts.values()) >= config["VIEW_COUNT_FLUSH_VIEWS"]
                    or now - self._since >= config["VIEW_COUNT_FLUSH_SECONDS"])

    def take(self) -> Counter:
        """The views waiting, now no longer waiting."""
        with self._lock:
            counts, self._counts, self._since = self._counts, Counter(), None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        return counts

    def __len__(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def flush(self) -> int:
        """Write the views waiting, in this app context's session, and commit; the number written."""
        counts = self.take()
        if not counts:
            return 0
        rows = [{"listing_id": listing_id, "day": day, "channel": channel, "views": n}
                for (listing_id, day, channel), n in counts.items()]
        try:
            db.session.execute(upsert_statement(db.engine.dialect.name), rows)
            db.session.commit()
        except Exception:  # a counter never fails the page
            db.session.rollback()
            log.warning("%d listing views not counted", sum(counts.values()), exc_info=True)
            return 0
        return sum(counts.values())

    def flush_in_context(self) -> int:
        """``flush`` from outside a request (the timer, the process's exit)."""
        if not len(self):
            return 0
        try:
            with self.app.app_context():
                return self.flush()
        except Exception:
            log.warning("listing views not counted", exc_info=True)
            return 0


_live: weakref.WeakSet[PendingViews] = weakref.WeakSet()


@atexit.register
def flush_all() -> None:
    """Write every app's waiting views (a process's normal exit)."""
    for pending in list(_live):
        pending.flush_in_context()


def pending_views(app: Flask | None = None) -> PendingViews:
    app = app or current_app._get_current_object()
    pending = app.extensions.get("listing_views_pending")
    if pending is None:
        pending = app.extensions["listing_views_pending"] = PendingViews(app)
    return pending


def flush_views() -> int:
    """Write this process's waiting views now (before reading the counts), in the current app context."""
    pending = current_app.extensions.get("listing_views_pending")
    return pending.flush() if pending is not None else 0


def count_view(listing: Listing, user, channel: str, now: datetime | None = None) -> bool:
    """Add one view of ``listing`` through ``channel`` today (Shanghai); True when counted."""
    if not is_counted_visit(listing, user):
        return False
    day = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()
    pending = pending_views()
    if pending.add((listing.id, day, channel)):
        pending.flush()
    return True
