"""Running a :class:`SearchQuery` against an open Whoosh searcher: filters, tiered sorting,
pagination, facet counts, highlights and the "did you mean" suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from whoosh.searching import Searcher

from .facets import count as count_facets
from .highlight import needle_pattern, plain, snippet
from .normalise import normalise_towards, unchanging
from .query import ParsedQuery, filter_parts, parse
from .schema import FACETS
from .suggest import suggest
from .view import Docs, View, view_for

SORTS = ("relevance", "newest", "expiry")
MAX_PER_PAGE = 100
MAX_RESULTS = 10_000  # deepest result a page can reach; deeper pages are empty


@dataclass
class SearchQuery:
    """What the app asks for.

    ``text`` is whatever the user typed (may be empty: list everything). ``filters`` maps a
    facet name (``centre``, ``kind``, ``mode``, ``open_licence``, ``field``, ``value``, ``ipc_subclass``)
    or ``ipc`` to a value or a list of values (OR within a facet, AND across facets).
    ``sort`` is ``relevance``, ``newest`` (published, latest first) or ``expiry`` (soonest
    expiry first; listings without one last). ``page`` is 1-based. With ``correct``, a query
    that no listing matches word for word, but whose suggested spelling does, is answered for
    the suggestion (``SearchResult.corrected`` says so); without it, always as typed.
    """

    text: str = ""
    filters: dict[str, object] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    correct: bool = True


@dataclass
class SearchResult:
    """Ranked listing ids for one page, with counts, facets, snippets and a suggestion.

    ``facets[name]`` lists ``(value, count)`` by count, most first, over all results; a facet
    that is being filtered on is counted as if its own filter were not applied, so the user
    can see the alternatives. ``highlights[doc_id]`` is escaped HTML with ``<mark>`` tags.
    ``corrected`` is the suggested spelling whose results these are, when the typed query
    matched no listing word for word (then ``suggestion`` is None).
    """

    ids: list[str]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    highlights: dict[str, str]
    suggestion: str | None
    page: int = 1
    per_page: int = 20
    corrected: str | None = None


def _clamp(value: object, low: int, high: int, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def run_search(searcher: Searcher, request: SearchQuery) -> SearchResult:
    """Execute ``request``. Raises ``ValueError`` only for an unknown sort or filter name,
    never for anything in ``request.text``.

    When no listing holds every word of the query and a spelling suggestion exists, the
    suggestion is searched too; if listings hold every word of *it*, those are the answer
    (``corrected``), as a search engine shows results for 钙钛矿 to someone who typed 钙太矿.
    """
    result, whole = _run(searcher, request)
    if whole or not result.suggestion or not request.correct:
        return result
    fixed, fixed_whole = _run(searcher, replace(request, text=result.suggestion, correct=False))
    if not fixed_whole:
        return result
    fixed.corrected, fixed.suggestion = result.suggestion, None
    return fixed


def _run(searcher: Searcher, request: SearchQuery) -> tuple[SearchResult, bool]:
    """The result of ``request`` as typed, and whether some listing holds every query word.

    Every set is a boolean array computed from cached postings (:mod:`search.view`): the results
    are every document matching any query term (recall first), ordered by tier — tier 0 holds
    the whole phrase, tier 1 every query word somewhere, tier 2 the rest — and within a tier by
    BM25 score or date. Only the tiers a page reaches are scored.
    """
    if request.sort not in SORTS:
        raise ValueError(f"unknown sort: {request.sort!r}; expected one of {SORTS}")
    per_page = _clamp(request.per_page, 1, MAX_PER_PAGE, 20)
    page = _clamp(request.page, 1, MAX_RESULTS // per_page + 1, 1)
    parsed = parse(request.text)
    parts = filter_parts(request.filters)
    view = view_for(searcher)

    base = view.live() if parsed.empty else view.evaluate(parsed.match)
    chosen: dict[str, Docs] = {}
    for name, part in parts.items():
        allowed = view.evaluate(part)
        if name in FACETS:
            chosen[name] = allowed
        else:  # a filter that is not a facet (ipc) always applies
            base = base & allowed
    matched = base
    for allowed in chosen.values():
        matched = matched & allowed
    total = int(np.count_nonzero(matched))
    facets = count_facets(view, matched, base, chosen)

    if parsed.empty:
        tiers, exact = [matched], False
    else:
        tier0 = view.evaluate(parsed.tier0) & matched
        tier1 = view.evaluate(parsed.tier1) & matched
        tiers = [tier0, tier1 & ~tier0, matched & ~tier0 & ~tier1]
        exact = any(len(run) > 2 for run in parsed.runs)  # a bigram phrase is only approximate
    wanted = min(page * per_page, MAX_RESULTS)
    ranked = _rank(view, parsed, tiers, request.sort, wanted, exact)

    hits = [view.stored(int(docnum)) for docnum in ranked[(page - 1) * per_page : page * per_page]]
    ids = [hit["doc_id"] for hit in hits]
    highlights: dict[str, str] = {}
    if not parsed.empty and hits:
        pattern = needle_pattern(parsed.cjk, [*parsed.latin, *_spellings(searcher, parsed)])
        for hit in hits:
            body, title = hit.get("body", ""), hit.get("title", "")
            highlights[hit["doc_id"]] = snippet(body, pattern) or snippet(title, pattern) or plain(body or title)

    suggestion = None
    # Nothing matched every query word (tiers 0 and 1 are empty): some word may be misspelt.
    whole = parsed.empty or bool(tiers[0].any() or tiers[1].any())
    if not whole:
        suggestion = suggest(searcher, parsed.text)
    view.release_pages()
    return SearchResult(ids, total, facets, highlights, suggestion, page, per_page), whole


def _rank(view: View, parsed: ParsedQuery, tiers: list[Docs], sort: str, wanted: int, exact: bool) -> list[int]:
    """Global document numbers of the first ``wanted`` results, tier by tier."""
    ranked: list[int] = []
    demoted: Docs | None = None  # tier-0 candidates that turned out not to hold the phrase verbatim
    for number, tier in enumerate(tiers):
        if demoted is not None:
            tier = tier | demoted
            demoted = None
        need = wanted - len(ranked)
        if need <= 0:
            break
        size = int(np.count_nonzero(tier))
        if not size:
            continue
        if number == 0 and exact:
            verified: list[int] = []
            rejected: list[int] = []
            for limit in (need * 2 + 10, size):
                verified, rejected = [], []
                for docnum in _order(view, parsed, tier, sort, limit):
                    if len(verified) == need:
                        break
                    (verified if _verbatim(view, docnum, parsed.runs) else rejected).append(docnum)
                if len(verified) == need or limit >= size:
                    break
            ranked.extend(verified)
            demoted = view.empty()
            demoted[rejected] = True
        else:
            # Below "every word": the more of the query's concepts a listing covers, the higher.
            partial = number == len(tiers) - 1 and len(parsed.covers) > 1
            ranked.extend(_order(view, parsed, tier, sort, need, by_coverage=partial))
    return ranked


def _verbatim(view: View, docnum: int, runs: list[str]) -> bool:
    """Whether the listing's text holds every run (a normalised CJK phrase of the query) verbatim.

    A run found in the stored text as it is is in its normalised text too when none of its
    characters is one that traditional → simplified conversion could change (NFKC and lower-casing
    leave CJK ideographs alone): then the whole text need not be normalised, which was most of
    this check's cost. Anything else is decided on the text normalised as far as the runs'
    characters can tell (``normalise_towards``: the same answer as on the fully normalised text)."""
    stored = view.stored(int(docnum))
    raw = f"{stored.get('title', '')}\n{stored.get('body', '')}\n{stored.get('labels', '')}"
    if all(run in raw and unchanging(run) for run in runs):
        return True
    text, _ = normalise_towards(raw, "".join(runs))
    return all(run in text for run in runs)


def _order(view: View, parsed: ParsedQuery, tier: Docs, sort: str, limit: int, by_coverage: bool = False) -> list[int]:
    """The first ``limit`` documents of ``tier`` in ``sort`` order; equal keys are ordered by
    doc_id, so that pages are stable. ``by_coverage`` (relevance only): first by how many of the
    query's concepts a document covers, then by score."""
    candidates = np.flatnonzero(tier)
    if sort == "relevance" and not parsed.empty:
        key = -view.score(parsed.match, tier)[candidates]
        if by_coverage:
            covered = sum(view.evaluate(cover)[candidates].astype(np.int64) for cover in parsed.covers)
            # Scores are BM25 sums, far below 1e6: one more concept outranks any score.
            key = key - covered * 1e6
    elif sort == "expiry":
        key = view.column("expiry")[candidates]
    else:  # newest, and "relevance" of an empty query
        key = -view.column("published")[candidates]
    if len(candidates) > limit:
        # Keep every candidate whose key is no worse than the limit-th one (ties included).
        cut = np.partition(key, limit - 1)[limit - 1]
        keep = key <= cut
        candidates, key = candidates[keep], key[keep]
    order = np.lexsort((view.tie_order()[candidates], key))[:limit]
    return candidates[order].tolist()


def _spellings(searcher: Searcher, parsed: ParsedQuery) -> list[str]:
    # The indexed words a fuzzy term actually matched, so that they are marked too.
    reader = searcher.reader()
    found: set[str] = set()
    for term in parsed.fuzzy:
        for name in ("title", "body"):
            found.update(reader.terms_within(name, term, 1, prefix=1))
    return sorted(found)
