"""Public notices (公示) before a transfer priced by agreement, and the objections filed on them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.orgs import Organisation
from portal.models.patents import Patent
from portal.models.types import UTCDateTime, utcnow

notice_patents = Table(
    "notice_patents", db.metadata,
    Column("notice_id", ForeignKey("public_notices.id", ondelete="CASCADE"), primary_key=True),
    Column("patent_id", ForeignKey("patents.id"), primary_key=True, index=True),
)


class PublicNotice(db.Model):
    """A pending transaction announced for at least the notice length before it is signed: the
    result's name, its patents and the intended price, and (when the centre chooses) the counterparty."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("licence_requests.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(12))
    intended_price_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    show_counterparty: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    cancelled_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    centre: Mapped[Organisation] = relationship(foreign_keys=[centre_id])
    counterparty: Mapped[Organisation | None] = relationship(foreign_keys=[counterparty_id])
    patents: Mapped[list[Patent]] = relationship(secondary=notice_patents)
    objections: Mapped[list[NoticeObjection]] = relationship(back_populates="notice", order_by="NoticeObjection.id")

    def state(self, today: date) -> str:
        """upcoming / open / ended / cancelled."""
        if self.cancelled_on is not None:
            return "cancelled"
        if today < self.starts_on:
            return "upcoming"
        return "open" if today <= self.ends_on else "ended"

    @property
    def unanswered(self) -> list[NoticeObjection]:
        return [o for o in self.objections if o.answer is None]


class NoticeObjection(db.Model):
    """An objection (异议) anyone filed during the window; the contact details stay with the centre."""

    __tablename__ = "notice_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    body: Mapped[str] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    notice: Mapped[PublicNotice] = relationship(back_populates="objections")
