"""Who drains the import queue (``portal.imports.jobs``): a daemon thread in each web process, woken
after the request that queued a job, and ``flask --app portal imports work [--follow]``."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app, g
from flask.cli import AppGroup

from portal.imports import jobs
from portal.worker import BackgroundThread

log = logging.getLogger(__name__)

POLL_SECONDS = 60.0  # the thread also wakes this often, for jobs whose runner died (their lease ran out)
FOLLOW_POLL_SECONDS = 2.0  # imports work --follow: pause between passes that found nothing to run


def runner(app: Flask | None = None) -> BackgroundThread:
    app = app or current_app._get_current_object()
    return app.extensions["import_runner"]


def configure(app: Flask) -> None:
    """Hand a job a request queued to the background runner once the request is over."""
    app.extensions["import_runner"] = BackgroundThread(app, jobs.drain, "portal-import-runner",
                                                       lambda: POLL_SECONDS, "running import jobs failed")

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
