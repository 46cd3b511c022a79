"""Globals and filters shared by every template."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from portal import labels
from portal.forms import EmptyForm
from portal.listings import cards
from portal.listings.card_html import card_html
from portal.main import jinja_i18n
from portal.main.nav_cache import nav_items
from portal.permissions import can
from portal.timefmt import local_time, plain_number


def unread_notifications() -> int:
    from flask_login import current_user

    from portal.notify import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def _render_notification(kind: str, params: dict) -> str:
    from portal.notify import render

    return render(kind, params)


def localised(obj: object, name: str, locale: str | None = None) -> str:
    """``obj``'s text ``name`` in the reader's language: the English one (``<name>_en``) when the
    locale is English and it is filled in, else the Chinese one (empty when ``obj`` has none: a
    listing's summary exists in English only). For listings and patents alike; in templates,
    ``listing|localised('title')``."""
    if (locale or str(get_locale())).startswith("en"):
        english = (getattr(obj, f"{name}_en", None) or "").strip()
        if english:
            return english
    return getattr(obj, name, None) or ""


def register(app: Flask) -> None:
    jinja_i18n.install(app)
    app.jinja_env.globals.update(
        can=can,
        labels=labels,
        get_locale=get_locale,
        empty_form=EmptyForm,
        unread_notifications=unread_notifications,
        render_notification=_render_notification,
        languages=(("zh_CN", "中文"), ("en", "English")),
        listing_url=cards.listing_url,
        centre_url=cards.centre_url,
        card_html=card_html,
        nav_items=nav_items,
    )
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["industry"] = labels.industry_label
    app.jinja_env.filters["plain_number"] = plain_number
    app.jinja_env.filters["localised"] = localised
