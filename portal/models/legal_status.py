"""A patent's legal-status history, read from CNIPA exports, and its annual-fee due date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

# The portal's detailed codes; the patent's own legal_status keeps valid / lapsed / pending.
STATUS_CODES = ("valid", "pending", "fee_overdue", "lapsed", "expired", "invalidated", "surrendered")
ENDED_CODES = ("lapsed", "expired", "invalidated", "surrendered")


class LegalStatusChange(db.Model):
    __tablename__ = "legal_status_changes"
    __table_args__ = (CheckConstraint(f"status IN {STATUS_CODES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    wording: Mapped[str] = mapped_column(String(100), default="")  # as the export said it
    changed_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnualFee(db.Model):
    """The next annual fee's due date; the grace period runs six months past it."""

    __tablename__ = "annual_fees"

    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), primary_key=True)
    due_on: Mapped[date]
    reminded_on: Mapped[date | None]
