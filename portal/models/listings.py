"""Listings (许可信息) and open-licence declarations (开放许可声明)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.orgs import Organisation
from portal.models.patents import Patent
from portal.models.types import UTCDateTime, utcnow

LISTING_STATUSES = ("draft", "published", "withdrawn", "concluded")
MODES = ("exclusive", "sole", "ordinary", "assignment", "equity")
# Technical fields offered as a facet (学科 / 技术领域).
FIELDS = ("medical_devices", "ivd", "drugs", "biologics", "tcm", "imaging", "digital_health",
          "rehabilitation", "surgery", "other")
MATURITIES = ("concept", "lab", "prototype", "clinical", "market")

listing_patents = Table(
    "listing_patents", db.metadata,
    Column("listing_id", ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True),
    Column("patent_id", ForeignKey("patents.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint(f"status IN {LISTING_STATUSES!r}", name="status"),
        CheckConstraint(f"field IN {FIELDS!r}", name="field"),
        CheckConstraint(f"maturity IS NULL OR maturity IN {MATURITIES!r}", name="maturity"),
        # The newest published listings (home page, list, feeds) read in index order, without
        # sorting every published listing: 30 ms at 100,000 listings without it.
        Index("ix_listings_status_published_at", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # Optional English text: shown in the English interface and searched with an English analyser.
    title_en: Mapped[str | None] = mapped_column(String(300))
    abstract_en: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    offers_exclusive: Mapped[bool] = mapped_column(default=False)
    offers_sole: Mapped[bool] = mapped_column(default=False)
    offers_ordinary: Mapped[bool] = mapped_column(default=False)
    offers_assignment: Mapped[bool] = mapped_column(default=False)
    offers_equity: Mapped[bool] = mapped_column(default=False)
    price_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # None = negotiable
    field: Mapped[str] = mapped_column(String(20), default="other", index=True)
    maturity: Mapped[str | None] = mapped_column(String(12))
    scenarios: Mapped[str] = mapped_column(Text, default="")
    advantages: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre: Mapped[Organisation] = relationship()
    patents: Mapped[list[Patent]] = relationship(secondary=listing_patents, order_by=Patent.id)

    @property
    def modes(self) -> list[str]:
        return [m for m in MODES if getattr(self, f"offers_{m}")]

    def set_modes(self, modes) -> None:
        for m in MODES:
            setattr(self, f"offers_{m}", m in modes)

    @property
    def open_declarations(self) -> list[OpenLicenceDeclaration]:
        return [d for p in self.patents if (d := p.open_declaration) is not None]

    @property
    def is_open_licence(self) -> bool:
        return bool(self.open_declarations)


class OpenLicenceDeclaration(db.Model):
    """A dated open-licence declaration on one patent. Terms are never overwritten: a change
    of terms is a withdrawal and a new declaration."""

    __tablename__ = "open_licence_declarations"
    __table_args__ = (
        CheckConstraint("fee_method IN ('lump_sum','royalty_sales','royalty_profit','entry_plus_royalty')",
                        name="fee_method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id"), index=True)
    fee_method: Mapped[str] = mapped_column(String(20))
    fee_amount_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    royalty_rate_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    term_end: Mapped[date]
    announced_on: Mapped[date]
    cnipa_reference: Mapped[str | None] = mapped_column(String(100))
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    patent: Mapped[Patent] = relationship(back_populates="declarations")

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None
