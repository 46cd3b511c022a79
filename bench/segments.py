"""Segments after a burst of publishes, and what they cost every query: Whoosh's MERGE_SMALL
against the portal's merge policy (search/merging.py), side by side on the same documents.

    .venv/bin/python bench/segments.py [--n 20000] [--publishes 40] [--queries 200]

For each policy: a fresh index of ``--n`` generated listings (bench/search.py's generator), then
``--publishes`` single-document commits without merging, as `flask search apply --follow` makes
them, with a merge under the policy after every 20 commits and once at the end (the follower
merges when the log is quiet or after 20 commits). Prints the segment count after the burst, and
the CPU time of ``--queries`` queries (process time, each query with facets and snippets, median
of 3 interleaved rounds, after one warm-up pass) on that index and on a fresh rebuild of the same
documents, as a ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]  # bench/search.py
sys.path.insert(0, str(ROOT))

from search import Change, SearchIndex, SearchQuery  # noqa: E402
from search.merging import merge_segments  # noqa: E402


def _burst(index: SearchIndex, docs, first_id: int, policy) -> None:
    for i, doc in enumerate(docs, start=1):
        index.apply([Change(first_id + i, "upsert", doc.doc_id, doc)], merge=False)
        if i % 20 == 0 or i == len(docs):
            writer = index._writer(None)  # noqa: SLF001 - the bench chooses the policy the index would use
            writer.commit(mergetype=policy)


def _cpu(index: SearchIndex, pairs) -> float:
    started = time.process_time()
    for text, filters in pairs:
        index.search(SearchQuery(text, filters=filters, per_page=10))
    return time.process_time() - started


def main() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("search_bench", ROOT / "bench" / "search.py")
    generator = importlib.util.module_from_spec(spec)
    sys.modules["search_bench"] = generator  # dataclasses look their module up
    spec.loader.exec_module(generator)
    listings, queries = generator.listings, generator.queries

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--publishes", type=int, default=40)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    from whoosh.writing import MERGE_SMALL

    items = listings(args.n + args.publishes)
    base, burst = [x.document for x in items[:args.n]], [x.document for x in items[args.n:]]
    pairs = queries(args.queries, items)
    out: dict = {"n": args.n, "publishes": args.publishes, "queries": args.queries}
    with tempfile.TemporaryDirectory() as tmp:
        indexes = {}
        for name, policy in (("whoosh MERGE_SMALL", MERGE_SMALL), ("portal merge_segments", merge_segments)):
            index = SearchIndex(Path(tmp) / name.replace(" ", "_"))
            index.rebuild(base, last_id=0, processes=1)
            _burst(index, burst, 0, policy)
            indexes[name] = index
        optimised = SearchIndex(Path(tmp) / "fresh")
        optimised.rebuild(base + burst, last_id=0, processes=1)
        indexes["fresh rebuild"] = optimised
        for index in indexes.values():
            _cpu(index, pairs)  # warm-up: postings read, searcher opened
        rounds: dict[str, list[float]] = {name: [] for name in indexes}
        for _ in range(3):
            for name, index in indexes.items():
                rounds[name].append(_cpu(index, pairs))
        floor = statistics.median(rounds["fresh rebuild"])
        for name, index in indexes.items():
            cpu = statistics.median(rounds[name])
            out[name] = {"segments": index.segment_count(), "query_cpu_ms_per_query": round(cpu / len(pairs) * 1000, 2),
                         "vs_fresh_rebuild": round(cpu / floor, 2)}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
