"""``flask --app portal royalties remind``: mail both parties about overdue royalty reports and payments."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from portal.extensions import db

royalties_cli = AppGroup("royalties", help="Running royalties: reminders of overdue reports and payments.")


@royalties_cli.command("remind")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Count overdue as of this day (default: today).")
def royalties_remind(today):
    """Remind both parties once per period and stage (report, then payment). Run daily, e.g. from cron."""
    from portal.royalties.operations import send_reminders

    count = send_reminders(today.date() if today else date.today())
    db.session.commit()
    click.echo(f"sent {count} royalty reminder(s)")
