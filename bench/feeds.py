"""Requests per second for an unchanged feed under gunicorn, next to a trivial Flask view.

    .venv/bin/python bench/feeds.py [--listings 500] [--workers 2] [--duration 5] [--rounds 3]
                                    [--connections 8] [--python-client]

Fills a temporary SQLite database (``TestConfig``) with published listings through the listing
operations, builds the search index, then starts gunicorn on 127.0.0.1 with ``bench_app()`` from
this module: the portal plus one trivial view (``/_bench/trivial``) that exists only here, and a
header naming the worker that answered. After warming every worker (and checking that they all
send the same ETag) it measures the trivial view, the 50-entry Atom and RSS feeds, a filtered
feed, a saved-search feed and a reader's revalidation (If-None-Match → 304), ``--duration``
seconds each, in ``--rounds`` interleaved rounds so that background load hits all alike; with
``wrk`` when it is installed, else a thread pool of keep-alive ``http.client`` connections. A
second server with the feed cache off (``FEED_CACHE_SIZE=0``) shows what the cache saves. Prints
median requests/s and the median ratio to the trivial view measured in the same round, and the
workers' CPU time per request (from /proc), whose ratio is the capacity ratio on idle CPUs — the
figure to trust when other processes share the machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.config import TestConfig  # noqa: E402
from portal.extensions import db  # noqa: E402

INSTANCE_ENV = "BENCH_FEEDS_INSTANCE"
CACHE_ENV = "BENCH_FEEDS_CACHE_SIZE"
DEVICES = ["冠状动脉支架", "腹腔镜手术器械", "中心静脉导管", "骨科内固定钢板", "智能输液泵", "内窥镜成像系统",
           "康复训练机器人", "牙科种植体", "肺部CT图像分割方法", "心电监护装置"]
QUALIFIERS = ["一种可调节角度的", "一种具有自锁结构的", "一种基于深度学习的", "一种可降解的", "一种便携式"]
IPC = ["A61B 17/00", "A61F 2/82", "A61M 25/00", "A61B 8/00", "A61H 1/02", "A61C 8/00", "G16H 40/63", "G06T 7/11"]
FIELDS = ["medical_devices", "surgery", "imaging", "rehabilitation", "digital_health"]
MODES = [("ordinary",), ("ordinary", "assignment"), ("exclusive",), ("sole", "equity")]


# ---------------------------------------------------------------- the app gunicorn serves

def bench_app():
    """The portal on the bench database, plus a trivial view registered only here."""
    overrides = {"SEARCH_APPLY_INLINE": False}
    if os.environ.get(CACHE_ENV):
        overrides["FEED_CACHE_SIZE"] = int(os.environ[CACHE_ENV])
    app = create_app(TestConfig(Path(os.environ[INSTANCE_ENV]), **overrides))

    @app.get("/_bench/trivial")
    def trivial():
        return "ok"

    @app.after_request
    def worker_header(response):
        response.headers["X-Bench-Worker"] = str(os.getpid())
        return response

    return app


# ---------------------------------------------------------------- data

def seed(instance: Path, listings: int) -> None:
    from portal import indexing
    from portal.admin.operations import create_organisation, ensure_reference_data
    from portal.listings.operations import ListingData, create_listing, publish_listing
    from portal.patents.open_licence import declare_open_licence
    from portal.patents.operations import PatentData, upsert_patent
    from portal.rules import OpenLicenceTerms, application_check_character

    rng = random.Random(8)
    app = create_app(TestConfig(instance))
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        centres = [create_organisation(kind="centre", code=code, name=name, is_example=True)
                   for code, name in (("ruijin-ip", "示例瑞金医院知识产权运营中心"),
                                      ("renji-ip", "示例仁济医院知识产权运营中心"),
                                      ("zhongshan-ip", "示例中山医院知识产权运营中心"))]
        for serial in range(1, listings + 1):
            centre = centres[serial % len(centres)]
            body = f"2020{'1' if serial % 4 else '2'}{serial:07d}"
            title = rng.choice(QUALIFIERS) + rng.choice(DEVICES)
            patent, _ = upsert_patent(centre, PatentData(
                application_number=f"{body}.{application_check_character(body)}", title=title,
                filing_date=date(2020, rng.randint(1, 12), rng.randint(1, 28)), legal_status="valid",
                grant_date=date(2022, 6, 1), abstract=f"本发明公开了{title}，结构简单、操作方便，适用于临床使用。",
                ipc=rng.sample(IPC, 2), evaluation_report=f"PJ{serial:06d}"), actor=None)
            listing = create_listing(centre, [patent], ListingData(
                title=f"{title} 许可", modes=list(rng.choice(MODES)), field=rng.choice(FIELDS),
                price_yuan=Decimal(rng.randint(5, 500) * 1000) if serial % 3 else None,
                scenarios="心内科、骨科临床使用"), actor=None)
            if serial % 10 == 0:
                listing.set_modes(["ordinary"])
                declare_open_licence(patent, OpenLicenceTerms("lump_sum", Decimal(50000), None, date(2029, 12, 31)),
                                     announced_on=date.today(), cnipa_reference=None, actor=None)
            publish_listing(listing, actor=None)
            if serial % 100 == 0:
                db.session.commit()
        db.session.commit()
        indexing.rebuild()
        db.session.remove()
        db.engine.dispose()


# ---------------------------------------------------------------- server and load

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(instance: Path, workers: int, cache_size: int | None) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, INSTANCE_ENV: str(instance), "PYTHONPATH": str(ROOT)}
    if cache_size is not None:
        env[CACHE_ENV] = str(cache_size)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--chdir", str(ROOT), "--log-level", "warning", "bench.feeds:bench_app()"], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "/_bench/trivial")
            if status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def request(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def warm(port: int, path: str, workers: int, rounds: int = 400) -> tuple[set[str], set[str], int]:
    """Request ``path``, several at a time, until every worker has answered (and so built the
    feed) at least twice; return the ETags and the workers seen, and the body's size."""
    etags, seen, sizes, lock = set(), {}, set(), threading.Lock()
    remaining = [rounds]

    def run() -> None:
        while True:
            with lock:
                if remaining[0] <= 0 or (len(seen) >= workers and min(seen.values()) >= 2):
                    return
                remaining[0] -= 1
            status, headers, body = request(port, path)
            assert status == 200, (path, status, body[:200])
            with lock:
                etags.add(headers.get("ETag", ""))
                worker = headers.get("X-Bench-Worker", "")
                seen[worker] = seen.get(worker, 0) + 1
                sizes.add(len(body))

    threads = [threading.Thread(target=run) for _ in range(2 * workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return etags, set(seen), max(sizes)


def load_wrk(port: int, path: str, seconds: int, connections: int, headers: dict) -> tuple[float, int]:
    """``wrk`` for ``seconds``: (requests per second, requests answered)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    if "Non-2xx or 3xx" in out or "Socket errors" in out:
        print(out)  # anything but clean answers is worth seeing
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            int(re.search(r"(\d+) requests in", out).group(1)))


def load_threads(port: int, path: str, seconds: int, connections: int, headers: dict) -> tuple[float, int]:
    """Keep-alive http.client connections, one per thread, for ``seconds``."""
    counts = [0] * connections
    deadline = time.monotonic() + seconds

    def run(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status in (200, 304):
                    counts[slot] += 1
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), sum(counts)


def worker_cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


@dataclass
class Sample:
    rps: float
    cpu_us: float  # server CPU per request, all workers together


def measure(server: subprocess.Popen, port: int, targets: list[tuple[str, str, dict]], args,
            load) -> dict[str, list[Sample]]:
    """Each target for ``--duration`` seconds, round after round, interleaved with the others so
    that a change in the machine's background load hits all of them alike. Besides requests/s,
    records the workers' CPU time per request, which other processes on the machine barely move."""
    results: dict[str, list[Sample]] = {label: [] for label, _, _ in targets}
    for _ in range(args.rounds):
        for label, path, headers in targets:
            before = worker_cpu_seconds(server.pid)
            rps, count = load(port, path, args.duration, args.connections, headers)
            cpu = worker_cpu_seconds(server.pid) - before
            results[label].append(Sample(rps, cpu / max(count, 1) * 1e6))
    return results


def report(results: dict[str, list[Sample]], baseline: str, skip: tuple[str, ...] = ()) -> None:
    base = results[baseline]
    for label, samples in results.items():
        if label in skip:
            continue
        rps = statistics.median(s.rps for s in samples)
        ratio = statistics.median(s.rps / b.rps for s, b in zip(samples, base, strict=True))
        cpu = statistics.median(s.cpu_us for s in samples)
        capacity = statistics.median(b.cpu_us / s.cpu_us for s, b in zip(samples, base, strict=True) if s.cpu_us)
        print(f"{label:42}{rps:10,.0f}{ratio:9.2f}{cpu:12,.0f}{capacity:11.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--python-client", action="store_true", help="use the thread pool even if wrk exists")
    args = parser.parse_args()
    load = load_wrk if shutil.which("wrk") and not args.python_client else load_threads
    client = "wrk -t1" if load is load_wrk else "python threads, http.client keep-alive"

    instance = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    try:
        started = time.monotonic()
        seed(instance, args.listings)
        print(f"seeded {args.listings} published listings in {time.monotonic() - started:.1f}s")
        print(f"gunicorn: {args.workers} sync workers on 127.0.0.1; load: {client}, {args.connections} connections; "
              f"{args.rounds} interleaved rounds of {args.duration}s per target; {os.cpu_count()} CPUs shared by "
              f"server and client (load average before: {os.getloadavg()[0]:.1f})\n")

        trivial = ("trivial Flask view", "/_bench/trivial", {})
        targets = [
            trivial,
            ("feed: all listings, Atom", "/feeds/listings.atom", {}),
            ("feed: all listings, RSS", "/feeds/listings.rss", {}),
            ("feed: field + mode filter, Atom", "/feeds/listings.atom?field=surgery&mode=ordinary", {}),
            ("feed: saved search q=支架, Atom", "/feeds/listings.atom?q=%E6%94%AF%E6%9E%B6", {}),
        ]
        server, port = start_server(instance, args.workers, None)
        try:
            for _, path, _ in targets[1:]:
                etags, workers, size = warm(port, path, args.workers)
                assert len(etags) == 1, f"workers disagree on the ETag of {path}: {etags}"
                print(f"  {path}: {size:,} bytes, one ETag {next(iter(etags))} from {len(workers)} workers")
            etag = next(iter(warm(port, "/feeds/listings.atom", args.workers)[0]))
            targets.append(("feed: revalidation If-None-Match → 304", "/feeds/listings.atom",
                            {"If-None-Match": etag}))
            cached = measure(server, port, targets, args, load)
        finally:
            stop_server(server)

        server, port = start_server(instance, args.workers, 0)
        try:
            uncached = measure(server, port, [trivial, ("feed: all listings, Atom, cache OFF",
                                                        "/feeds/listings.atom", {})], args, load)
        finally:
            stop_server(server)

        print(f"\n{'':42}{'req/s':>10}{'÷trivial':>9}{'CPU µs/req':>12}{'capacity':>11}")
        report(cached, trivial[0])
        report(uncached, trivial[0], skip=(trivial[0],))
        print("\nreq/s and ÷trivial: throughput (median; ratio taken within each round). CPU µs/req: the workers'\n"
              "CPU time per answered request; capacity = trivial's CPU per request ÷ this one's, i.e. the\n"
              "throughput ratio the server would reach on otherwise idle CPUs.")
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
