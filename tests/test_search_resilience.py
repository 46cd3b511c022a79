"""The index stays true to the database when things go wrong — real processes, no mocks.

(a) gunicorn with three workers takes 300 concurrent publish / edit / withdraw requests from
    logged-in centre staff while searches run: no 5xx, and after ``search apply``, ``search
    verify`` finds no difference;
(b) the writer (``flask search apply``) is killed with SIGKILL after its first commit of a large
    backlog: on restart it resumes from the id recorded in the index, and verify is clean;
(c) a corrupted index is detected by the CLI, moved aside and rebuilt rather than served.

Web workers never write the index here (``PORTAL_SEARCH_APPLY_INLINE=0``), exactly as under
gunicorn in production; the subprocesses share the test's database (SQLite file or the
PostgreSQL database of PORTAL_TEST_DATABASE_URL) and index directory through PORTAL_* variables.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal import indexing
from portal.extensions import db
from portal.indexing import log
from portal.models import Listing, SearchChange
from search import SearchIndex, SearchQuery
from tests.conftest import CSRF_RE, PASSWORD

ROOT = Path(__file__).resolve().parent.parent
SECRET = "resilience-test-secret-key"


def portal_env(app) -> dict[str, str]:
    """What a separate process needs to run against the test's database and index."""
    return {**os.environ, "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "PORTAL_INDEX_DIR": app.config["INDEX_DIR"], "PORTAL_INSTANCE_DIR": app.instance_path,
            "PORTAL_SECRET_KEY": SECRET, "PORTAL_SEARCH_APPLY_INLINE": "0",
            "PORTAL_LOGIN_RATE_LIMIT": "1000 per minute", "PYTHONPATH": str(ROOT)}


def flask_search(app, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "search", *args], cwd=ROOT,
                          env=portal_env(app), capture_output=True, text=True, timeout=600, **kwargs)


# ------------------------------------------------------------------ (a) gunicorn under load

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A logged-in user agent: cookies, and the session's CSRF token read from a page."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            return exc.code, exc.read().decode("utf-8", "replace")

    def login(self, email: str) -> None:
        status, page = self.request("/login")
        assert status == 200
        status, _ = self.request("/login", {"email": email, "password": PASSWORD,
                                            "csrf_token": CSRF_RE.search(page).group(1)})
        assert status == 302, "login failed"
        status, page = self.request("/manage/")
        assert status == 200
        self.token = CSRF_RE.search(page).group(1)

    def post(self, path: str, data: dict | None = None) -> int:
        return self.request(path, {**(data or {}), "csrf_token": self.token})[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer here, not something to follow


def start_gunicorn(app, workers: int = 3) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60", "--preload", "portal:create_app()"],
        cwd=ROOT, env=portal_env(app), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/v1/listings", timeout=5) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read()}") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err or ""


EDIT = {"modes": ["ordinary", "assignment"], "field": "medical_devices", "maturity": "", "price_yuan": "",
        "advantages": "结构简单", "contact_name": "张老师", "contact_email": "", "contact_phone": ""}


def test_gunicorn_under_concurrent_changes_and_searches(app, make, centre, centre_staff):
    clients, per_client, actions_per_client = 6, 5, 50
    titles = ["冠状动脉支架", "超声内窥镜", "骨科螺钉", "康复外骨骼", "胰岛素泵", "雾化面罩"]
    owned = [[make.listing(centre, [make.patent(centre, title=f"一种{titles[c]}{i}号")],
                           title=f"{titles[c]}{i}号", publish=False).id for i in range(per_client)]
             for c in range(clients)]
    with app.app_context():
        indexing.rebuild()  # the workers open an existing (empty) index; they never write it
    server, base = start_gunicorn(app)
    statuses: list[tuple[str, int]] = []
    expected: dict[int, str] = {}
    done = threading.Event()

    def act(client: int) -> None:
        browser = Browser(base)
        browser.login(centre_staff.email)
        rng = random.Random(client)
        state = dict.fromkeys(owned[client], "draft")
        for n in range(actions_per_client):
            listing = owned[client][n % per_client]
            if state[listing] in ("draft", "withdrawn"):
                action, status = "publish", browser.post(f"/manage/listings/{listing}/publish")
                state[listing] = "published"
            elif rng.random() < 0.6:
                action = "edit"
                status = browser.post(f"/manage/listings/{listing}/edit",
                                      {**EDIT, "title": f"{titles[client]}{listing}号 第{n}版",
                                       "scenarios": f"修订{n}：适用于心内科和介入科"})
            else:
                action, status = "withdraw", browser.post(f"/manage/listings/{listing}/withdraw", {"reason": "测试"})
                state[listing] = "withdrawn"
            statuses.append((action, status))
        expected.update(state)

    def search(slot: int) -> None:
        browser = Browser(base)
        rng = random.Random(100 + slot)
        while not done.is_set():
            q = rng.choice([*titles, "支架 导管", "CT", "冠狀動脈", "ultrasond", "ZL 2019 1"])
            path = rng.choice(["/search?", "/api/v1/listings?"]) + urllib.parse.urlencode({"q": q})
            statuses.append(("search", browser.request(path)[0]))

    try:
        with ThreadPoolExecutor(clients + 3) as pool:
            searches = [pool.submit(search, slot) for slot in range(3)]
            changes = [pool.submit(act, client) for client in range(clients)]
            for future in changes:
                future.result()
            done.set()
            for future in searches:
                future.result()
    finally:
        done.set()
        log = stop(server)

    assert not [s for s in statuses if s[1] >= 500], log
    changed = [s for a, s in statuses if a != "search"]
    assert len(changed) == clients * actions_per_client and set(changed) == {302}
    assert sum(a == "search" for a, _ in statuses) > 20
    with app.app_context():  # every change really landed
        assert {row.id: row.status for row in db.session.scalars(db.select(Listing))} == expected
    assert "published" in expected.values()
    with app.app_context():
        assert not indexing.verify().ok  # the web workers did not write the index
        assert indexing.apply_pending() > 0
        assert indexing.verify().ok


# ------------------------------------------------------------------ (b) SIGKILL mid-backlog

def test_writer_killed_mid_backlog_resumes_and_verifies(app, make, centre):
    listings = [make.listing(centre, [make.patent(centre, title=f"一种可调弯超声导管{i}型",
                                                  abstract="导管包括超声探头和导丝腔，" * 20)],
                             title=f"超声导管{i}型").id for i in range(40)]
    rng = random.Random(4)
    with app.app_context():
        # A backlog of 6,000 changes (150 batches: on a loaded machine the test must see the first
        # commit before the writer is through); a few listings end up withdrawn, so deletes are in it too.
        db.session.execute(db.insert(SearchChange), [{"listing_id": rng.choice(listings)} for _ in range(6000)])
        for listing_id in listings[:5]:
            db.session.get(Listing, listing_id).status = "withdrawn"
            db.session.add(SearchChange(listing_id=listing_id))
        db.session.commit()
        last = db.session.scalar(db.select(db.func.max(SearchChange.id)))
    index_dir = app.config["INDEX_DIR"]

    writer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "search", "apply", "--batch", "40"],
                              cwd=ROOT, env=portal_env(app), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = 0
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and writer.poll() is None:
            if os.path.exists(os.path.join(index_dir, "CURRENT")):
                seen = SearchIndex(index_dir).last_applied_id()
                if seen:
                    break
            time.sleep(0.005)
    finally:  # even when the loop fails, no writer or pipe outlives the test
        writer.send_signal(signal.SIGKILL)  # in the middle of the next batch
        writer.communicate()
    assert writer.returncode == -signal.SIGKILL, "the writer finished before it could be killed"
    assert seen > 0

    index = SearchIndex(index_dir)
    assert index.is_healthy()
    resumed_from = index.last_applied_id()
    assert seen <= resumed_from  # what was committed stays committed, the rest is pending
    with app.app_context():
        postgresql = log.on_postgresql()
    assert resumed_from < last or postgresql
    result = flask_search(app, "apply")  # a new writer process
    assert result.returncode == 0, result.stderr
    final = int(result.stdout.rsplit("mark ", 1)[1].split()[0])
    assert resumed_from < final
    with app.app_context():
        assert indexing.verify().ok
        # On SQLite the mark is the last applied id; on PostgreSQL a transaction position (indexing.log).
        assert final == last or postgresql


# ------------------------------------------------------------------ (c) a corrupted index

def _corrupt(index_dir: str, how: str) -> None:
    generation = Path(index_dir, "CURRENT").read_text(encoding="ascii").strip()
    folder = os.path.join(index_dir, generation)
    if how == "pointer":
        with open(os.path.join(index_dir, "CURRENT"), "w", encoding="ascii") as fh:
            fh.write("gen-that-does-not-exist\n")
        return
    for name in os.listdir(folder):
        if how == "toc" and name.endswith(".toc") or how == "segments" and name.endswith(".seg"):
            with open(os.path.join(folder, name), "r+b") as fh:
                fh.truncate(max(0, os.path.getsize(fh.name) // 3))
                fh.seek(0)
                fh.write(b"\x00garbage")


@pytest.mark.parametrize(("how", "command"), [("toc", "verify"), ("segments", "apply"), ("pointer", "verify")])
def test_cli_moves_a_corrupted_index_aside_and_rebuilds(app, runner, make, centre, caplog, how, command):
    listing = make.listing(centre, [make.patent(centre, title="一种儿童雾化面罩")], title="儿童雾化面罩")
    with app.app_context():
        indexing.apply_pending()
        indexing.get_index().close()
        app.extensions.pop("search_index")  # as a new process would find it
    index_dir = app.config["INDEX_DIR"]
    _corrupt(index_dir, how)

    result = runner.invoke(args=["search", command])
    assert result.exit_code == 0, result.output
    assert "moving it aside and rebuilding" in caplog.text
    parent, name = os.path.split(index_dir)
    assert [n for n in os.listdir(parent) if n.startswith(f"{name}.damaged-")], "the damaged index was kept aside"
    index = SearchIndex(index_dir)
    assert index.is_healthy()
    assert index.search(SearchQuery("雾化面罩")).ids == [str(listing.id)]
    assert "missing 0 extra 0 stale 0" in runner.invoke(args=["search", "verify"]).output


def test_a_new_writer_process_rebuilds_a_corrupted_index(app, make, centre):
    make.listing(centre, [make.patent(centre, title="一种儿童雾化面罩")], title="儿童雾化面罩")
    with app.app_context():
        indexing.apply_pending()
    _corrupt(app.config["INDEX_DIR"], "toc")
    result = flask_search(app, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "moving it aside and rebuilding" in result.stderr
    assert "missing 0 extra 0 stale 0" in result.stdout
