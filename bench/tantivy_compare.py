"""The portal's engine beside tantivy: the same analysed terms, the same queries, CPU per query.

    .venv/bin/python bench/search.py --compare tantivy --workdir DIR [--n 100000] [--queries 200]
    .venv/bin/python bench/tantivy_compare.py DIR [--n 100000] [--queries 200] [--passes 5]
                                              [--tantivy-dir /tmp/tv-index] [--rebuild] [--profile]

``DIR`` is a ``--workdir`` of ``bench/search.py --n N``: its index is searched read-only, and its
database read (from a copy, next to the tantivy index) for the documents tantivy indexes, analysed
by the portal's own code (``bench/tantivy_index.py``). Needs ``make bench-deps``.

Each of the bench's queries is parsed once by the portal (:func:`search.query.parse`, not timed:
both engines would pay it) and run in both engines in the portal's recall-first shape:

* the results are the documents matching the ``match`` query (an OR of every analysed term:
  words in title/body/labels, bigrams, fuzzy spellings, identifiers, expansions) and the filters;
* ranked by tier — the whole phrase (``tier0``), every word (``tier1``), the rest, the last by how
  many of the query's concepts it covers — then by BM25. In tantivy: ``Must(match)``, the filters
  as ``Must`` with no score, ``tier0`` / ``tier1`` / each cover as ``Should`` constant scores far
  above any BM25 sum (f32 still resolves 1/16 there). Prefix terms are tantivy regex queries;
  fuzzy terms (Whoosh's edit distance 1 with a fixed first letter, which tantivy's fuzzy query
  cannot say) are expanded in the portal's lexicon, as the portal's engine does, and the expansion
  (cached per searcher there) is done outside the timer for tantivy too.

Modes, each timed with ``time.process_time`` around one engine call, the two engines alternating
which goes first, after a warm-up pass, over ``--passes`` passes (per query the median of passes):

* ``count_facets_top20``: the total, the seven facets' value counts (a facet filtered on counted
  without its own filter, as the portal does) and the top 20 ids. Portal: the core of
  ``run_search`` without highlights and the spelling suggestion (tantivy has neither here).
  tantivy: ``search(q, 20, count=True)`` and one ``aggregate`` (terms per facet) over
  ``match`` ∧ filters, plus one more ``aggregate`` for the facet filtered on;
* ``top10``: the first 10 ids only. Portal: the same core with no facet counts; tantivy:
  ``search(q, 10, count=False)``;
* the portal's whole ``run_search`` (with parsing, highlights and the suggestion) for reference;
* ``tantivy_untiered``, for reference and not the same work: tantivy ranking ``match`` ∧ filters
  by BM25 alone (no tier or cover clauses) — what a plain OR of the same terms costs it.

Hit counts and facet counts are compared query by query; the top 20 are not expected to agree
(tantivy's BM25 and fieldnorms differ from Whoosh's BM25F) and their overlap is reported.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script: the repository root, not bench/, first on the path
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from whoosh import query as wq  # noqa: E402

from bench.tantivy_index import FIELD_BOOSTS, build, open_index, portal_documents  # noqa: E402
from search.facets import count as count_facets  # noqa: E402
from search.query import ParsedQuery, filter_parts, parse  # noqa: E402
from search.schema import FACETS  # noqa: E402
from search.searching import SearchQuery, _rank, run_search  # noqa: E402
from search.view import View  # noqa: E402

# Constant scores of the tiers in tantivy: above any BM25 sum (a few hundred at most) and, added
# up (≤ 2^19 + 2^17 + 24 × 2^12 < 2^20), still resolved to 1/16 by tantivy's f32 scores.
TIER0, TIER1, COVER = float(2**19), float(2**17), float(2**12)
REGEX_META = set("\\.+*?()|[]{}^$#&-~")
FACET_SIZE = 1000
TANTIVY_DIR = Path(tempfile.gettempdir()) / "tv-index"  # the tantivy index, built once and kept


def _regex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in REGEX_META else ch for ch in text)


class Translator:
    """Whoosh queries of the portal's parser as tantivy queries over the same terms."""

    def __init__(self, schema, view: View):
        import tantivy

        self.tv, self.schema, self.view = tantivy, schema, view

    def _boosted(self, q, boost: float):
        return q if boost == 1.0 else self.tv.Query.boost_query(q, boost)

    def query(self, q: wq.Query, boost: float = 1.0):
        Q, Occur = self.tv.Query, self.tv.Occur
        boost *= q.boost
        if q is wq.NullQuery or q is None:
            return Q.empty_query()
        if isinstance(q, wq.Every):
            return Q.all_query()
        if isinstance(q, (wq.Or, wq.And)):
            occur = Occur.Should if isinstance(q, wq.Or) else Occur.Must
            subs = [(occur, self.query(sub, boost)) for sub in q.subqueries]
            return Q.boolean_query(subs) if subs else Q.empty_query()
        field_boost = FIELD_BOOSTS.get(q.fieldname, 1.0)
        if isinstance(q, wq.Term):
            return self._boosted(Q.term_query(self.schema, q.fieldname, q.text), boost * field_boost)
        if isinstance(q, wq.Phrase):
            return self._boosted(Q.phrase_query(self.schema, q.fieldname, list(q.words)), boost * field_boost)
        if isinstance(q, wq.Prefix):  # constant score in Whoosh as in tantivy's regex query
            return self._boosted(Q.regex_query(self.schema, q.fieldname, _regex_escape(q.text) + ".*"), boost)
        if isinstance(q, wq.MultiTerm):  # FuzzyTerm: the terms the portal expands it to
            terms = [t.decode("utf-8") for t in self.view.expand(q)]
            if not terms:
                return Q.empty_query()
            found = Q.boolean_query([(Occur.Should, Q.term_query(self.schema, q.fieldname, t)) for t in terms])
            return Q.const_score_query(found, boost) if q.constantscore else self._boosted(found, boost * field_boost)
        raise TypeError(f"no tantivy form for {q!r}")

    def filters(self, filters: dict) -> dict[str, object]:
        """One unscored query per filter (the portal's :func:`filter_parts`)."""
        return {name: self.tv.Query.const_score_query(self.query(part), 0.0)
                for name, part in filter_parts(filters).items()}

    def plan(self, parsed: ParsedQuery, filters: dict) -> dict:
        """The tantivy queries of one search: ranked page, facet counts, the filtered facet's counts."""
        Q, Occur = self.tv.Query, self.tv.Occur
        match = self.query(parsed.match)
        parts = self.filters(filters)
        must = [(Occur.Must, match), *((Occur.Must, p) for p in parts.values())]
        shoulds = [(Occur.Should, Q.const_score_query(self.query(parsed.tier0), TIER0)),
                   (Occur.Should, Q.const_score_query(self.query(parsed.tier1), TIER1))]
        if len(parsed.covers) > 1:  # the portal orders the last tier by coverage then
            shoulds += [(Occur.Should, Q.const_score_query(self.query(c), COVER)) for c in parsed.covers]
        plan = {"ranked": Q.boolean_query(must + shoulds), "matched": Q.boolean_query(must), "apart": []}
        for name in parts:  # a facet filtered on: counted over the other filters only
            if name in FACETS:
                others = [(Occur.Must, match), *((Occur.Must, p) for n, p in parts.items() if n != name)]
                plan["apart"].append((name, Q.boolean_query(others)))
        return plan


def _terms_aggregation(names) -> dict:
    return {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}


ALL_FACETS = _terms_aggregation(FACETS)


def tantivy_search(searcher, plan: dict, limit: int, facets: bool,
                   ranked: str = "ranked") -> tuple[list[int], int | None, dict | None]:
    """ids of the first ``limit`` results, and (with ``facets``) the total and facet counts.
    ``ranked="matched"``: ranked by BM25 of ``match`` alone, without the tiers."""
    result = searcher.search(plan[ranked], limit, count=facets)
    ids = searcher.fast_field_values("id", [address for _, address in result.hits])
    if not facets:
        return ids, None, None
    counted = searcher.aggregate(plan["matched"], ALL_FACETS)
    for name, query in plan["apart"]:
        counted[name] = searcher.aggregate(query, _terms_aggregation([name]))[name]
    return ids, result.count, counted


def portal_search(view: View, parsed: ParsedQuery, filters: dict, per_page: int, facets: bool):
    """The core of :func:`search.searching._run` for a first page by relevance: the same sets,
    facet counts and ranking, without highlights and the spelling suggestion."""
    parts = filter_parts(filters)
    base = view.evaluate(parsed.match)
    chosen = {}
    for name, part in parts.items():
        allowed = view.evaluate(part)
        if name in FACETS:
            chosen[name] = allowed
        else:
            base = base & allowed
    matched = base
    for allowed in chosen.values():
        matched = matched & allowed
    total = int(np.count_nonzero(matched))
    counted = count_facets(view, matched, base, chosen) if facets else None
    tier0 = view.evaluate(parsed.tier0) & matched
    tier1 = view.evaluate(parsed.tier1) & matched
    tiers = [tier0, tier1 & ~tier0, matched & ~tier0 & ~tier1]
    exact = any(len(run) > 2 for run in parsed.runs)
    ranked = _rank(view, parsed, tiers, "relevance", per_page, exact)
    ids = [int(view.stored(int(d))["doc_id"]) for d in ranked[:per_page]]
    view.release_pages()
    return ids, total, counted


def _facets_of(counted: dict) -> dict[str, dict[str, int]]:
    return {name: {b["key"]: b["doc_count"] for b in counted[name]["buckets"]} for name in FACETS}


def _cpu(call) -> tuple[float, object]:
    started = time.process_time()
    out = call()
    return (time.process_time() - started) * 1000, out


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": round(statistics.median(ordered), 3), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
            "mean": round(statistics.fmean(ordered), 3)}


def compare(index, portal_searcher, pairs: list[tuple[str, dict]], passes: int) -> dict:
    """Run every query in both engines, alternating, and return the figures (see the module)."""
    from search.view import view_for

    searcher = index.searcher()
    view = view_for(portal_searcher)
    translator = Translator(index.schema, view)
    work = []
    parse_ms = []
    for text, filters in pairs:
        ms, parsed = _cpu(lambda text=text: parse(text))
        parse_ms.append(ms)
        if not parsed.empty:
            work.append((text, filters, parsed, translator.plan(parsed, filters)))
    modes = ("count_facets_top20", "top10")
    runs = {
        ("portal", "count_facets_top20"): lambda p, f, plan: portal_search(view, p, f, 20, True),
        ("tantivy", "count_facets_top20"): lambda p, f, plan: tantivy_search(searcher, plan, 20, True),
        ("portal", "top10"): lambda p, f, plan: portal_search(view, p, f, 10, False),
        ("tantivy", "top10"): lambda p, f, plan: tantivy_search(searcher, plan, 10, False),
        # For reference, not the same work: tantivy ranking by BM25 alone (no tiers, no covers).
        ("tantivy_untiered", "count_facets_top20"): lambda p, f, plan: tantivy_search(searcher, plan, 20, True,
                                                                                       "matched"),
        ("tantivy_untiered", "top10"): lambda p, f, plan: tantivy_search(searcher, plan, 10, False, "matched"),
    }
    names = ("portal", "tantivy", "tantivy_untiered")
    samples = {key: [[] for _ in work] for key in runs}
    full = [[] for _ in work]
    answers: dict = {}
    for number in range(passes + 1):  # pass 0 warms both engines up and is not counted
        gc.collect()
        for i, (text, filters, parsed, plan) in enumerate(work):
            for mode in modes:
                turn = (i + number) % len(names)  # which engine goes first rotates
                engines = names[turn:] + names[:turn]
                for engine in engines:
                    ms, out = _cpu(lambda e=engine, m=mode, p=parsed, f=filters, q=plan: runs[e, m](p, f, q))
                    if number:
                        samples[engine, mode][i].append(ms)
                    if mode == modes[0]:
                        answers[engine, i] = out
            request = SearchQuery(text, filters=filters, per_page=20)
            ms, _ = _cpu(lambda r=request: run_search(portal_searcher, r))
            if number:
                full[i].append(ms)
    medians = {key: [statistics.median(s) for s in rows] for key, rows in samples.items()}
    out: dict = {"queries": len(work), "passes": passes, "parse_ms": _summary(parse_ms)}
    for mode in modes:
        portal, tantivy = medians["portal", mode], medians["tantivy", mode]
        out[mode] = {"portal_ms": _summary(portal), "tantivy_ms": _summary(tantivy),
                     "ratio_of_medians": round(statistics.median(portal) / statistics.median(tantivy), 2),
                     "ratio_of_means": round(statistics.fmean(portal) / statistics.fmean(tantivy), 2),
                     "median_of_ratios": round(statistics.median(p / t for p, t in zip(portal, tantivy,
                                                                                          strict=True)), 2)}
        untiered = medians["tantivy_untiered", mode]
        out[mode]["tantivy_untiered_ms"] = _summary(untiered)
        out[mode]["ratio_of_medians_untiered"] = round(statistics.median(portal) / statistics.median(untiered), 2)
    out["portal_run_search_ms"] = _summary([statistics.median(s) for s in full])
    slow = sorted(range(len(work)), key=lambda i: -medians["tantivy", modes[0]][i])[:5]
    out["slowest_in_tantivy"] = [{"q": work[i][0], "filters": work[i][1],
                                  "tantivy_ms": round(medians["tantivy", modes[0]][i], 2),
                                  "tantivy_untiered_ms": round(medians["tantivy_untiered", modes[0]][i], 2),
                                  "portal_ms": round(medians["portal", modes[0]][i], 2)} for i in slow]
    out["agreement"] = agreement(work, answers)
    return out


def agreement(work, answers) -> dict:
    """How far the engines' totals, facet counts and top 20 agree, query by query."""
    totals_equal, facets_equal, overlap, differ = 0, 0, [], []
    for i, (text, filters, _, _) in enumerate(work):
        p_ids, p_total, p_facets = answers["portal", i]
        t_ids, t_total, t_counted = answers["tantivy", i]
        totals_equal += p_total == t_total
        same = {n: dict(v) for n, v in p_facets.items()} == _facets_of(t_counted)
        facets_equal += same
        overlap.append(len(set(p_ids) & set(t_ids)) / max(1, min(20, len(p_ids))))
        if p_total != t_total or not same:
            differ.append({"q": text, "filters": filters, "portal_total": p_total, "tantivy_total": t_total,
                           "facets_equal": same})
    return {"totals_equal": totals_equal, "facets_equal": facets_equal, "queries": len(work),
            "top20_overlap_mean": round(statistics.fmean(overlap), 3), "differences": differ[:10]}


def profile_portal(view: View, work: list, passes: int = 2) -> str:
    """cProfile of the portal's side of ``count_facets_top20`` (steady state)."""
    for _, filters, parsed, _ in work:
        portal_search(view, parsed, filters, 20, True)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(passes):
        for _, filters, parsed, _ in work:
            portal_search(view, parsed, filters, 20, True)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    return text.getvalue()


def run(workdir: Path, n: int, queries: int, passes: int, tantivy_dir: Path, rebuild: bool, profile: bool) -> dict:
    from bench.search import listings
    from bench.search import queries as bench_queries
    from search import SearchIndex

    out: dict = {"n": n, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    opened = None if rebuild else open_index(tantivy_dir)
    if opened is None:
        copy = tantivy_dir.with_name(tantivy_dir.name + "-db")  # the bench's database, read from a copy
        copy.mkdir(parents=True, exist_ok=True)
        shutil.copy2(workdir / "bench.sqlite3", copy / "bench.sqlite3")
        out["tantivy_build"] = build(tantivy_dir, portal_documents(copy), processes=2)
        opened = open_index(tantivy_dir)
    index, out["tantivy_index"] = opened
    pairs = bench_queries(queries, listings(n))
    portal_index = SearchIndex(workdir / "index")
    portal_searcher = portal_index._searcher()
    out["tantivy_segments"] = index.searcher().num_segments
    out["portal_segments"] = len(portal_searcher.reader().leaf_readers())
    out.update(compare(index, portal_searcher, pairs, passes))
    if profile:
        from search.view import view_for

        work = [(t, f, p, None) for t, f in pairs if not (p := parse(t)).empty]
        print(profile_portal(view_for(portal_searcher), work), file=sys.stderr)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["target"] = "portal ÷ tantivy ≤ 4× CPU per query with count and facets"
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", type=Path, help="a --workdir of bench/search.py (read only)")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--tantivy-dir", type=Path, default=TANTIVY_DIR)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the tantivy index")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the portal's side")
    args = parser.parse_args(argv)
    out = run(args.workdir, args.n, args.queries, args.passes, args.tantivy_dir, args.rebuild, args.profile)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
