"""The patent's operation flag and value scores (with their history), and the bulk operation flag on
the patent list. Only the centre's own patents: another centre's answer 404."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import EmptyForm
from portal.labels import VALUE_LABELS
from portal.metrics.access import programme_parameters
from portal.models import VALUE_DIMENSIONS, AuditEntry, User
from portal.patents import assessment
from portal.patents.access import own_patent
from portal.patents.forms import PatentAssessmentForm
from portal.patents.views import bp
from portal.permissions import require
from portal.transaction import perform

HISTORY_LIMIT = 50


def _history(patent_id: int) -> list[tuple[AuditEntry, str | None]]:
    rows = db.session.execute(
        db.select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.target_type == "patents", AuditEntry.target_id == patent_id,
               AuditEntry.kind == "patent.assessment")
        .order_by(AuditEntry.id.desc()).limit(HISTORY_LIMIT)).all()
    return [(entry, email) for entry, email in rows]


@bp.route("/patents/<int:patent_id>/assessment", methods=["GET", "POST"])
@require("manage_listings")
def assessment_page(patent_id: int):
    """Whether the patent can be put into operation, and its five value scores; every change is kept."""
    patent = own_patent(patent_id)
    form = PatentAssessmentForm(obj=patent)
    if form.validate_on_submit() and perform(lambda: assessment.update_assessment(
            patent, operable=form.operable.data, values={d: getattr(form, d).data for d in VALUE_DIMENSIONS},
            actor=current_user), form=form, success=_("Saved.")):
        return redirect(url_for("patents.assessment_page", patent_id=patent.id))
    params = programme_parameters()
    return render_template("patents/assessment.html", form=form, patent=patent, history=_history(patent.id),
                           value_labels=VALUE_LABELS, params=params), (400 if form.errors else 200)


@bp.post("/patents/operable")
@require("manage_listings")
def bulk_operable():
    """Mark the patents ticked on the list as operable, or as not operable."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("patents.index"))
    given = request.form.getlist("patent")
    ids = [int(v) for v in given if v.isdigit() and len(v) < 10]
    operable = request.form.get("operable") == "1"

    def success(count: int) -> str:
        return _("%(count)s patents changed.", count=count)

    if len(ids) == len(given):
        perform(lambda: assessment.set_operable(current_user.organisation, ids, operable, current_user),
                success=success)
    else:
        from flask import flash

        flash(_("Some of the chosen patents are not your centre's."), "danger")
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/manage/patents") else url_for("patents.index"))
