"""``GET /api/v1/metrics/centres/<code>?year=YYYY[&as_of=YYYY-MM-DD]``: a centre's figures as JSON.

For organisers, site administrators and the centre's own staff (session login): 401 when not
logged in, 403 for anyone else, 404 for an unknown centre (to those who see every centre).
The body is exactly what ``flask --app portal metrics show --centre CODE --year YYYY --json`` prints.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from portal.metrics.access import programme_parameters, requested_as_of, requested_year, viewable_centre
from portal.metrics.figures import centre_figures
from portal.metrics.serialize import figures_to_dict

bp = Blueprint("metrics_api", __name__, url_prefix="/api/v1/metrics")


@bp.get("/centres/<code>")
def centre(code: str):
    """One centre's figures for a year against the programme's baseline year, and its eligibility."""
    if not current_user.is_authenticated:
        abort(401)
    found = viewable_centre(code)
    params = programme_parameters()
    year = requested_year(params)
    return figures_to_dict(centre_figures(params, found, year, requested_as_of(year)))
