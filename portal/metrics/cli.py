"""``flask --app portal metrics show --centre CODE --year YYYY [--as-of YYYY-MM-DD] [--json]``."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.metrics.figures import centre_figures, default_as_of
from portal.metrics.serialize import figures_to_dict
from portal.models import Organisation, current_parameters

metrics_cli = AppGroup("metrics", help="Performance figures of the centres.")


@metrics_cli.command("show")
@click.option("--centre", "code", required=True, help="Centre code, e.g. ruijin-ip.")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Year assessed (default: the programme's assessment year).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge eligibility on this day (default: the end of the year, or today while it runs).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the API returns.")
def show(code: str, year: int | None, as_of, as_json: bool):
    """A centre's figures for a year against the baseline year, and its eligibility."""
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code, Organisation.kind == "centre"))
    if centre is None:
        raise click.ClickException(f"no centre with code {code!r} (see `orgs list --kind centre`)")
    params = current_parameters()
    year = year or params.assessment_year
    data = figures_to_dict(centre_figures(params, centre, year, as_of.date() if as_of else default_as_of(year)))
    db.session.commit()  # the parameters row, when this was its first use
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo(f"{data['centre_name']} ({data['centre']}) {data['year']} vs {data['baseline_year']}")
    for name, target in data["targets"].items():
        mark = "met" if target["met"] else "not met"
        base = f" (baseline {target['baseline']})" if "baseline" in target else ""
        click.echo(f"  {name:<20} {target['actual']} / {target['required']}{base}: {mark}")
    e = data["eligibility"]
    verdict = "eligible" if e["eligible"] else "not eligible: " + ", ".join(e["unmet"])
    click.echo(f"  eligibility as of {e['as_of']}: {verdict}")
