"""``flask --app portal …`` commands: organisations, users, demo data."""

from __future__ import annotations

import json
import secrets

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from portal.errors import OperationError
from portal.extensions import db
from portal.models import ORG_KINDS, ROLES, Organisation

orgs_cli = AppGroup("orgs", help="Organisations: centres, enterprises, exchange bases, organisers.")
users_cli = AppGroup("users", help="Accounts.")


def _fail(exc: OperationError):
    db.session.rollback()
    raise click.ClickException(exc.message)


@orgs_cli.command("create")
@click.option("--kind", type=click.Choice(ORG_KINDS), required=True)
@click.option("--code", required=True, help="Short unique slug used in addresses, e.g. ruijin-ip.")
@click.option("--name", required=True, help="Name in Chinese.")
@click.option("--name-en", default=None, help="Name in English.")
@click.option("--credit-code", default=None, help="Unified social credit code (18 characters).")
def orgs_create(kind, code, name, name_en, credit_code):
    """Create an organisation."""
    from portal.admin.operations import create_organisation

    try:
        org = create_organisation(kind=kind, code=code, name=name, name_en=name_en,
                                  credit_code=credit_code, actor=None)
    except OperationError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"created {org.kind} {org.code}")


@orgs_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--kind", type=click.Choice(ORG_KINDS), default=None)
def orgs_list(as_json, kind):
    """List organisations."""
    query = db.select(Organisation).order_by(Organisation.kind, Organisation.code)
    if kind:
        query = query.where(Organisation.kind == kind)
    rows = [
        {"code": o.code, "kind": o.kind, "name": o.name_zh, "name_en": o.name_en,
         "credit_code": o.credit_code, "size_class": o.size_class, "is_example": o.is_example}
        for o in db.session.scalars(query)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(f"{row['code']:<30} {row['kind']:<11} {row['name']}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--org", "org_code", required=True, help="Organisation code.")
@click.option("--password", default=None,
              help="Initial password; when omitted a random one is generated and printed once.")
def users_create(email, role, org_code, password):
    """Create an account (the first site administrator comes from here)."""
    from portal.auth.operations import create_user

    org = db.session.scalar(db.select(Organisation).where(Organisation.code == org_code))
    if org is None:
        raise click.ClickException(f"no organisation with code {org_code!r} (see `orgs list`)")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email=email, role=role, org=org, password=password, actor=None)
    except OperationError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"created {user.role} {user.email} for {org.code}")
    if generated:
        click.echo(f"password (shown once): {password}")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", default=None, help="The new password; when omitted it is asked for (not echoed).")
def users_set_password(email, password):
    """Set an account's password (a forgotten administrator's, say); its sessions end."""
    from portal.auth.operations import normalise_email, set_password
    from portal.models import User

    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no account with e-mail {email!r}")
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(user, password, actor=None)
    except OperationError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"password of {user.email} changed; its sessions have ended")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists.")
@click.option("--accounts", is_flag=True,
              help="Load nothing: list the demo accounts with their role and organisation, and give each a new "
                   "random password, printed once (their sessions end).")
def demo_command(if_empty, accounts):
    """Create a believable demo world (fictional hospitals, marked as examples). Safe to run twice."""
    if accounts:
        from portal.demo.accounts import reset_demo_passwords

        click.echo("demo accounts, with new passwords (shown once; the earlier ones no longer work):")
        if not reset_demo_passwords(echo=click.echo):
            raise click.ClickException("no demo accounts: load them first with `flask --app portal demo`")
        return
    from portal.demo import load_demo

    load_demo(if_empty=if_empty, echo=click.echo)


@click.command("send-mail")
@with_appcontext
@click.option("--follow", is_flag=True, help="Keep running, sending new mail as it is queued and retrying failures.")
def send_mail_command(follow: bool):
    """Send queued e-mail (PORTAL_SMTP_*); failures stay queued and are retried with a backoff.
    Safe beside the web workers' own senders and other send-mail workers: each mail is claimed
    before it is sent, so it goes out once. Following, a database outage is waited out with
    backoff and logged once: the worker never exits on its own."""
    from portal.mail import send_pending
    from portal.worker import run_forever

    if not follow:
        click.echo(f"sent {send_pending()} mail(s)")
        return

    def step() -> float:
        sent = send_pending()
        if sent:
            click.echo(f"sent {sent} mail(s)")
        return 0 if sent else MAIL_POLL_SECONDS

    run_forever(step, "mail sender")


MAIL_POLL_SECONDS = 5.0  # send-mail --follow: pause between passes that found nothing to send


deals_cli = AppGroup("deals", help="Deals: recordal reminders, import of past deals.")


@deals_cli.command("remind")
@click.option("--within", default=14, show_default=True, help="Warn about recordals due within this many days.")
def deals_remind(within: int):
    """Notify centre staff of CNIPA recordals falling due (run daily, e.g. from cron)."""
    from datetime import date

    from portal.deals.operations import send_recordal_reminders

    count = send_recordal_reminders(date.today(), within)
    db.session.commit()
    click.echo(f"reminded about {count} deal(s)")


@deals_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--centre", "centre_code", required=True, help="Code of the centre that concluded the deals.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def deals_import(file: str, centre_code: str, dry_run: bool, as_json: bool):
    """Import past deals from FILE (.csv in UTF-8 or GBK, or .xlsx). A file with any error saves
    nothing; the exit status is 1 when the report has errors."""
    from portal.deals.importer import import_deals
    from portal.imports.cli_report import centre_or_fail, finish

    centre = centre_or_fail(centre_code)
    finish(import_deals(centre, file, dry_run=dry_run, actor=None), as_json)


def register(app: Flask) -> None:
    app.cli.add_command(orgs_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(deals_cli)
    from portal.files.cli import files_cli
    from portal.indexing.cli import search_cli
    from portal.metrics.cli import metrics_cli
    from portal.patents.cli import patents_cli
    from portal.royalties.cli import royalties_cli
    from portal.subscriptions.cli import digests_cli

    app.cli.add_command(patents_cli)
    app.cli.add_command(digests_cli)
    app.cli.add_command(metrics_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(royalties_cli)
