"""Times and numbers as people read them: plain functions, usable by templates, feeds and mail."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import format_datetime, to_user_timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC timestamp shown in Shanghai time."""
    if value is None:
        return ""
    if fmt == "yyyy-MM-dd":  # a card's date: the same digits as Babel's, a tenth of its cost
        return to_user_timezone(value).strftime("%Y-%m-%d")
    return format_datetime(value, fmt)


def plain_number(value) -> str:
    """2.500 → 2.5, 20000.00 → 20000: rates and amounts as people write them."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
