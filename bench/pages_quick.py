"""CPU per request of hello-world, the home page, a listing's page and the list only (issue 18).

    .venv/bin/python bench/pages_quick.py WORKDIR [N]

``WORKDIR`` is a ``--workdir`` of ``bench/search.py --n N`` (default 100000). Like ``--pages`` of
``bench/search.py`` (``bench/pages.py``): Flask's test client in this process, a first pass over
every path, then the median of 7 rounds of 200 requests per page, the pages interleaved in each
round, as CPU time (``time.process_time``). Run it alternately in two code trees to compare them.
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


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100000)))
