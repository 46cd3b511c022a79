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


def plain_number(value) -> str:
    """2.500 → 2.5, 20000.00 → 20000: rates and amounts as people write them."""
    from decimal import Decimal

    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def unread_notifications() -> int:
    from flask_login import current_user

    from portal.notify import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def _render_notification(kind: str, params: dict) -> str:
    from portal.notify import render

    return render(kind, params)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=can,
        labels=labels,
        get_locale=get_locale,
        empty_form=EmptyForm,
        unread_notifications=unread_notifications,
        render_notification=_render_notification,
        languages=(("zh_CN", "中文"), ("en", "English")),
    )
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["industry"] = labels.industry_label
    app.jinja_env.filters["plain_number"] = plain_number
