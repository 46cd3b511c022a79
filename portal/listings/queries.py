"""Listing filters, shared by the HTML list, the API, the search page and the feeds.

Query parameters mean the same everywhere: centre, field, kind, mode, open, ipc, value, page,
per_page. ``value=high``: listings offering a high-value patent (高价值专利: all five value scores
given, their mean at least the programme's threshold; ``portal.metrics.patent_counts``).
The list of listings also takes ``sort`` (``LISTING_SORTS``; the search page has its own sorts).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, exists, nulls_last, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.metrics.patent_counts import high_value_threshold, listing_high_value_clause
from portal.models import (
    FIELDS,
    MODES,
    Listing,
    OpenLicenceDeclaration,
    Organisation,
    Patent,
    PatentIPC,
    listing_patents,
)
from portal.rules import PATENT_KINDS, RuleError, patent_expiry

MAX_PER_PAGE = 100
# newest published first; the earliest patent expiry first; the indicative price, low or high first
# (a negotiable price, which has no amount, last either way)
LISTING_SORTS = ("newest", "expiry", "price_low", "price_high")
VALUE_FILTERS = ("high",)  # value=high: listings offering a high-value patent


@dataclass
class ListingFilters:
    centre: str | None = None
    field: str | None = None
    kind: str | None = None
    mode: str | None = None
    open: bool = False
    ipc: str | None = None
    value: str | None = None
    page: int = 1
    per_page: int = 20
    errors: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> ListingFilters:
        """Parse request arguments; an invalid value is reported in ``errors`` and ignored."""
        f = cls()
        f.centre = (args.get("centre") or "").strip().lower() or None
        for name, allowed in (("field", FIELDS), ("kind", PATENT_KINDS), ("mode", (*MODES, "open")),
                              ("value", VALUE_FILTERS)):
            value = (args.get(name) or "").strip() or None
            if value is not None and value not in allowed:
                f.errors.append(_("Unknown value for %(name)s: %(value)s.", name=name, value=value[:40]))
                value = None
            setattr(f, name, value)
        if f.mode == "open":  # "open" as a mode means the open-licence filter
            f.mode, f.open = None, True
        f.open = f.open or args.get("open", "") in ("1", "true", "yes")
        ipc = (args.get("ipc") or "").strip().upper().replace(" ", "")
        if ipc:
            if len(ipc) == 4 and ipc[0] in "ABCDEFGH" and ipc[1:3].isdigit() and ipc[3].isalpha():
                f.ipc = ipc
            else:
                f.errors.append(_("The ipc filter takes a subclass such as A61B."))
        f.page = _positive_int(args.get("page"), 1, f.errors, "page")
        f.per_page = min(_positive_int(args.get("per_page"), 20, f.errors, "per_page"), MAX_PER_PAGE)
        return f

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """The filters as query arguments (for links), with ``changes`` applied."""
        values = {"centre": self.centre, "field": self.field, "kind": self.kind, "mode": self.mode,
                  "open": "1" if self.open else None, "ipc": self.ipc, "value": self.value}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", False)}


def _positive_int(value, default: int, errors: list[str], name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or number > 1_000_000:
        errors.append(_("%(name)s must be a positive whole number.", name=name))
        return default
    return number


def open_licence_clause():
    """SQL: the listing has a patent with an open-licence declaration in force."""
    return exists(
        select(1).select_from(listing_patents)
        .join(OpenLicenceDeclaration, OpenLicenceDeclaration.patent_id == listing_patents.c.patent_id)
        .where(listing_patents.c.listing_id == Listing.id, OpenLicenceDeclaration.withdrawn_on.is_(None))
    )


def apply_filters(query, f: ListingFilters):
    if f.centre:
        query = query.where(Listing.centre_id == select(Organisation.id)
                            .where(Organisation.code == f.centre).scalar_subquery())
    if f.field:
        query = query.where(Listing.field == f.field)
    if f.mode:
        query = query.where(getattr(Listing, f"offers_{f.mode}").is_(True))
    if f.kind:
        query = query.where(exists(
            select(1).select_from(listing_patents).join(Patent, Patent.id == listing_patents.c.patent_id)
            .where(listing_patents.c.listing_id == Listing.id, Patent.kind == f.kind)))
    if f.ipc:
        query = query.where(exists(
            select(1).select_from(listing_patents)
            .join(PatentIPC, PatentIPC.patent_id == listing_patents.c.patent_id)
            .where(listing_patents.c.listing_id == Listing.id, PatentIPC.subclass == f.ipc)))
    if f.open:
        query = query.where(open_licence_clause())
    if f.value == "high":
        query = query.where(listing_high_value_clause(high_value_threshold()))
    return query


def with_details(query):
    """Load what a listing page, API entry or feed entry shows, without a query per listing."""
    return query.options(
        selectinload(Listing.centre),
        selectinload(Listing.patents).selectinload(Patent.ipc_entries),
        selectinload(Listing.patents).selectinload(Patent.declarations),
    )


@functools.cache
def listing_page_statement():
    """The listing ``:listing_id`` with what its page shows, built once per process (building the
    loader options cost as much as running the query); its centre comes in the same row (joined),
    its patents, their IPC entries and declarations as ``with_details`` loads them."""
    return select(Listing).where(Listing.id == bindparam("listing_id")).options(
        joinedload(Listing.centre),
        selectinload(Listing.patents).selectinload(Patent.ipc_entries),
        selectinload(Listing.patents).selectinload(Patent.declarations),
    )


def listing_sort(args, errors: list[str]) -> str:
    """The ``sort`` argument of the list of listings; an unknown one is reported in ``errors``."""
    value = (args.get("sort") or "").strip()
    if value and value not in LISTING_SORTS:
        errors.append(_("Unknown value for %(name)s: %(value)s.", name="sort", value=value[:40]))
    return value if value in LISTING_SORTS else "newest"


def published_listings(f: ListingFilters, sort: str = "newest"):
    """Published listings matching ``f``, newest first, or by price (``price_low``, ``price_high``).

    The expiry is not a column (it depends on the patent's kind and term): ``paginate_listings``
    orders by it."""
    return _ordered(with_details(apply_filters(select(Listing).where(Listing.status == "published"), f)), sort)


def published_ids(f: ListingFilters, sort: str = "newest"):
    """``published_listings`` as ids only, for pages that show cards (``portal.listings.cards``)."""
    return _ordered(apply_filters(select(Listing.id).where(Listing.status == "published"), f), sort)


def _ordered(query, sort: str):
    newest = (Listing.published_at.desc(), Listing.id.desc())
    if sort == "price_low":
        return query.order_by(nulls_last(Listing.price_yuan.asc()), *newest)
    if sort == "price_high":
        return query.order_by(nulls_last(Listing.price_yuan.desc()), *newest)
    return query.order_by(*newest)


def expiry_order(f: ListingFilters) -> list[int]:
    """Ids of the published listings matching ``f``, the one whose first patent expires soonest first
    (ties: newest first; a listing without a patent last). Computed with the patent term rules."""
    chosen = apply_filters(select(Listing.id, Listing.published_at).where(Listing.status == "published"), f)
    chosen = chosen.subquery()
    rows = db.session.execute(
        select(chosen.c.id, chosen.c.published_at, Patent.application_number, Patent.filing_date,
               Patent.extension_days)
        .select_from(chosen)
        .outerjoin(listing_patents, listing_patents.c.listing_id == chosen.c.id)
        .outerjoin(Patent, Patent.id == listing_patents.c.patent_id))
    never = date.max
    first: dict[int, tuple[date, float]] = {}
    for listing_id, published_at, number, filed, extension in rows:
        expiry = never
        if number is not None:
            try:
                expiry = patent_expiry(number, filed, extension or 0)
            except (RuleError, ValueError, TypeError):
                expiry = never  # a record the rules refuse sorts last rather than failing the page
        newest = -(published_at.timestamp() if published_at else 0.0)
        known = first.get(listing_id)
        if known is None or expiry < known[0]:
            first[listing_id] = (expiry, newest)
    return sorted(first, key=lambda i: (*first[i], -i))


class _IdPagination(Pagination):
    """A page of listings given all their ids in order (``ids``)."""

    def _query_items(self) -> list:
        from portal.listings.cards import cards_in_order

        return cards_in_order(self._query_args["ids"][self._query_offset:self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def paginate_listings(f: ListingFilters, sort: str = "newest") -> Pagination:
    """The page ``f`` asks for of the published listings matching it, in the order ``sort`` names, as
    result cards (``portal.listings.cards``: what a list shows, in one query)."""
    from portal.listings.cards import cards_in_order

    if sort == "expiry":
        return _IdPagination(page=f.page, per_page=f.per_page, max_per_page=MAX_PER_PAGE, error_out=False,
                             ids=expiry_order(f))
    from portal.listings.counts import published_count

    query = published_ids(f, sort)
    page = db.paginate(query, page=f.page, per_page=f.per_page, max_per_page=MAX_PER_PAGE, error_out=False,
                       count=False)
    page.total = published_count(tuple(sorted(f.as_args().items())), query)
    page.items = cards_in_order(page.items)
    return page


def filter_words(filters: ListingFilters) -> list[str]:
    """The filters other than the centre, as the words a title or a saved search's name shows them."""
    from portal import labels

    words = []
    if filters.field:
        words.append(str(labels.FIELD_LABELS[filters.field]))
    if filters.kind:
        words.append(str(labels.PATENT_KIND_LABELS[filters.kind]))
    if filters.mode:
        words.append(str(labels.MODE_LABELS[filters.mode]))
    if filters.open:
        words.append(_("Open licence"))
    if filters.ipc:
        words.append(f"IPC {filters.ipc}")
    if filters.value == "high":
        words.append(_("High-value patents"))
    return words
