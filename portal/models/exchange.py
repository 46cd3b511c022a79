"""Hand-off to the exchange bases (上海技术交易所, 上海知识产权交易中心): forwards, their status
changes, and the API tokens an exchange's own system uses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.deals import Deal
from portal.models.listings import Listing
from portal.models.orgs import Organisation
from portal.models.types import UTCDateTime, utcnow
from portal.models.users import User

# forwarded: sent by the centre, not yet acknowledged; received: the exchange has taken it in;
# listed: publicly listed (挂牌); announced: publicly announced (公示); concluded: traded on the
# exchange (进场交易 done); returned: sent back to the centre with a reason.
FORWARD_STATUSES = ("forwarded", "received", "listed", "announced", "concluded", "returned")
FORWARD_CLOSED = ("concluded", "returned")

# What an exchange may move a forward to, from each status.
FORWARD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "forwarded": ("received", "returned"),
    "received": ("listed", "announced", "concluded", "returned"),
    "listed": ("announced", "concluded", "returned"),
    "announced": ("listed", "concluded", "returned"),
    "concluded": (),
    "returned": (),
}


class ExchangeForward(db.Model):
    """A deal or a published listing handed to one exchange base; exactly one of the two is set."""

    __tablename__ = "exchange_forwards"
    __table_args__ = (
        CheckConstraint(f"status IN {FORWARD_STATUSES!r}", name="status"),
        CheckConstraint("(deal_id IS NULL) <> (listing_id IS NULL)", name="subject"),
        # One forward per deal (or listing) per exchange unless it was returned: the database
        # enforces what the operation checks, so two simultaneous forwards cannot both land.
        Index("uq_exchange_forwards_deal_open", "exchange_id", "deal_id", unique=True,
              sqlite_where=text("status <> 'returned'"), postgresql_where=text("status <> 'returned'")),
        Index("uq_exchange_forwards_listing_open", "exchange_id", "listing_id", unique=True,
              sqlite_where=text("status <> 'returned'"), postgresql_where=text("status <> 'returned'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="forwarded", index=True)
    note: Mapped[str] = mapped_column(String(1000), default="")  # the centre's note to the exchange
    reference: Mapped[str | None] = mapped_column(String(100))  # the exchange's own number
    return_reason: Mapped[str | None] = mapped_column(String(1000))
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exchange: Mapped[Organisation] = relationship(foreign_keys=[exchange_id])
    centre: Mapped[Organisation] = relationship(foreign_keys=[centre_id])
    deal: Mapped[Deal | None] = relationship()
    listing: Mapped[Listing | None] = relationship()
    forwarded_by: Mapped[User | None] = relationship()
    changes: Mapped[list[ExchangeForwardChange]] = relationship(
        back_populates="forward", order_by="ExchangeForwardChange.id", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.status not in FORWARD_CLOSED

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return FORWARD_TRANSITIONS.get(self.status, ())


class ExchangeForwardChange(db.Model):
    """One step of a forward (the forwarding itself included). Its id is the API's cursor: it only grows."""

    __tablename__ = "exchange_forward_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    forward_id: Mapped[int] = mapped_column(ForeignKey("exchange_forwards.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(1000))
    reference: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_tokens.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forward: Mapped[ExchangeForward] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship()
    token: Mapped[ExchangeToken | None] = relationship()


class ExchangeToken(db.Model):
    """An API token of one exchange. Only the sha256 of the token is kept; the token is shown once."""

    __tablename__ = "exchange_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exchange: Mapped[Organisation] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
