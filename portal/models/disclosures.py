"""Inventors' disclosures and their pre-filing review (专利申请前预审, work task 5; DOMAIN.md §7).

Centre staff enter a disclosure as the inventors hand it in; a reviewer assesses it before any filing
(decision, reasons, the protection recommended — including whether to file under the PCT). Counts
per year feed the dashboard.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

INTENDED_ROUTES = ("invention", "utility_model", "design", "pct", "undecided")
REVIEW_DECISIONS = ("file", "revise", "do_not_file")
PROTECTIONS = ("invention", "utility_model", "design", "pct", "trade_secret", "none")


class Disclosure(db.Model):
    """An invention disclosure (技术交底书) and, once reviewed, the review's outcome."""

    __tablename__ = "disclosures"
    __table_args__ = (
        CheckConstraint(f"intended_route IN {INTENDED_ROUTES!r}", name="route"),
        CheckConstraint(f"decision IS NULL OR decision IN {REVIEW_DECISIONS!r}", name="decision"),
        CheckConstraint(f"recommended_protection IS NULL OR recommended_protection IN {PROTECTIONS!r}",
                        name="protection"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    inventors: Mapped[str] = mapped_column(String(500))
    department: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    intended_route: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(index=True)
    decision: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text, default="")
    recommended_protection: Mapped[str | None] = mapped_column(String(20))
    reviewer: Mapped[str | None] = mapped_column(String(100))
    reviewed_on: Mapped[date | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
