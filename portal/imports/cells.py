"""Cells of a spreadsheet that people filled in, and the columns they belong to.

A centre's spreadsheet comes from Chinese Excel or WPS, so cells arrive as text typed in many
ways (CSV) or as typed values (XLSX: dates as datetimes, numbers as int/float, booleans).
Every parser accepts both and raises :class:`CellError` with a message for the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
