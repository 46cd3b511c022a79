"""``flask --app portal budget add …`` and ``flask --app portal budget show --centre CODE --year Y --json``.

The commands go through the same operations as the pages: a forbidden expenditure from the central
funds is refused with the same message naming the rule, and nothing is saved.
"""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from portal.budget import ledger
from portal.budget import operations as ops
from portal.errors import OperationError
from portal.extensions import db
from portal.models import Organisation
from portal.models.metrics import PARAMETER_DEFAULTS, ProgrammeParameters
from portal.rules.budget import yuan

budget_cli = AppGroup("budget", help="A centre's project budget: central funds, matching funds, expenditures.")


def _centre(code: str) -> Organisation:
    centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code, Organisation.kind == "centre"))
    if centre is None:
        raise click.ClickException(f"no centre with code {code!r} (see `orgs list --kind centre`)")
    return centre


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date as YYYY-MM-DD", param_hint="--date") from None


@budget_cli.command("add")
@click.option("--centre", "code", required=True, help="Centre code, e.g. ruijin-ip.")
@click.option("--date", "day", required=True, help="Date received or paid, YYYY-MM-DD.")
@click.option("--kind", type=click.Choice(["grant", "matching", "expense"]), required=True,
              help="grant / matching: money received into that account; expense: money paid out.")
@click.option("--amount", required=True, help="Amount in yuan, e.g. 12500.50.")
@click.option("--category", default=None, help="Expense category key (office_equipment, wages, patent_fees, "
                                               "services, navigation, training, events, other).")
@click.option("--source", type=click.Choice(["grant", "matching"]), default=None,
              help="Expense: the account it is paid from (required for an expense).")
@click.option("--note", default="", help="Receipt: where the money came from; expense: payee and purpose.")
def add(code: str, day: str, kind: str, amount: str, category: str | None, source: str | None, note: str):
    """Record money received into an account, or an expenditure from one."""
    centre = _centre(code)
    when = _day(day)
    try:
        if kind == "expense":
            if source is None or category is None:
                raise click.UsageError("an expense needs --category and --source grant|matching")
            entry = ops.add_expense(centre, fund=source, spent_on=when, amount=amount, payee=note or "—",
                                    category_key=category, description=note, actor=None)
        else:
            if category is not None or source is not None:
                raise click.UsageError("--category and --source are for an expense only")
            entry = ops.add_receipt(centre, fund=kind, received_on=when, amount=amount, source=note, actor=None)
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"recorded #{entry.id}: {kind} {yuan(entry.amount_fen)} on {when.isoformat()}")


@budget_cli.command("show")
@click.option("--centre", "code", required=True, help="Centre code.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Year of the entries' dates.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(code: str, year: int, as_json: bool):
    """Each account's received, spent by category and balance, and the matching ratio."""
    centre = _centre(code)
    params = db.session.get(ProgrammeParameters, 1)
    expected = params.grant_per_centre_yuan if params else PARAMETER_DEFAULTS["grant_per_centre_yuan"]
    data = ledger.ledger_to_dict(centre, year, ledger.centre_ledger(centre, year), expected)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo(f"{data['centre_name']} ({data['centre']}) {year}")
    for fund, account in data["sources"].items():
        click.echo(f"  {fund:<9} received {account['received']:>14}  spent {account['spent']:>14}  "
                   f"balance {account['balance']:>14}")
        for key, value in account["spent_by_category"].items():
            click.echo(f"            {key:<18} {value:>14}")
    ratio = data["matching_ratio"]
    flag = "  BELOW 1:1" if data["matching_below_1_to_1"] else ""
    click.echo(f"  matching ratio: {ratio if ratio is not None else '-'}{flag}")
