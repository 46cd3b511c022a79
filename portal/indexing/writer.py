"""The index writer: keeps the Whoosh index true to the database (DESIGN.md, "The search index stays true …").

Listing operations append a ``SearchChange`` row in their own transaction. One writer per index
applies the rows — reloading each listing at that moment, so a row only says *which* listing
changed — and the index records the log position below which it has applied everything
(``portal.indexing.log``: by transaction on PostgreSQL, so a late commit is never skipped). Web
workers only read; under the single-process development server the writer runs right after each
request that changed something (``SEARCH_APPLY_INLINE``); under gunicorn,
`flask search apply --follow` runs beside it. Each writer registers its index
(``portal.indexing.registry``) so that the log can be pruned below every index's mark.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app, g

from portal.extensions import db
from portal.indexing import log as changelog
from portal.indexing import registry
from portal.indexing.documents import listing_document, published_by_ids, published_listings
from search import Change, IndexDamaged, SearchIndex, move_aside_and_create, storage
from search.segments import auto_postings_cache_mb, set_postings_cache_mb

log = logging.getLogger(__name__)
BATCH = 500
RECORD_SECONDS = 10.0  # how often a writer with nothing new records its mark and heartbeat
_lock = threading.Lock()
# Called with the ids of the listings a pass has just applied, once they are searchable (the needs
# area announces new listings to matching needs); each hook commits or rolls back on its own. A hook
# that raises (the database went away) keeps the ids pending: the pass fails, is backed off and
# reported like any writer failure, and the next pass calls the hooks again with them.
AFTER_APPLY: list = []


def get_index(app: Flask | None = None, thorough: bool = False) -> SearchIndex:
    """This process's index (one per process; readers share it). Opening it checks it: quickly
    (every segment's files are there and readable), or with ``thorough`` every stored document
    too (``flask search verify``, which reads them all anyway)."""
    app = app or current_app
    index = app.extensions.get("search_index")
    if index is None:
        with _lock:
            index = app.extensions.get("search_index")
            if index is None:
                try:
                    index = SearchIndex(app.config["INDEX_DIR"])
                    if not index.is_healthy(thorough=thorough):
                        raise IndexDamaged(app.config["INDEX_DIR"])
                except IndexDamaged:
                    # A damaged index is moved aside and rebuilt, never served.
                    log.error("search index at %s is damaged: moving it aside and rebuilding",
                              app.config["INDEX_DIR"])
                    index = move_aside_and_create(app.config["INDEX_DIR"])
                    rebuild(index)
                if not index.is_current():
                    log.warning("search index at %s was made by an older version of the portal: rebuilding",
                                app.config["INDEX_DIR"])
                    rebuild(index)
                set_postings_cache_mb(app.config.get("SEARCH_POSTINGS_CACHE_MB")
                                      or auto_postings_cache_mb(storage.generation_bytes(index.path)))
                app.extensions["search_index"] = index
    return index


@dataclass
class WriterState:
    """What one process's writer remembers between passes: the rows it applied ahead of its mark
    (row id -> position), and when it last recorded its row in the registry."""

    name: str | None = None
    checked: str | None = None  # the index directory already checked against the registry
    ahead: dict[int, int] = field(default_factory=dict)
    recorded_at: float = 0.0
    recorded_mark: int | None = None
    unannounced: set[int] = field(default_factory=set)  # applied listings the hooks have not had


def writer_state(app: Flask | None = None) -> WriterState:
    app = app or current_app
    return app.extensions.setdefault("search_writer", WriterState())


def _changes(rows: list[changelog.Row]) -> list[Change]:
    listings = published_by_ids({row.listing_id for row in rows})
    return [Change(row.id, "upsert", str(row.listing_id), listing_document(listings[row.listing_id]))
            if row.listing_id in listings else Change(row.id, "delete", str(row.listing_id))
            for row in rows]


def apply_pending(index: SearchIndex | None = None, batch: int = BATCH, merge: bool = True) -> int:
    """Apply every change-log row the index has not applied, ``batch`` rows per index commit, and
    record the new mark (``merge``: see :meth:`SearchIndex.apply`). An index that must be
    rebuilt first (it predates the registry, or rows it needs were pruned) is rebuilt."""
    index = index or get_index()
    state = writer_state()
    mark = index.last_applied_id()
    if state.checked != index.path:
        # Once per process and index, not on every pass: a live writer's rows are never pruned.
        name = registry.index_name(index.path)
        if registry.needs_rebuild(name, mark):
            log.warning("search index at %s must be rebuilt before it follows the change log", index.path)
            db.session.rollback()
            rebuild(index)
            mark, name = index.last_applied_id(), registry.index_name(index.path)
        state.name, state.ahead, state.recorded_mark = name or registry.name_index(index.path), {}, None
        state.checked = index.path
    horizon = changelog.horizon()  # read first: every row at or below it is visible to the reads below
    rows = [row for row in changelog.rows_after(mark) if row.id not in state.ahead]
    applied = 0
    touched = sorted({row.listing_id for row in rows})
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        # Rows are in position order: every row up to this chunk's last is applied once it commits.
        through = horizon if start + batch >= len(rows) else min(horizon, changelog.settled_through(chunk[-1]))
        applied += index.apply(_changes(chunk), merge=merge, mark=max(mark, through))
        state.ahead.update((row.id, row.position) for row in chunk)
        db.session.rollback()  # end the read transaction; the next batch sees newer commits
    if not rows and horizon > mark and time.monotonic() - state.recorded_at >= RECORD_SECONDS:
        index.apply([], mark=horizon)  # nothing new: move the mark now and then
    recorded = index.last_applied_id()
    state.ahead = {row_id: position for row_id, position in state.ahead.items() if position > recorded}
    _register(index, state, recorded, applied=bool(applied))
    if applied:
        state.unannounced.update(touched)
    if state.unannounced:
        pending = sorted(state.unannounced)
        for hook in AFTER_APPLY:
            hook(pending)
        state.unannounced.clear()
    return applied


def _register(index: SearchIndex, state: WriterState, mark: int, *, applied: bool = False,
              error: str | None = None, error_at: datetime | None = None) -> None:
    """Keep the index's registry row current: on a new mark or an error, else every RECORD_SECONDS."""
    if mark == state.recorded_mark and error is None and time.monotonic() - state.recorded_at < RECORD_SECONDS:
        return
    registry.record(state.name, index.path, mark, applied=applied, error=error, error_at=error_at)
    db.session.commit()
    state.recorded_at, state.recorded_mark = time.monotonic(), mark


def report_error(error: str, at: datetime, index: SearchIndex | None = None) -> None:
    """Record a writer's failure on its registry row (raises while the database is down)."""
    index = index or get_index()
    state = writer_state()
    state.name = state.name or registry.name_index(index.path)
    _register(index, state, state.recorded_mark if state.recorded_mark is not None else 0, error=error,
              error_at=at)


def rebuild(index: SearchIndex | None = None, processes: int = 1) -> int:
    """Rebuild from the database; the new index replaces the old one atomically.

    The mark recorded is the log's horizon read before the listings: every change below it is in
    what is read, and anything at or above it is applied again by the writer (harmlessly).
    ``processes`` > 1 analyses and writes in that many worker processes while this one reads
    the listings (``flask search rebuild`` uses every CPU; a web worker rebuilding a damaged
    index uses its own process only).
    """
    index = index or get_index()
    mark = changelog.horizon()
    count = index.rebuild((listing_document(row) for row in published_listings()), mark, processes=processes)
    state = writer_state()
    state.name, state.ahead, state.recorded_mark = registry.name_index(index.path), {}, None
    state.checked = index.path
    _register(index, state, index.last_applied_id())  # this database knows the index from now on
    return count


def verify(index: SearchIndex | None = None):
    """Compare the index with the database: missing, extra and stale listings."""
    index = index or get_index(thorough=True)
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
