"""The patent import spreadsheet explained and its templates, public: a centre prepares its file
before (or without) signing in, and the README links here."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from portal.patents.columns import COLUMNS
from portal.rules import application_check_character, last_day_of_protection, parse_application_number
from portal.spreadsheets import XLSX_MIMETYPE, csv_bytes, download, xlsx_bytes

bp = Blueprint("import_help", __name__, url_prefix="/help/import")


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


@bp.get("/patents")
def patents():
    """The columns of the patent import file, with links to the templates."""
    return render_template("patents/import_help.html", columns=COLUMNS)


@bp.get("/patents-template.csv")
def patents_csv():
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


@bp.get("/patents-template.xlsx")
def patents_xlsx():
    """The import template as an Excel workbook; ``?headers=zh`` gives Chinese headings."""
    headings, example = template_rows(request.args.get("headers") == "zh")
    # Typed cells, as a user's own workbook would hold them: dates as dates, scores as numbers; the
    # number column as text, as Excel would otherwise read a number without its check character as a
    # number and could round it.
    row = [_typed(c.key, value) for c, value in zip(COLUMNS, example, strict=True)]
    content = xlsx_bytes(_("Patents"), headings, [row], text_columns=(0,), wide_columns=(0, 1, 4, 5, 6))
    return download(content, XLSX_MIMETYPE, "patents-template.xlsx")
