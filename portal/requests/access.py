"""Who may see a licence request: the requesting enterprise's members and the listing centre's staff."""

from __future__ import annotations

from portal.models import LicenceRequest


def can_see_request(user, request: LicenceRequest) -> bool:
    """The requesting enterprise's members and the listing centre's staff; nobody else."""
    if not user.is_authenticated:
        return False
    if user.role == "sme_member":
        return request.enterprise_id == user.organisation_id
    return user.role in ("centre_staff", "centre_admin") and request.listing.centre_id == user.organisation_id
