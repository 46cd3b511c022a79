"""Who sees which centre's figures, and the year / date a page is asked for.

Organisers and site administrators see every centre (``view_programme_metrics``); a centre's own
staff see their centre; nobody else sees any (an enterprise member gets 403).
"""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_login import current_user

from portal.extensions import db
from portal.metrics.figures import default_as_of
from portal.models import Organisation, ProgrammeParameters
from portal.models.metrics import PARAMETER_DEFAULTS

CENTRE_ROLES = ("centre_staff", "centre_admin")
YEARS = range(2000, 2101)


def is_centre_staff(user) -> bool:
    return bool(user.is_authenticated and user.role in CENTRE_ROLES and user.organisation.kind == "centre")


def may_view(user, centre: Organisation) -> bool:
    """Organisers and administrators see all centres; centre staff their own."""
    if not user.is_authenticated:
        return False
    return user.can("view_programme_metrics") or (is_centre_staff(user) and user.organisation_id == centre.id)


def viewable_centre(code: str) -> Organisation:
    """The centre ``code`` if the current user may see it: 404 for an unknown code to those who see
    every centre, 403 to everyone else (so staff cannot probe for codes)."""
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code,
                                                             Organisation.kind == "centre"))
    if centre is not None and may_view(current_user, centre):
        return centre
    if centre is None and current_user.can("view_programme_metrics"):
        abort(404)
    abort(403)


def readable_centre(code: str) -> Organisation:
    """The centre ``code`` when the current user may read its records (budget, disclosures): the
    programme office every centre, a centre's staff their own; 404 for everything else."""
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code,
                                                             Organisation.kind == "centre"))
    if centre is None or not may_view(current_user, centre):
        abort(404)
    return centre


def own_centre_or_404() -> Organisation:
    """The logged-in centre staff's centre, the only one they change; 404 for everyone else."""
    if not is_centre_staff(current_user):
        abort(404)
    return current_user.organisation


def requested_year(params: ProgrammeParameters) -> int:
    """``?year=`` (default: the programme's assessment year); 400 when it is not a plausible year."""
    given = request.args.get("year", "").strip()
    if not given:
        return params.assessment_year
    if not given.isdigit() or int(given) not in YEARS:
        abort(400)
    return int(given)


def requested_as_of(year: int) -> date:
    """``?as_of=YYYY-MM-DD`` for eligibility (default: the end of the year, or today while it runs)."""
    given = request.args.get("as_of", "").strip()
    if not given:
        return default_as_of(year)
    try:
        return date.fromisoformat(given)
    except ValueError:
        abort(400)


def programme_parameters() -> ProgrammeParameters:
    """The stored parameters for a page to read. A GET never writes: before anything stored them
    (``ensure_reference_data`` at setup, or the first save) these are the notice's defaults,
    unsaved."""
    row = db.session.get(ProgrammeParameters, 1)
    return row if row is not None else ProgrammeParameters(id=1, **PARAMETER_DEFAULTS)
