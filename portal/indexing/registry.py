"""The indexes following the change log, registered in the database (one per app machine).

Each index directory carries a name (``portal-index.json``); its writer keeps a row in
``search_indexes`` with its mark, a heartbeat and its last error. The writer prunes the log
below the lowest mark of the live indexes (and older than ``SEARCH_LOG_RETENTION_SECONDS``); an
index silent for longer than ``SEARCH_INDEX_SILENT_SECONDS`` no longer holds rows back, and
rebuilds when it returns (its mark is below what was pruned). ``flask search status`` and the
administrator's page show the rows.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

from portal.extensions import db
from portal.indexing import log as changelog
from portal.models import SearchIndexState, SearchLogState

NAME_FILE = "portal-index.json"


def index_name(index_dir: str | os.PathLike[str]) -> str | None:
    """The name recorded in the index directory, or None for an index that predates registration."""
    try:
        return json.loads((Path(index_dir) / NAME_FILE).read_text(encoding="utf-8"))["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def name_index(index_dir: str | os.PathLike[str]) -> str:
    """Give the index directory a name (kept if it has one)."""
    name = index_name(index_dir)
    if name is None:
        name = uuid.uuid4().hex
        path = Path(index_dir) / NAME_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"name": name}), encoding="utf-8")
        os.replace(tmp, path)
    return name


def now() -> datetime:
    return datetime.now(UTC)


def pruned_below() -> int:
    return db.session.scalar(db.select(SearchLogState.pruned_below).where(SearchLogState.id == 1)) or 0


def state(name: str) -> SearchIndexState | None:
    return db.session.get(SearchIndexState, name)


def needs_rebuild(name: str | None, mark: int) -> bool:
    """Whether the index must be rebuilt before it follows the log: it has applied changes this
    database never registered (it predates registration, or it followed another database — its
    mark means nothing here), it was told to, or rows it has not applied were pruned."""
    row = state(name) if name is not None else None
    if row is None:
        return mark > 0 or pruned_below() > 0
    return row.rebuild_required or mark < pruned_below()


def record(name: str, index_dir: str, mark: int, *, applied: bool = False, error: str | None = None,
           error_at: datetime | None = None) -> None:
    """Upsert the index's row (the caller commits): its mark, heartbeat, and an error if any."""
    row = state(name)
    if row is None:
        row = SearchIndexState(name=name)
        db.session.add(row)
    row.host, row.path, row.seen_at = socket.gethostname()[:255], str(index_dir)[:1000], now()
    row.mark = max(mark, row.mark or 0) if error is not None else mark
    if error is None:
        row.rebuild_required = False
    if applied:
        row.applied_at = row.seen_at
    if error is not None:
        row.last_error, row.error_at = error[:1000], error_at or row.seen_at


def prune() -> int:
    """Delete log rows every live index has applied and that are older than the retention;
    indexes silent for longer than ``SEARCH_INDEX_SILENT_SECONDS`` do not hold rows back. The
    caller commits. Returns how many rows were deleted."""
    config = current_app.config
    live_since = now() - timedelta(seconds=config["SEARCH_INDEX_SILENT_SECONDS"])
    lowest = db.session.scalar(db.select(db.func.min(SearchIndexState.mark))
                               .where(SearchIndexState.seen_at >= live_since))
    if not lowest:
        return 0
    deleted = changelog.prune_through(lowest, now() - timedelta(seconds=config["SEARCH_LOG_RETENTION_SECONDS"]))
    if deleted:
        log_state = db.session.get(SearchLogState, 1)
        if log_state is None:
            db.session.add(SearchLogState(id=1, pruned_below=lowest))
        else:
            log_state.pruned_below = max(log_state.pruned_below, lowest)
        # The silent indexes have lost rows they had not applied: they rebuild when they return.
        db.session.execute(db.update(SearchIndexState).where(SearchIndexState.mark < lowest)
                           .values(rebuild_required=True))
    return deleted


@dataclass
class IndexStatus:
    name: str
    host: str
    path: str
    mark: int
    lag_rows: int
    lag_seconds: float | None
    seen_at: datetime
    applied_at: datetime | None
    last_error: str | None
    error_at: datetime | None
    live: bool
    rebuild_required: bool


def statuses() -> list[IndexStatus]:
    """Every registered index, with its lag in rows and seconds (this reads the log: for the
    status command and the administrator's page, never a request path)."""
    live_since = now() - timedelta(seconds=current_app.config["SEARCH_INDEX_SILENT_SECONDS"])
    result = []
    for row in db.session.scalars(db.select(SearchIndexState).order_by(SearchIndexState.host, SearchIndexState.path)):
        count, oldest = changelog.lag(row.mark)
        result.append(IndexStatus(
            row.name, row.host, row.path, row.mark, count, (now() - oldest).total_seconds() if oldest else None,
            row.seen_at, row.applied_at, row.last_error, row.error_at, row.seen_at >= live_since,
            row.rebuild_required or row.mark < pruned_below()))
    return result
