"""The facts a centre records for its assessment: staff, PCT applications, patent navigation reports,
rules documents and awards. The centre's own staff edit them; whoever may see the centre's figures
may read a navigation report's document."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import db
from portal.labels import AWARD_LABELS
from portal.metrics import operations as ops
from portal.metrics import records
from portal.metrics.access import is_centre_staff, may_view
from portal.metrics.blueprint import bp
from portal.metrics.forms import (
    AwardForm,
    FundingForm,
    LeadershipForm,
    NavigationReportForm,
    PctForm,
    RulesDocumentForm,
    StaffingForm,
)
from portal.models import (
    CentreAward,
    CentreProfile,
    FundingSecured,
    LeadershipBody,
    NavigationReport,
    Organisation,
    PctApplication,
    RulesDocument,
)
from portal.transaction import perform

FORMS = {"staffing": StaffingForm, "pct": PctForm, "report": NavigationReportForm, "rules": RulesDocumentForm,
         "award": AwardForm, "leadership": LeadershipForm, "funding": FundingForm}


def own_centre() -> Organisation:
    """The logged-in centre staff's centre; 403 for everyone else."""
    if not is_centre_staff(current_user):
        abort(403)
    return current_user.organisation


def _facts(centre_id: int, model, order):
    return db.session.scalars(db.select(model).where(model.centre_id == centre_id).order_by(order)).all()


def _page(centre: Organisation, status: int = 200, **given):
    profile = db.session.get(CentreProfile, centre.id)
    forms = {name: given.get(name) or form_class(formdata=None) for name, form_class in FORMS.items()}
    if "staffing" not in given and profile is not None:
        forms["staffing"] = StaffingForm(formdata=None, obj=profile)
    leadership = db.session.get(LeadershipBody, centre.id)
    if "leadership" not in given and leadership is not None:
        forms["leadership"] = LeadershipForm(formdata=None, obj=leadership)
    return render_template(
        "metrics/facts.html", centre=centre, forms=forms, award_labels=AWARD_LABELS,
        pct=_facts(centre.id, PctApplication, PctApplication.filing_date.desc()),
        reports=_facts(centre.id, NavigationReport, NavigationReport.report_date.desc()),
        rules=_facts(centre.id, RulesDocument, RulesDocument.adopted_on.desc()),
        awards=_facts(centre.id, CentreAward, CentreAward.year.desc()), leadership=leadership,
        funding=_facts(centre.id, FundingSecured, FundingSecured.secured_on.desc()),
        funding_total=records.funding_total(centre.id)), status


@bp.get("/metrics/centre/facts")
@login_required
def facts():
    """The centre's facts, each list with its form."""
    return _page(own_centre())


def _save(name: str, action, success: str):
    """Validate the form ``name``, run ``action(form)``; commit and go back, or show the errors (400)."""
    centre = own_centre()
    form = FORMS[name]()
    if form.validate_on_submit() and perform(lambda: action(centre, form), form=form, success=success):
        return redirect(url_for("metrics.facts"))
    return _page(centre, 400, **{name: form})


@bp.post("/metrics/centre/facts/staffing")
@login_required
def staffing():
    return _save("staffing", lambda centre, form: ops.update_staffing(
        centre, has_ip_department=form.has_ip_department.data, full_time=form.full_time_ip_staff.data,
        certified=form.certified_staff.data, actor=current_user), _("Staff saved."))


@bp.post("/metrics/centre/facts/pct")
@login_required
def add_pct():
    return _save("pct", lambda centre, form: ops.add_pct_application(
        centre, form.number.data, form.filing_date.data, form.title.data, actor=current_user),
        _("PCT application recorded."))


@bp.post("/metrics/centre/facts/reports")
@login_required
def add_report():
    def action(centre, form):
        upload = form.document.data
        ops.add_navigation_report(centre, title=form.title.data, discipline=form.discipline.data,
                                  report_date=form.report_date.data, filename=upload.filename or "",
                                  content=upload.read(), actor=current_user)

    return _save("report", action, _("Navigation report stored."))


@bp.post("/metrics/centre/facts/rules")
@login_required
def add_rules():
    return _save("rules", lambda centre, form: ops.add_rules_document(
        centre, title=form.title.data, reference=form.reference.data, adopted_on=form.adopted_on.data,
        actor=current_user), _("Rules document recorded."))


@bp.post("/metrics/centre/facts/awards")
@login_required
def add_award():
    return _save("award", lambda centre, form: ops.add_award(
        centre, kind=form.kind.data, title=form.title.data, year=form.year.data, actor=current_user),
        _("Award recorded."))


@bp.post("/metrics/centre/facts/leadership")
@login_required
def leadership():
    return _save("leadership", lambda centre, form: records.save_leadership(
        centre, name=form.name.data, leader=form.leader.data, leader_position=form.leader_position.data,
        members=form.members.data, established_on=form.established_on.data,
        document_reference=form.document_reference.data, actor=current_user), _("Leadership body saved."))


@bp.post("/metrics/centre/facts/funding")
@login_required
def add_funding():
    return _save("funding", lambda centre, form: records.add_funding(
        centre, amount=form.amount.data, source=form.source.data, secured_on=form.secured_on.data,
        title=form.title.data, actor=current_user), _("Funding recorded."))


@bp.post("/metrics/centre/facts/<any(pct, reports, rules, awards, funding):kind>/<int:fact_id>/delete")
@login_required
def delete_fact(kind: str, fact_id: int):
    """Remove one of the centre's facts (a mistaken entry)."""
    from portal.forms import EmptyForm

    centre = own_centre()
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not ops.delete_fact(centre, kind, fact_id, current_user):
        abort(404)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("metrics.facts"))


@bp.get("/metrics/reports/<int:report_id>/document")
@login_required
def report_document(report_id: int):
    """A navigation report's document, to the centre's staff and to organisers and administrators."""
    report = db.session.get(NavigationReport, report_id)
    if report is None or not may_view(current_user, db.session.get(Organisation, report.centre_id)):
        abort(404)
    return send_file(io.BytesIO(report.document), mimetype=report.content_type, as_attachment=True,
                     download_name=report.filename)
