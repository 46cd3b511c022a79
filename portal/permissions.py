"""One permission vocabulary for views and templates.

Views use ``@require("manage_listings")``; templates use ``{% if can("manage_listings") %}``.
Object-level checks (a centre edits only its own listings, an SME reads only its own requests)
live beside the objects, as ``can_*`` functions that take the user and the object.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

# permission -> roles holding it
PERMISSIONS: dict[str, frozenset[str]] = {
    "manage_listings": frozenset({"centre_staff", "centre_admin"}),
    "manage_centre": frozenset({"centre_admin"}),
    "answer_requests": frozenset({"centre_staff", "centre_admin"}),
    "file_requests": frozenset({"sme_member"}),
    "record_deals": frozenset({"centre_staff", "centre_admin"}),
    "manage_events": frozenset({"organiser", "centre_staff", "centre_admin"}),
    "operate_exchange": frozenset({"exchange_operator"}),
    "view_programme_metrics": frozenset({"organiser", "site_admin"}),
    "admin": frozenset({"site_admin"}),
}


def role_has(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role in PERMISSIONS[permission]


def can(permission: str) -> bool:
    """True when the current user holds ``permission`` (False for anonymous visitors)."""
    return bool(current_user.is_authenticated and role_has(current_user.role, permission))


def require(permission: str):
    """Decorator: log in first, then 403 unless the user holds ``permission``."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
