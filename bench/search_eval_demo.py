"""Sector-name search on the demo data, through the portal: recall@10 and MRR (not a test; prints figures).

Usage: python bench/search_eval_demo.py [--verbose] [--json]   (or: bench/search_eval.py --demo)

Sector names — a technical field's label (医疗器械, 医学影像 …), its English, an IPC subclass
(A61B) or a generic word (诊断, 医药) — need listings that carry a field, IPC codes and a centre;
the CSV of ``bench/search_eval.py`` has none. So these queries are judged on the portal's demo
listings (``portal/demo/listings.py``), and answered the way a user gets them: the app is created
with a temporary instance folder, SQLite database and index (``TestConfig``, as the tests do), the
demo data is loaded as ``flask demo`` loads it, the index is rebuilt as ``flask search rebuild``
does, and every query goes through ``run_search`` — the function behind the search page, with its
spelling correction — taking the first 10 published listings it shows, in order.

Judgments (``DEMO_QUERIES`` in ``bench/search_eval_queries.py``, written 2026-12-07 from reading the
demo listings, before the engine was run on them) name listings by title; the titles are mapped to
the ids the load gave them. A judged listing that is not published after the load (a demo deal can
conclude one) cannot be found and is left out of that query's relevant set, with a note.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on sys.path, and bench/search.py would hide the
# ``search`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

TYPE = "sector name"
TOP = 10


def _scores(ranked: list[int], relevant: frozenset[int]) -> tuple[float, float, int | None]:
    top = ranked[:TOP]
    recall = len(relevant.intersection(top)) / min(len(relevant), TOP)
    first = next((rank for rank, doc_id in enumerate(top, 1) if doc_id in relevant), None)
    return recall, (1 / first if first else 0.0), first


def evaluate() -> tuple[list[dict], list[str]]:
    """Load the demo world into a temporary portal and run every sector query; returns the per-query
    results and notes (judged listings that are not published)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    from bench.search_eval_queries import DEMO, DEMO_QUERIES
    from portal import create_app, indexing
    from portal.admin.operations import ensure_reference_data
    from portal.config import TestConfig
    from portal.demo import load_demo
    from portal.extensions import db
    from portal.listings.queries import ListingFilters
    from portal.listings.search import run_search
    from portal.models import Listing

    results, notes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(Path(tmp) / "instance"))
        with app.app_context(), app.test_request_context("/search"):
            db.create_all()
            ensure_reference_data()
            db.session.commit()
            load_demo(echo=lambda _message: None)
            indexing.rebuild()
            published = {title: listing_id for listing_id, title in db.session.execute(
                db.select(Listing.id, Listing.title).where(Listing.status == "published"))}
            missing = [key for key, title in DEMO.items() if title not in published]
            if len(missing) == len(DEMO):
                raise SystemExit("no demo listing is published: the demo data did not load")
            notes += [f"demo listing {key!r} ({DEMO[key]}) is not published after the load" for key in missing]
            names = {published[title]: key for key, title in DEMO.items() if title in published}
            for text, keys in DEMO_QUERIES:
                unknown = [k for k in keys if k not in DEMO]
                if unknown:
                    raise SystemExit(f"{text}: unknown demo listing(s) {unknown}")
                relevant = frozenset(published[DEMO[k]] for k in keys if DEMO[k] in published)
                if not relevant:
                    raise SystemExit(f"{text}: none of its listings is published")
                hits = run_search(text, ListingFilters(per_page=TOP))
                ranked = [listing.id for listing in hits.listings]
                recall, rr, first = _scores(ranked, relevant)
                results.append({
                    "type": TYPE, "query": text, "judged_by": list(keys), "relevant": len(relevant),
                    "ours": {"recall@10": recall, "rr": rr, "first relevant": first, "total": hits.total,
                             "corrected": hits.corrected, "did you mean": hits.suggestion,
                             "top": [names.get(i, str(i)) for i in ranked],
                             "missed": [k for k in keys if DEMO[k] in published and published[DEMO[k]] not in ranked]},
                })
            db.session.remove()
            db.engine.dispose()
    return results, notes


def run_demo(verbose: bool = False, as_json: bool = False) -> None:
    results, notes = evaluate()
    summary = [{
        "type": kind, "queries": len(results),
        "recall@10 ours": statistics.fmean(r["ours"]["recall@10"] for r in results),
        "MRR ours": statistics.fmean(r["ours"]["rr"] for r in results),
    } for kind in (TYPE, "overall")]
    if as_json:
        print(json.dumps({"summary": summary, "notes": notes, "queries": results}, ensure_ascii=False, indent=2))
        return
    print(f"demo data: {len(results)} sector-name queries through portal.listings.search.run_search")
    for note in notes:
        print(f"note: {note}")
    if verbose:
        print(f"\n{'query':<20}{'rel':>4}  {'R@10':>5} {'1st':>4} {'total':>6}  top 10 (demo keys); missed")
        for r in results:
            o = r["ours"]
            wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in r["query"])
            extra = f"  (corrected to {o['corrected']})" if o["corrected"] else ""
            missed = f"; missed {', '.join(o['missed'])}" if o["missed"] else ""
            print(f"{r['query']:<{20 - wide}}{r['relevant']:>4}  {o['recall@10']:>5.2f} {o['first relevant'] or '-':>4}"
                  f" {o['total']:>6}  {' '.join(o['top']) or '(none)'}{missed}{extra}")
    print(f"\n{'type':<21}{'n':>3}   {'recall@10 ours':>14}   {'MRR ours':>8}")
    for line in summary:
        if line["type"] == "overall":
            print("-" * 53)
        print(f"{line['type']:<21}{line['queries']:>3}   {line['recall@10 ours']:>14.3f}   {line['MRR ours']:>8.3f}")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    args = parser.parse_args()
    run_demo(verbose=args.verbose, as_json=args.json)


if __name__ == "__main__":
    main()
