"""The programme parameters page (site administrators): years, targets, eligibility thresholds."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.metrics.access import programme_parameters
from portal.metrics.blueprint import bp
from portal.metrics.forms import ParametersForm
from portal.metrics.operations import PARAMETER_FIELDS, update_parameters
from portal.permissions import require
from portal.transaction import perform


@bp.route("/admin/programme", methods=["GET", "POST"])
@require("admin")
def parameters():
    """Show and change the programme parameters; every change is in the audit log."""
    params = programme_parameters()
    form = ParametersForm(obj=params)
    if form.validate_on_submit():
        done = perform(lambda: update_parameters({name: getattr(form, name).data for name in PARAMETER_FIELDS},
                                                 current_user), form=form, success=_("Programme parameters saved."))
        if done:
            return redirect(url_for("metrics.parameters"))
    return render_template("metrics/parameters.html", form=form, params=params), (400 if form.errors else 200)
