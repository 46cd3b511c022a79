"""``flask --app portal patents import|refresh FILE --centre CODE`` and ``patents fee-remind``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.imports.cli_report import centre_or_fail, finish
from portal.patents.importer import PUBLISH_MODES, import_patents

patents_cli = AppGroup("patents", help="Patents: bulk import, legal-status refresh, annual-fee reminders.")


@patents_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--centre", "centre_code", required=True, help="Code of the centre that holds the patents.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; save nothing.")
@click.option("--publish", "publish_mode", type=click.Choice(PUBLISH_MODES), default=None,
              help="Also publish one listing per patent offering this mode; 'open' declares an open "
                   "licence with the terms in the open_* columns.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_command(file: Path, centre_code: str, dry_run: bool, publish_mode: str | None, as_json: bool):
    """Import patents from FILE (.csv in UTF-8 or GBK, or .xlsx). A file with any error saves
    nothing; the exit status is 1 when the report has errors."""
    centre = centre_or_fail(centre_code)
    finish(import_patents(centre, file, file.name, dry_run=dry_run, publish_mode=publish_mode, actor=None), as_json)


@patents_cli.command("refresh")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--centre", "centre_code", required=True, help="Code of the centre that holds the patents.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def refresh_command(file: Path, centre_code: str, dry_run: bool, as_json: bool):
    """Apply a legal-status export (CSV or XLSX: application number, status, date): record each change;
    withdraw the listings and open licences of patents that lapsed, expired or were invalidated."""
    from portal.patents.legal_status import refresh

    centre = centre_or_fail(centre_code)
    finish(refresh(centre, file, file.name, dry_run=dry_run, actor=None), as_json)


@patents_cli.command("fee-remind")
@click.option("--within", type=click.IntRange(0, 183), default=None,
              help="Warn when the grace period ends within this many days (default PORTAL_ANNUAL_FEE_REMIND_DAYS).")
def fee_remind_command(within: int | None):
    """Warn centres once per due date about annual fees whose six-month grace period is ending. Run daily."""
    from datetime import date

    from portal.patents.legal_status import send_fee_reminders

    count = send_fee_reminders(date.today(), within)
    db.session.commit()
    click.echo(f"reminded about {count} annual fee(s)")
