"""Globals and filters shared by every template."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_datetime, get_locale

from portal import labels
from portal.forms import EmptyForm
from portal.permissions import can

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC timestamp shown in Shanghai time."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=can,
        labels=labels,
        get_locale=get_locale,
        empty_form=EmptyForm,
        languages=(("zh_CN", "中文"), ("en", "English")),
    )
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["industry"] = labels.industry_label
