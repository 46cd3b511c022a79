"""The centre records the notice asks for beyond the figures: the leadership body led by a hospital
leader (work task 1) and the working funds secured (工作经费保障有力). Each operation validates,
changes, audits and flushes; the view commits once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import FundingSecured, LeadershipBody, Organisation, User
from portal.rules import RuleError
from portal.rules.budget import check_entry_date, parse_amount, yuan


def _date(day: date, field: str) -> None:
    try:
        check_entry_date(day, date.today())
    except RuleError as exc:
        raise OperationError(rule_message(exc), field=field) from exc


def save_leadership(centre: Organisation, *, name: str, leader: str, leader_position: str, members: str,
                    established_on: date, document_reference: str, actor: User | None) -> LeadershipBody:
    """Record (or correct) the centre's leadership body."""
    _date(established_on, "established_on")
    values = {"name": name.strip(), "leader": leader.strip(), "leader_position": leader_position.strip(),
              "members": (members or "").strip(), "document_reference": (document_reference or "").strip()}
    for key in ("name", "leader", "leader_position"):
        if not values[key]:
            raise OperationError(_("A value is required."), field=key)
    body = db.session.get(LeadershipBody, centre.id) or LeadershipBody(centre_id=centre.id)
    for key, value in values.items():
        setattr(body, key, value)
    body.established_on = established_on
    db.session.add(body)
    db.session.flush()
    audit.record("metrics.leadership", f"{centre.code}: leadership body “{body.name}” led by {body.leader}",
                 target=centre, actor=actor, data={"established_on": established_on.isoformat()})
    return body


def add_funding(centre: Organisation, *, amount, source: str, secured_on: date, title: str,
                actor: User | None) -> FundingSecured:
    """Record working funds the hospital secured for the centre."""
    try:
        fen = parse_amount(amount)
    except RuleError as exc:
        raise OperationError(rule_message(exc), field="amount") from exc
    _date(secured_on, "secured_on")
    if not source.strip():
        raise OperationError(_("A value is required."), field="source")
    funding = FundingSecured(centre_id=centre.id, amount_yuan=yuan(fen), source=source.strip()[:200],
                             secured_on=secured_on, title=(title or "").strip()[:300] or source.strip()[:300])
    db.session.add(funding)
    db.session.flush()
    audit.record("metrics.funding", f"{centre.code}: funding “{funding.title}” {funding.amount_yuan}",
                 target=funding, actor=actor, data={"amount": str(funding.amount_yuan)})
    return funding


def funding_total(centre_id: int) -> Decimal:
    total = db.session.scalar(db.select(db.func.sum(FundingSecured.amount_yuan))
                              .where(FundingSecured.centre_id == centre_id))
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))
