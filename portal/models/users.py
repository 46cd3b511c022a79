"""Accounts. Each user acts for exactly one organisation, in one role."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models.orgs import Organisation
from portal.models.types import UTCDateTime, utcnow

ROLES = ("centre_staff", "centre_admin", "sme_member", "organiser", "exchange_operator", "site_admin")

# Which organisation kinds a role may act for.
ROLE_ORG_KINDS = {
    "centre_staff": ("centre",),
    "centre_admin": ("centre",),
    "sme_member": ("enterprise",),
    "organiser": ("organiser", "centre"),
    "exchange_operator": ("exchange",),
    "site_admin": ("organiser", "centre", "exchange", "enterprise"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped to end every session of the account at once (portal.auth.sessions).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    def set_password(self, password: str) -> None:
        # Werkzeug's default (scrypt) unless the configuration names another method: the test
        # configuration uses a cheap one, since every test creates and logs in several accounts.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def end_sessions(self) -> None:
        """End every session of this account (logout, password change, deactivation, …)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def can(self, permission: str) -> bool:
        from portal.permissions import role_has

        return role_has(self.role, permission)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class PasswordReset(db.Model):
    """A self-service password reset: only the token's SHA-256 is kept; single use, short-lived."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JoinRequest(db.Model):
    """Someone registering a company that is already on the portal asks to join it; a member of
    the company (or a site administrator) approves or declines. The password they chose is kept
    only as its hash, for the account an approval creates."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved: Mapped[bool | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
