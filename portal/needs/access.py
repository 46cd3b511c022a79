"""Who may see, close and answer a need: the same rules as requests (another party's object
answers 404)."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Need, User

CENTRE_ROLES = ("centre_staff", "centre_admin")
# Besides the SME itself, who reads a "centres only" need.
CENTRES_ONLY_READERS = (*CENTRE_ROLES, "organiser")


def owns_need(user, need: Need) -> bool:
    return bool(user.is_authenticated and user.role == "sme_member" and user.organisation_id == need.enterprise_id)


def can_see_need(user, need: Need) -> bool:
    """Public needs: everyone. Centres-only needs: centre staff, organisers and the SME's own members."""
    if need.visibility == "public":
        return True
    if not user.is_authenticated:
        return False
    return user.role in CENTRES_ONLY_READERS or user.organisation_id == need.enterprise_id


def can_propose(user) -> bool:
    return bool(user.is_authenticated and user.role in CENTRE_ROLES)


def visible_needs_clause(user):
    """A WHERE clause selecting the needs ``user`` may see (for lists and searches)."""
    from sqlalchemy import or_

    if user.is_authenticated and user.role in CENTRES_ONLY_READERS:
        return Need.id.isnot(None)
    if user.is_authenticated:
        return or_(Need.visibility == "public", Need.enterprise_id == user.organisation_id)
    return Need.visibility == "public"


def enterprise_members(need: Need) -> list[User]:
    """The SME's members: who hears about proposals and matches."""
    return list(db.session.scalars(db.select(User).where(User.organisation_id == need.enterprise_id,
                                                         User.role == "sme_member")))
