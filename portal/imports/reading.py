"""Reading the uploaded file: CSV (UTF-8 with or without a BOM, GBK/GB18030, UTF-16) or the first
sheet of an XLSX workbook, as rows of cell values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is already translated."""


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """The first sheet of an XLSX workbook, or a CSV file, as a list of rows of cell values."""
    suffix = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if suffix == "xlsx":
        return _read_xlsx(data)
    if suffix == "csv":
        return _read_csv(data)
    raise FileProblem(_("Upload a .csv or .xlsx file (in Excel: Save As, then CSV UTF-8 or Excel Workbook)."))


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without a BOM, else GBK as Chinese Excel saves "CSV (comma delimited)".

    gb18030 is the superset of GBK, so it also reads the rare characters GBK lacks.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The file is neither UTF-8 nor GBK text; save it again as CSV UTF-8."))


def _read_csv(data: bytes) -> list[list[object]]:
    import csv
    import io

    content = decode_csv(data)
    first_line = content.split("\n", 1)[0]
    # Chinese Excel writes commas, its "Unicode text" tabs, some European settings semicolons.
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        return [row for row in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise FileProblem(_("The CSV file cannot be read: %(problem)s", problem=str(exc))) from exc


def _xlsx_value(cell) -> object:
    value = cell.value
    # A percentage cell holds 0.05 but shows 5%: keep what the user sees.
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return f"{Decimal(str(value)) * 100:f}%"
    return value


def _read_xlsx(data: bytes) -> list[list[object]]:
    import io
    import warnings
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # openpyxl warns about styles and extensions it ignores; they do not matter for data.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                return [[_xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
            finally:
                workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError) as exc:
        raise FileProblem(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc


def load_upload(file: bytes | str | Path, filename: str | None) -> tuple[bytes, str]:
    """An import's input as bytes and a file name: the uploaded bytes, or a file on disk (CLI)."""
    if isinstance(file, str | Path):
        return Path(file).read_bytes(), filename or Path(file).name
    return file, filename or ""
