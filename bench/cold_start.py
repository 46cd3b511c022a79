"""A fresh process's first searches beside its steady state (issue 18, item 2).

    .venv/bin/python bench/cold_start.py engine WORKDIR     # the index alone
    .venv/bin/python bench/cold_start.py api WORKDIR [--prewarm]

``WORKDIR`` is a ``--workdir`` of ``bench/search.py`` (its ``index``, ``bench.sqlite3`` and
``queries.json``, the 200 bench queries). In this process: open the index (``engine``: a
``SearchIndex`` and its health check; ``api``: the portal, optionally ``prewarm(app)`` as a gunicorn
worker does), then run every query five times — with facet counts and highlights, 20 per page;
``api`` through ``GET /api/v1/listings?q=…`` with Flask's test client — and print, as JSON, the CPU
time (``time.process_time``) of opening, of pass 1 and pass 2 per query, the median of passes 3–5
("steady"), the ratio of the first two passes to steady, the postings cache's size and the peak RSS.
Run it alternately on two checkouts for before/after: a process is cold only once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def _peak_rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM"))


def _passes(run) -> dict:
    first, second = run(), run()
    steady = statistics.median(run() for _ in range(3))
    return {"pass1_ms": round(first, 2), "pass2_ms": round(second, 2), "steady_ms": round(steady, 2),
            "first_two_over_steady": round((first + second) / 2 / steady, 2)}


def engine(workdir: Path, prewarm_words: int = 0) -> dict:
    from search import SearchIndex, SearchQuery
    from search.segments import postings_cache_stats

    pairs = json.loads((workdir / "queries.json").read_text(encoding="utf-8"))
    began = time.process_time()
    index = SearchIndex(workdir / "index")
    assert index.is_healthy()
    opened = time.process_time() - began
    began = time.process_time()
    warmed = index.prewarm(index.frequent_words("title", prewarm_words)) if prewarm_words else 0
    prewarm = {"prewarm_words": warmed, "prewarm_cpu_s": round(time.process_time() - began, 2)} if prewarm_words else {}

    def run() -> float:
        began = time.process_time()
        for text, filters in pairs:
            index.search(SearchQuery(text, filters=filters, per_page=20))
        return (time.process_time() - began) * 1000 / len(pairs)

    return {"open_cpu_s": round(opened, 2), **prewarm, **_passes(run), "postings_cache": postings_cache_stats(),
            "peak_rss_mb": _peak_rss_mb()}


def api(workdir: Path, prewarm: bool) -> dict:
    import os

    from bench.search import bench_app, environment

    os.environ.update(environment(workdir))
    pairs = json.loads((workdir / "queries.json").read_text(encoding="utf-8"))
    paths = ["/api/v1/listings?" + urllib.parse.urlencode(
        {"q": text, **{("open" if k == "open_licence" else k): ("1" if v is True else v) for k, v in f.items()}})
        for text, f in pairs]
    app = bench_app()
    client = app.test_client()
    client.get("/_bench/hello")
    began = time.process_time()
    if prewarm:
        from portal.indexing.prewarm import prewarm as run_prewarm

        run_prewarm(app)
    opened = time.process_time() - began

    def run() -> float:
        began = time.process_time()
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
        return (time.process_time() - began) * 1000 / len(paths)

    return {"prewarm_cpu_s": round(opened, 2), **_passes(run), "peak_rss_mb": _peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("engine", "api"))
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--prewarm", action="store_true", help="api: prewarm as a gunicorn worker does")
    parser.add_argument("--prewarm-words", type=int, default=0,
                        help="engine: first warm the caches for this many frequent title words (SearchIndex.prewarm)")
    args = parser.parse_args()
    out = engine(args.workdir, args.prewarm_words) if args.mode == "engine" else api(args.workdir, args.prewarm)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
