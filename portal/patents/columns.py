"""The import spreadsheet: its columns, how a heading is recognised, how a cell is read.

A centre's spreadsheet comes from Chinese Excel or WPS, so cells arrive as text typed in many
ways (CSV) or as typed values (XLSX: dates as datetimes, numbers as int/float, booleans).
Every parser accepts both and raises :class:`CellError` with a message for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.models import LEGAL_STATUSES, VALUE_DIMENSIONS
from portal.rules import FEE_METHODS


@dataclass(frozen=True)
class Column:
    key: str  # the English heading, exactly as documented
    zh: str  # the Chinese heading
    meaning: object  # lazy translated description, for the upload page
    example: str = ""  # the template's example row
    required: bool = False


_VALUE_ZH = {"technical_value": "技术价值", "legal_value": "法律价值", "market_value": "市场价值",
             "strategic_value": "战略价值", "economic_value": "经济价值"}

COLUMNS: tuple[Column, ...] = (
    Column("application_number", "申请号", _l("Application number, e.g. 201811564288.X (CN/ZL prefix and "
                                               "spaces allowed)"), "201811564288.X", True),
    Column("title", "名称", _l("Title of the invention"), "一种可调节角度的腹腔镜手术器械", True),
    Column("filing_date", "申请日", _l("Filing date, YYYY-MM-DD"), "2018-12-29", True),
    Column("legal_status", "法律状态", _l("valid, lapsed or pending (有效 / 失效 / 审中)"), "valid", True),
    Column("abstract", "摘要", _l("Abstract"), "本发明公开了一种可调节角度的腹腔镜手术器械，操作简便。"),
    Column("ipc", "分类号", _l("IPC symbols, separated by ; or ,"), "A61B 17/00; A61B 17/34"),
    Column("grant_date", "授权日", _l("Grant date; empty when not granted"), "2021-03-02"),
    Column("inventors", "发明人", _l("Inventors"), "张三; 李四"),
    Column("patentee", "专利权人", _l("Patentee(s)"), "示例医院"),
    Column("pct", "PCT申请", _l("PCT application entering China: yes or no"), "no"),
    Column("evaluation_report", "评价报告编号", _l("Patent evaluation report reference (utility models and "
                                                   "designs need one for an open licence)"), ""),
    Column("pledged", "质押", _l("Pledged: yes or no"), "no"),
    Column("pledgee_consent", "质权人同意", _l("Pledgee consents to an open licence: yes or no"), "no"),
    Column("annual_fees_paid", "年费已缴", _l("Annual fees paid: yes or no (default yes)"), "yes"),
    Column("extension_days", "补偿天数", _l("Term extension in days (inventions only)"), "0"),
    *(Column(d, _VALUE_ZH[d], _l("Value score from 1 to 5"), "4") for d in VALUE_DIMENSIONS),
    Column("open_fee_method", "开放许可付费方式", _l("Open licence fee method: lump_sum, royalty_sales, "
                                                      "royalty_profit or entry_plus_royalty"), "lump_sum"),
    Column("open_fee_amount", "开放许可费用", _l("Open licence lump sum or entry fee, in yuan"), "200000"),
    Column("open_royalty_rate", "开放许可提成比例", _l("Open licence royalty rate, in %"), ""),
    Column("open_term_end", "开放许可期限届满日", _l("Last day of the open licence term, YYYY-MM-DD"),
           "2030-12-31"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
REQUIRED = tuple(c.key for c in COLUMNS if c.required)


def heading_key(text: object) -> str:
    """A heading reduced to what matters: case, surrounding/inner spaces, ``_``/``-`` and
    full-width forms do not, so "Application Number", " application_number " and "申请号" all match."""
    folded = str(text or "").translate(_HALFWIDTH).casefold()
    return re.sub(r"[\s_\-]+", "", folded)


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFEFF: None}
_BY_HEADING = {heading_key(name): c.key for c in COLUMNS for name in (c.key, c.zh)}


def column_for(heading: object) -> str | None:
    """The column key a heading names, or None when it names none."""
    return _BY_HEADING.get(heading_key(heading))


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


_STATUSES = {s: s for s in LEGAL_STATUSES} | {"有效": "valid", "失效": "lapsed", "审中": "pending",
                                              "在审": "pending"}


def parse_legal_status(value: object) -> str:
    given = text(value).casefold()
    if given in _STATUSES:
        return _STATUSES[given]
    raise CellError(_("%(value)s is not a legal status: write valid, lapsed or pending (有效 / 失效 / 审中).",
                      value=text(value)))


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


_FEE_METHODS = {key: key for key in FEE_METHODS} | {
    heading_key(label): key for key, labels in FEE_METHODS.items() for label in labels}


def parse_fee_method(value: object) -> str | None:
    """A fee method key, or its Chinese or English name (一次性支付 …); None when blank."""
    if is_blank(value):
        return None
    found = _FEE_METHODS.get(text(value)) or _FEE_METHODS.get(heading_key(text(value)))
    if found is None:
        raise CellError(_("%(value)s is not a fee method: write lump_sum, royalty_sales, royalty_profit or "
                          "entry_plus_royalty.", value=text(value)))
    return found


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
