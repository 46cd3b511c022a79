"""Open-licence declarations (专利开放许可, Patent Law Arts 50–52) on a patent, and the patent's
standing that the open-licence rules read. Each operation validates, changes, audits, writes the
search change log and flushes; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from flask import current_app
from flask_babel import gettext as _

from portal import audit
from portal.deals.operations import exclusive_deal_overlaps
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.indexing.changes import listing_ids_of, note_search_change
from portal.models import (
    OpenLicenceDeclaration,
    Patent,
    User,
)
from portal.rules import (
    DEFAULT_FEE_GUIDANCE,
    OpenLicenceTerms,
    PatentStanding,
    RuleError,
    check_open_licence_terms,
    open_licence_problems,
)


def exclusive_or_sole_licence_in_force(patent: Patent) -> bool:
    """Whether an exclusive or sole licence binds the patent today: one recorded as a deal, or one
    granted outside the portal that the centre recorded on the patent."""
    today = date.today()
    if patent.exclusive_licence_until is not None and patent.exclusive_licence_until >= today:
        return True
    return patent.id is not None and exclusive_deal_overlaps(patent, today, today)


def patent_standing(patent: Patent) -> PatentStanding:
    return PatentStanding(
        kind=patent.kind, granted=patent.granted, valid=patent.legal_status == "valid",
        evaluation_report_ref=patent.evaluation_report,
        exclusive_or_sole_licence_in_force=exclusive_or_sole_licence_in_force(patent),
        suspended=patent.suspended, annual_fees_unpaid=not patent.annual_fees_paid,
        pledged_without_consent=patent.pledged and not patent.pledgee_consent,
        co_owners_without_consent=tuple(patent.co_owners_without_consent),
    )


def fee_guidance() -> Mapping[str, Decimal]:
    """The open-licence fee guidance caps as configured (``PORTAL_OPEN_LICENCE_MAX_*``): a fee above
    them earns a warning, never a refusal."""
    config = current_app.config
    return MappingProxyType({key: Decimal(str(config.get(f"OPEN_LICENCE_{key.upper()}", default)))
                             for key, default in DEFAULT_FEE_GUIDANCE.items()})


def declare_open_licence(patent: Patent, terms: OpenLicenceTerms, *, announced_on: date,
                         cnipa_reference: str | None, actor: User | None,
                         guidance: Mapping[str, Decimal] | None = None) -> tuple[OpenLicenceDeclaration, list[str]]:
    """Record an open-licence declaration; returns it with any fee warnings (never refusals).

    ``guidance``: the fee caps to warn above; by default the configured ones (:func:`fee_guidance`).
    """
    if patent.open_declaration is not None:
        raise OperationError(_("An open licence is already in force on this patent; withdraw it first "
                               "to announce new terms."))
    problems = open_licence_problems(patent_standing(patent))
    if problems:
        raise OperationError(" ".join(rule_message(p) for p in problems))
    try:
        warnings = check_open_licence_terms(terms, announced_on=announced_on,
                                            last_day_of_protection=patent.last_day,
                                            guidance=guidance if guidance is not None else fee_guidance())
    except RuleError as exc:
        raise OperationError(rule_message(exc)) from exc
    declaration = OpenLicenceDeclaration(
        patent=patent, fee_method=terms.fee_method, fee_amount_yuan=terms.fee_amount_yuan,
        royalty_rate_pct=terms.royalty_rate_pct, term_end=terms.term_end, announced_on=announced_on,
        cnipa_reference=(cnipa_reference or "").strip() or None,
        created_by_id=actor.id if actor is not None else None)
    db.session.add(declaration)
    db.session.flush()
    audit.record("open_licence.declared", f"open licence on {patent.application_number}",
                 target=declaration, actor=actor, data={"patent": patent.application_number})
    note_search_change(listing_ids_of(patent))
    return declaration, [rule_message(w) for w in warnings]


def withdraw_open_licence(declaration: OpenLicenceDeclaration, *, on: date, reason: str,
                          actor: User | None) -> None:
    """Withdraw in writing: effective on announcement; licences already taken stay in force."""
    if declaration.withdrawn_on is not None:
        raise OperationError(_("This declaration has already been withdrawn."))
    if on < declaration.announced_on:
        raise OperationError(_("A withdrawal cannot precede the announcement."), field="withdrawn_on")
    if not reason.strip():
        raise OperationError(_("Give the reason for the withdrawal."), field="reason")
    declaration.withdrawn_on = on
    declaration.withdrawal_reason = reason.strip()[:500]
    audit.record("open_licence.withdrawn", f"open licence on {declaration.patent.application_number} withdrawn",
                 target=declaration, actor=actor, data={"reason": reason[:500]})
    note_search_change(listing_ids_of(declaration.patent))
