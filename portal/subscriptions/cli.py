"""``flask digests send``: the saved-search digests, now or on their schedule."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.subscriptions.digest import DigestReport

digests_cli = AppGroup("digests", help="Saved-search digests: new listings by e-mail or notification.")
POLL_SECONDS = 60.0  # --follow: how often the schedule is looked at


def _echo(report: DigestReport) -> None:
    click.echo(f"{report.mails} mail(s) and {report.notifications} notification(s) to {report.users} user(s), "
               f"naming {report.listings} listing(s)")


def _send_queued() -> None:
    """Hand the queued mail to the SMTP server now (claimed per row: safe beside other senders)."""
    from portal.mail import send_pending

    if current_app.config.get("SMTP_HOST"):
        click.echo(f"sent {send_pending()} mail(s)")


@digests_cli.command("send")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]),
              help="Send these digests now (daily: daily mail and in-app notifications; weekly: weekly mail). "
                   "Without it, each frequency whose scheduled time has passed.")
@click.option("--follow", is_flag=True, help="Keep running: send each frequency's digests when they fall due.")
def send(frequency: str | None, follow: bool):
    """Send saved-search digests: one mail per subscriber with the new listings of each of their saved
    searches (nothing when nothing is new; never a listing twice for a search). Safe to run from several
    machines at once. Without --frequency, only what is due: daily at PORTAL_DIGEST_HOUR (Shanghai
    time), weekly on PORTAL_DIGEST_WEEKDAY."""
    from portal.subscriptions.digest import send_digests, send_due
    from portal.worker import run_forever

    if follow:
        if frequency:
            raise click.UsageError("--follow sends what is due; it takes no --frequency.")

        def step() -> float:
            report = send_due()
            if report.mails or report.notifications:
                _echo(report)
                _send_queued()
            return POLL_SECONDS

        run_forever(step, "digests")
        return
    report = send_digests(frequency) if frequency else send_due()
    _echo(report)
    _send_queued()
