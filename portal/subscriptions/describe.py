"""How a saved search reads: its words and filters in the reader's language, its delivery, and
the search page and feed addresses that show it."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.listings.queries import ListingFilters, filter_words
from portal.models import Organisation, SavedSearch

DELIVERY_LABELS = {
    "feed": _l("None (feed only)"),
    "in_app": _l("Notification on the portal"),
    "daily": _l("E-mail, daily"),
    "weekly": _l("E-mail, weekly"),
}


def filters_of(search: SavedSearch | dict) -> ListingFilters:
    """The saved filters parsed as the search page parses its arguments."""
    values = search.filters if isinstance(search, SavedSearch) else search
    return ListingFilters.from_args(values or {})


def search_args(search: SavedSearch, **extra) -> dict[str, str]:
    """The search page's (and the feeds') query arguments for ``search``."""
    args = dict(filters_of(search).as_args())
    if search.query:
        args["q"] = search.query
    args.update({k: v for k, v in extra.items() if v is not None})
    return args


def describe(query: str, filters: dict) -> str:
    """``query`` and ``filters`` as one line: “支架 · 医疗器械 · 开放许可”."""
    f = filters_of(filters)
    parts = [f"“{query}”"] if query else []
    if f.centre:
        org = db.session.scalar(select(Organisation).where(Organisation.code == f.centre,
                                                           Organisation.kind == "centre"))
        parts.append(org.display_name(str(get_locale() or "")) if org is not None else f.centre)
    parts += filter_words(f)
    return " · ".join(parts)


def describe_search(search: SavedSearch) -> str:
    return describe(search.query, search.filters) or _("All listings")
