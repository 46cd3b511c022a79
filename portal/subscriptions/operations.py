"""Saved-search operations: each validates, changes and flushes; the view commits once.

Saved searches are personal settings, like the interface language: they are not written to the
audit log (nobody else acts on them, and a digest run records what it sent in ``saved_search_sent``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.errors import OperationError
from portal.extensions import db
from portal.listings.queries import ListingFilters
from portal.models import DELIVERIES, SavedSearch, User

MAX_PER_USER = 50
NAME_MAX = 100
QUERY_MAX = 500
FILTER_NAMES = ("centre", "field", "kind", "mode", "open", "ipc", "value")


@dataclass
class SearchData:
    """What a saved search is made of, as the search page's arguments give it."""

    query: str = ""
    filters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> SearchData:
        return cls((args.get("q") or "").strip(), {n: str(args.get(n) or "").strip() for n in FILTER_NAMES})


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t" for ch in text)


def clean_name(name: str | None) -> str:
    """The name as stored, or a refusal naming what is wrong with it."""
    name = " ".join((name or "").split())
    if not name:
        raise OperationError(_("Give the saved search a name."), "name")
    if len(name) > NAME_MAX:
        raise OperationError(_("The name may be at most %(num)d characters long.", num=NAME_MAX), "name")
    if _has_control(name):
        raise OperationError(_("The name contains a control character; type it again."), "name")
    return name


def clean_delivery(delivery: str | None) -> str:
    if delivery not in DELIVERIES:
        raise OperationError(_("Choose how you want to hear of new listings."), "delivery")
    return delivery


def clean_search(data: SearchData) -> tuple[str, dict[str, str]]:
    """The query and the filters as stored (normalised the way the search page reads them)."""
    query = " ".join(data.query.split())
    if len(query) > QUERY_MAX:
        raise OperationError(_("The search words may be at most %(num)d characters long.", num=QUERY_MAX))
    if _has_control(query):
        raise OperationError(_("The search words contain a control character; type them again."))
    parsed = ListingFilters.from_args(data.filters)
    if parsed.errors:
        raise OperationError(" ".join(parsed.errors))
    return query, {k: str(v) for k, v in parsed.as_args().items()}


def default_name(query: str, filters: dict[str, str]) -> str:
    """A name for a search saved with one click: its words, else what it filters on."""
    from portal.subscriptions.describe import describe

    text = describe(query, filters) or _("All listings")
    return text if len(text) <= NAME_MAX else text[:NAME_MAX - 1] + "…"


def count_for(user: User) -> int:
    return db.session.scalar(select(func.count(SavedSearch.id)).where(SavedSearch.user_id == user.id)) or 0


def save_search(user: User, data: SearchData, name: str | None, delivery: str | None) -> SavedSearch:
    """Save the search page's query and filters for ``user`` (at most ``MAX_PER_USER`` each)."""
    query, filters = clean_search(data)
    name = clean_name(name) if (name or "").strip() else default_name(query, filters)
    delivery = clean_delivery(delivery)
    if count_for(user) >= MAX_PER_USER:
        raise OperationError(_("You have %(num)d saved searches, the most an account may keep: delete one you no "
                               "longer need first.", num=MAX_PER_USER))
    search = SavedSearch(user_id=user.id, name=name, query=query, filters=filters, delivery=delivery)
    db.session.add(search)
    db.session.flush()
    return search


def update_search(search: SavedSearch, name: str | None, delivery: str | None) -> SavedSearch:
    """Rename a saved search and change its delivery (the query and filters stay)."""
    search.name = clean_name(name)
    delivery = clean_delivery(delivery)
    if search.delivery == "feed" and delivery != "feed":
        # Turned on (again): the first digest starts from now, not from when the search was saved.
        search.digest_mark = datetime.now(UTC)
    search.delivery = delivery
    db.session.flush()
    return search


def delete_search(search: SavedSearch) -> None:
    db.session.delete(search)
    db.session.flush()


def stop_delivery(searches: list[SavedSearch]) -> int:
    """Unsubscribe: the searches stay, followed by feed only. Returns how many were delivering."""
    changed = 0
    for search in searches:
        if search.delivery != "feed":
            search.delivery = "feed"
            changed += 1
    db.session.flush()
    return changed


def own_search(user: User, search_id: int) -> SavedSearch | None:
    """The user's saved search ``search_id``; None for anyone else's (the view answers 404)."""
    search = db.session.get(SavedSearch, search_id)
    return search if search is not None and search.user_id == user.id else None
