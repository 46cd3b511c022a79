"""Adding or correcting one patent by hand: the form gives a ``PatentData`` and ``upsert_patent`` —
the same patent writer as the import — validates, writes, audits and notes the search change. Only
the centre's own patents: another centre's answer 404."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.errors import OperationError, rule_message
from portal.models import Patent
from portal.patents.access import own_patent
from portal.patents.forms import PatentForm
from portal.patents.operations import PatentData, upsert_patent
from portal.patents.views import bp
from portal.permissions import require
from portal.rules import RuleError, split_ipc_list
from portal.transaction import perform

# What the form does not show is kept from the patent (legal facts, value scores, English text).
KEPT = ("evaluation_report", "pledged", "pledgee_consent", "annual_fees_paid")


def _data(form: PatentForm, patent: Patent | None) -> PatentData:
    try:
        ipc = split_ipc_list(form.ipc.data or "")
    except RuleError as exc:
        raise OperationError(rule_message(exc), field="ipc") from exc
    kept = {name: getattr(patent, name) for name in KEPT} if patent is not None else {}
    return PatentData(
        application_number=patent.application_number if patent else form.application_number.data,
        title=form.title.data.strip(), filing_date=form.filing_date.data, legal_status=form.legal_status.data,
        abstract=(form.abstract.data or "").strip(), ipc=ipc, grant_date=form.grant_date.data,
        inventors=(form.inventors.data or "").strip(), patentee=(form.patentee.data or "").strip(),
        pct=form.pct.data, extension_days=form.extension_days.data or 0, operable=form.operable.data, **kept)


def _save(form: PatentForm, patent: Patent | None):
    def action():
        saved, _created = upsert_patent(current_user.organisation, _data(form, patent), current_user)
        return saved

    if form.validate_on_submit():
        done = perform(action, form=form, success=_("Patent saved."))
        if done:
            return redirect(url_for("patents.assessment_page", patent_id=done.value.id))
    return render_template("patents/edit.html", form=form, patent=patent), (400 if form.errors else 200)


@bp.route("/patents/new", methods=["GET", "POST"])
@require("manage_listings")
def new_patent():
    """Add one patent without a spreadsheet (a number the centre already holds is updated)."""
    return _save(PatentForm(), None)


@bp.route("/patents/<int:patent_id>/edit", methods=["GET", "POST"])
@require("manage_listings")
def edit_patent(patent_id: int):
    """Correct one of the centre's patents (its number stays)."""
    patent = own_patent(patent_id)
    form = PatentForm(obj=patent)
    if not form.is_submitted():
        form.ipc.data = "; ".join(patent.ipc)
    form.application_number.data = patent.application_number
    return _save(form, patent)

