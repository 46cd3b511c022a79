"""What the change log's size costs a feed request, and what the log mechanism costs an import.

    .venv/bin/python bench/changelog.py [--rows 1000000] [--requests 2000] [--database-url URL]
                                        [--import-rows 10000]

**Feeds.** Two databases with the same 200 published listings and a fresh index: one with an
empty change log, one with ``--rows`` rows already applied (the state after years of use without
pruning). In each, a cached Atom feed and a reader's revalidation (If-None-Match → 304) are
requested ``--requests`` times through the app (the test client: no network), measuring CPU time
per request; interleaved rounds, medians. Also times the state token the feeds used before
(``max(id), count(id)`` over the whole log) on the large log, for comparison.

**Import.** With ``--database-url`` (PostgreSQL, a scratch database: it is emptied): a
``--import-rows``-row patent import with ``--publish ordinary`` (one change-log row per listing;
a dry run, so everything is written and then rolled back), timed with the log's transaction id
recorded (as the portal does) and with the column's default switched off (what the mechanism
costs), interleaved, 3 rounds each, medians in seconds.
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
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from portal import create_app, indexing  # noqa: E402
from portal.config import TestConfig, sqlalchemy_url  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import SearchChange  # noqa: E402


def _app(instance: Path, url: str | None):
    overrides = {"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)} if url else {}
    return create_app(TestConfig(instance, SEARCH_APPLY_INLINE=False, **overrides))


def _seed(app, rows: int, url: str | None) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import feeds as feed_bench  # noqa: PLC0415 - bench/feeds.py's listing generator

    with app.app_context():
        if url:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.session.remove()
    feed_bench.create_app = lambda config: app  # seed() builds its app from a config: use ours
    feed_bench.seed(Path(app.instance_path), 200)
    with app.app_context():
        if rows:
            listing_ids = [i for (i,) in db.session.execute(text("SELECT id FROM listings"))]
            done = 0
            while done < rows:
                chunk = min(100_000, rows - done)
                db.session.execute(db.insert(SearchChange), [{"listing_id": listing_ids[(done + k) % len(listing_ids)]}
                                                             for k in range(chunk)])
                db.session.commit()
                done += chunk
        indexing.rebuild()  # the rows above are all applied: the index's mark is past them
        indexing.apply_pending()
        db.session.remove()


def _cpu_per_request(app, path: str, headers: dict, requests: int) -> float:
    client = app.test_client()
    client.get(path, headers=headers)
    started = time.process_time()
    for _ in range(requests):
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 304), response.status_code
    return (time.process_time() - started) / requests * 1000


def feeds(args) -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        apps = {}
        for name, rows in (("empty log", 0), (f"{args.rows:,} rows", args.rows)):
            started = time.perf_counter()
            apps[name] = _app(Path(tmp) / name.replace(" ", "_").replace(",", ""), args.database_url)
            _seed(apps[name], rows, args.database_url)
            out.setdefault("seed_s", {})[name] = round(time.perf_counter() - started, 1)
        etags = {name: app.test_client().get("/feeds/listings.atom").headers["ETag"] for name, app in apps.items()}
        results = {name: {"feed": [], "304": []} for name in apps}
        for _ in range(3):
            for name, app in apps.items():
                results[name]["feed"].append(_cpu_per_request(app, "/feeds/listings.atom", {}, args.requests))
                results[name]["304"].append(_cpu_per_request(app, "/feeds/listings.atom",
                                                              {"If-None-Match": etags[name]}, args.requests))
        for name, r in results.items():
            out[name] = {kind: round(statistics.median(v), 3) for kind, v in r.items()}
        small, large = out["empty log"], out[f"{args.rows:,} rows"]
        out["ratio_large_to_empty"] = {kind: round(large[kind] / small[kind], 2) for kind in small}
        with apps[f"{args.rows:,} rows"].app_context():
            started = time.perf_counter()
            for _ in range(20):
                db.session.execute(text("SELECT max(id), count(id) FROM search_changes")).one()
            out["old_state_token_ms_on_large_log"] = round((time.perf_counter() - started) / 20 * 1000, 2)
    return out


def import_cost(args) -> dict:
    """A patent import publishing a listing per row (dry run: everything written, then rolled
    back), with and without the transaction id recorded on each change-log row."""
    from portal.models import Organisation
    from portal.patents.importer import import_patents
    from portal.rules import application_check_character

    column = SearchChange.__table__.c.txid
    default = column.default
    rows = ["application_number,title,filing_date,legal_status,grant_date"]
    for serial in range(args.import_rows):
        body = f"2021{'1'}{serial + 3_000_000:07d}"
        rows.append(f"{body}.{application_check_character(body)},一种康复外骨骼{serial}型,2021-03-01,valid,2022-06-01")
    data = ("\n".join(rows) + "\n").encode()
    timings: dict[str, list[float]] = {"with txid": [], "without txid": []}
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp) / "import", args.database_url)
        _seed(app, 0, args.database_url)
        with app.app_context():
            centre = db.session.scalar(db.select(Organisation).where(Organisation.kind == "centre"))
            for _ in range(3):
                for name in timings:
                    column.default = default if name == "with txid" else None
                    started = time.perf_counter()
                    report = import_patents(centre, data, "p.csv", dry_run=True, publish_mode="ordinary")
                    timings[name].append(time.perf_counter() - started)
                    assert report.errors == 0, report.rows[:3]
            column.default = default
            db.session.remove()
    out = {name: round(statistics.median(v), 2) for name, v in timings.items()}
    out["cost_pct"] = round((out["with txid"] / out["without txid"] - 1) * 100, 1)
    return {"rows": args.import_rows, "seconds": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", help="PostgreSQL: measure the import instead of the feeds")
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    if args.database_url:
        print(json.dumps({"import": import_cost(args)}, ensure_ascii=False, indent=1))
    else:
        print(json.dumps({"feeds_cpu_ms_per_request": feeds(args)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
