"""Recording disclosures and their review. Each operation validates, changes, audits and flushes; the
view commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import INTENDED_ROUTES, PROTECTIONS, REVIEW_DECISIONS, Disclosure, Organisation, User
from portal.rules import RuleError
from portal.rules.budget import check_entry_date


def _date(day: date, field: str) -> None:
    try:
        check_entry_date(day, date.today())
    except RuleError as exc:
        raise OperationError(rule_message(exc), field=field) from exc


@dataclass
class DisclosureData:
    title: str
    inventors: str
    department: str
    summary: str
    intended_route: str
    received_on: date


def add_disclosure(centre: Organisation, data: DisclosureData, actor: User | None) -> Disclosure:
    """Enter a disclosure as the inventors handed it in."""
    if data.intended_route not in INTENDED_ROUTES:
        raise OperationError(_("Choose the intended route."), field="intended_route")
    _date(data.received_on, "received_on")
    values = {"title": data.title.strip()[:300], "inventors": data.inventors.strip()[:500],
              "department": data.department.strip()[:200]}
    for key, value in values.items():
        if not value:
            raise OperationError(_("A value is required."), field=key)
    disclosure = Disclosure(centre_id=centre.id, summary=(data.summary or "").strip(),
                            intended_route=data.intended_route, received_on=data.received_on,
                            created_by_id=actor.id if actor else None, **values)
    db.session.add(disclosure)
    db.session.flush()
    audit.record("disclosure.created", f"{centre.code}: disclosure “{disclosure.title}”", target=disclosure,
                 actor=actor, data={"route": data.intended_route})
    return disclosure


def review_disclosure(disclosure: Disclosure, *, decision: str, reasons: str, recommended_protection: str,
                      reviewer: str, reviewed_on: date, actor: User | None) -> Disclosure:
    """Record the pre-filing review's outcome (a later review replaces it; the audit log keeps both)."""
    if decision not in REVIEW_DECISIONS:
        raise OperationError(_("Choose a decision."), field="decision")
    if recommended_protection not in PROTECTIONS:
        raise OperationError(_("Choose the protection recommended."), field="recommended_protection")
    _date(reviewed_on, "reviewed_on")
    if reviewed_on < disclosure.received_on:
        raise OperationError(_("The review cannot come before the disclosure was received."), field="reviewed_on")
    if decision == "file" and recommended_protection in ("trade_secret", "none"):
        raise OperationError(_("A decision to file needs a kind of patent protection."),
                             field="recommended_protection")
    if not reasons.strip():
        raise OperationError(_("Give the reasons."), field="reasons")
    if not reviewer.strip():
        raise OperationError(_("A value is required."), field="reviewer")
    disclosure.decision, disclosure.reasons = decision, reasons.strip()
    disclosure.recommended_protection, disclosure.reviewer = recommended_protection, reviewer.strip()[:100]
    disclosure.reviewed_on = reviewed_on
    db.session.flush()
    audit.record("disclosure.reviewed", f"{disclosure.title[:80]}: {decision}, {recommended_protection}",
                 target=disclosure, actor=actor,
                 data={"decision": decision, "protection": recommended_protection, "reviewer": disclosure.reviewer})
    return disclosure
