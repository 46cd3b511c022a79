"""``flask --app portal search apply|rebuild|verify|status|prune``: the index's writer and its checks."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from portal import indexing
from portal.extensions import db
from portal.indexing import registry
from portal.worker import run_forever
from search import IndexLocked
from search.bulk import default_processes
from search.merging import MAX_SEGMENTS

QUIET_SECONDS = 1.0  # --follow: merge small segments after this long without a change …
MAX_UNMERGED = 20  # … or after this many commits without a merge
PRUNE_SECONDS = 300.0  # --follow: prune the change log this often, when quiet

search_cli = AppGroup("search", help="The full-text index: apply the change log, rebuild, verify, status, prune.")


@search_cli.command("apply")
@click.option("--follow", is_flag=True, help="Keep running as the index writer, applying new changes.")
@click.option("--interval", default=0.05, show_default=True, help="Seconds between polls with --follow.")
@click.option("--batch", type=click.IntRange(min=1), default=indexing.BATCH, show_default=True,
              help="Changes applied per index commit.")
def apply_command(follow: bool, interval: float, batch: int):
    """Apply pending changes once (or keep following the change log as a worker).

    Following, the worker commits changes without merging segments, so that they are
    searchable as soon as possible. It merges the small segments once the log has been quiet for
    ``QUIET_SECONDS``, or after ``MAX_UNMERGED`` commits in a row (each unmerged segment costs
    every search a little), so a merge rarely delays a change; and when quiet it prunes the log
    every ``PRUNE_SECONDS``. A database outage, a full or read-only disk or a rebuild holding the
    lock is waited out with backoff, logged once and shown by ``flask search status``: the
    worker never exits on its own.
    """
    index = indexing.get_index()
    if not follow:
        try:
            applied = indexing.apply_pending(index, batch=batch)
        except IndexLocked:
            raise click.ClickException("the index is locked by another writer (a rebuild?); try again") from None
        db.session.rollback()
        click.echo(f"applied {applied} change(s); mark {index.last_applied_id()}")
        return
    follower = Follower(index, batch, interval)
    run_forever(follower.step, "search index writer",
                on_error=lambda message, at: indexing.report_error(message, at, index))


class Follower:
    """One pass of the following writer: apply, merge when quiet, prune now and then."""

    def __init__(self, index, batch: int, interval: float) -> None:
        self.index, self.batch, self.interval = index, batch, interval
        self.unmerged, self.last_change, self.last_prune = 0, time.monotonic(), time.monotonic()
        # A writer stopped in a burst of publishes leaves its small segments unmerged, and every
        # query pays for each: at 100,000 listings, 20 of them made the search page 6 % slower
        # (10.7–11.0 against 10.0–10.2 ms). Merge them at the first quiet moment, as after a change.
        if index.segment_count() > MAX_SEGMENTS:
            self.unmerged = 1

    def step(self) -> float:
        applied = indexing.apply_pending(self.index, batch=self.batch, merge=False)
        now = time.monotonic()
        if applied:
            self.unmerged, self.last_change = self.unmerged + 1, now
            click.echo(f"applied {applied} change(s); mark {self.index.last_applied_id()}")
        quiet = now - self.last_change >= QUIET_SECONDS
        if self.unmerged and (self.unmerged >= MAX_UNMERGED or quiet):
            self.index.merge_small()
            self.unmerged = 0
        if quiet and now - self.last_prune >= PRUNE_SECONDS:
            self.last_prune = now
            deleted = registry.prune()
            db.session.commit()
            if deleted:
                click.echo(f"pruned {deleted} change-log row(s)")
        db.session.rollback()
        return self.interval


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


@search_cli.command("status")
def status_command():
    """Each index following the change log: its mark, lag in rows and seconds, last error."""
    rows = registry.statuses()
    if not rows:
        click.echo("no index has registered yet (run `flask search apply`)")
    for row in rows:
        lag = f"{row.lag_rows} row(s)" + (f", oldest {row.lag_seconds:.0f} s" if row.lag_seconds is not None else "")
        seen = f"{row.seen_at:%Y-%m-%d %H:%M:%S}Z"
        click.echo(f"{row.host}:{row.path} [{row.name}] mark {row.mark}; lag {lag}; seen {seen}"
                   + ("" if row.live else " (silent: not holding the log back)")
                   + (" (must rebuild)" if row.rebuild_required else ""))
        if row.last_error:
            click.echo(f"  last error at {row.error_at:%Y-%m-%d %H:%M:%S}Z: {row.last_error}")


@search_cli.command("prune")
def prune_command():
    """Delete change-log rows every live index has applied, older than the retention."""
    deleted = registry.prune()
    db.session.commit()
    click.echo(f"pruned {deleted} change-log row(s)")
