"""Read API, version 1. Published listings only; the same filters as the HTML list."""

from __future__ import annotations

from flask import Blueprint, abort, request

from portal.extensions import csrf, db
from portal.listings.queries import ListingFilters, published_listings
from portal.listings.serialize import listing_to_dict
from portal.models import Listing

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only; token-authenticated writes come with the exchange API


@bp.get("/listings")
def listings():
    """Published listings, newest first: ?centre=&field=&kind=&mode=&open=1&ipc=&page=&per_page="""
    filters = ListingFilters.from_args(request.args)
    if filters.errors:
        return {"error": " ".join(filters.errors), "status": 400}, 400
    page = db.paginate(published_listings(filters), page=filters.page, per_page=filters.per_page,
                       error_out=False)
    return {
        "items": [listing_to_dict(listing) for listing in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


@bp.get("/listings/<int:listing_id>")
def listing(listing_id: int):
    """One published listing (404 for drafts, withdrawn and concluded listings)."""
    item = db.session.get(Listing, listing_id)
    if item is None or item.status != "published":
        abort(404)
    return listing_to_dict(item)
