"""Listings that answer a need ("we need a technology that does X"), and why.

A need is longer than a search and phrased loosely, so it is matched the way "more like this"
(:mod:`search.similar`) is, with the search's own machinery:

* the need's title is parsed exactly as a search box's text is (:func:`search.query.parse`:
  normalisation, jieba with the medical dictionary, bigrams, glossary and synonym expansion, so an
  English need finds Chinese listings);
* the most distinctive words of the title and description, picked by Whoosh's Bo1 model against
  the index, are looked for in every listing's title, body and labels (and the English text);
* the listing's technical field and IPC subclass agreeing with the need's add a fixed boost.

Each match carries a **relevance** in [0, 1] — the share of the need's typed concepts (weighted by
rarity) and distinctive words (weighted by Bo1) that the listing contains, with field and IPC
agreement — which is what a notification threshold is set on, because BM25 scores are not
comparable between needs. Listings are ranked mostly by that relevance, a little by the BM25F score
of the query, plus the share of the *title's* concepts they cover (the one line an SME types says
what it needs), plus a little of the description's own BM25 (which of the listings covering the title
alike describes the SME's problem). Concepts of one character (想, 用) and one-character stand-ins
(焊 for 焊接) are left out of the coverage. The constants were chosen on the even-numbered needs of bench/match_eval.py;
the odd-numbered ones are held out (docs/needs.md). The matched words, field and IPC are returned so that
every proposal can say why it was made.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .normalise import CJK_RUN
from .query import parse
from .view import view_for

KEY_TERMS = 16
BOOST_KEY_TERMS = 1.0
BOOST_DESCRIPTION_QUERY = 0.3
KEY_SHARE = 0.5  # of the words' part of the relevance: distinctive words vs. typed concepts
RANK_BY_RELEVANCE = 0.9  # 0: rank by BM25F alone; 1: by relevance alone (chosen on bench/match_eval.py's tuning half)
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
# The share of the title's concepts a listing covers is added to the ranking: what the one line of
# the need asks for comes first (chosen on bench/match_eval.py's tuning half, the even-numbered needs).
RANK_BY_TITLE = 1.0
# And the BM25 score of the description parsed as a search (scaled to the need's best): among listings
# that cover the title alike, the one the description's own words describe comes first. Chosen on the
# tuning half: 0.08-0.35 all gain over none, 0.25-0.3 the most, 0.4 and above lose.
RANK_BY_DESCRIPTION = 0.25


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


# How SMEs phrase a need, not what they need: rare in patent text, so Bo1 would rank them as the most
# distinctive words of every need. Single characters left alone by the analyser (做, 大, 用) likewise.
NEED_PHRASING = frozenset("""
需要 需求 希望 寻求 寻找 找到 想要 想 我们 我司 我公司 公司 企业 专利 技术 方面 或者 最好 获得 开发 提供 用于 用来
服务 运营 改进 提高 降低 解决 问题 能够 能 可以 比如 例如 特别 一些 有关 相关 合作 许可 转让 预算 万元 元 左右 以下
""".split())  # noqa: SIM905 - a word list reads best as words


# The same words taken out of the text before it is parsed as a search (longest first).
_PHRASING_RE = re.compile("|".join(sorted((re.escape(w) for w in NEED_PHRASING if len(w) > 1), key=len, reverse=True)))


def _key_terms(searcher: Searcher, text: str) -> list[tuple[str, float]]:
    """The need's most distinctive words (Chinese analyser, Bo1 against the index), weights summing to 1."""
    terms = [(t, w) for t, w in searcher.key_terms_from_text("body", text, numterms=KEY_TERMS + 8)
             if w > 0 and t not in NEED_PHRASING and not (len(t) == 1 and CJK_RUN.match(t))][:KEY_TERMS]
    total = sum(w for _, w in terms) or 1.0
    return [(t, w / total) for t, w in terms]


def _single_character(cover: wq.Query) -> bool:
    """A concept that is one Chinese character (想, 用, 做 of a colloquial need): it says nothing, and
    being rare in patent text it would weigh the most."""
    texts = {text for _, text in cover.iter_all_terms()}
    return bool(texts) and all(len(t) == 1 and CJK_RUN.match(t) for t in texts)


def _without_single_characters(cover: wq.Query) -> wq.Query:
    """``cover`` without its one-character alternatives: the search lets 焊 stand for 焊接, which finds
    more for a short query, but for a need any record with 焊丝 would then cover "焊接"."""
    if isinstance(cover, (wq.Or, wq.And)):
        parts = [_without_single_characters(q) for q in cover.subqueries
                 if not (isinstance(cover, wq.Or) and _single_character(q))]
        return type(cover)(parts, boost=cover.boost) if parts else cover
    return cover


@dataclass
class _Built:
    words: wq.Query  # which listings are candidates: a field or IPC alone is no match
    scoring: wq.Query
    keys: list[tuple[str, float]]
    concepts: list[tuple[wq.Query, float]]  # each typed concept of the title and description, and its weight
    title_concepts: int = 0  # the first ones of ``concepts`` are the title's
    description: wq.Query | None = None  # the description parsed as a search


def _build(searcher: Searcher, need: NeedText) -> _Built | None:
    title, description = need.title[:MAX_TEXT], need.description[:MAX_TEXT]
    keys = _key_terms(searcher, f"{title}\n{title}\n{description}")
    parts: list[wq.Query] = []
    concepts: list[tuple[wq.Query, float]] = []
    title_concepts = 0
    described = None
    for n, (text, boost, weight) in enumerate(((title, BOOST_TITLE_QUERY, 2.0),
                                               (description, BOOST_DESCRIPTION_QUERY, 1.0))):
        parsed = parse(_PHRASING_RE.sub(" ", text))
        if parsed.match is not None:
            parts.append(wq.Or([parsed.match], boost=boost))
            concepts.extend((_without_single_characters(cover), weight) for cover in parsed.covers
                            if not _single_character(cover))
        if n == 0:
            title_concepts = len(concepts)
        else:
            described = parsed.match
    for term, weight in keys:
        for fieldname, boost in WORD_FIELDS:
            parts.append(wq.Term(fieldname, term, boost=boost * weight * BOOST_KEY_TERMS))
    if not parts:
        return None
    words = wq.Or(list(parts))
    if need.field and need.field != "other":
        parts.append(wq.Term("field", need.field, boost=BOOST_FIELD))
    if need.ipc_subclass:
        parts.append(wq.Term("ipc_subclass", need.ipc_subclass, boost=BOOST_SUBCLASS))
    return _Built(words, wq.Or(parts), keys, concepts, title_concepts, described)


def match_need(searcher: Searcher, need: NeedText, limit: int = 5,
               among: list[str] | None = None) -> list[Match]:
    """Up to ``limit`` listings best matching ``need``, best first; with ``among`` (doc ids), only
    those listings are considered (a listing just published, checked against open needs)."""
    built = _build(searcher, need)
    if built is None:
        return []
    view = view_for(searcher)
    live = view.live()
    candidates = view.evaluate(built.words) & live
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
    # Each concept counts by its rarity: "材料" or "技术" in every other listing says little.
    total_docs = max(1, int(np.count_nonzero(live)))
    concept_sets = []
    for cover, weight in built.concepts:
        docs = view.evaluate(cover) & live
        concept_sets.append((docs, weight * math.log(1 + total_docs / (1 + int(np.count_nonzero(docs))))))
    concept_total = sum(w for _, w in concept_sets) or 1.0
    title_sets = concept_sets[:built.title_concepts]
    title_total = sum(w for _, w in title_sets) or 1.0
    holders = {term: view.term("title", term) | view.term("body", term) | view.term("labels", term)
               for term, _ in built.keys}
    use_field = bool(need.field and need.field != "other")
    field_docs = view.term("field", need.field) if use_field else view.empty()
    ipc_docs = view.term("ipc_subclass", need.ipc_subclass) if need.ipc_subclass else view.empty()
    word_share = 1.0 - (SHARE_FIELD if use_field else 0.0) - (SHARE_IPC if need.ipc_subclass else 0.0)
    # A need written without Chinese is matched through the search's glossary (its concepts) alone:
    # its distinctive words are English and Chinese listings do not contain them.
    chinese = bool(CJK_RUN.search(need.title + need.description))

    scores = view.score(built.scoring, candidates)[chosen]
    relevances = np.zeros(len(chosen))
    title_covers = np.zeros(len(chosen))
    words_of: list[list[str]] = []
    for i, docnum in enumerate(chosen):
        concept_cover = sum(w for docs, w in concept_sets if docs[docnum]) / concept_total
        title_covers[i] = sum(w for docs, w in title_sets if docs[docnum]) / title_total if title_sets else 0.0
        words = [term for term, _ in built.keys if holders[term][docnum]]
        key_cover = sum(w for term, w in built.keys if holders[term][docnum])
        cover = (1 - KEY_SHARE) * concept_cover + KEY_SHARE * key_cover if chinese else concept_cover
        relevances[i] = min(1.0, word_share * cover + (SHARE_FIELD if field_docs[docnum] else 0.0)
                            + (SHARE_IPC if ipc_docs[docnum] else 0.0))
        words_of.append(words)
    rank_by = scores / (scores.max() or 1.0) * (1 - RANK_BY_RELEVANCE) + relevances * RANK_BY_RELEVANCE
    rank_by = rank_by + RANK_BY_TITLE * title_covers
    if built.description is not None:
        described = view.score(built.description, candidates)[chosen]
        rank_by = rank_by + RANK_BY_DESCRIPTION * described / (described.max() or 1.0)
    order = np.lexsort((view.tie_order()[chosen], -rank_by))[:limit]
    matches = [Match(searcher.stored_fields(int(chosen[i]))["doc_id"], float(scores[i]), round(float(relevances[i]), 4),
                     words_of[i][:8], bool(field_docs[chosen[i]]), bool(ipc_docs[chosen[i]])) for i in order]
    view.release_pages()
    return matches
