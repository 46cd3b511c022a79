"""The matchmaking events feed, ``/feeds/events.atom`` and ``/feeds/events.rss``.

It holds the events that are still to come or ended within the last ``RECENT_DAYS`` days (counted
in Shanghai calendar days), the ``FEED_SIZE`` most recently announced first — like the listings
feeds, the newest news at the top. Entries come from ``serialize.event_entry`` and are rendered,
cached and answered conditionally by the same machinery as the listings feeds.

Invalidation
------------
Events do not write to ``search_changes``, so the state token of this feed is its own aggregate
over ``events``, in one query: ``count(id)`` and ``max(id)`` move with a new event (``count`` also
catches a late commit of a lower id), ``sum(sequence)`` with every edit (``update_event`` bumps the
event's sequence, however the commits interleave) and ``max(updated_at)`` with any other write that
stamps the row. To that is added the first day of the window, which moves at midnight Shanghai time
and so lets events that fell out of it leave the feed. What changes outside the events table (an
organiser renamed) is bounded by ``FEED_CACHE_SECONDS``, as for the listings feeds.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.feeds import serialize
from portal.feeds.cache import RenderedFeed, feed_response
from portal.models import Event
from portal.urls import external_url

FEED_SIZE = 50
RECENT_DAYS = 90
STATE_QUERY = select(func.count(Event.id), func.max(Event.id), func.coalesce(func.sum(Event.sequence), 0),
                     func.max(Event.updated_at))


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def window_start(now: datetime) -> datetime:
    """Midnight (Shanghai) ``RECENT_DAYS`` days before today: events that ended earlier are gone."""
    today = now.astimezone(_zone()).date()
    return datetime.combine(today - timedelta(days=RECENT_DAYS), time(), _zone()).astimezone(UTC)


def last_departure(start: datetime) -> datetime | None:
    """When the event that most recently fell out of the window left it: the first Shanghai midnight
    after it had been over for ``RECENT_DAYS`` days. The feed's ``updated`` is never older."""
    ended = db.session.scalar(select(func.max(Event.ends_at)).where(Event.ends_at < start))
    if ended is None:
        return None
    day = (ended + timedelta(days=RECENT_DAYS)).astimezone(_zone()).date() + timedelta(days=1)
    return datetime.combine(day, time(), _zone()).astimezone(UTC)


def feed_events(start: datetime) -> list[Event]:
    query = (select(Event).where(Event.ends_at >= start).options(selectinload(Event.organiser))
             .order_by(Event.created_at.desc(), Event.id.desc()).limit(FEED_SIZE))
    return list(db.session.scalars(query))


def serve(fmt: str) -> Response:
    """The feed from this worker's cache while the events are unchanged, else built afresh."""
    start = window_start(datetime.now(UTC))
    state = (*db.session.connection().execute(STATE_QUERY).one(), start)
    key = ("events", fmt, current_app.config["BASE_URL"])
    feed = current_app.extensions["feed_cache"].get(key, state, lambda: build(fmt, start))
    return feed_response(feed, current_app.config["FEED_MAX_AGE"])


def build(fmt: str, start: datetime) -> RenderedFeed:
    """Query and render the feed in the site's language (the feed says ``language: zh-CN``)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        site = serialize.Site(
            authority=current_app.config["FEED_TAG_AUTHORITY"],
            listing_url=lambda listing_id: external_url("listings.detail", listing_id=listing_id),
            centre_url=lambda code: external_url("listings.centre", code=code),
            event_url=lambda event_id: external_url("events.detail", event_id=event_id),
        )
        entries = [serialize.event_entry(event, site) for event in feed_events(start)]
        site_name = _("Shanghai Medical Patent Licensing Portal")
        info = serialize.FeedInfo(
            id=serialize.tag_uri(site.authority, "feed/events"),
            title=f"{site_name} · {_('Matchmaking events')}",
            subtitle=_("Upcoming matchmaking events and those of the last %(days)d days, the %(num)d most "
                       "recently announced first.", days=RECENT_DAYS, num=FEED_SIZE),
            self_url=external_url("feeds.events", fmt=fmt),
            html_url=external_url("events.index"),
            author=site_name,
            author_uri=external_url("main.home"),
            not_before=last_departure(start),
        )
        body = serialize.render(fmt, info, entries)
        return RenderedFeed.of(body, serialize.CONTENT_TYPES[fmt], serialize.feed_updated(info, entries))
