"""Listings like a given one ("more like this"), for the listing page and anything else that
proposes listings (needs, recommendations).

The listing's most distinctive words — of its title, labels (field, IPC titles) and body, picked by
Whoosh's Bo1 expansion model against the whole index — and its IPC subclasses and field make one
query; the other listings are ranked by its BM25F score, as a search is.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .view import view_for

TERMS_PER_FIELD = 12
# Title words say most about what a listing is; its labels include its centre's name, which says
# little about what is alike, so they weigh less than the body's words.
FIELD_WEIGHTS = (("title", 2.0), ("body", 1.0), ("labels", 0.5))
BOOST_SUBCLASS = 1.5
BOOST_FIELD = 1.0


def similar_query(searcher: Searcher, stored: dict) -> wq.Query | None:
    parts: list[wq.Query] = []
    for name, weight in FIELD_WEIGHTS:
        text = stored.get(name) or ""
        if not text.strip():
            continue
        for term, score in searcher.key_terms_from_text(name, text, numterms=TERMS_PER_FIELD):
            parts.append(wq.Term(name, term, boost=weight * score))
    for subclass in filter(None, (stored.get("ipc_subclass") or "").split(",")):
        parts.append(wq.Term("ipc_subclass", subclass.strip(), boost=BOOST_SUBCLASS))
    if stored.get("field"):
        parts.append(wq.Term("field", stored["field"], boost=BOOST_FIELD))
    return wq.Or(parts) if parts else None


def similar(searcher: Searcher, doc_id: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` ids of the listings most like ``doc_id`` (not itself), best first; [] when
    the listing is not in the index."""
    docnum = searcher.document_number(doc_id=doc_id)
    if docnum is None:
        return []
    query = similar_query(searcher, searcher.stored_fields(docnum))
    if query is None:
        return []
    view = view_for(searcher)
    candidates = view.evaluate(query) & view.live()
    candidates[docnum] = False
    chosen = np.flatnonzero(candidates)
    if not len(chosen):
        return []
    scores = view.score(query, candidates)[chosen]
    order = np.lexsort((view.tie_order()[chosen], -scores))[:limit]
    ids = [searcher.stored_fields(int(n))["doc_id"] for n in chosen[order]]
    view.release_pages()
    return ids
