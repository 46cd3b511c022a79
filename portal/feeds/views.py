"""Feed routes: parse the filters, ask the cache, answer conditionally. The bytes come from
``serialize``; invalidation is explained in ``cache``.

    /feeds/listings.atom|.rss          the shared filters (centre, field, kind, mode, open, ipc) and q
    /feeds/centres/<code>.atom|.rss    one centre's listings (the other filters still apply)
    /feeds/events.atom|.rss            upcoming and recent matchmaking events (``feeds.events``)
    /feeds/                            how to subscribe
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.feeds import events as events_feed
from portal.feeds import serialize
from portal.feeds.cache import IndexMark, RenderedFeed, feed_response, state_token
from portal.indexing import get_index
from portal.listings.queries import ListingFilters, apply_filters, filter_words, published_listings
from portal.listings.search import run_search
from portal.models import Listing, Organisation
from portal.statecache import StateCache
from portal.urls import external_url

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
FEED_SIZE = 50
IGNORED_ARGS = ("page", "per_page", "sort")  # a feed is always the newest FEED_SIZE, newest first


@bp.record_once
def configure(state) -> None:
    """This app's feed cache and index mark, sized by the feed settings of ``portal.config``."""
    app = state.app
    config = app.config
    # Rendered feeds by key, valid while their state token is unchanged (portal.feeds.cache).
    app.extensions["feed_cache"] = StateCache(config["FEED_CACHE_SIZE"], config["FEED_CACHE_SECONDS"])
    app.extensions["feed_index_mark"] = IndexMark(lambda: get_index(app).last_applied_id(),
                                                  config["FEED_INDEX_CHECK_SECONDS"])


class BadFeedRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def feed_cache() -> StateCache:
    return current_app.extensions["feed_cache"]


@bp.get("/")
def help_page():
    """How to subscribe: the feed addresses, the parameters, each centre's feed."""
    centres = db.session.scalars(select(Organisation).where(Organisation.kind == "centre")
                                 .order_by(Organisation.name_zh)).all()
    return render_template("feeds/help.html", centres=centres, size=FEED_SIZE,
                           event_days=events_feed.RECENT_DAYS, event_size=events_feed.FEED_SIZE)


@bp.get("/listings.<any(atom, rss):fmt>")
def listings(fmt: str):
    """The newest published listings matching the shared filters, or the saved search ``q``."""
    return _serve("listings", fmt)


@bp.get("/centres/<code>.<any(atom, rss):fmt>")
def centre(code: str, fmt: str):
    """One centre's newest published listings (404 for an unknown centre)."""
    return _serve("centre", fmt, code.lower())


@bp.get("/events.<any(atom, rss):fmt>")
def events(fmt: str):
    """Upcoming matchmaking events and those of the last 90 days."""
    return events_feed.serve(fmt)


def _serve(kind: str, fmt: str, code: str | None = None) -> Response:
    # A plain dict (first value of each name): a MultiDict raises and catches a KeyError for
    # every absent name, which is most of them, and this is the path every poll takes.
    args = {name: value for name, value in request.args.items() if name not in IGNORED_ARGS}
    filters = ListingFilters.from_args(args)
    if code is not None:
        filters.centre = code
    filters.page, filters.per_page = 1, FEED_SIZE
    q = " ".join((args.get("q") or "")[:500].split()) or None
    if filters.errors:
        return _bad_request(filters.errors)
    # Everything the bytes depend on; the base URL because links in the feed are absolute.
    key = (kind, fmt, tuple(filters.as_args().items()), q, current_app.config["BASE_URL"])
    state = state_token(current_app.extensions["feed_index_mark"]())
    try:
        feed = feed_cache().get(key, state, lambda: _build(kind, fmt, filters, q))
    except BadFeedRequest as exc:
        return _bad_request([exc.message])
    return feed_response(feed, current_app.config["FEED_MAX_AGE"])


def _bad_request(errors: list[str]) -> Response:
    text = " ".join(errors) + "\n" + _("Feed parameters are explained at %(url)s",
                                       url=external_url("feeds.help_page")) + "\n"
    return Response(text, status=400, content_type="text/plain; charset=utf-8")


def _build(kind: str, fmt: str, filters: ListingFilters, q: str | None) -> RenderedFeed:
    """Query and render one feed, in the site's language (the feed says ``language: zh-CN``)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        org = None
        if filters.centre:
            org = db.session.scalar(select(Organisation).where(Organisation.code == filters.centre,
                                                               Organisation.kind == "centre"))
            if org is None:
                if kind == "centre":
                    abort(404)
                raise BadFeedRequest(_("Unknown centre: %(code)s.", code=filters.centre[:64]))
        if q is not None:
            rows = run_search(q, filters, "newest").listings
        else:
            rows = db.session.scalars(published_listings(filters).limit(FEED_SIZE)).all()
        info = _feed_info(kind, fmt, filters, q, org)
        entries = [serialize.listing_entry(row, _site()) for row in rows]
        body = serialize.render(fmt, info, entries)
        return RenderedFeed.of(body, serialize.CONTENT_TYPES[fmt], serialize.feed_updated(info, entries))


def _site() -> serialize.Site:
    return serialize.Site(
        authority=current_app.config["FEED_TAG_AUTHORITY"],
        listing_url=lambda listing_id: external_url("listings.detail", listing_id=listing_id),
        centre_url=lambda code: external_url("listings.centre", code=code),
    )


def _last_departure(filters: ListingFilters):
    """When a listing matching the filters last left the feeds (withdrawn or concluded)."""
    query = select(func.max(Listing.updated_at)).where(Listing.status.in_(("withdrawn", "concluded")),
                                                       Listing.published_at.is_not(None))
    return db.session.scalar(apply_filters(query, filters))


def _feed_info(kind: str, fmt: str, filters: ListingFilters, q: str | None,
               org: Organisation | None) -> serialize.FeedInfo:
    authority = current_app.config["FEED_TAG_AUTHORITY"]
    args = filters.as_args(centre=None) if kind == "centre" else filters.as_args()
    query = urlencode([*args.items(), *([("q", q)] if q else [])], quote_via=quote)
    path = f"feed/centres/{filters.centre}" if kind == "centre" else "feed/listings"
    if kind == "centre":
        self_url = external_url("feeds.centre", code=filters.centre, fmt=fmt, **args)
        html_url = external_url("listings.centre", code=filters.centre, **args)
    else:
        self_url = external_url("feeds.listings", fmt=fmt, **args, q=q)
        html_url = (external_url("search.search_page", q=q, sort="newest", **args) if q
                    else external_url("listings.index", **args))
    site_name = _("Shanghai Medical Patent Licensing Portal")
    parts = [org.display_name(current_app.config["BABEL_DEFAULT_LOCALE"])] if org else []
    parts += filter_words(filters)
    if q:
        parts.append(_("Search: %(q)s", q=q))
    subtitle = (_("The %(num)d newest published listings matching the search “%(q)s”, newest first.",
                  num=FEED_SIZE, q=q) if q else
                _("The %(num)d newest published listings, newest first.", num=FEED_SIZE))
    return serialize.FeedInfo(
        id=serialize.tag_uri(authority, f"{path}?{query}" if query else path),
        title=" · ".join([site_name, _("New listings"), *parts]),
        subtitle=subtitle,
        self_url=self_url,
        html_url=html_url,
        author=org.display_name(current_app.config["BABEL_DEFAULT_LOCALE"]) if org else site_name,
        author_uri=external_url("listings.centre", code=org.code) if org else external_url(
            "main.home"),
        not_before=_last_departure(filters),
    )
