"""Reading the uploaded file: CSV (UTF-8 with or without a BOM, GBK/GB18030, UTF-16) or the first
sheet of an XLSX workbook, as rows of cell values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is already translated."""


# An upload may not stall a worker: a row cap checked before the rows are parsed, and an XLSX
# (a zip) refused before openpyxl opens it when it would unpack to more than this, or when one of
# its parts is compressed suspiciously well (a "zip bomb": 25 KB that holds 300,000 rows).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


def read_table(data: bytes, filename: str, max_rows: int = 10_000) -> list[list[object]]:
    """The first sheet of an XLSX workbook, or a CSV file, as a list of rows of cell values;
    :class:`FileProblem` for a file with more than ``max_rows`` data rows, found out before
    parsing more than that."""
    suffix = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if suffix == "xlsx":
        return _read_xlsx(data, max_rows)
    if suffix == "csv":
        if data.count(b"\n") > max_rows + 1 and _data_lines(data) > max_rows + 1:
            raise _too_many(max_rows)
        return _read_csv(data)
    raise FileProblem(_("Upload a .csv or .xlsx file (in Excel: Save As, then CSV UTF-8 or Excel Workbook)."))


def _too_many(max_rows: int) -> FileProblem:
    return FileProblem(_("The file has more than %(max)s rows: split it into files of at most %(max)s rows each.",
                         max=max_rows))


def _data_lines(data: bytes) -> int:
    """Lines that hold something (a file may end in blank lines)."""
    return sum(1 for line in data.splitlines() if line.strip(b" \t\r\x00,;"))


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without a BOM, else GBK as Chinese Excel saves "CSV (comma delimited)".

    gb18030 is the superset of GBK, so it also reads the rare characters GBK lacks.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # an odd number of bytes, a lone surrogate
            raise FileProblem(_("The file is damaged UTF-16 text; save it again as CSV UTF-8.")) from exc
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


def _check_zip(data: bytes) -> None:
    """Refuse a workbook that would unpack to too much, before anything is unpacked."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    unpacked = sum(part.file_size for part in parts)
    bomb = any(part.file_size > 1024 * 1024 and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1)
               for part in parts)
    if unpacked > MAX_UNPACKED_BYTES or bomb:
        raise FileProblem(_("The workbook unpacks to far more data than a spreadsheet of its rows should: save it "
                            "again from Excel, or as CSV."))


def _read_xlsx(data: bytes, max_rows: int) -> list[list[object]]:
    import io
    import warnings
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_zip(data)
    try:
        # openpyxl warns about styles and extensions it ignores; they do not matter for data.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                rows = []
                for row in sheet.iter_rows():
                    rows.append([_xlsx_value(cell) for cell in row])
                    if len(rows) > max_rows + 1 and any(v not in (None, "") for v in rows[-1]):
                        raise _too_many(max_rows)
                return rows
            finally:
                workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError) as exc:
        raise FileProblem(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc


def load_upload(file: bytes | str | Path, filename: str | None) -> tuple[bytes, str]:
    """An import's input as bytes and a file name: the uploaded bytes, or a file on disk (CLI)."""
    if isinstance(file, str | Path):
        return Path(file).read_bytes(), filename or Path(file).name
    return file, filename or ""
