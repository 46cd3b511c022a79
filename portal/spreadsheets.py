"""Reading a spreadsheet that people filled in, shared by every bulk import (patents, deals).

A centre's spreadsheet comes from Chinese Excel or WPS, so cells arrive as text typed in many
ways (CSV) or as typed values (XLSX: dates as datetimes, numbers as int/float, booleans).
Every parser accepts both and raises :class:`CellError` with a message for the user.

Here: the file (CSV in UTF-8/BOM/GBK, XLSX), headings matched to columns in English or Chinese,
a row's cells read column by column with every problem collected, the report every import
returns (one JSON shape), the command line's rendering of it, and the downloadable templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _


@dataclass(frozen=True)
class Column:
    key: str  # the English heading, exactly as documented
    zh: str  # the Chinese heading
    meaning: object  # lazy translated description, for the upload page
    example: str = ""  # the template's example row
    required: bool = False


def heading_key(text: object) -> str:
    """A heading reduced to what matters: case, surrounding/inner spaces, ``_``/``-`` and
    full-width forms do not, so "Application Number", " application_number " and "申请号" all match."""
    folded = str(text or "").translate(_HALFWIDTH).casefold()
    return re.sub(r"[\s_\-]+", "", folded)


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFEFF: None}


class CellError(ValueError):
    """A cell that cannot be read; the message is already translated."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000\ufeff"))


def text(value: object) -> str:
    """A cell as the text the user sees (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    return str(value).strip(" \t\r\n\u3000\ufeff")


_DATE_PATTERNS = (
    # 2018-12-29, 2018/12/29, 2018.12.29, with an optional time that Excel's CSV export adds
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
# Excel's serial day numbers for 1900-01-01 .. 9999-12-31, as an untyped numeric cell gives them.
_EXCEL_SERIALS = range(1, 2958466)


def parse_date(value: object) -> date | None:
    """A date from a date cell, an Excel serial number or text in a common form; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and int(value) in _EXCEL_SERIALS:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    given = text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(given)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(_("%(value)s is not a date; write it as YYYY-MM-DD.", value=given))


_YES = {"yes", "y", "true", "1", "是", "有"}
_NO = {"no", "n", "false", "0", "否", "无"}


def parse_yes_no(value: object, default: bool) -> bool:
    """yes/no in English or Chinese (是/否), y/n, true/false, 1/0; blank gives ``default``."""
    if is_blank(value):
        return default
    if isinstance(value, bool):
        return value
    given = text(value).casefold()
    if given in _YES:
        return True
    if given in _NO:
        return False
    raise CellError(_("%(value)s is not yes or no (是 / 否).", value=text(value)))


def parse_number(value: object) -> Decimal | None:
    """A non-negative amount; thousands separators, 元, ¥ and a trailing % are allowed."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        cleaned = re.sub(r"[,，\s元¥￥%]", "", text(value))
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise CellError(_("%(value)s is not a number.", value=text(value)))
    if number < 0:
        raise CellError(_("%(value)s is negative.", value=text(value)))
    return number


def parse_whole(value: object, low: int, high: int | None = None) -> int | None:
    """A whole number between ``low`` and ``high`` (inclusive); None when blank."""
    number = parse_number(value) if not isinstance(value, bool) else None
    if number is None and not is_blank(value):
        raise CellError(_("%(value)s is not a whole number.", value=text(value)))
    if number is None:
        return None
    if number != number.to_integral_value() or number < low or (high is not None and number > high):
        if high is None:
            raise CellError(_("%(value)s is not a whole number of %(low)s or more.", value=text(value), low=low))
        raise CellError(_("%(value)s is not a whole number from %(low)s to %(high)s.", value=text(value),
                          low=low, high=high))
    return int(number)


def choice_lookup(pairs: Iterable[tuple[object, str]]) -> dict[str, str]:
    """{folded name: key} for :func:`parse_choice`, from (name, key) pairs (names in any language)."""
    return {heading_key(name): key for name, key in pairs}


def parse_choice(value: object, lookup: dict[str, str], message: str) -> str | None:
    """The key a cell names (by key or any name in ``lookup``, compared as headings are); None when
    blank; else :class:`CellError` with ``message`` (a translated template with ``%(value)s``)."""
    if is_blank(value):
        return None
    found = lookup.get(heading_key(text(value)))
    if found is None:
        raise CellError(message % {"value": text(value)})
    return found


# ---------------------------------------------------------------- headings and rows

def match_headings(headings: list[object], columns: Iterable[Column],
                   errors: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Match a heading row to ``columns`` by English key or Chinese name.

    Returns (position -> column key, column key -> the heading as the file spells it, so that
    messages name the cell the user sees). Missing required, unknown and doubled headings are
    appended to ``errors``: an unknown heading is an error, so a typo never drops a column silently.
    """
    columns = tuple(columns)
    by_heading = {heading_key(name): col.key for col in columns for name in (col.key, col.zh)}
    keys: dict[int, str] = {}
    names: dict[str, str] = {col.key: col.key for col in columns}
    unknown, doubled = [], []
    for position, heading in enumerate(headings):
        if is_blank(heading):
            continue
        key = by_heading.get(heading_key(heading))
        if key is None:
            unknown.append(text(heading))
        elif key in keys.values():
            doubled.append(text(heading))
        else:
            keys[position], names[key] = key, text(heading)
    missing = [f"{col.key} ({col.zh})" for col in columns if col.required and col.key not in keys.values()]
    if missing:
        errors.append(_("Required columns are missing: %(columns)s.", columns=", ".join(missing)))
    if unknown:
        errors.append(_("Unknown columns: %(columns)s. Use the headings of the template, in English or Chinese.",
                        columns=", ".join(unknown)))
    if doubled:
        errors.append(_("Columns given twice: %(columns)s.", columns=", ".join(doubled)))
    return keys, names


def row_values(cells: list[object], keys: dict[int, str], errors: list[str]) -> dict[str, object]:
    """A data row's cells by column key; a value under no heading is an error (named by its letter)."""
    from openpyxl.utils import get_column_letter

    values = {}
    for position, value in enumerate(cells):
        key = keys.get(position)
        if key:
            values[key] = value
        elif not is_blank(value):
            # Named by letter, as Excel shows it.
            errors.append(_("Column %(letter)s has a value but no heading.", letter=get_column_letter(position + 1)))
    return values


@dataclass
class RowReader:
    """Reads one row cell by cell, collecting every problem (not just the first), each prefixed
    with the column's heading as the file spells it, so the user can find the cell."""

    values: dict[str, object]
    names: dict[str, str]  # column key -> heading as typed
    errors: list[str]
    max_length: dict[str, int] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)  # the columns with a problem

    def problem(self, key: str, message: object) -> None:
        self.failed.add(key)
        self.errors.append(_("%(column)s: %(problem)s", column=self.names.get(key, key), problem=str(message)))

    def cell(self, key: str, parse: Callable, *args, required: bool = False):
        """``parse(value, *args)``; a :class:`CellError` or ``portal.rules`` error becomes a problem of
        the column, and so does a blank required cell or text longer than ``max_length``."""
        from portal.errors import rule_message
        from portal.rules import RuleError

        value = self.values.get(key)
        if required and is_blank(value):
            self.problem(key, _("A value is required."))
            return None
        try:
            result = parse(value, *args)
        except (CellError, RuleError) as exc:
            self.problem(key, rule_message(exc))
            return None
        if isinstance(result, str) and len(result) > self.max_length.get(key, len(result)):
            self.problem(key, _("Longer than %(max)s characters.", max=self.max_length[key]))
        return result


# ---------------------------------------------------------------- the report

@dataclass
class ImportReport:
    """What an import did, or would do: one entry per data row, in spreadsheet numbering.

    Each row is ``{"row": n, "application_number": "…", "status": "ok" | "updated" | "error",
    "errors": [...]}``; ``application_number`` identifies the row for people (for a deal, its
    first patent).
    """

    rows: list[dict] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)  # row -> warnings (not errors)
    dry_run: bool = False
    saved: bool = False

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row["status"] == status)

    @property
    def ok(self) -> int:
        return self._count("ok")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def errors(self) -> int:
        return self._count("error")

    def file_error(self, problems: list[str]) -> ImportReport:
        """A problem with the file as a whole, reported on row 1 (the heading row): one shape."""
        self.rows.append({"row": 1, "application_number": "", "status": "error", "errors": list(problems)})
        return self

    def summary(self) -> str:
        """One sentence for people: the counts and whether anything was saved."""
        counts = _("%(ok)s new, %(updated)s updated, %(errors)s with errors.", ok=self.ok, updated=self.updated,
                   errors=self.errors)
        if self.errors:
            return counts + " " + _("Nothing was saved: correct the rows with errors and import the file again.")
        if self.dry_run:
            return counts + " " + _("Dry run: nothing was saved.")
        return counts + " " + _("Saved.")

    def to_json(self) -> dict:
        """Exactly ``{"rows": [...], "ok": N, "updated": N, "errors": N}``."""
        return {"rows": [dict(row) for row in self.rows], "ok": self.ok, "updated": self.updated,
                "errors": self.errors}


def echo_report(report: ImportReport) -> None:
    """For the command line: rows with problems (and warnings) one by one, then the totals."""
    import click

    for row in report.rows:
        if row["errors"]:
            click.echo(_("Row %(row)s %(number)s:", row=row["row"], number=row["application_number"]))
            for problem in row["errors"]:
                click.echo(f"  - {problem}")
    for number, warnings in sorted(report.warnings.items()):
        for warning in warnings:
            click.echo(_("Row %(row)s, warning: %(warning)s", row=number, warning=warning))
    click.echo(report.summary())


# ---------------------------------------------------------------- reading a file

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


# ---------------------------------------------------------------- templates to download

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
