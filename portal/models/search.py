"""The search change log (outbox) and the indexes that follow it.

Each row of ``search_changes`` says which listing changed, in the transaction that changed it.
``txid`` is that transaction's id on PostgreSQL (``pg_current_xact_id()``): ids come from a
sequence at INSERT, not at commit, so a transaction holding id *n* can commit after one holding
*n + 1*; transaction ids let the writer tell which rows can still appear (DESIGN.md, "The search
index stays true"). On SQLite, where one transaction writes at a time, ids are in commit order
and ``txid`` stays empty.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class current_txid(FunctionElement):  # noqa: N801 - an SQL function, named like one
    """The inserting transaction's id: ``pg_current_xact_id()`` on PostgreSQL, NULL elsewhere."""

    type = BigInteger()
    inherit_cache = True
    name = "current_txid"


@compiles(current_txid)
def _txid_elsewhere(element, compiler, **kw) -> str:
    return "NULL"


@compiles(current_txid, "postgresql")
def _txid_postgresql(element, compiler, **kw) -> str:
    # xid8: 64 bits, never wraps around. Assigned at the transaction's first write.
    return "pg_current_xact_id()::text::bigint"


class SearchChange(db.Model):
    """The search outbox: one row per change to a searchable listing, written in the same
    transaction as the change. The index writer reloads the listing when it applies the row, so
    the row need only say which listing changed."""

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    txid: Mapped[int | None] = mapped_column(BigInteger, default=current_txid(), index=True)


class SearchIndexState(db.Model):
    """One row per index (one per app machine) following the log: how far it has applied, when
    its writer was last seen, and its last error. The log is pruned below the lowest mark of the
    live indexes; an index silent for too long stops holding rows back and rebuilds on return."""

    __tablename__ = "search_indexes"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # kept in the index directory
    host: Mapped[str] = mapped_column(String(255), default="")
    path: Mapped[str] = mapped_column(String(1000), default="")
    mark: Mapped[int] = mapped_column(BigInteger, default=0)  # every log row at or below it is applied (indexing.log)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rebuild_required: Mapped[bool] = mapped_column(Boolean, default=False)


class SearchLogState(db.Model):
    """The log's one row: rows at or below position ``pruned_below`` may have been deleted."""

    __tablename__ = "search_log_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    pruned_below: Mapped[int] = mapped_column(BigInteger, default=0)
