"""Long-lived background loops (`flask search apply --follow`, `flask send-mail --follow`) that ride
out faults: a database outage, a full or read-only disk, a lock held by another process.

A failure starts an *episode*: it is logged once, with its traceback, and reported (``on_error``);
the loop waits with a growing backoff (``FIRST_WAIT`` doubling up to ``MAX_WAIT``) and tries again,
for as long as it takes. The first pass that succeeds ends the episode, with one line saying how
long it lasted. The loop never exits on its own: only a signal (Ctrl-C, SIGTERM) stops it, and a
supervisor restarts it if it is killed (docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, has_app_context

from portal.extensions import db

log = logging.getLogger(__name__)
FIRST_WAIT = 0.5
MAX_WAIT = 30.0


class Episode:
    """One run of consecutive failures: logged when it starts and when it ends."""

    def __init__(self, name: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.name, self.clock = name, clock
        self.failures = 0
        self.started = 0.0

    @property
    def wait(self) -> float:
        return min(MAX_WAIT, FIRST_WAIT * 2 ** max(0, self.failures - 1))

    def failed(self, exc: BaseException) -> bool:
        """Count a failure; true when it starts a new episode (the caller reports it then)."""
        self.failures += 1
        if self.failures == 1:
            self.started = self.clock()
            log.error("%s failed: %s; retrying with backoff until it recovers", self.name, _describe(exc),
                      exc_info=exc)
            return True
        log.debug("%s still failing (%d): %s", self.name, self.failures, _describe(exc))
        return False

    def succeeded(self) -> None:
        if self.failures:
            log.warning("%s recovered after %d failed attempt(s) over %.1f s", self.name, self.failures,
                        self.clock() - self.started)
        self.failures = 0


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]


def describe(exc: BaseException) -> str:
    """A one-line account of a failure, for a status row."""
    return _describe(exc)


def _reset_session() -> None:
    """Drop the session and its connection: after an outage the pool's connections are dead."""
    if not has_app_context():
        return
    with contextlib.suppress(Exception):  # the connection is gone; remove() below discards it
        db.session.rollback()
    db.session.remove()


def run_forever(step: Callable[[], float], name: str, *,
                on_error: Callable[[str, datetime], None] | None = None,
                sleep: Callable[[float], None] = time.sleep, passes: int | None = None) -> None:
    """Call ``step`` again and again; it returns how long to sleep before the next pass.

    Any exception but a signal's is an episode (see the module docstring). ``on_error(message,
    at)`` reports it once per episode; when the report itself fails (the database may be what is
    down), it is made again after the first pass that succeeds. ``passes`` bounds the loop for
    tests; by default it never ends.
    """
    episode = Episode(name)
    unreported: tuple[str, datetime] | None = None
    done = 0
    while passes is None or done < passes:
        done += 1
        try:
            pause = step()
        except Exception as exc:
            _reset_session()
            if episode.failed(exc):
                unreported = (describe(exc), datetime.now(UTC))
                unreported = _report(on_error, unreported)
            sleep(episode.wait)
            continue
        episode.succeeded()
        unreported = _report(on_error, unreported)
        sleep(pause)


def _report(on_error, error: tuple[str, datetime] | None) -> tuple[str, datetime] | None:
    """Report ``error``; return it if it could not be reported (to try again later), else None."""
    if on_error is None or error is None:
        return None
    try:
        on_error(*error)
    except Exception:
        _reset_session()
        return error
    return None


class BackgroundThread:
    """One daemon thread per process that runs ``work`` (in an app context) when nudged and every
    ``poll()`` seconds: the mail queue's sender and the import queue's runner. A failed pass is
    logged; the queue keeps its rows and the next pass retries."""

    def __init__(self, app: Flask, work: Callable[[], object], name: str, poll: Callable[[], float],
                 failure: str) -> None:
        self.app, self.work, self.name, self.poll, self.failure = app, work, name, poll, failure
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._passes = threading.Condition()
        self._started = self._done = 0
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def nudge(self) -> None:
        """Wake the thread, starting it in this process if it is not running (e.g. after a fork)."""
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._stopping.clear()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        self._wake.set()

    def drain(self, timeout: float = 10.0) -> bool:
        """Nudge, and wait until a pass that began after this call has finished (tests, shutdown)."""
        with self._passes:
            target = self._started + 1
        self.nudge()
        with self._passes:
            return self._passes.wait_for(lambda: self._done >= target, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            with self._passes:
                self._started += 1
            try:
                with self.app.app_context():
                    self.work()
            except Exception:  # the queue keeps its rows; the next pass retries
                log.exception(self.failure)
            finally:
                with self._passes:
                    self._done += 1
                    self._passes.notify_all()
            self._wake.wait(self.poll())
