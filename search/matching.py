"""Listings that answer a need ("we need a technology that does X"), and why.

A need is longer than a search and phrased loosely, so it is matched the way "more like this"
(:mod:`search.similar`) is, with the search's own machinery:

* the need's title is parsed exactly as a search box's text is (:func:`search.query.parse`:
  normalisation, jieba with the medical dictionary, bigrams, glossary and synonym expansion, so an
  English need finds Chinese listings);
* the most distinctive words of the title and description, picked by Whoosh's Bo1 model against
  the index, are looked for in every listing's title, body and labels (and the English text);
* the listing's technical field and IPC subclass agreeing with the need's add a fixed boost.

Listings are ranked by the BM25F score of that query. Each match also carries a **relevance** in
[0, 1] — the share of the need's distinctive words (weighted by Bo1) that the listing contains,
with field and IPC agreement — which is what a notification threshold is set on, because BM25
scores are not comparable between needs. The matched words, field and IPC are returned so that
every proposal can say why it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .query import parse
from .view import View, view_for

KEY_TERMS = 16
# Where a need's words are looked for, and how much each place counts.
WORD_FIELDS = (("title", 2.0), ("body", 1.0), ("labels", 0.5))
BOOST_TITLE_QUERY = 1.0  # the title parsed as a search
BOOST_FIELD = 1.5
BOOST_SUBCLASS = 2.0
# The relevance's parts: words covered, field agreeing, IPC agreeing (a need without an IPC, or in
# the field "other", shares the weight out to the words).
SHARE_FIELD = 0.15
SHARE_IPC = 0.15
MAX_TEXT = 4000


@dataclass
class Match:
    doc_id: str
    score: float  # BM25F of the need's query: ranks the matches of one need
    relevance: float  # 0..1, comparable across needs: the notification threshold is set on it
    words: list[str] = field(default_factory=list)  # the need's words found in the listing, most telling first
    field_agrees: bool = False
    ipc_agrees: bool = False


@dataclass
class NeedText:
    """What a need says, as the index needs it."""

    title: str
    description: str = ""
    field: str = ""  # a technical field code, "" or "other" for none
    ipc_subclass: str = ""  # A61B, or ""


def _key_terms(searcher: Searcher, text: str) -> list[tuple[str, str, float]]:
    """(fieldname, term, weight) of the need's most distinctive words, in the Chinese and in the
    English analyser, weights summing to 1 within each."""
    out: list[tuple[str, str, float]] = []
    for name in ("body", "english"):
        terms = [(t, s) for t, s in searcher.key_terms_from_text(name, text, numterms=KEY_TERMS) if s > 0]
        total = sum(s for _, s in terms) or 1.0
        out.extend((name, t, s / total) for t, s in terms)
    return out


def _build(searcher: Searcher, need: NeedText) -> tuple[wq.Query | None, wq.Query | None,
                                                      list[tuple[str, str, float]]]:
    """The need's words (which listings are candidates: a field or IPC alone is no match), the whole
    scoring query, and the key terms."""
    text = f"{need.title}\n{need.title}\n{need.description}"[:MAX_TEXT]
    keys = _key_terms(searcher, text)
    parts: list[wq.Query] = []
    parsed = parse(need.title)
    if parsed.match is not None:
        parts.append(wq.Or([parsed.match], boost=BOOST_TITLE_QUERY))
    for name, term, weight in keys:
        if name == "english":
            parts.append(wq.Term("english", term, boost=2.0 * weight))
            continue
        for fieldname, boost in WORD_FIELDS:
            parts.append(wq.Term(fieldname, term, boost=boost * weight))
    if not parts:
        return None, None, keys
    words = wq.Or(list(parts))
    if need.field and need.field != "other":
        parts.append(wq.Term("field", need.field, boost=BOOST_FIELD))
    if need.ipc_subclass:
        parts.append(wq.Term("ipc_subclass", need.ipc_subclass, boost=BOOST_SUBCLASS))
    return words, wq.Or(parts), keys


def _holders(view: View, fieldname: str, term: str) -> np.ndarray:
    if fieldname == "english":
        return view.term("english", term)
    found = view.term("title", term) | view.term("body", term) | view.term("labels", term)
    return found


def match_need(searcher: Searcher, need: NeedText, limit: int = 5,
               among: list[str] | None = None) -> list[Match]:
    """Up to ``limit`` listings best matching ``need``, best first; with ``among`` (doc ids), only
    those listings are considered (a listing just published, checked against open needs)."""
    words_query, query, keys = _build(searcher, need)
    if query is None:
        return []
    view = view_for(searcher)
    candidates = view.evaluate(words_query) & view.live()
    if among is not None:
        allowed = view.empty()
        for doc_id in among:
            docnum = searcher.document_number(doc_id=doc_id)
            if docnum is not None:
                allowed[docnum] = True
        candidates = candidates & allowed
    chosen = np.flatnonzero(candidates)
    if not len(chosen):
        view.release_pages()
        return []
    scores = view.score(query, candidates)[chosen]
    order = np.lexsort((view.tie_order()[chosen], -scores))[:limit]
    use_field = bool(need.field and need.field != "other")
    word_share = 1.0 - (SHARE_FIELD if use_field else 0.0) - (SHARE_IPC if need.ipc_subclass else 0.0)
    holders = {(name, term): _holders(view, name, term) for name, term, _ in keys}
    field_docs = view.term("field", need.field) if use_field else view.empty()
    ipc_docs = view.term("ipc_subclass", need.ipc_subclass) if need.ipc_subclass else view.empty()
    languages = {name for name, _, _ in keys} or {"body"}
    matches = []
    for position in order:
        docnum = int(chosen[position])
        words, covered = [], {name: 0.0 for name in languages}
        for name, term, weight in keys:
            if holders[(name, term)][docnum]:
                covered[name] += weight
                if term not in words:
                    words.append(term)
        # The need is written in one language: the better-covered analyser says how much it covers.
        cover = max(covered.values()) if covered else 0.0
        field_agrees, ipc_agrees = bool(field_docs[docnum]), bool(ipc_docs[docnum])
        relevance = word_share * cover + (SHARE_FIELD if field_agrees else 0.0) + (SHARE_IPC if ipc_agrees else 0.0)
        matches.append(Match(searcher.stored_fields(docnum)["doc_id"], float(scores[position]),
                             round(min(1.0, relevance), 4), words[:8], field_agrees, ipc_agrees))
    view.release_pages()
    return matches
