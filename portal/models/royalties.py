"""Running royalties (提成): a deal's royalty terms, its reporting periods, and reminders sent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.deals import Deal, DealPayment
from portal.models.types import UTCDateTime, utcnow

ROYALTY_BASES = ("sales", "profit")
ROYALTY_FREQUENCIES = ("quarterly", "half_yearly", "yearly")
REMINDER_STAGES = ("report", "payment")

# A payment received on a royalty deal, matched to the period it pays (a payment pays one period).
royalty_period_payments = Table(
    "royalty_period_payments", db.metadata,
    Column("payment_id", ForeignKey("deal_payments.id", ondelete="CASCADE"), primary_key=True),
    Column("period_id", ForeignKey("royalty_periods.id", ondelete="CASCADE"), index=True, nullable=False),
)


class RoyaltyTerms(db.Model):
    __tablename__ = "royalty_terms"
    __table_args__ = (
        CheckConstraint(f"basis IN {ROYALTY_BASES!r}", name="basis"),
        CheckConstraint(f"frequency IN {ROYALTY_FREQUENCIES!r}", name="frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), unique=True)
    basis: Mapped[str] = mapped_column(String(10))
    rate_pct: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    frequency: Mapped[str] = mapped_column(String(12))
    starts_on: Mapped[date]
    report_days: Mapped[int] = mapped_column(default=30)  # days after a period ends to report
    payment_days: Mapped[int] = mapped_column(default=60)  # days after a period ends to pay
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deal: Mapped[Deal] = relationship()


class RoyaltyPeriod(db.Model):
    __tablename__ = "royalty_periods"
    __table_args__ = (UniqueConstraint("deal_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    report_due: Mapped[date]
    payment_due: Mapped[date]
    reported_base_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    royalty_due_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    deal: Mapped[Deal] = relationship()
    payments: Mapped[list[DealPayment]] = relationship(secondary=royalty_period_payments,
                                                       order_by="DealPayment.paid_on")

    @property
    def received_yuan(self) -> Decimal:
        return sum((p.amount_yuan for p in self.payments), Decimal(0))

    def state(self, today: date) -> str:
        """future / open / report_overdue / payment_overdue / paid / reported."""
        if self.royalty_due_yuan is None:
            if today < self.ends_on:
                return "future" if today < self.starts_on else "open"
            return "report_overdue" if today > self.report_due else "to_report"
        if self.received_yuan >= self.royalty_due_yuan:
            return "paid"
        return "payment_overdue" if today > self.payment_due else "reported"


class RoyaltyReminder(db.Model):
    """A reminder mailed for one period at one stage: sent once, never again."""

    __tablename__ = "royalty_reminders"
    __table_args__ = (UniqueConstraint("period_id", "stage"),
                      CheckConstraint(f"stage IN {REMINDER_STAGES!r}", name="stage"))

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("royalty_periods.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(10))
    sent_on: Mapped[date]
