"""``flask --app portal search apply|rebuild|verify``: the index's single writer and its checks."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from portal import indexing
from portal.extensions import db
from search import IndexLocked
from search.bulk import default_processes

QUIET_SECONDS = 1.0  # --follow: merge small segments after this long without a change …
MAX_UNMERGED = 20  # … or after this many commits without a merge

search_cli = AppGroup("search", help="The full-text index: apply the change log, rebuild, verify.")


@search_cli.command("apply")
@click.option("--follow", is_flag=True, help="Keep running as the index writer, applying new changes.")
@click.option("--interval", default=0.05, show_default=True, help="Seconds between polls with --follow.")
@click.option("--batch", type=click.IntRange(min=1), default=indexing.BATCH, show_default=True,
              help="Changes applied per index commit (each commit records the last applied id).")
def apply_command(follow: bool, interval: float, batch: int):
    """Apply pending changes once (or keep following the change log as a worker).

    Following, the worker commits changes without merging segments, so that they are
    searchable as soon as possible. It merges the small segments once the log has been quiet for
    ``QUIET_SECONDS``, or after ``MAX_UNMERGED`` commits in a row (each unmerged segment costs
    every search a little), so a merge rarely delays a change.
    """
    index = indexing.get_index()
    unmerged, last_change = 0, time.monotonic()
    while True:
        try:
            applied = indexing.apply_pending(index, batch=batch, merge=not follow)
            if applied:
                unmerged, last_change = unmerged + 1, time.monotonic()
            if follow and unmerged and (unmerged >= MAX_UNMERGED or time.monotonic() - last_change >= QUIET_SECONDS):
                index.merge_small()
                unmerged = 0
        except IndexLocked:
            # A rebuild holds the writer lock for its whole run: wait it out (or report it).
            db.session.rollback()
            if not follow:
                raise click.ClickException("the index is locked by another writer (a rebuild?); try again") from None
            time.sleep(interval)
            continue
        db.session.rollback()
        if applied or not follow:
            click.echo(f"applied {applied} change(s); last applied id {index.last_applied_id()}")
        if not follow:
            return
        time.sleep(interval)


@search_cli.command("rebuild")
@click.option("--processes", type=click.IntRange(min=1), default=None,
              help="Worker processes that analyse and write the index (default: one per CPU).")
def rebuild_command(processes: int | None):
    """Rebuild the index from the database (swapped in atomically)."""
    count = indexing.rebuild(processes=processes or default_processes())
    click.echo(f"rebuilt: {count} published listing(s) indexed")


@search_cli.command("verify")
def verify_command():
    """Print missing / extra / stale counts; exit 1 when the index differs from the database."""
    report = indexing.verify()
    click.echo(f"missing {len(report.missing)} extra {len(report.extra)} stale {len(report.stale)}")
    for name in ("missing", "extra", "stale"):
        ids = getattr(report, name)
        if ids:
            click.echo(f"{name}: {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}")
    if not report.ok:
        sys.exit(1)
