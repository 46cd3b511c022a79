"""Account operations: each validates, changes, writes the audit log and flushes.

The caller (a view or a CLI command) commits once.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from portal import audit
from portal.auth.passwords import password_problems
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import ROLE_ORG_KINDS, ROLES, Organisation, User
from portal.rules import RuleError, classify_enterprise, validate_credit_code


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise OperationError(_("This is not a valid e-mail address."), field="email") from exc


def _email_free(email: str) -> None:
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise OperationError(_("An account with this e-mail address already exists."), field="email")


def check_company(company: dict) -> dict:
    """The registration's company part, checked: the credit code normalised and the size class
    computed (``RuleError`` messages as the form's errors)."""
    try:
        credit_code = validate_credit_code(company["credit_code"])
        size_class = classify_enterprise(company["industry"], company["employees"],
                                         Decimal(str(company["revenue_wan"])),
                                         None if company.get("total_assets_wan") in (None, "")
                                         else Decimal(str(company["total_assets_wan"])))
    except RuleError as exc:
        raise OperationError(rule_message(exc)) from exc
    return dict(company, credit_code=credit_code, size_class=size_class,
                revenue_wan=str(company["revenue_wan"]),
                total_assets_wan=None if company.get("total_assets_wan") in (None, "")
                else str(company["total_assets_wan"]))


def company_by_code(credit_code: str) -> Organisation | None:
    return db.session.scalar(db.select(Organisation).where(Organisation.credit_code == credit_code))


def set_company_figures(org: Organisation, company: dict) -> None:
    """Name, industry and size figures from a (checked) registration; the size class follows."""
    org.name_zh = company["company_name"].strip()
    org.industry, org.employees, org.size_class = company["industry"], company["employees"], company["size_class"]
    org.revenue_wan = Decimal(company["revenue_wan"])
    org.total_assets_wan = None if company.get("total_assets_wan") is None else Decimal(company["total_assets_wan"])


def register_enterprise(company: dict, email: str, password_hash: str) -> User:
    """Create an enterprise and its first member from a confirmed registration (``check_company``
    has checked ``company``; the address was proven by the link mailed to it)."""
    company = check_company(company)
    if company_by_code(company["credit_code"]) is not None:
        raise OperationError(_("This company is already registered; ask its members to invite you."),
                             field="credit_code")
    _email_free(email)
    org = Organisation(kind="enterprise", code=f"e-{company['credit_code'].lower()}",
                       credit_code=company["credit_code"])
    set_company_figures(org, company)
    user = User(email=email, role="sme_member", organisation=org, password_hash=password_hash)
    db.session.add_all([org, user])
    db.session.flush()
    audit.record("account.registered", f"{email} registered {org.name_zh} ({org.size_class})",
                 target=user, actor=user, data={"org": org.code, "size_class": org.size_class})
    return user


def _decoy_hash() -> str:
    """A password hash made with the configured method, checked when the address is unknown."""
    from flask import current_app

    decoys = current_app.extensions.setdefault("decoy_password_hash", {})
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in decoys:
        decoy = User()
        decoy.set_password(secrets.token_urlsafe(16))
        decoys[method] = decoy.password_hash
    return decoys[method]


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Both outcomes are audited."""
    email = email.strip().lower()
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        # As long as for a known address: the time of the answer must not say which addresses
        # have an account.
        User(password_hash=_decoy_hash()).check_password(password)
    if user is None or not user.check_password(password) or not user.active:
        audit.record("auth.login_failed", f"failed login for {email[:100]}", actor=user,
                     data={"email": email[:254]})
        return None
    user.last_login_at = datetime.now(UTC)
    audit.record("auth.login", f"{email} logged in", actor=user, target=user)
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise OperationError(_("The current password is wrong."), field="current")
    problems = password_problems(new, user.email)
    if problems:
        raise OperationError(" ".join(problems), field="password")
    user.set_password(new)
    user.end_sessions()
    audit.record("account.password_changed", f"{user.email} changed the password", target=user)


def set_password(user: User, new: str, actor: User | None) -> None:
    """Set a password without the current one (an administrator, or the command line): the
    account's sessions end, and the audit log says who did it."""
    problems = password_problems(new, user.email)
    if problems:
        raise OperationError(" ".join(problems), field="password")
    user.set_password(new)
    user.end_sessions()
    audit.record("account.password_set", f"password of {user.email} set by "
                 f"{actor.email if actor is not None else 'the command line'}", target=user, actor=actor)


def create_user(*, email: str, role: str, org: Organisation, password: str,
                actor: User | None) -> User:
    """An account created by an administrator (admin pages or the CLI)."""
    email = normalise_email(email)
    _check_role(role, org)
    _email_free(email)
    problems = password_problems(password, email)
    if problems:
        raise OperationError(" ".join(problems), field="password")
    user = User(email=email, role=role, organisation=org)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", f"{email} created as {role} of {org.code}", target=user,
                 actor=actor, data={"role": role, "org": org.code})
    return user


def set_role(user: User, role: str, actor: User | None) -> None:
    _check_role(role, user.organisation)
    if user.role == role:
        return
    old = user.role
    user.role = role
    audit.record("account.role_changed", f"{user.email}: {old} → {role}", target=user, actor=actor,
                 data={"from": old, "to": role})


def set_verified(org: Organisation, verified: bool, actor: User | None) -> None:
    """Mark an enterprise as checked by a site administrator (or take the mark back)."""
    if org.kind != "enterprise":
        raise OperationError(_("Only enterprises are verified."))
    org.verified = verified
    audit.record("organisation.verified" if verified else "organisation.unverified",
                 f"{org.code} {'verified' if verified else 'no longer verified'}", target=org, actor=actor)


def set_active(user: User, active: bool, actor: User | None) -> None:
    if actor is not None and user.id == actor.id and not active:
        raise OperationError(_("You cannot deactivate your own account."))
    user.active = active
    if not active:
        user.end_sessions()
    audit.record("account.activated" if active else "account.deactivated",
                 f"{user.email} {'activated' if active else 'deactivated'}", target=user, actor=actor)


def _check_role(role: str, org: Organisation) -> None:
    if role not in ROLES:
        raise OperationError(_("Unknown role: %(role)s.", role=role), field="role")
    if org.kind not in ROLE_ORG_KINDS[role]:
        raise OperationError(_("The role %(role)s cannot act for an organisation of kind %(kind)s.",
                               role=role, kind=org.kind), field="role")
