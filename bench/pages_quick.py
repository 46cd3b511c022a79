"""CPU per request of hello-world, the home page, a listing's page and the list only (issue 18).

    .venv/bin/python bench/pages_quick.py WORKDIR [N]

``WORKDIR`` is a ``--workdir`` of ``bench/search.py --n N`` (default 100000). Like ``--pages`` of
``bench/search.py`` (``bench/pages.py``): Flask's test client in this process, a first pass over
every path, then the median of 7 rounds of 200 requests per page, the pages interleaved in each
round, as CPU time (``time.process_time``). Run it alternately in two code trees to compare them.

    .venv/bin/python bench/pages_quick.py WORKDIR N --first

instead measures a listing's first view in a fresh process (nothing of it cached: 300 random
listings) and then their second view, CPU ms per request.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

PAGES = ("hello", "home", "listing", "list")


def main(workdir: str, n: int) -> dict:
    from bench.pages import _cpu_ms_per_request, paths_for
    from bench.search import bench_app, environment, listings, queries

    os.environ.update(environment(Path(workdir)))
    paths = paths_for(queries(200, listings(n)), n)
    client = bench_app().test_client()
    for name in PAGES:
        _cpu_ms_per_request(client, paths[name], len(paths[name]), 0)
    samples: dict[str, list[float]] = {name: [] for name in PAGES}
    for r in range(7):
        for name in PAGES:
            samples[name].append(_cpu_ms_per_request(client, paths[name], 200, r * 200))
    return {"cpu_ms_per_request": {k: round(statistics.median(v), 3) for k, v in samples.items()},
            "load_average": round(os.getloadavg()[0], 2)}


def first_views(workdir: str, n: int) -> dict:
    import random

    from bench.pages import _cpu_ms_per_request
    from bench.search import bench_app, environment

    os.environ.update(environment(Path(workdir)))
    client = bench_app().test_client()
    _cpu_ms_per_request(client, ["/_bench/hello"], 50, 0)
    _cpu_ms_per_request(client, ["/"], 5, 0)
    rng = random.Random(11)
    fresh = [f"/listings/{rng.randint(1, n)}" for _ in range(300)]
    return {"first_view_ms": round(_cpu_ms_per_request(client, fresh, 300, 0), 2),
            "second_view_ms": round(_cpu_ms_per_request(client, fresh, 300, 0), 2),
            "load_average": round(os.getloadavg()[0], 2)}


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = [a for a in sys.argv[1:] if a != "--first"]
    run = first_views if "--first" in sys.argv else main
    print(json.dumps(run(args[0], int(args[1]) if len(args) > 1 else 100000)))
