"""The programme parameters page (site administrators): years, targets, eligibility thresholds."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.views import form_error
from portal.errors import OperationError
from portal.extensions import db
from portal.metrics.access import programme_parameters
from portal.metrics.forms import ParametersForm
from portal.metrics.operations import PARAMETER_FIELDS, update_parameters
from portal.permissions import require

bp = Blueprint("programme_admin", __name__, url_prefix="/admin")


@bp.route("/programme", methods=["GET", "POST"])
@require("admin")
def parameters():
    """Show and change the programme parameters; every change is in the audit log."""
    params = programme_parameters()
    form = ParametersForm(obj=params)
    if form.validate_on_submit():
        try:
            update_parameters({name: getattr(form, name).data for name in PARAMETER_FIELDS}, current_user)
        except OperationError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Programme parameters saved."), "success")
            return redirect(url_for("programme_admin.parameters"))
    return render_template("metrics/parameters.html", form=form, params=params), (400 if form.errors else 200)
