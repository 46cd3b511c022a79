"""Published listings as API items, from a per-process cache that the change log keeps true.

An API page of 20 listings loaded as ORM objects (listing, centre, patents, IPC entries,
declarations: about a hundred objects, five queries) and serialised cost 10–12 ms: half the
search API's time. Each item is now cached by listing id and valid under that listing's *state*,
read for the whole page in one Core query that also keeps only what is published:

* ``updated_at`` of the listing row — any change to the listing itself;
* ``(max(id), count(id))`` of its ``search_changes`` rows — every change to the listing, to one of
  its patents or to an open-licence declaration appends one in the same transaction (the log the
  search index and the feeds follow); ``count`` catches a late commit holding a lower id, as in
  ``portal.feeds.cache``;
* the centre's code and names — a centre renamed.

A listing not in the cache is read with Core queries (``item_rows``), not as ORM objects.
The state is read before the items are built, so a change committed meanwhile leaves the entry
under the older state: never stale, at worst one rebuild too many. What bypasses all of these (a
patent edited straight in the database) lives at most ``API_ITEM_CACHE_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, current_app
from sqlalchemy import bindparam, func, select

from portal.extensions import db
from portal.listings.item_rows import items_by_id
from portal.listings.serialize import with_url
from portal.models import Listing, Organisation, SearchChange
from portal.statecache import StateCache


def init_app(app: Flask) -> None:
    app.extensions["api_item_cache"] = StateCache(app.config["API_ITEM_CACHE_SIZE"],
                                                  app.config["API_ITEM_CACHE_SECONDS"])


def item_cache() -> StateCache:
    return current_app.extensions["api_item_cache"]


_CHANGES = (select(SearchChange.listing_id, func.max(SearchChange.id).label("last"),
                   func.count(SearchChange.id).label("count"))
            .where(SearchChange.listing_id.in_(bindparam("ids", expanding=True)))
            .group_by(SearchChange.listing_id).subquery())
# Built once: constructing the statement cost as much as running it.
STATE_QUERY = (select(Listing.id, Listing.updated_at, _CHANGES.c.last, _CHANGES.c.count,
                      Organisation.code, Organisation.name_zh, Organisation.name_en)
               .join(Organisation, Organisation.id == Listing.centre_id)
               .outerjoin(_CHANGES, _CHANGES.c.listing_id == Listing.id)
               .where(Listing.id.in_(bindparam("ids", expanding=True)), Listing.status == "published"))


def _states(ids: Sequence[int]) -> dict[int, tuple]:
    # Core rows on the session's connection: this query is the whole cost of a page of cached hits.
    rows = db.session.connection().execute(STATE_QUERY, {"ids": list(ids)})
    return {row[0]: tuple(row[1:]) for row in rows}


def published_items(ids: Sequence[int]) -> list[dict]:
    """The API items of the listings ``ids`` that are published, in the order given."""
    if not ids:
        return []
    cache = item_cache()
    states = _states(ids)
    found = {i: data for i in ids if i in states and (data := cache.lookup(i, states[i])) is not None}
    missing = [i for i in ids if i in states and i not in found]
    if missing:
        for listing_id, data in items_by_id(missing).items():
            found[listing_id] = data
            cache.put(listing_id, states[listing_id], data)
    return [with_url(found[i]) for i in ids if i in found]
