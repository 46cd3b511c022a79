"""Self-service password reset by e-mail.

Asking for a reset answers the same whether or not the address has an account (nothing tells a
stranger which addresses are registered); for an active account a link goes to that address. The
link's token is random; only its SHA-256 is stored, it works once and for ``RESET_MINUTES``, and
using it ends every session of the account. Asking is rate-limited per address and per account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext

from portal import audit
from portal.auth.operations import set_password
from portal.errors import OperationError
from portal.extensions import db
from portal.models import PasswordReset, User
from portal.notify import queue_mail
from portal.urls import external_url

RESET_MINUTES = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def request_reset(email: str) -> None:
    """Queue a reset link for the account of ``email``, if there is an active one; else nothing.
    The caller answers the same in both cases."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()[:254]))
    if user is None or not user.active:
        return
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_hash(token), created_at=now,
                                 expires_at=now + timedelta(minutes=RESET_MINUTES)))
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = gettext("[Medical patent licensing] Reset your password")
        body = gettext("Someone (we hope you) asked to reset the password of %(email)s. Open this link within "
                       "%(minutes)s minutes to choose a new one:\n\n%(link)s\n\nIf it was not you, ignore this "
                       "mail: your password stays as it is.", email=user.email, minutes=RESET_MINUTES,
                       link=external_url("auth.reset_password", token=token))
    queue_mail(user.email, subject, body)
    audit.record("account.reset_requested", f"password reset requested for {user.email}", target=user, actor=None)


def valid_reset(token: str) -> PasswordReset | None:
    """The unused, unexpired reset of ``token``, or None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(db.select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= datetime.now(UTC):
        return None
    return reset


def reset_password(token: str, new: str) -> User:
    """Set the new password through the link; the link is used up and every session ends."""
    reset = valid_reset(token)
    if reset is None:
        raise OperationError(gettext("This link has expired or has already been used: ask for a new one."))
    user = db.session.get(User, reset.user_id)
    set_password(user, new, actor=user)
    reset.used_at = datetime.now(UTC)
    return user
