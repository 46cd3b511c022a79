"""Translatable labels for stored codes (roles, organisation kinds, size classes)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "centre_staff": _l("Centre staff"),
    "centre_admin": _l("Centre administrator"),
    "sme_member": _l("Enterprise member"),
    "organiser": _l("Organiser"),
    "exchange_operator": _l("Exchange operator"),
    "site_admin": _l("Site administrator"),
}

ORG_KIND_LABELS = {
    "centre": _l("IP operation centre"),
    "enterprise": _l("Enterprise"),
    "exchange": _l("Exchange base"),
    "organiser": _l("Organiser"),
}

SIZE_CLASS_LABELS = {
    "large": _l("Large enterprise"),
    "medium": _l("Medium enterprise"),
    "small": _l("Small enterprise"),
    "micro": _l("Micro enterprise"),
}


def is_english() -> bool:
    locale = get_locale()
    return bool(locale and locale.language == "en")


def industry_label(key: str | None) -> str:
    """The industry's name in the current language, from the rules' data table."""
    from portal.rules import INDUSTRIES

    if not key or key not in INDUSTRIES:
        return key or ""
    zh, en = INDUSTRIES[key]
    return en if is_english() else zh


def industry_choices() -> list[tuple[str, str]]:
    from portal.rules import INDUSTRIES

    return [(key, industry_label(key)) for key in INDUSTRIES]
