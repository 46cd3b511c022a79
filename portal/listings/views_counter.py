"""Counting listing page views for the funnel (``portal.metrics.funnel``).

A view is one UPSERT on ``listing_view_counts`` (listing, Shanghai day, channel), run after the page
is rendered and committed on its own: a counter that cannot be written (a locked database, a
read-only replica) is logged and forgotten, never the reason a page fails. Not counted: HEAD
requests, robots and scripts (by their User-Agent), the listing centre's own staff, and listings
that are not published (their centre previewing a draft).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from flask import request
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


def upsert_statement(dialect: str, listing_id: int, day: date, channel: str):
    """INSERT … ON CONFLICT DO UPDATE views = views + 1, in the dialect's own words."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ListingViewCount.__table__
    statement = insert(table).values(listing_id=listing_id, day=day, channel=channel, views=1)
    return statement.on_conflict_do_update(index_elements=[table.c.listing_id, table.c.day, table.c.channel],
                                           set_={"views": table.c.views + 1})


def count_view(listing: Listing, user, channel: str, now: datetime | None = None) -> bool:
    """Add one view of ``listing`` through ``channel`` today (Shanghai); True when counted."""
    if not is_counted_visit(listing, user):
        return False
    day = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()
    try:
        db.session.execute(upsert_statement(db.engine.dialect.name, listing.id, day, channel))
        db.session.commit()
    except Exception:  # a counter never fails the page
        db.session.rollback()
        log.warning("listing view of %s not counted", listing.id, exc_info=True)
        return False
    return True
