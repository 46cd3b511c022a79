"""Inventor rewards (奖励和报酬): a centre's share of net income for contributors, and rewards paid."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.deals import Deal
from portal.models.types import UTCDateTime, utcnow


class RewardShare(db.Model):
    """The centre's reward share (a fraction between the legal 0.5 floor and 1), set by its rules."""

    __tablename__ = "reward_shares"

    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InventorReward(db.Model):
    """A reward paid to a named inventor out of a deal's net income."""

    __tablename__ = "inventor_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    inventor: Mapped[str] = mapped_column(String(100))
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    paid_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deal: Mapped[Deal] = relationship()
