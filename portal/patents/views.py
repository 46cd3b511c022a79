"""A centre's bulk import page. The templates to fill in are public: :mod:`portal.patents.template_files`."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField

from portal.extensions import db
from portal.forms import choices
from portal.labels import MODE_LABELS
from portal.patents.columns import COLUMNS
from portal.patents.importer import import_patents
from portal.permissions import require

bp = Blueprint("patents", __name__, url_prefix="/manage/patents")

# Beyond this many rows the page lists only the rows with errors: a 10,000-row table helps nobody.
MAX_ROWS_SHOWN = 1000


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.csv or .xlsx)"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    dry_run = BooleanField(_l("Dry run: check every row, save nothing"))
    publish = SelectField(_l("Also publish a listing of each patent"), default="", choices=choices([
        ("", _l("Don't publish")), *MODE_LABELS.items(),
        ("open", _l("Open licence, with the terms in the open_* columns"))]))


@bp.route("/import", methods=["GET", "POST"])
@require("manage_listings")
def import_view():
    """Upload a spreadsheet of the centre's patents; show the report row by row."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        report = import_patents(current_user.organisation, upload.read(), upload.filename or "",
                                dry_run=form.dry_run.data, publish_mode=form.publish.data or None,
                                actor=current_user._get_current_object())
        if report.saved:
            db.session.commit()
    shown = []
    if report is not None:
        shown = report.rows if len(report.rows) <= MAX_ROWS_SHOWN else [r for r in report.rows if r["errors"]]
    failed = bool(form.errors) or (report is not None and report.errors > 0)
    return render_template("patents/import.html", form=form, report=report, shown=shown, columns=COLUMNS), \
        (400 if failed else 200)


# The templates moved to public addresses (anyone may prepare a file before having an account); the
# old addresses, linked from earlier READMEs and bookmarks, send there without asking for a login.
@bp.get("/template.csv")
def template_csv():
    """Moved: the public CSV template."""
    return redirect(url_for("import_help.patents_csv", **request.args), 301)


@bp.get("/template.xlsx")
def template_xlsx():
    """Moved: the public Excel template."""
    return redirect(url_for("import_help.patents_xlsx", **request.args), 301)
