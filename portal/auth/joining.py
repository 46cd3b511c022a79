"""Joining a company already on the portal.

The credit code identifies a company once: a second person registering it does not get an
account at once, nor a refusal that leaves them stuck. They ask to join; the company's members are
told, and one of them (or a site administrator) approves — the account is created then, with the
password chosen at the request — or declines.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _

from portal import audit
from portal.auth.operations import _email_free
from portal.errors import OperationError
from portal.extensions import db
from portal.models import JoinRequest, Organisation, User
from portal.notify import notify


def ask_to_join(org: Organisation, email: str, password_hash: str) -> JoinRequest:
    """``email`` was confirmed by the registration link; ``password_hash`` is what it chose."""
    _email_free(email)
    pending = db.session.scalar(db.select(JoinRequest.id).where(
        JoinRequest.organisation_id == org.id, JoinRequest.email == email, JoinRequest.decided_at.is_(None)))
    if pending is not None:
        raise OperationError(_("You have already asked to join this company; its members will answer."),
                             field="email")
    join = JoinRequest(organisation_id=org.id, email=email, password_hash=password_hash)
    db.session.add(join)
    db.session.flush()
    audit.record("company.join_requested", f"{email} asks to join {org.code}", target=join, actor=None)
    members = list(db.session.scalars(db.select(User).where(User.organisation_id == org.id, User.active.is_(True))))
    notify(members, "company.join_requested", {"email": email, "company": org.name_zh}, "auth.account")
    return join


def may_decide(user, join: JoinRequest) -> bool:
    return user.is_authenticated and (user.role == "site_admin" or (
        user.role == "sme_member" and user.organisation_id == join.organisation_id))


def pending_for(org_id: int) -> list[JoinRequest]:
    return list(db.session.scalars(db.select(JoinRequest).where(
        JoinRequest.organisation_id == org_id, JoinRequest.decided_at.is_(None)).order_by(JoinRequest.id)))


def decide(join: JoinRequest, approve: bool, actor: User) -> User | None:
    """Approve (the account is created) or decline a pending request."""
    if join.decided_at is not None:
        raise OperationError(_("This request has already been answered."))
    join.decided_at, join.approved, join.decided_by_id = datetime.now(UTC), approve, actor.id
    user = None
    if approve:
        _email_free(join.email)
        user = User(email=join.email, role="sme_member", organisation_id=join.organisation_id,
                    password_hash=join.password_hash)
        db.session.add(user)
        db.session.flush()
    audit.record("company.join_approved" if approve else "company.join_declined",
                 f"{join.email} {'joined' if approve else 'declined for'} {join.organisation.code}",
                 target=user or join, actor=actor)
    return user
