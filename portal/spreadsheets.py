"""Writing spreadsheets: CSV (UTF-8 with a BOM) and XLSX bytes, and the download response.

Every export and every downloadable template goes through here (Indico's ``util/spreadsheets``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, mimetype: str, filename: str):
    """A response that the browser saves as ``filename``."""
    from flask import Response

    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_bytes(rows: list[list[object]]) -> bytes:
    """CSV in UTF-8 with a BOM, so that Excel shows the Chinese correctly."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, headings: list[str], rows: list[list[object]], *, text_columns: Iterable[int] = (),
               wide_columns: Iterable[int] = ()) -> bytes:
    """A workbook with a bold heading row and ``rows`` as typed cells (dates shown as yyyy-mm-dd).

    ``text_columns`` (0-based) are formatted as text, so that Excel keeps what is typed there
    (a number without its check character would otherwise become a number, and could be rounded).
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_columns = set(text_columns)
    for cells in sheet.iter_rows(min_row=2):
        for position, cell in enumerate(cells):
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            if position in text_columns:
                cell.number_format = "@"
    for position in wide_columns:
        sheet.column_dimensions[get_column_letter(position + 1)].width = 28
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
