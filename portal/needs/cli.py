"""``flask --app portal needs …``: the expiry pass and the listing→need announcement pass."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.models import Listing

needs_cli = AppGroup("needs", help="Technology needs: expire past deadlines, announce matching listings.")


@needs_cli.command("expire")
def expire():
    """Mark open needs past their deadline as expired (run daily; pages treat them as expired anyway)."""
    from portal.needs.forms import shanghai_today
    from portal.needs.operations import expire_needs

    count = expire_needs(shanghai_today())
    db.session.commit()
    click.echo(f"{count} need(s) expired")


@needs_cli.command("match")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 3650),
              help="Check listings published within this many days.")
def match(days):
    """Check recently published listings against open needs and tell each need's SME of new matches
    (the index writer does this as it applies listings; this catches up, e.g. after a rebuild)."""
    from datetime import UTC, datetime, timedelta

    from portal.needs.forms import shanghai_today
    from portal.needs.matching import announce_published

    since = datetime.now(UTC) - timedelta(days=days)
    ids = list(db.session.scalars(db.select(Listing.id).where(Listing.status == "published",
                                                              Listing.published_at >= since)))
    told = announce_published(ids, shanghai_today()) if ids else 0
    db.session.commit()
    click.echo(f"{len(ids)} listing(s) checked, {told} match(es) announced")
