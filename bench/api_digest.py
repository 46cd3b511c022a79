"""A digest of the search API's answers, to show two trees answer byte for byte the same.

    .venv/bin/python bench/api_digest.py WORKDIR

``WORKDIR`` is a ``--workdir`` of ``bench/search.py``. Asks ``GET /api/v1/listings`` (Flask's test
client, in this process) for each of the 200 bench queries — as the bench does, then again with
``per_page=100``, ``sort=newest`` and page 2 — and the plain list's first pages, and prints the
number of answers, how many items they held and one SHA-256 over every response body. Run it in
each tree: the digests must be equal.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from bench.search import bench_app, environment

    workdir = Path(sys.argv[1])
    os.environ.update(environment(workdir))
    pairs = json.loads((workdir / "queries.json").read_text(encoding="utf-8"))
    paths = []
    for text, filters in pairs:
        args = {"q": text, **{("open" if k == "open_licence" else k): ("1" if v is True else v)
                              for k, v in filters.items()}}
        paths.append(args)
        paths.append({**args, "per_page": "100", "sort": "newest", "page": "2"})
    paths += [{"page": str(page)} for page in range(1, 4)]
    client = bench_app().test_client()
    digest, items = hashlib.sha256(), 0
    for args in paths:
        response = client.get("/api/v1/listings?" + urllib.parse.urlencode(args))
        if response.status_code != 200:
            raise SystemExit(f"{args}: {response.status_code}")
        digest.update(response.get_data())
        items += len(response.get_json()["items"])
    print(json.dumps({"answers": len(paths), "items": items, "sha256": digest.hexdigest()}))


if __name__ == "__main__":
    main()
