"""Who drains the import queue (``portal.imports.jobs``): a daemon thread in each web process, woken
after the request that queued a job, and ``flask --app portal imports work [--follow]``."""

from __future__ import annotations

import logging
import os
import threading

import click
from flask import Flask, current_app, g
from flask.cli import AppGroup

from portal.imports import jobs

log = logging.getLogger(__name__)

POLL_SECONDS = 60.0  # the thread also wakes this often, for jobs whose runner died (their lease ran out)
FOLLOW_POLL_SECONDS = 2.0  # imports work --follow: pause between passes that found nothing to run


class BackgroundRunner:
    """One daemon thread per process that drains the queue when nudged and every ``poll`` seconds
    (the shape of ``portal.mail.BackgroundSender``)."""

    def __init__(self, app: Flask, poll: float = POLL_SECONDS) -> None:
        self.app, self.poll = app, poll
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._passes = threading.Condition()
        self._started = self._done = 0
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def nudge(self) -> None:
        """Wake the runner, starting it in this process if it is not running (e.g. after a fork)."""
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._stopping.clear()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="portal-import-runner", daemon=True)
                self._thread.start()
        self._wake.set()

    def drain(self, timeout: float = 60.0) -> bool:
        """Nudge, and wait until a pass that began after this call has finished (shutdown, checks)."""
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
                    jobs.drain()
            except Exception:  # the queue keeps the jobs; the next pass retries
                log.exception("running import jobs failed")
            finally:
                with self._passes:
                    self._done += 1
                    self._passes.notify_all()
            self._wake.wait(self.poll)


def runner(app: Flask | None = None) -> BackgroundRunner:
    app = app or current_app._get_current_object()
    return app.extensions["import_runner"]


def configure(app: Flask) -> None:
    """Hand a job a request queued to the background runner once the request is over."""
    app.extensions["import_runner"] = BackgroundRunner(app)

    @app.after_request
    def wake_runner(response):
        # The view has committed the job before answering; the response does not wait for it.
        if g.pop("import_queued", False) and app.config.get("IMPORT_JOB_THREAD", True):
            runner(app).nudge()
        return response


imports_cli = AppGroup("imports", help="Spreadsheet imports queued as jobs (files too large for a request).")


@imports_cli.command("work")
@click.option("--follow", is_flag=True, help="Keep running, importing new jobs as they are queued.")
def work_command(follow: bool):
    """Run the queued import jobs. Safe beside the web workers' own runners and other workers: each
    job is claimed before it runs, so it runs once. Following, a database outage is waited out with
    backoff and logged once: the worker never exits on its own."""
    from portal.worker import run_forever

    if not follow:
        click.echo(f"ran {jobs.drain()} import job(s)")
        return

    def step() -> float:
        ran = jobs.drain()
        if ran:
            click.echo(f"ran {ran} import job(s)")
        return 0 if ran else FOLLOW_POLL_SECONDS

    run_forever(step, "import runner")
