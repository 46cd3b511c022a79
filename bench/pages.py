"""CPU per request of the HTML pages users wait on, beside a hello-world view (issue 18).

Run through ``bench/search.py --pages`` (which generates the corpus, or ``--reuse``\\ s one):

    .venv/bin/python bench/search.py --n 100000 --workdir DIR --pages [--reuse] [--rounds 5]
                                     [--requests 200] [--profile search]

In this process, with Flask's test client (no sockets, no server): the search page
(``/search?q=…``, the bench's 200 queries in rotation, a third with a facet filter), the list of
listings (``/listings``, pages 1–5), a listing's page (``/listings/<id>``, random published ids)
and the home page (``/``), each beside ``/_bench/hello``, a view that returns a word. Each figure is
the CPU time of this process (``time.process_time``) per request, median of ``--rounds`` rounds, the
pages interleaved within each round — CPU, not wall time, because the machine may be shared. A first
pass over every path (reported apart, ``first_pass_ms``) reads postings and fills the caches, so
the rounds measure a long-lived worker. ``--profile PAGE`` prints the functions that took the most
CPU over one more round of that page (cProfile, cumulative), to stderr.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
import urllib.parse

PAGES = ("hello", "home", "search", "list", "listing")


def paths_for(pairs: list[tuple[str, dict]], n: int, seed: int = 5) -> dict[str, list[str]]:
    """The paths measured for each page: search queries as users type them, random listings."""
    rng = random.Random(seed)
    search = ["/search?" + urllib.parse.urlencode(
        {"q": text, **{("open" if k == "open_licence" else k): ("1" if v is True else v) for k, v in f.items()}})
        for text, f in pairs]
    return {"hello": ["/_bench/hello"], "home": ["/"], "search": search,
            "list": [f"/listings?page={p}" for p in range(1, 6)],
            "listing": [f"/listings/{rng.randint(1, n)}" for _ in range(len(pairs))]}


def _cpu_ms_per_request(client, paths: list[str], count: int, start: int) -> float:
    began = time.process_time()
    for i in range(count):
        response = client.get(paths[(start + i) % len(paths)])
        if response.status_code != 200:
            raise SystemExit(f"{paths[(start + i) % len(paths)]}: {response.status_code}")
    return (time.process_time() - began) * 1000 / count


def measure(app, pairs: list[tuple[str, dict]], n: int, rounds: int = 5, requests: int = 200,
            profile: str | None = None) -> dict:
    """CPU ms per request of each page (median of ``rounds``), its ratio to hello-world, and the
    first pass over every path."""
    paths = paths_for(pairs, n)
    client = app.test_client()
    first = {name: round(_cpu_ms_per_request(client, p, len(p), 0), 2) for name, p in paths.items()}
    samples: dict[str, list[float]] = {name: [] for name in PAGES}
    for r in range(rounds):
        for name in PAGES:  # interleaved: a slow moment of the machine touches every page alike
            samples[name].append(_cpu_ms_per_request(client, paths[name], requests, r * requests))
    ms = {name: round(statistics.median(values), 3) for name, values in samples.items()}
    out = {"cpu_ms_per_request": ms,
           "times_hello": {name: round(ms[name] / ms["hello"], 1) for name in PAGES if name != "hello"},
           "spread_ms": {name: [round(min(v), 3), round(max(v), 3)] for name, v in samples.items()},
           "first_pass_ms": first, "rounds": rounds, "requests_per_round": requests,
           "clock": "time.process_time of the measuring process, Flask test client"}
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        _cpu_ms_per_request(client, paths[profile], requests, 0)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
        print(text.getvalue(), file=sys.stderr)
    return out


def cold(workdir: str, n: int, warm: bool) -> dict:
    """CPU per search page of a fresh process's first 100 and next 100 queries, and in steady state,
    after ``prewarm()`` (as gunicorn.conf.py runs it) or without."""
    from pathlib import Path

    from bench.search import bench_app, environment, listings, queries

    os.environ.update(environment(Path(workdir)))
    paths = paths_for(queries(200, listings(n)), n)["search"]
    app = bench_app()
    client = app.test_client()
    client.get("/_bench/hello")
    began = time.process_time()
    if warm:
        from portal.indexing.prewarm import prewarm

        prewarm(app)
    spent = time.process_time() - began
    return {"prewarm": warm, "prewarm_cpu_s": round(spent, 2),
            "first_100_ms": round(_cpu_ms_per_request(client, paths[:100], 100, 0), 2),
            "next_100_ms": round(_cpu_ms_per_request(client, paths[100:], 100, 0), 2),
            "steady_ms": round(_cpu_ms_per_request(client, paths, len(paths), 0), 2)}


if __name__ == "__main__":
    # .venv/bin/python bench/pages.py WORKDIR N 0|1 — a fresh process's first search pages, without
    # or with prewarming (run both, alternately, a few times).
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    print(json.dumps(cold(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1")))
