"""A centre's bulk import page and the spreadsheet templates to fill in."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
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
from portal.rules import application_check_character, last_day_of_protection, parse_application_number
from portal.spreadsheets import XLSX_MIMETYPE, csv_bytes, download, xlsx_bytes

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


def template_rows(chinese: bool = False) -> list[list[str]]:
    """The heading row (English keys, or Chinese names) and one example row that imports cleanly,
    open-licence terms included."""
    body = "201811564288"
    number = parse_application_number(f"{body}.{application_check_character(body)}")
    example = {c.key: c.example for c in COLUMNS} | {"application_number": number.canonical}
    # The term must end after today and by the last day of protection, whenever the template is fetched.
    last_day = last_day_of_protection(number, date.fromisoformat(example["filing_date"]))
    example["open_term_end"] = min(date(date.today().year + 5, 12, 31), last_day).isoformat()
    return [[c.zh if chinese else c.key for c in COLUMNS], [example[c.key] for c in COLUMNS]]


@bp.get("/template.csv")
@require("manage_listings")
def template_csv():
    """The import template as CSV, UTF-8 with a BOM so that Excel shows the Chinese correctly.
    ``?headers=zh`` gives Chinese headings."""
    return download(csv_bytes(template_rows(request.args.get("headers") == "zh")), "text/csv",
                    "patents-template.csv")


def _typed(key: str, value: str) -> object:
    if value and key.endswith(("_date", "_end")):
        return date.fromisoformat(value)
    if value.isdigit() and key != "application_number":
        return int(value)
    return value


@bp.get("/template.xlsx")
@require("manage_listings")
def template_xlsx():
    """The import template as an Excel workbook; ``?headers=zh`` gives Chinese headings."""
    headings, example = template_rows(request.args.get("headers") == "zh")
    # Typed cells, as a user's own workbook would hold them: dates as dates, scores as numbers; the
    # number column as text, as Excel would otherwise read a number without its check character as a
    # number and could round it.
    row = [_typed(c.key, value) for c, value in zip(COLUMNS, example, strict=True)]
    content = xlsx_bytes(_("Patents"), headings, [row], text_columns=(0,), wide_columns=(0, 1, 4))
    return download(content, XLSX_MIMETYPE, "patents-template.xlsx")
