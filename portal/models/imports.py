"""Spreadsheet imports too large to run inside a request: queued as a job, run by a background
runner (``portal.imports.jobs``), followed on the job's page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

IMPORT_KINDS = ("patents", "deals")
IMPORT_JOB_STATUSES = ("queued", "running", "done", "failed")


class ImportJob(db.Model):
    """One uploaded file waiting for, or given, its import.

    ``data`` holds the file until the job finishes (then NULL); ``options`` the upload form's
    choices (``dry_run``, ``publish_mode``) and the uploader's language; ``report`` the
    :class:`~portal.imports.report.ImportReport` as JSON once done. ``rows_total`` is the count made
    when the file was queued, ``rows_done`` how many rows have been read and checked so far.
    """

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(f"kind IN {IMPORT_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {IMPORT_JOB_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict | None] = deferred(mapped_column(JSON))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class HeldUpload(db.Model):
    """An uploaded import file kept for a short while after an import that saved nothing (refused,
    or a dry run), so that the user can run it again — after correcting a setting — without
    choosing the file again. The upload form names it by ``token`` (random, unguessable); only
    its own user may use it, and only within ``portal.imports.held.HOLD_FOR``. One per user and
    kind: holding a new file lets the older one go."""

    __tablename__ = "held_uploads"
    __table_args__ = (CheckConstraint(f"kind IN {IMPORT_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
