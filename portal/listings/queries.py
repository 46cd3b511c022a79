"""Listing filters, shared by the HTML list, the API, the search page and the feeds.

Query parameters mean the same everywhere: centre, field, kind, mode, open, ipc, page, per_page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

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
from portal.rules import PATENT_KINDS

MAX_PER_PAGE = 100


@dataclass
class ListingFilters:
    centre: str | None = None
    field: str | None = None
    kind: str | None = None
    mode: str | None = None
    open: bool = False
    ipc: str | None = None
    page: int = 1
    per_page: int = 20
    errors: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> ListingFilters:
        """Parse request arguments; an invalid value is reported in ``errors`` and ignored."""
        f = cls()
        f.centre = (args.get("centre") or "").strip().lower() or None
        for name, allowed in (("field", FIELDS), ("kind", PATENT_KINDS), ("mode", (*MODES, "open"))):
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
                  "open": "1" if self.open else None, "ipc": self.ipc}
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
    return query


def with_details(query):
    """Load what a listing page, API entry or feed entry shows, without a query per listing."""
    return query.options(
        selectinload(Listing.centre),
        selectinload(Listing.patents).selectinload(Patent.ipc_entries),
        selectinload(Listing.patents).selectinload(Patent.declarations),
    )


def published_listings(f: ListingFilters):
    """Published listings matching ``f``, newest first."""
    query = select(Listing).where(Listing.status == "published")
    return with_details(apply_filters(query, f)).order_by(Listing.published_at.desc(), Listing.id.desc())
