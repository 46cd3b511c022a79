"""Deals: licences, assignments and equity contributions, with their CNIPA recordal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.orgs import Organisation
from portal.models.patents import Patent
from portal.models.types import UTCDateTime, utcnow

DEAL_KINDS = ("licence", "assignment", "equity")
LICENCE_TYPES = ("exclusive", "sole", "ordinary")
RECORDAL_STATUSES = ("not_filed", "filed", "recorded", "refused")

deal_patents = Table(
    "deal_patents", db.metadata,
    Column("deal_id", ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
    Column("patent_id", ForeignKey("patents.id"), primary_key=True, index=True),
)


class Deal(db.Model):
    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint(f"kind IN {DEAL_KINDS!r}", name="kind"),
        CheckConstraint(f"licence_type IS NULL OR licence_type IN {LICENCE_TYPES!r}", name="licence_type"),
        CheckConstraint(f"recordal_status IN {RECORDAL_STATUSES!r}", name="recordal_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    licensor_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    licensee_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    licence_type: Mapped[str | None] = mapped_column(String(10))
    open_licence: Mapped[bool] = mapped_column(default=False)
    contract_amount_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    effective_date: Mapped[date]
    term_end: Mapped[date | None]
    licensee_size_class: Mapped[str | None] = mapped_column(String(10))  # snapshot at the deal
    source_request_id: Mapped[int | None] = mapped_column(ForeignKey("licence_requests.id"))
    open_acceptance_id: Mapped[int | None] = mapped_column(ForeignKey("open_licence_acceptances.id"))
    event_id: Mapped[int | None]
    recordal_status: Mapped[str] = mapped_column(String(10), default="not_filed")
    recordal_due: Mapped[date | None]
    recordal_number: Mapped[str | None] = mapped_column(String(60))
    recordal_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    licensor: Mapped[Organisation] = relationship(foreign_keys=[licensor_id])
    licensee: Mapped[Organisation] = relationship(foreign_keys=[licensee_id])
    patents: Mapped[list[Patent]] = relationship(secondary=deal_patents)
