"""Writing spreadsheets: CSV (UTF-8 with a BOM) and XLSX bytes, and the download response.

Every export and every downloadable template goes through here (Indico's ``util/spreadsheets``):
rows in, bytes out, no request and no clock.

Text from users (a company's name, a patent's title) can begin like a formula: ``=HYPERLINK(…)``
would run in the centre's spreadsheet program. No text cell is ever written as a formula: in a
workbook every text cell is typed as a string (shown exactly as typed); in CSV, which has no types,
a text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, the spreadsheet programs' own mark for "this is text".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, mimetype: str, filename: str):
    """A response that the browser saves as ``filename``."""
    from flask import Response

    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet program evaluates."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell_text(value: object) -> object:
    if isinstance(value, str):
        return defused(value)
    return value.isoformat() if isinstance(value, date) else value


def csv_bytes(rows: Iterable[Sequence[object]], headings: Sequence[str] | None = None) -> bytes:
    """CSV in UTF-8 with a BOM, so that Excel shows the Chinese correctly; dates as YYYY-MM-DD."""
    out = io.StringIO()
    writer = csv.writer(out)
    if headings is not None:
        writer.writerow(headings)
    writer.writerows([_cell_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One sheet of a workbook: a bold heading row, then ``rows`` as typed cells."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]
    # 0-based columns formatted as text, so that Excel keeps what is typed there (a number without
    # its check character would otherwise become a number, and could be rounded).
    text_columns: Iterable[int] = ()
    widths: dict[int, float] = field(default_factory=dict)  # 0-based column -> width in characters


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of ``sheets``: amounts shown as #,##0.00 and dates as yyyy-mm-dd."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        sheet.append(list(spec.headings))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text begins with
        text_columns = set(spec.text_columns)
        for cells in sheet.iter_rows(min_row=2):
            for position, cell in enumerate(cells):
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                if position in text_columns:
                    cell.number_format = "@"
        for position, width in spec.widths.items():
            sheet.column_dimensions[get_column_letter(position + 1)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(title: str, headings: list[str], rows: list[list[object]], *, text_columns: Iterable[int] = (),
               wide_columns: Iterable[int] = ()) -> bytes:
    """A workbook of one sheet (a downloadable template); ``wide_columns`` are 28 characters wide."""
    return workbook_bytes([Sheet(title, headings, rows, text_columns, {c: 28 for c in wide_columns})])
