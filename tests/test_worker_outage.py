"""The index writer and the mail sender, as real `--follow` processes, ride out a database outage:
their connections go through a proxy that drops every connection and refuses new ones for
several seconds. Both are still running afterwards, and a withdrawal made after the outage
leaves the index within seconds; a mail queued after it is sent."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest

from portal.extensions import db
from portal.listings.operations import withdraw_listing
from portal.models import Listing, OutgoingMail, SearchIndexState
from search import SearchIndex, SearchQuery
from tests.conftest import PG_URL
from tests.mailserver import MailServer, wait_until
from tests.test_search_resilience import ROOT, portal_env

pytestmark = pytest.mark.skipif(not PG_URL, reason="a network outage between the workers and PostgreSQL")


class CuttableProxy:
    """A TCP proxy to ``target`` that can drop every connection and refuse new ones for a while."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.down = True
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def _indexed(index_dir: str, listing_id: int) -> bool:
    return str(listing_id) in SearchIndex(index_dir).search(SearchQuery(per_page=100)).ids


def _writer_seen_since(app, moment) -> bool:
    with app.app_context():
        seen = db.session.scalar(db.select(db.func.max(SearchIndexState.seen_at)))
        db.session.rollback()
    return seen is not None and seen > moment


def test_workers_ride_out_a_database_outage(app, make, centre):
    listing = make.listing(centre, [make.patent(centre)], title="可降解支架")
    url = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = CuttableProxy((url.hostname, url.port or 5432))
    smtp = MailServer().start()
    env = {**portal_env(app), "PORTAL_DATABASE_URL": _through(app.config["SQLALCHEMY_DATABASE_URI"], proxy.port),
           "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(smtp.port), "PORTAL_MAIL_SENDER_THREAD": "0"}
    index_dir = app.config["INDEX_DIR"]
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
               for args in (("search", "apply", "--follow"), ("send-mail", "--follow"))]
    try:
        assert wait_until(lambda: os.path.exists(os.path.join(index_dir, "CURRENT"))
                          and _indexed(index_dir, listing.id), timeout=300)
        proxy.cut()
        time.sleep(6)  # both workers fail every pass meanwhile
        proxy.restore()
        restored_at = datetime.now(UTC)
        assert all(w.poll() is None for w in workers), "a worker exited during the outage"
        with app.app_context():
            withdraw_listing(db.session.get(Listing, listing.id), actor=None)
            db.session.add(OutgoingMail(to_address="sme@example.cn", subject="测试", body="正文"))
            db.session.commit()
        assert wait_until(lambda: not _indexed(index_dir, listing.id), timeout=300)
        assert smtp.wait_for(1, timeout=300)
        # The test process may have applied the withdrawal itself; the writer says it recovered on
        # its own next pass, after its backoff: wait for the heartbeat it records after the outage.
        assert wait_until(lambda: _writer_seen_since(app, restored_at), timeout=300)
        assert all(w.poll() is None for w in workers), "a worker exited after the outage"
    finally:
        for w in workers:
            w.terminate()
        logs = [w.communicate(timeout=120)[1].decode(errors="replace") for w in workers]
        proxy.close()
        smtp.stop()
    writer_log, mail_log = logs
    assert "search index writer failed" in writer_log and "recovered after" in writer_log
    assert "mail sender failed" in mail_log and "recovered after" in mail_log
