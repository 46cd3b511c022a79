"""Public pages: the list of published listings, a listing, a centre."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.extensions import db
from portal.listings import cards
from portal.listings.access import can_manage_listing
from portal.listings.page_cache import published_page, render_parts, similar_part
from portal.listings.queries import (
    LISTING_SORTS,
    ListingFilters,
    listing_page_statement,
    listing_sort,
    paginate_listings,
)
from portal.listings.views_counter import count_view
from portal.models import Listing, Organisation
from portal.requests.channels import Via
from portal.requests.open_licence import held_message, held_open_licences

bp = Blueprint("listings", __name__)
log = logging.getLogger(__name__)


@bp.get("/listings")
def index():
    """Published listings with the shared filters, newest first or sorted by ``sort``: the patent
    expiring soonest, or the indicative price."""
    filters = ListingFilters.from_args(request.args)
    sort = listing_sort(request.args, filters.errors)
    page = paginate_listings(filters, sort)
    centres = list(cards.centres().values())  # in name order
    return render_template("listings/index.html", page=page, filters=filters, centres=centres, sort=sort,
                           sorts=LISTING_SORTS)


@bp.get("/listings/<int:listing_id>")
def detail(listing_id: int):
    """What a company needs to decide: patents, numbers, expiry, IPC, values, modes and terms.

    Drafts and withdrawn listings are visible only to their centre's staff.
    """
    shown = published_page(listing_id)  # what every reader sees, kept per listing and language
    if shown is None:
        listing = db.session.scalar(listing_page_statement(), {"listing_id": listing_id})
        if listing is None:
            abort(404)
        if listing.status != "published" and not can_manage_listing(current_user, listing):
            abort(404)
        parts = render_parts(listing)
    else:
        listing, parts = shown
    via = Via.from_args(request.args)
    page = render_template("listings/detail.html", listing=listing, parts=parts,
                           similar=similar_part(listing, similar_listings), via_args=via.link_args(),
                           held=held_open_licences(current_user, listing), held_message=held_message)
    count_view(listing, current_user, via.channel)  # after rendering: the page never waits on it
    return page


def similar_listings(listing, limit: int = 5) -> list[Listing] | None:
    """Published listings like this one, best first; None when the search index cannot answer (the
    page does not depend on it)."""
    if listing.status != "published":
        return []
    from portal.indexing import get_index

    try:
        ids = [int(i) for i in get_index().similar(str(listing.id), limit)]
    except Exception:  # the index is a convenience here, never a reason for the page to fail
        log.exception("similar listings for %s", listing.id)
        return None
    return cards.cards_in_order(ids)


@bp.get("/centres/<code>")
def centre(code: str):
    """A centre's public page with its published listings."""
    org = db.session.scalar(db.select(Organisation).where(Organisation.code == code.lower(),
                                                          Organisation.kind == "centre"))
    if org is None:
        abort(404)
    filters = ListingFilters.from_args(request.args)
    filters.centre = org.code
    page = paginate_listings(filters)
    return render_template("listings/centre.html", centre=org, page=page, filters=filters)
