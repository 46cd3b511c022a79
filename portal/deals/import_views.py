"""A centre's import of its past deals (the baseline year), and the spreadsheet templates to fill in."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.deals.import_rows import COLUMNS
from portal.deals.importer import import_deals
from portal.extensions import db
from portal.imports.forms import ImportUploadForm
from portal.imports.job_views import recent_jobs
from portal.imports.upload import submit_upload
from portal.imports.views import import_page
from portal.models import Patent
from portal.permissions import require
from portal.rules import INDUSTRIES
from portal.spreadsheets import XLSX_MIMETYPE, csv_bytes, download, xlsx_bytes

bp = Blueprint("deal_import", __name__, url_prefix="/deals/import")

# Columns whose cells stay text in the Excel template (numbers Excel would otherwise mangle).
_TEXT_COLUMNS = ("application_numbers", "counterparty_credit_code", "recordal_number")
# The example row with Chinese headings speaks Chinese too.
_ZH_EXAMPLE = {"kind": "普通许可", "counterparty_industry": "工业", "recordal_status": "已备案",
               "exchange": "上海技术交易所"}


class DealImportForm(ImportUploadForm):
    """The file and the dry-run switch: all a deal import asks."""


@bp.route("", methods=["GET", "POST"])
@require("record_deals")
def upload():
    """Upload a spreadsheet of the centre's past deals; show the report row by row (a large file is
    queued as an import job and followed on its own page)."""
    form = DealImportForm()
    done = submit_upload("deals", form, lambda data, filename: import_deals(
        current_user.organisation, data, filename, dry_run=form.dry_run.data,
        actor=current_user._get_current_object()), dry_run=form.dry_run.data)
    if done.redirect is not None:
        return done.redirect
    return import_page("deals/import.html", form, done.report, columns=COLUMNS, industries=INDUSTRIES,
                       jobs=recent_jobs("deals"), held=done.held)


def template_rows(centre_id: int, chinese: bool = False) -> tuple[list[str], list[object]]:
    """The heading row (English keys, or Chinese names) and one example row, typed (dates as dates,
    amounts as numbers). The example names one of the centre's own patents, with dates inside its
    term, so that it imports cleanly; a centre without patents gets a placeholder number."""
    example: dict[str, object] = {c.key: c.example for c in COLUMNS}
    if chinese:
        example |= _ZH_EXAMPLE
    patents = db.session.scalars(db.select(Patent).where(Patent.centre_id == centre_id)
                                 .order_by(Patent.filing_date.desc(), Patent.id)).all()
    effective = date(date.today().year - 1, 6, 1)
    term_end = date(effective.year + 4, 12, 31)
    if patents:
        patent = max(patents, key=lambda p: p.last_day)
        example["application_numbers"] = patent.application_number
        effective = min(effective, patent.last_day - timedelta(days=400))
        term_end = min(term_end, patent.last_day)
    example |= {"effective_date": effective, "term_end": term_end, "received_date": effective + timedelta(days=44),
                "recordal_date": effective + timedelta(days=61), "recordal_number": f"{effective.year}310000123"}
    for column in COLUMNS:
        value = example[column.key]
        if isinstance(value, str) and value.isdigit() and column.key not in _TEXT_COLUMNS:
            example[column.key] = int(value)
    return [c.zh if chinese else c.key for c in COLUMNS], [example[c.key] for c in COLUMNS]


@bp.get("/template.csv")
@require("record_deals")
def template_csv():
    """The import template as CSV (UTF-8 with a BOM); ``?headers=zh`` gives Chinese headings."""
    headings, example = template_rows(current_user.organisation_id, request.args.get("headers") == "zh")
    text = ["" if v is None else v.isoformat() if isinstance(v, date) else str(v) for v in example]
    return download(csv_bytes([headings, text]), "text/csv", "deals-template.csv")


@bp.get("/template.xlsx")
@require("record_deals")
def template_xlsx():
    """The import template as an Excel workbook; ``?headers=zh`` gives Chinese headings."""
    headings, example = template_rows(current_user.organisation_id, request.args.get("headers") == "zh")
    keys = [c.key for c in COLUMNS]
    content = xlsx_bytes(_("Deals"), headings, [[v if v != "" else None for v in example]],
                         text_columns=[keys.index(k) for k in _TEXT_COLUMNS],
                         wide_columns=[keys.index(k) for k in ("application_numbers", "counterparty",
                                                               "counterparty_credit_code")])
    return download(content, XLSX_MIMETYPE, "deals-template.xlsx")
