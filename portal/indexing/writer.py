"""The index writer: keeps the Whoosh index true to the database (DESIGN.md, "The search index stays true …").

Listing operations append a ``SearchChange`` row in their own transaction. One writer applies the
rows in id order — reloading each listing at that moment, so a row only says *which* listing
changed — and the index records the last id it applied. Web workers only read; under the
single-process development server the writer runs right after each request that changed
something (``SEARCH_APPLY_INLINE``); under gunicorn, `flask search apply --follow` runs beside it.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, g

from portal.extensions import db
from portal.indexing.documents import listing_document, published_by_ids, published_listings
from portal.models import SearchChange
from search import Change, IndexDamaged, SearchIndex, move_aside_and_create

log = logging.getLogger(__name__)
BATCH = 500
_lock = threading.Lock()


def get_index(app: Flask | None = None) -> SearchIndex:
    """This process's index (one per process; readers share it)."""
    app = app or current_app
    index = app.extensions.get("search_index")
    if index is None:
        with _lock:
            index = app.extensions.get("search_index")
            if index is None:
                try:
                    index = SearchIndex(app.config["INDEX_DIR"])
                    if not index.is_healthy():
                        raise IndexDamaged(app.config["INDEX_DIR"])
                except IndexDamaged:
                    # A damaged index is moved aside and rebuilt, never served.
                    log.error("search index at %s is damaged: moving it aside and rebuilding",
                              app.config["INDEX_DIR"])
                    index = move_aside_and_create(app.config["INDEX_DIR"])
                    rebuild(index)
                app.extensions["search_index"] = index
    return index


def apply_pending(index: SearchIndex | None = None, batch: int = BATCH, merge: bool = True) -> int:
    """Apply every change-log row the index has not seen, in batches, in id order (``merge``:
    see :meth:`SearchIndex.apply`)."""
    index = index or get_index()
    applied = 0
    while True:
        after = index.last_applied_id()
        rows = db.session.execute(db.select(SearchChange.id, SearchChange.listing_id)
                                  .where(SearchChange.id > after).order_by(SearchChange.id).limit(batch)).all()
        if not rows:
            return applied
        listings = published_by_ids({listing_id for _, listing_id in rows})
        changes = [
            Change(row_id, "upsert", str(listing_id), listing_document(listings[listing_id]))
            if listing_id in listings else Change(row_id, "delete", str(listing_id))
            for row_id, listing_id in rows
        ]
        applied += index.apply(changes, merge=merge)
        db.session.rollback()  # end the read transaction; the next batch sees newer commits


def rebuild(index: SearchIndex | None = None, processes: int = 1) -> int:
    """Rebuild from the database; the new index replaces the old one atomically.

    ``processes`` > 1 analyses and writes in that many worker processes while this one reads
    the listings (``flask search rebuild`` uses every CPU; a web worker rebuilding a damaged
    index uses its own process only).
    """
    index = index or get_index()
    last_id = db.session.scalar(db.select(db.func.max(SearchChange.id))) or 0
    return index.rebuild((listing_document(row) for row in published_listings()), last_id, processes=processes)


def verify(index: SearchIndex | None = None):
    """Compare the index with the database: missing, extra and stale listings."""
    index = index or get_index()
    expected = {str(row.id): listing_document(row).version for row in published_listings()}
    return index.verify(expected)


def configure(app: Flask) -> None:
    @app.after_request
    def apply_after_commit(response):
        if g.get("search_dirty") and app.config.get("SEARCH_APPLY_INLINE"):
            try:
                apply_pending()
            except Exception:  # the change log keeps the work; `flask search apply` catches up
                log.exception("inline search apply failed")
                db.session.rollback()
        return response
