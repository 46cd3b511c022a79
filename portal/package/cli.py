"""``flask --app portal programme package --centre CODE --year YEAR --out FILE [--as-of YYYY-MM-DD]``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.metrics.access import programme_parameters
from portal.metrics.figures import default_as_of
from portal.models import Organisation
from portal.package.contents import gather
from portal.package.document import package_docx

programme_cli = AppGroup("programme", help="The programme's paperwork: the application package.")


@programme_cli.command("package")
@click.option("--centre", "code", required=True, help="Centre code, e.g. ruijin-ip.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Year of the figures.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The .docx file to write.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge the application conditions on this day (default: as the dashboard does).")
def package(code: str, year: int, out: str, as_of):
    """Write the centre's application package (项目申报书 sections, 承诺书, proof checklist) as DOCX."""
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code, Organisation.kind == "centre"))
    if centre is None:
        raise click.ClickException(f"no centre with code {code!r} (see `orgs list --kind centre`)")
    day = as_of.date() if as_of else default_as_of(year)
    content = package_docx(gather(programme_parameters(), centre, year, day), date.today())
    Path(out).write_bytes(content)
    click.echo(f"wrote {out} ({len(content)} bytes): {centre.code} {year}, conditions as of {day.isoformat()}")
