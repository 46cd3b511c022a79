"""Where a writer stands in the change log: positions, the horizon, and reading pending rows.

Ids of ``search_changes`` come from a sequence at INSERT, not at COMMIT. On PostgreSQL a
transaction holding id *n* can commit after one holding *n + 1*: a writer that applied "every id
above the last one applied" would skip *n* for ever (a withdrawal left in the index, a publication
never searchable). So the log is followed by **position**, not by id:

* on PostgreSQL the position of a row is its transaction's id (``txid``, ``pg_current_xact_id()``);
  the **horizon** is one below ``pg_snapshot_xmin(pg_current_snapshot())``: every transaction with
  a lower id has ended, and one that has not written yet gets a higher id when it does. No row at
  or below the horizon can ever appear again;
* on SQLite one transaction writes at a time, so ids are in commit order: the position is the id
  and the horizon is ``max(id)``.

A writer's **mark** says every row at or below that position is applied (on SQLite it is the last
applied id, as before). The writer reads the horizon *before* the rows, applies every visible row
above its mark in position order, and records ``min(horizon, …)`` as it goes. Rows above the
horizon that are already visible
(committed by transactions younger than the oldest one still running, e.g. edits beside a long
import) are applied at once and remembered by the writer until the horizon passes them, so a long
transaction delays nobody else's changes. Re-applying a row is harmless: the writer reloads the
listing each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import text

from portal.extensions import db
from portal.models import SearchChange

_HORIZON = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


class Row(NamedTuple):
    id: int
    listing_id: int
    position: int


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _position():
    return SearchChange.txid if on_postgresql() else SearchChange.id


def horizon() -> int:
    """The highest position no row committed from now on can have (see the module docstring)."""
    if on_postgresql():
        return int(db.session.execute(_HORIZON).scalar_one()) - 1
    return db.session.scalar(db.select(db.func.max(SearchChange.id))) or 0


def settled_through(row: Row) -> int:
    """The mark a writer may record once it has applied every row up to ``row`` in position order:
    on PostgreSQL the rest of ``row``'s transaction may still follow, on SQLite a position is one row."""
    return row.position - 1 if on_postgresql() else row.position


def rows_after(mark: int, batch: int = 5000) -> Iterator[Row]:
    """Every visible row above position ``mark``, in (position, id) order, read ``batch`` at a
    time. (On PostgreSQL rows written before transaction ids were recorded have none: they are
    below every mark, since an index that predates them was rebuilt.)"""
    position = _position()
    after: tuple[int, int] | None = None
    while True:
        query = db.select(SearchChange.id, SearchChange.listing_id, position).where(position > mark)
        if after is not None:
            query = query.where(db.tuple_(position, SearchChange.id) > after)
        rows = db.session.execute(query.order_by(position, SearchChange.id).limit(batch)).all()
        if not rows:
            return
        yield from (Row(*row) for row in rows)
        after = (rows[-1][2], rows[-1][0])


def lag(mark: int) -> tuple[int, datetime | None]:
    """How many rows are above ``mark``, and when the oldest of them was written."""
    position = _position()
    count, oldest = db.session.execute(
        db.select(db.func.count(SearchChange.id), db.func.min(SearchChange.created_at)).where(position > mark)).one()
    return count, oldest


def prune_through(position: int, written_before: datetime, batch: int = 10_000) -> int:
    """Delete rows at or below ``position`` written before ``written_before`` (and, on PostgreSQL,
    the rows that predate transaction ids), ``batch`` at a time; the caller commits. Returns how
    many."""
    column = _position()
    below = (column <= position) | column.is_(None) if on_postgresql() else column <= position
    deleted = 0
    while True:
        ids = db.session.scalars(db.select(SearchChange.id).where(below, SearchChange.created_at < written_before)
                                 .order_by(SearchChange.id).limit(batch)).all()
        if not ids:
            return deleted
        db.session.execute(db.delete(SearchChange).where(SearchChange.id.in_(ids)))
        deleted += len(ids)
