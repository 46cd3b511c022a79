"""Full-text search over published listings: the index ranks, the database decides.

Hits come back from the index as ids; rows are loaded in rank order and anything no longer
published is dropped, so a lagging index never shows a withdrawn listing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from portal.indexing import get_index, published_by_ids
from portal.listings import cards
from portal.listings.facet_links import facet_label, facet_sections
from portal.listings.queries import ListingFilters
from portal.models import Listing
from search import SearchQuery

bp = Blueprint("search", __name__)
SORTS = ("relevance", "newest", "expiry")


@dataclass
class Hits:
    ids: list[int]  # in rank order, as the index has them (the database decides what is shown)
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]]
    highlights: dict[int, Markup]
    suggestion: str | None
    corrected: str | None = None  # the spelling whose results these are, when the typed one had none
    # the published ones, by rank: listings (run_search) or result cards (the search page)
    listings: list[Listing] | list[cards.Card] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_filters(f: ListingFilters) -> dict[str, object]:
    values = {"centre": f.centre, "field": f.field, "kind": f.kind, "mode": f.mode,
              "ipc_subclass": f.ipc, "open_licence": True if f.open else None, "value": f.value}
    return {k: v for k, v in values.items() if v is not None}


def as_typed(args) -> bool:
    """``as_typed=1``: answer the query as typed, never for a corrected spelling."""
    return args.get("as_typed") == "1"


def search_index(q: str, f: ListingFilters, sort: str = "relevance", correct: bool = True) -> Hits:
    """The index's answer: ranked ids, facet counts, snippets and the suggestion."""
    result = get_index().search(SearchQuery(text=q, filters=search_filters(f), sort=sort,
                                            page=f.page, per_page=f.per_page, correct=correct))
    # Snippets are escaped HTML with <mark> tags, built by search/highlight.py.
    highlights = {int(k): Markup(v) for k, v in result.highlights.items()}  # noqa: S704
    facets = dict(result.facets)
    # "Open licence" is a yes-only filter; the count of listings without one is noise.
    facets["open_licence"] = [(v, c) for v, c in facets.get("open_licence", []) if v == "yes"]
    return Hits([int(i) for i in result.ids], result.total, result.page, result.per_page, facets, highlights,
                result.suggestion, result.corrected)


def run_search(q: str, f: ListingFilters, sort: str = "relevance", correct: bool = True) -> Hits:
    """``search_index`` with the hits loaded in rank order, keeping only what is still published."""
    hits = search_index(q, f, sort, correct)
    rows = published_by_ids(hits.ids)
    hits.listings = [rows[i] for i in hits.ids if i in rows]
    return hits


@bp.get("/search")
def search_page():
    """Search listings: results with facets, highlights, sort, pagination and a suggestion."""
    q = (request.args.get("q") or "")[:500]
    sort = request.args.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    filters = ListingFilters.from_args(request.args)
    typed = as_typed(request.args)
    hits = search_index(q, filters, sort, correct=not typed)
    hits.listings = cards.cards_in_order(hits.ids)  # what a result card shows, in one query
    forward = None
    if not hits.total and q.strip():
        from portal.listings.nothing_found import ways_forward

        forward = ways_forward(get_index(), q, search_filters(filters))
    typed_arg = "1" if typed else None
    centres = cards.centres_by_code()
    return render_template("listings/search.html", q=q, sort=sort, filters=filters, hits=hits, centres=centres,
                           typed=typed_arg, forward=forward,
                           facet_sections=facet_sections(hits.facets, q, sort, typed_arg, filters, centres),
                           facet_label=lambda name, value: facet_label(name, value, centres, str(get_locale())))
