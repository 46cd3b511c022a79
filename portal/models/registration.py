"""Registrations waiting for their address to be confirmed, and claims on a registered company."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.extensions import db
from portal.models.orgs import Organisation
from portal.models.types import UTCDateTime, utcnow


class PendingRegistration(db.Model):
    """A registration whose e-mail address is not yet confirmed. Nothing is created until the link
    mailed to the address is followed: the answer to the form is the same whether or not the
    address has an account, and no company code is taken by an unconfirmed address. Only the
    token's SHA-256 and the password's hash are kept."""

    __tablename__ = "pending_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # company_name, credit_code, industry, employees, revenue_wan, total_assets_wan (as text)
    company: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CompanyClaim(db.Model):
    """Someone whose company's credit code was registered by others claims the company, with
    evidence (a business licence scan, an authorisation letter). A site administrator decides;
    approving makes the claimant a member and may transfer the company to them (the other members
    are deactivated and the claimant's figures replace the self-declared ones)."""

    __tablename__ = "company_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    company: Mapped[dict] = mapped_column(JSON)  # the figures the claimant registered with
    statement: Mapped[str] = mapped_column(Text)
    evidence_filename: Mapped[str] = mapped_column(String(200))
    evidence_type: Mapped[str] = mapped_column(String(100))
    evidence_size: Mapped[int]
    evidence: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved: Mapped[bool | None]
    transferred: Mapped[bool] = mapped_column(default=False, server_default="0")
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
