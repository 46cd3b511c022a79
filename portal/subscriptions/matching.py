"""New listings for a saved search, found by the search page's own engine.

The saved words go through the same query parser and the same filters as the search page
(``portal.listings.search.search_index``), as typed (a digest never answers for a corrected
spelling), newest first; the hits are loaded from the database, which decides what is still
published and when it was published, and the walk stops at the first page holding nothing newer
than the window's start.

The window starts a grace period before the search's ``digest_mark``: a listing published just
before a digest run, but not yet applied to the index when it ran, is found by the next run. The
listings already sent for the search (``saved_search_sent``) are left out, so the grace period and
a re-published listing never send anything twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.indexing import published_by_ids
from portal.listings.search import search_index
from portal.models import Listing, SavedSearch, SavedSearchSent
from portal.subscriptions.describe import filters_of

INDEX_GRACE = timedelta(days=1)  # far longer than the index writer ever lags
PAGE = 100
MAX_PAGES = 5  # at most 500 hits looked at per search and run


def window_start(search: SavedSearch, not_before: datetime | None = None) -> datetime:
    """Listings published after this may be new for ``search``."""
    start = max(search.created_at, search.digest_mark - INDEX_GRACE)
    return max(start, not_before) if not_before is not None else start


def already_sent(search_id: int) -> set[int]:
    return set(db.session.scalars(select(SavedSearchSent.listing_id)
                                  .where(SavedSearchSent.saved_search_id == search_id)))


def new_listings(search: SavedSearch, not_before: datetime | None = None) -> list[Listing]:
    """Published listings matching ``search``, published since its window started and never sent
    for it, newest first."""
    since = window_start(search, not_before)
    sent = already_sent(search.id)
    filters = filters_of(search)
    if filters.errors:  # saved before a filter value was retired: nothing matches it any more
        return []
    found: list[Listing] = []
    for page in range(1, MAX_PAGES + 1):
        filters.page, filters.per_page = page, PAGE
        hits = search_index(search.query, filters, "newest", correct=False)
        rows = published_by_ids(hits.ids)
        newer = 0
        for listing_id in hits.ids:
            row = rows.get(listing_id)
            if row is None or row.published_at is None or row.published_at <= since:
                continue
            newer += 1
            if listing_id not in sent:
                found.append(row)
        if page >= hits.pages or not newer:
            break
    found.sort(key=lambda x: (x.published_at, x.id), reverse=True)
    return found


WORK_PAGE_SEARCHES = 10  # saved searches counted on the work page (each is one search of the index)
WORK_PAGE_DAYS = 30  # … over at most this many days


def pending(user_id: int, now: datetime) -> tuple[int, list[tuple[SavedSearch, int]]]:
    """For the work page: how many saved searches the user has, and for the first
    ``WORK_PAGE_SEARCHES`` of them (by name) how many listings are new since their last digest and
    not yet sent (at most ``WORK_PAGE_DAYS`` back)."""
    from sqlalchemy import func

    total = db.session.scalar(select(func.count(SavedSearch.id)).where(SavedSearch.user_id == user_id)) or 0
    if not total:
        return 0, []
    searches = db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)
                                  .order_by(SavedSearch.name, SavedSearch.id).limit(WORK_PAGE_SEARCHES)).all()
    not_before = now - timedelta(days=WORK_PAGE_DAYS)
    return total, [(s, len(new_listings(s, not_before))) for s in searches]
