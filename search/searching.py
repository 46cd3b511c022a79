"""Running a :class:`SearchQuery` against an open Whoosh searcher: filters, tiered sorting,
pagination, facet counts, highlights and the "did you mean" suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from .facets import count as count_facets
from .highlight import needle_pattern, plain, snippet
from .query import ParsedQuery, filter_parts, filter_query, parse
from .schema import META_ID
from .suggest import suggest

SORTS = ("relevance", "newest", "expiry")
MAX_PER_PAGE = 100
MAX_RESULTS = 10_000  # deepest result a page can reach; deeper pages are empty


@dataclass
class SearchQuery:
    """What the app asks for.

    ``text`` is whatever the user typed (may be empty: list everything). ``filters`` maps a
    facet name (``centre``, ``kind``, ``mode``, ``open_licence``, ``field``, ``ipc_subclass``)
    or ``ipc`` to a value or a list of values (OR within a facet, AND across facets).
    ``sort`` is ``relevance``, ``newest`` (published, latest first) or ``expiry`` (soonest
    expiry first; listings without one last). ``page`` is 1-based.
    """

    text: str = ""
    filters: dict[str, object] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass
class SearchResult:
    """Ranked listing ids for one page, with counts, facets, snippets and a suggestion.

    ``facets[name]`` lists ``(value, count)`` by count, most first, over all results; a facet
    that is being filtered on is counted as if its own filter were not applied, so the user
    can see the alternatives. ``highlights[doc_id]`` is escaped HTML with ``<mark>`` tags.
    """

    ids: list[str]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    highlights: dict[str, str]
    suggestion: str | None
    page: int = 1
    per_page: int = 20


def _clamp(value: object, low: int, high: int, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def _sorted_by(parsed: ParsedQuery, sort: str) -> list[sorting.FacetType]:
    keys: list[sorting.FacetType] = []
    if not parsed.empty:
        # Tier 0: the whole phrase; tier 1: every word somewhere; tier 2: the rest.
        keys.append(sorting.QueryFacet({"0": parsed.tier0, "1": parsed.tier1}, other="2"))
    if sort == "relevance" and not parsed.empty:
        keys.append(sorting.ScoreFacet())
    elif sort == "expiry":
        keys.append(sorting.FieldFacet("expiry"))
    else:  # newest, and "relevance" of an empty query (every listing scores the same)
        keys.append(sorting.FieldFacet("published", reverse=True))
    keys.append(sorting.FieldFacet("doc_id"))  # a stable order for equal keys
    return keys


def run_search(searcher: Searcher, request: SearchQuery) -> SearchResult:
    """Execute ``request``. Raises ``ValueError`` only for an unknown sort or filter name,
    never for anything in ``request.text``.
    """
    if request.sort not in SORTS:
        raise ValueError(f"unknown sort: {request.sort!r}; expected one of {SORTS}")
    per_page = _clamp(request.per_page, 1, MAX_PER_PAGE, 20)
    page = _clamp(request.page, 1, MAX_RESULTS // per_page + 1, 1)
    parsed = parse(request.text)
    matching = parsed.match if not parsed.empty else wq.Every()
    parts = filter_parts(request.filters)
    only = filter_query(request.filters)
    results = searcher.search(
        matching,
        filter=only,
        mask=wq.Term("doc_id", META_ID),
        limit=min(page * per_page, MAX_RESULTS),
        sortedby=_sorted_by(parsed, request.sort),
    )
    total = len(results)
    facets = count_facets(searcher, matching, results.docs(), parts)

    hits = results[(page - 1) * per_page : page * per_page]
    ids = [hit["doc_id"] for hit in hits]
    highlights: dict[str, str] = {}
    if not parsed.empty and hits:
        pattern = needle_pattern(parsed.cjk, [*parsed.latin, *_spellings(searcher, parsed)])
        for hit in hits:
            stored = hit.fields()
            body, title = stored.get("body", ""), stored.get("title", "")
            highlights[hit["doc_id"]] = snippet(body, pattern) or snippet(title, pattern) or plain(body or title)

    suggestion = None
    # Results are sorted by tier first, so the best hit says whether anything matched every
    # query word; if nothing did, some word may be misspelt.
    if not parsed.empty and (not results.top_n or results.top_n[0][0][0] == "2"):
        suggestion = suggest(searcher, parsed.text)
    return SearchResult(ids, total, facets, highlights, suggestion, page, per_page)


def _spellings(searcher: Searcher, parsed: ParsedQuery) -> list[str]:
    # The indexed words a fuzzy term actually matched, so that they are marked too.
    reader = searcher.reader()
    found: set[str] = set()
    for term in parsed.fuzzy:
        for name in ("title", "body"):
            found.update(reader.terms_within(name, term, 1, prefix=1))
    return sorted(found)
