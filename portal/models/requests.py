"""Licence requests (许可申请) and their message threads; taking an open licence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.channels import CHANNELS
from portal.models.listings import Listing, OpenLicenceDeclaration
from portal.models.orgs import Organisation
from portal.models.patents import Patent
from portal.models.types import UTCDateTime, utcnow
from portal.models.users import User

if TYPE_CHECKING:  # needs area (issue 17)
    from portal.models.needs import Need

REQUEST_STATUSES = ("submitted", "under_review", "negotiating", "agreed", "declined", "withdrawn")
OPEN_STATUSES = ("submitted", "under_review", "negotiating")  # still waiting for an outcome
REQUEST_MODES = ("exclusive", "sole", "ordinary", "assignment", "equity", "open")


class LicenceRequest(db.Model):
    __tablename__ = "licence_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="status"),
        CheckConstraint(f"mode IN {REQUEST_MODES!r}", name="mode"),
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[str] = mapped_column(String(12))
    intended_use: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(200), default="")
    scale: Mapped[str] = mapped_column(String(200), default="")
    proposed_terms: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None]  # the matchmaking event it came from (events area)
    # Where the request came from (portal/requests/channels.py): the ``via`` of the link that led to it.
    channel: Mapped[str] = mapped_column(String(16), default="direct", server_default="direct", index=True)
    status: Mapped[str] = mapped_column(String(14), default="submitted", index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The form's one-time key: a POST sent again finds this row instead of making a second (transaction.once).
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    # needs area (issue 17): the technology need the request answers, when filed from a proposal
    # or a recommendation on the need's page.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), index=True)

    listing: Mapped[Listing] = relationship()
    enterprise: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    messages: Mapped[list[RequestMessage]] = relationship(back_populates="request", order_by="RequestMessage.id")
    history: Mapped[list[RequestStatusChange]] = relationship(order_by="RequestStatusChange.id")
    need: Mapped[Need | None] = relationship()  # needs area (issue 17)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestStatusChange(db.Model):
    __tablename__ = "request_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("licence_requests.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(14))
    to_status: Mapped[str] = mapped_column(String(14))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class RequestMessage(db.Model):
    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("licence_requests.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The form's one-time key: a POST sent again finds this row instead of making a second (transaction.once).
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    request: Mapped[LicenceRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class OpenLicenceAcceptance(db.Model):
    """An enterprise took an open licence: the written notice (书面通知) to the patentee, on exactly
    the terms published in the declaration, snapshotted here."""

    __tablename__ = "open_licence_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("open_licence_declarations.id"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("licence_requests.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    notice_number: Mapped[str] = mapped_column(String(40), unique=True)
    effective_date: Mapped[date]
    fee_method: Mapped[str] = mapped_column(String(20))
    fee_amount_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    royalty_rate_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    term_end: Mapped[date]
    licensee_name: Mapped[str] = mapped_column(String(200))
    licensee_credit_code: Mapped[str | None] = mapped_column(String(18))
    licensee_address: Mapped[str] = mapped_column(String(300), default="")
    licensee_contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    declaration: Mapped[OpenLicenceDeclaration] = relationship()
    patent: Mapped[Patent] = relationship()
    request: Mapped[LicenceRequest] = relationship()
    enterprise: Mapped[Organisation] = relationship()
