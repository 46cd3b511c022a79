"""Read API, version 1. Published listings only; the same filters as the HTML list."""

from __future__ import annotations

from flask import Blueprint, abort, request

from portal.extensions import csrf, db
from portal.listings import items
from portal.listings.queries import ListingFilters, apply_filters
from portal.listings.search import SORTS, as_typed, search_index
from portal.listings.serialize import listing_to_dict
from portal.models import Listing

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only; token-authenticated writes come with the exchange API


@bp.record_once
def configure(state) -> None:
    items.init_app(state.app)


@bp.get("/listings")
def listings():
    """Published listings, newest first: ?centre=&field=&kind=&mode=&open=1&ipc=&value=high&page=&per_page=

    With ``q`` the full-text index ranks them (``sort`` = relevance, newest or expiry) and the
    answer adds facet counts and the "did you mean" suggestion; ``corrected`` names the spelling
    answered instead when the typed one matched nothing word for word (``as_typed=1``: never).
    """
    filters = ListingFilters.from_args(request.args)
    sort = request.args.get("sort", "relevance")
    if sort not in SORTS:
        filters.errors.append(f"sort: {sort[:20]}")
    if filters.errors:
        return {"error": " ".join(filters.errors), "status": 400}, 400
    if "q" in request.args:
        hits = search_index(request.args["q"][:500], filters, sort, correct=not as_typed(request.args))
        return {
            "items": [{**item, "highlight": str(hits.highlights.get(item["id"], ""))}
                      for item in items.published_items(hits.ids)],
            "page": hits.page, "per_page": hits.per_page, "total": hits.total, "pages": hits.pages,
            "facets": {name: [{"value": v, "count": c} for v, c in counts] for name, counts in hits.facets.items()},
            "suggestion": hits.suggestion,
            "corrected": hits.corrected,
        }
    ids = apply_filters(db.select(Listing.id).where(Listing.status == "published"), filters)
    page = db.paginate(ids.order_by(Listing.published_at.desc(), Listing.id.desc()), page=filters.page,
                       per_page=filters.per_page, error_out=False)
    return {
        "items": items.published_items(page.items),
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
