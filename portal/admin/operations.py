"""Organisation operations for administrators and the CLI."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import EXCHANGE_BASES, ORG_KINDS, Organisation, User
from portal.models.budget import ensure_categories
from portal.models.metrics import current_parameters
from portal.rules import RuleError, validate_credit_code

CODE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def check_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not CODE_RE.match(code) or "--" in code:
        raise OperationError(_("The code must be 1–64 lower-case letters, digits and single hyphens, "
                               "such as ruijin-ip."), field="code")
    if db.session.scalar(db.select(Organisation.id).where(Organisation.code == code)):
        raise OperationError(_("The code %(code)s is already taken.", code=code), field="code")
    return code


def create_organisation(*, kind: str, code: str, name: str, name_en: str | None = None,
                        credit_code: str | None = None, is_example: bool = False,
                        actor: User | None = None) -> Organisation:
    """Create a centre, enterprise, exchange base or organiser."""
    if kind not in ORG_KINDS:
        raise OperationError(_("Unknown organisation kind: %(kind)s.", kind=kind), field="kind")
    code = check_code(code)
    name = (name or "").strip()
    if not 2 <= len(name) <= 200:
        raise OperationError(_("The name must be 2–200 characters long."), field="name")
    if credit_code:
        try:
            credit_code = validate_credit_code(credit_code)
        except RuleError as exc:
            raise OperationError(rule_message(exc), field="credit_code") from exc
        if db.session.scalar(db.select(Organisation.id).where(Organisation.credit_code == credit_code)):
            raise OperationError(_("An organisation with this credit code already exists."),
                                 field="credit_code")
    org = Organisation(kind=kind, code=code, name_zh=name, name_en=(name_en or "").strip() or None,
                       credit_code=credit_code or None, is_example=is_example)
    db.session.add(org)
    db.session.flush()
    audit.record("org.created", f"{kind} {code} created", target=org, actor=actor,
                 data={"kind": kind, "code": code})
    return org


def ensure_reference_data() -> None:
    """Create the reference rows when missing (idempotent): the two exchange bases and the
    programme parameters with the notice's defaults and the budget categories. Run at setup (``flask demo``,
    ``flask reference-data``), never on a GET."""
    existing = set(db.session.scalars(db.select(Organisation.code).where(Organisation.kind == "exchange")))
    for base in EXCHANGE_BASES:
        if base["code"] not in existing:
            db.session.add(Organisation(kind="exchange", **base))
    current_parameters()
    ensure_categories()
    db.session.flush()
