"""What every import-like command does around its work: find the centre named by ``--centre``, then
commit what a report saved, print it (as text or JSON) and exit 1 when it has errors."""

from __future__ import annotations

import json

import click

from portal.extensions import db
from portal.imports.report import ImportReport, echo_report
from portal.models import Organisation


def centre_or_fail(code: str) -> Organisation:
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code))
    if centre is None or centre.kind != "centre":
        raise click.ClickException(f"no centre with code {code!r} (see `orgs list --kind centre`)")
    return centre


def finish(report: ImportReport, as_json: bool) -> None:
    if report.saved:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        echo_report(report)
    if report.errors:
        raise SystemExit(1)
