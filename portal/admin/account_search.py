"""Finding accounts on the administration page: query arguments ``q`` (part of the e-mail address),
``role``, ``org`` (part of the organisation's name, English name, code or credit code) and ``status``
(active or deactivated). A value that cannot be used is named in ``errors`` and left out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.models import Organisation, User
from portal.models.users import ROLES

STATUSES = ("active", "deactivated")
MAX_TEXT = 100


@dataclass
class AccountFilters:
    q: str = ""
    role: str | None = None
    org: str = ""
    status: str | None = None
    errors: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> AccountFilters:
        f = cls(q=_text(args.get("q")), org=_text(args.get("org")))
        for name, allowed in (("role", ROLES), ("status", STATUSES)):
            value = (args.get(name) or "").strip() or None
            if value is not None and value not in allowed:
                f.errors.append(_("Unknown value for %(name)s: %(value)s.", name=name, value=value[:40]))
                value = None
            setattr(f, name, value)
        return f

    def as_args(self) -> dict[str, str]:
        values = {"q": self.q, "role": self.role, "org": self.org, "status": self.status}
        return {k: v for k, v in values.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _text(value: str | None) -> str:
    return " ".join((value or "").split())[:MAX_TEXT]


def accounts_query(f: AccountFilters):
    """The accounts ``f`` selects, newest first, with their organisations."""
    query = select(User).options(selectinload(User.organisation))
    if f.q:
        query = query.where(User.email.icontains(f.q, autoescape=True))
    if f.role:
        query = query.where(User.role == f.role)
    if f.status:
        query = query.where(User.active.is_(f.status == "active"))
    if f.org:
        orgs = select(Organisation.id).where(or_(*(column.icontains(f.org, autoescape=True) for column in (
            Organisation.name_zh, Organisation.name_en, Organisation.code, Organisation.credit_code))))
        query = query.where(User.organisation_id.in_(orgs))
    return query.order_by(User.created_at.desc(), User.id.desc())
