"""Technology needs (技术需求) that SMEs post, the centres' proposals answering them, and the
matches the portal found between needs and listings (kept so each is announced only once)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.listings import FIELDS, MODES, Listing
from portal.models.orgs import Organisation
from portal.models.types import UTCDateTime, utcnow
from portal.models.users import User

NEED_STATUSES = ("open", "closed", "expired")
NEED_VISIBILITIES = ("public", "centres")  # centres: centre staff and organisers (and the SME itself)
MATCH_SOURCES = ("posted", "published")  # found when the need was posted / when a listing was published


class Need(db.Model):
    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint(f"status IN {NEED_STATUSES!r}", name="status"),
        CheckConstraint(f"visibility IN {NEED_VISIBILITIES!r}", name="visibility"),
        CheckConstraint(f"field IN {FIELDS!r}", name="field"),
        CheckConstraint("budget_min_yuan IS NULL OR budget_max_yuan IS NULL OR budget_min_yuan <= budget_max_yuan",
                        name="budget_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(20), index=True)
    ipc: Mapped[str | None] = mapped_column(String(20))  # one normalised symbol or subclass (A61B 17/00, A61B)
    budget_min_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    budget_max_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    wants_exclusive: Mapped[bool] = mapped_column(default=False)
    wants_sole: Mapped[bool] = mapped_column(default=False)
    wants_ordinary: Mapped[bool] = mapped_column(default=False)
    wants_assignment: Mapped[bool] = mapped_column(default=False)
    wants_equity: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[date] = mapped_column(index=True)
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The form's one-time key: a POST sent again finds this row instead of making a second (transaction.once).
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    enterprise: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    proposals: Mapped[list[NeedProposal]] = relationship(back_populates="need", order_by="NeedProposal.id")

    @property
    def modes(self) -> list[str]:
        return [m for m in MODES if getattr(self, f"wants_{m}")]

    def set_modes(self, modes) -> None:
        for m in MODES:
            setattr(self, f"wants_{m}", m in modes)

    def current_status(self, today: date) -> str:
        """The status as of ``today``: an open need past its deadline is expired even before the
        expiry pass (``flask needs expire``) has written it."""
        if self.status == "open" and self.deadline < today:
            return "expired"
        return self.status


class NeedProposal(db.Model):
    """A centre answers a need with one of its published listings and a message."""

    __tablename__ = "need_proposals"
    __table_args__ = (UniqueConstraint("need_id", "listing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    need: Mapped[Need] = relationship(back_populates="proposals")
    listing: Mapped[Listing] = relationship()
    centre: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()


class NeedMatch(db.Model):
    """A listing the portal matched to a need above the threshold, and who was told: one row per
    need and listing, so nobody is told twice."""

    __tablename__ = "need_matches"
    __table_args__ = (
        UniqueConstraint("need_id", "listing_id"),
        CheckConstraint(f"source IN {MATCH_SOURCES!r}", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    score: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
