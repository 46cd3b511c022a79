"""Registering a company: the address is confirmed before anything is created.

The form's answer never says whether an address has an account: a valid form always ends in
"a link is on its way". For a new address the link finishes the registration; for an address that
has an account, its owner is told by mail that someone tried (and how to log in or reset the
password). Nothing is created until the link is followed, so an unconfirmed address cannot take a
company's credit code either. When the code is already on the portal by then, the person chooses:
ask the company's members to let them join, or claim the company with evidence
(``portal.auth.claims``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext

from portal import audit
from portal.auth.operations import check_company, company_by_code, normalise_email, register_enterprise
from portal.auth.passwords import password_problems
from portal.errors import OperationError
from portal.extensions import db
from portal.models import Organisation, PendingRegistration, User
from portal.notify import queue_mail
from portal.urls import external_url

LINK_HOURS = 24


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(company: dict, email: str, password: str) -> None:
    """Check the form and mail the address: a link to finish, or (when the address has an account)
    a note to its owner. The caller answers the same either way."""
    email = normalise_email(email)
    company = check_company(company)
    problems = password_problems(password, email)
    if problems:
        raise OperationError(" ".join(problems), field="password")
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    owner = db.session.scalar(db.select(User).where(User.email == email))
    if owner is not None:
        with force_locale(owner.locale or locale):
            queue_mail(email, gettext("[Medical patent licensing] You already have an account"), gettext(
                "Someone (perhaps you) tried to register %(company)s on the portal with %(email)s, which already "
                "has an account. Log in here:\n\n%(login)s\n\nForgot the password? Choose a new one here:\n\n"
                "%(reset)s\n\nIf it was not you, ignore this mail: nothing has changed.",
                company=company["company_name"], email=email, login=external_url("auth.login"),
                reset=external_url("auth.forgot_password")))
        audit.record("account.registration_repeated", f"registration tried with the existing address {email}",
                     target=owner, actor=None)
        return
    token = secrets.token_urlsafe(32)
    holder = User(email=email)
    holder.set_password(password)
    now = datetime.now(UTC)
    db.session.add(PendingRegistration(token_hash=_hash(token), email=email, password_hash=holder.password_hash,
                                       company=company, created_at=now, expires_at=now + timedelta(hours=LINK_HOURS)))
    with force_locale(locale):
        queue_mail(email, gettext("[Medical patent licensing] Confirm your registration"), gettext(
            "To finish registering %(company)s on the portal, open this link within %(hours)s hours:\n\n%(link)s\n\n"
            "If you did not register, ignore this mail: nothing is created without the link.",
            company=company["company_name"], hours=LINK_HOURS,
            link=external_url("auth.confirm_registration", token=token)))
    audit.record("account.registration_started", f"registration of {company['credit_code']} by {email}",
                 actor=None, data={"credit_code": company["credit_code"]})


def pending(token: str) -> PendingRegistration | None:
    """The unused, unexpired registration of ``token``, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(PendingRegistration).where(PendingRegistration.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= datetime.now(UTC):
        return None
    return row


def registered_company(row: PendingRegistration) -> Organisation | None:
    """The company already on the portal under the registration's credit code, if any."""
    return company_by_code(row.company["credit_code"])


def _use(token: str) -> PendingRegistration:
    row = pending(token)
    if row is None:
        raise OperationError(gettext("This link has expired or has already been used: register again."))
    if db.session.scalar(db.select(User.id).where(User.email == row.email)) is not None:
        raise OperationError(gettext("This address already has an account: log in."))
    row.used_at = datetime.now(UTC)
    return row


def finish(token: str) -> User:
    """Create the company and its first member (the code is still free)."""
    row = _use(token)
    return register_enterprise(row.company, row.email, row.password_hash)


def ask_to_join(token: str):
    """The code is taken: ask the company's members to let this address join."""
    from portal.auth import joining

    row = _use(token)
    org = registered_company(row)
    if org is None:
        raise OperationError(gettext("This company is not on the portal yet: finish your registration instead."))
    return joining.ask_to_join(org, row.email, row.password_hash)


def claim(token: str, statement: str, filename: str, content: bytes):
    """The code is taken by others: claim the company, with evidence, for an administrator to decide."""
    from portal.auth import claims

    row = _use(token)
    org = registered_company(row)
    if org is None:
        raise OperationError(gettext("This company is not on the portal yet: finish your registration instead."))
    return claims.file_claim(org, row, statement, filename, content)
