"""`flask search rebuild`'s path alone, on an existing bench workdir (issue 18, item 4).

    .venv/bin/python bench/rebuild.py WORKDIR [--processes N] [--verify] [--profile N]

``WORKDIR`` is a ``--workdir`` of ``bench/search.py`` (its ``bench.sqlite3`` and ``index``); the
rebuild writes a new generation of that index and records it in that database, so run it on a
copy of a shared workdir (``cp -a /tmp/w100k /tmp/me-w100k``). Prints, as JSON: the listings
indexed, wall seconds, CPU seconds of this process (reading the database, shaping documents,
handing them out) and of its worker processes (``RUSAGE_CHILDREN``: analysing and writing), their
sum, the size of the new generation in MB, and the load average before and after. ``--verify``
checks the new index against the database afterwards (not timed); ``--profile N`` prints the N
most expensive functions of this process by own time (with ``--processes 1`` that is the whole
rebuild). Run it alternately in two code trees to compare them.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: one per CPU)")
    parser.add_argument("--verify", action="store_true", help="check the index against the database afterwards")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print this process's top N functions")
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    os.environ.update({"PORTAL_INSTANCE_DIR": str(workdir),
                       "PORTAL_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
                       "PORTAL_INDEX_DIR": str(workdir / "index"), "PORTAL_SEARCH_APPLY_INLINE": "0",
                       "PORTAL_SECRET_KEY": "bench-rebuild-secret"})
    from portal import create_app, indexing
    from portal.config import Config
    from portal.extensions import db
    from search import storage
    from search.bulk import default_processes

    processes = args.processes or default_processes()
    app = create_app(Config(workdir))
    out: dict = {"processes": processes, "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    with app.app_context():
        profile = cProfile.Profile() if args.profile else None
        parent, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        if profile:
            profile.enable()
        count = indexing.rebuild(processes=processes)
        if profile:
            profile.disable()
        out["wall_s"] = round(time.perf_counter() - started, 1)
        out["cpu_parent_s"] = round(_cpu(resource.RUSAGE_SELF) - parent, 1)
        out["cpu_children_s"] = round(_cpu(resource.RUSAGE_CHILDREN) - children, 1)
        out["cpu_s"] = round(out["cpu_parent_s"] + out["cpu_children_s"], 1)
        out["listings"] = count
        index_dir = workdir / "index"
        out["index_mb"] = _mb(index_dir / storage.read_pointer(index_dir))
        out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if args.verify:
            out["verify_ok"] = indexing.verify().ok
        db.session.remove()
    print(json.dumps(out))
    if profile:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
