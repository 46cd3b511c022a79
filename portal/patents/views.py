"""A centre's patent pages (under /manage): the patent list, legal facts and co-owners,
open-licence declarations and their withdrawal, and the bulk import.

Every object is looked up within the user's own centre: another centre's ids answer 404. The
templates to fill in for an import are public: :mod:`portal.patents.import_help`.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.imports.job_views import recent_jobs
from portal.imports.upload import submit_upload
from portal.imports.views import import_page
from portal.models import Patent
from portal.patents import facts as facts_ops
from portal.patents.access import own_declaration, own_patent
from portal.patents.columns import COLUMNS
from portal.patents.forms import (
    DeclarationForm,
    ImportForm,
    PatentEnglishForm,
    PatentFactsForm,
    WithdrawDeclarationForm,
)
from portal.patents.importer import import_patents
from portal.patents.open_licence import declare_open_licence, fee_guidance, withdraw_open_licence
from portal.patents.operations import update_patent_english
from portal.permissions import require
from portal.rules import OpenLicenceTerms
from portal.transaction import perform

bp = Blueprint("patents", __name__, url_prefix="/manage")

BLANK_CO_OWNER_ROWS = 2  # empty rows offered for new co-owners; more after each save


@bp.get("/patents")
@require("manage_listings")
def index():
    """The centre's patents, with their open-licence state, operation flag and value scores;
    ``?operable=1`` / ``?operable=0`` and ``?high_value=1`` filter them."""
    from portal.metrics.access import programme_parameters
    from portal.metrics.patent_counts import high_value_clause

    params = programme_parameters()
    query = db.select(Patent).where(Patent.centre_id == current_user.organisation_id)
    shown = {}
    if request.args.get("operable") in ("0", "1"):
        shown["operable"] = request.args["operable"]
        query = query.where(Patent.operable.is_(shown["operable"] == "1"))
    if request.args.get("high_value") == "1":
        shown["high_value"] = "1"
        query = query.where(high_value_clause(params.high_value_min_average))
    page = db.paginate(query.order_by(Patent.id.desc()), per_page=50, error_out=False)
    return render_template("patents/index.html", page=page, shown=shown, params=params)


@bp.route("/patents/<int:patent_id>/facts", methods=["GET", "POST"])
@require("manage_listings")
def facts(patent_id: int):
    """The legal facts an open licence depends on: pledge, fees, disputes, other licences, and each
    co-owner's consent."""
    patent = own_patent(patent_id)
    form = PatentFactsForm(obj=patent)
    if request.method == "GET":
        for co_owner in patent.co_owners:
            form.co_owner.append_entry(co_owner)
        for _blank in range(BLANK_CO_OWNER_ROWS):
            form.co_owner.append_entry()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in facts_ops.PATENT_FACTS}
        values["evaluation_report"] = (values["evaluation_report"] or "").strip() or None

        def save():
            facts_ops.update_patent_facts(patent, values, current_user)
            facts_ops.update_co_owners(patent, _co_owner_rows(form), current_user)

        if perform(save, form=form, success=_("Patent facts saved.")):
            return redirect(url_for("patents.declare", patent_id=patent.id))
    return render_template("patents/facts.html", form=form, patent=patent), (400 if form.errors else 200)


@bp.route("/patents/<int:patent_id>/english", methods=["GET", "POST"])
@require("manage_listings")
def english(patent_id: int):
    """The patent's optional English title and abstract, for the English interface and English search."""
    patent = own_patent(patent_id)
    form = PatentEnglishForm(obj=patent)
    if form.validate_on_submit() and perform(
            lambda: update_patent_english(patent, form.title_en.data or "", form.abstract_en.data or "", current_user),
            form=form, success=_("English title and abstract saved.")):
        return redirect(url_for("patents.index"))
    return render_template("patents/english.html", form=form, patent=patent), (400 if form.errors else 200)


def _co_owner_rows(form: PatentFactsForm) -> list[facts_ops.CoOwnerData]:
    rows = []
    for entry in form.co_owner:
        given = (entry.form.id.data or "").strip()
        rows.append(facts_ops.CoOwnerData(
            name=entry.form.name.data or "", consent=entry.form.consent.data,
            consent_date=entry.form.consent_date.data, reference=entry.form.reference.data or "",
            # Anything but a number is no recorded co-owner's id: the operation refuses it.
            id=(int(given) if given.isdigit() else -1) if given else None, remove=entry.form.remove.data))
    return rows


@bp.route("/patents/<int:patent_id>/open-licence", methods=["GET", "POST"])
@require("manage_listings")
def declare(patent_id: int):
    """Declare an open licence on a patent, under the rules of Patent Law Arts 50–52."""
    patent = own_patent(patent_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        terms = OpenLicenceTerms(fee_method=form.fee_method.data, fee_amount_yuan=form.fee_amount_yuan.data,
                                 royalty_rate_pct=form.royalty_rate_pct.data, term_end=form.term_end.data)
        done = perform(lambda: declare_open_licence(
            patent, terms, announced_on=form.announced_on.data, cnipa_reference=form.cnipa_reference.data,
            actor=current_user, guidance=fee_guidance()), form=form)
        if done:
            _declaration, warnings = done.value
            for warning in warnings:
                flash(warning, "warning")
            flash(_("Open licence declared."), "success")
            return redirect(url_for("patents.index"))
    return render_template("patents/declare.html", form=form, patent=patent,
                           withdraw_form=WithdrawDeclarationForm()), (400 if form.errors else 200)


@bp.post("/declarations/<int:declaration_id>/withdraw")
@require("manage_listings")
def withdraw_declaration(declaration_id: int):
    """Withdraw an open-licence declaration; licences already taken stay in force."""
    declaration = own_declaration(declaration_id)
    form = WithdrawDeclarationForm()
    if not form.validate_on_submit():
        flash(_("Give the date and the reason for the withdrawal."), "danger")
    else:
        perform(lambda: withdraw_open_licence(declaration, on=form.withdrawn_on.data, reason=form.reason.data,
                                              actor=current_user), success=_("Open licence withdrawn."))
    return redirect(url_for("patents.declare", patent_id=declaration.patent_id))


@bp.route("/patents/import", methods=["GET", "POST"])
@require("manage_listings")
def import_view():
    """Upload a spreadsheet of the centre's patents; show the report row by row (a large file is
    queued as an import job and followed on its own page)."""
    form = ImportForm()
    publish_mode = form.publish.data or None
    done = submit_upload("patents", form, lambda data, filename: import_patents(
        current_user.organisation, data, filename, dry_run=form.dry_run.data, publish_mode=publish_mode,
        actor=current_user._get_current_object()), dry_run=form.dry_run.data, publish_mode=publish_mode)
    if done.redirect is not None:
        return done.redirect
    report = done.report
    return import_page("patents/import.html", form, report, columns=COLUMNS, jobs=recent_jobs("patents"),
                       held=done.held)


# The templates moved to public addresses (anyone may prepare a file before having an account); the
# old addresses, linked from earlier READMEs and bookmarks, send there without asking for a login.
@bp.get("/patents/template.csv")
def template_csv():
    """Moved: the public CSV template."""
    return redirect(url_for("import_help.patents_csv", **request.args), 301)


@bp.get("/patents/template.xlsx")
def template_xlsx():
    """Moved: the public Excel template."""
    return redirect(url_for("import_help.patents_xlsx", **request.args), 301)
