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
# How the price was set: by agreement (协议定价, needs a public notice first), on an exchange,
# by auction, or by listing (挂牌).
PRICINGS = ("agreement", "exchange", "auction", "listing")

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
        CheckConstraint(f"pricing IS NULL OR pricing IN {PRICINGS!r}", name="pricing"),
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
    recordal_refusal_reason: Mapped[str | None] = mapped_column(String(500))
    recordal_reminded_on: Mapped[date | None]
    signed_date: Mapped[date | None]
    # An assignment takes effect on its CNIPA registration (Patent Law Art 10): it counts from then.
    registration_date: Mapped[date | None]
    gross_income_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    deductions_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    # The public notice that preceded a deal priced by agreement, or the recorded reason to go without.
    pricing: Mapped[str | None] = mapped_column(String(12))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("public_notices.id"))
    notice_override_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The form's one-time key: a POST sent again finds this row instead of making a second (transaction.once).
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    licensor: Mapped[Organisation] = relationship(foreign_keys=[licensor_id])
    licensee: Mapped[Organisation] = relationship(foreign_keys=[licensee_id])
    patents: Mapped[list[Patent]] = relationship(secondary=deal_patents)
    payments: Mapped[list[DealPayment]] = relationship(back_populates="deal", order_by="DealPayment.paid_on",
                                                       cascade="all, delete-orphan")

    @property
    def mode(self) -> str:
        """exclusive / sole / ordinary / open / assignment / equity, as people name deals."""
        if self.kind != "licence":
            return self.kind
        return "open" if self.open_licence else (self.licence_type or "ordinary")

    @property
    def concluded_on(self) -> date | None:
        """The day the deal counts from: an assignment's registration, otherwise the effective date."""
        return self.registration_date if self.kind == "assignment" else self.effective_date

    @property
    def received_yuan(self) -> Decimal:
        return sum((p.amount_yuan for p in self.payments), Decimal(0))

    @property
    def net_income_yuan(self) -> Decimal | None:
        if self.gross_income_yuan is None:
            return None
        return self.gross_income_yuan - (self.deductions_yuan or 0)


class DealPayment(db.Model):
    """An amount actually received (实际到账), with its date."""

    __tablename__ = "deal_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date]
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))

    deal: Mapped[Deal] = relationship(back_populates="payments")
