"""Object-level access: a centre's staff manage only their own centre's listings and patents."""

from __future__ import annotations

from portal.permissions import role_has


def can_manage_listing(user, listing) -> bool:
    return bool(user.is_authenticated and role_has(user.role, "manage_listings")
                and listing.centre_id == user.organisation_id)


def can_manage_patent(user, patent) -> bool:
    return bool(user.is_authenticated and role_has(user.role, "manage_listings")
                and patent.centre_id == user.organisation_id)
