"""Listing operations: each validates, changes, writes the audit log and the search outbox, and
flushes. The caller commits once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType

from flask import current_app
from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.models import (
    FIELDS,
    LEGAL_STATUSES,
    MATURITIES,
    MODES,
    Listing,
    OpenLicenceDeclaration,
    Organisation,
    Patent,
    PatentIPC,
    SearchChange,
    User,
    listing_patents,
)
from portal.rules import (
    DEFAULT_FEE_GUIDANCE,
    OpenLicenceTerms,
    PatentStanding,
    RuleError,
    check_licence_allowed,
    check_open_licence_terms,
    ipc_subclass,
    open_licence_problems,
    parse_application_number,
    patent_expiry,
)


def note_search_change(listing_ids: Iterable[int]) -> None:
    """Append to the search outbox, in the caller's transaction."""
    from portal.indexing import mark_dirty

    for listing_id in dict.fromkeys(listing_ids):
        db.session.add(SearchChange(listing_id=listing_id))
    mark_dirty()


def listing_ids_of(patent: Patent) -> list[int]:
    """Ids of every listing that offers ``patent``, whatever its status."""
    return list(db.session.scalars(
        db.select(listing_patents.c.listing_id).where(listing_patents.c.patent_id == patent.id)))


# ---------------------------------------------------------------- patents

@dataclass
class PatentData:
    """A patent's facts as entered on a form or read from a spreadsheet row (already parsed)."""

    application_number: str
    title: str
    filing_date: date
    legal_status: str
    abstract: str = ""
    ipc: list[str] = field(default_factory=list)  # normalised symbols
    grant_date: date | None = None
    inventors: str = ""
    patentee: str = ""
    pct: bool = False
    evaluation_report: str | None = None
    pledged: bool = False
    pledgee_consent: bool = False
    annual_fees_paid: bool = True
    extension_days: int = 0
    values: dict[str, int | None] = field(default_factory=dict)


def check_patent_data(data: PatentData) -> list[str]:
    """Every problem with ``data``, in the user's language (empty: fine). Changes nothing."""
    problems = []
    try:
        number = parse_application_number(data.application_number)
    except RuleError as exc:
        return [rule_message(exc)]
    if data.legal_status not in LEGAL_STATUSES:
        problems.append(_("Unknown legal status %(status)s.", status=data.legal_status))
    if data.grant_date and data.grant_date < data.filing_date:
        problems.append(_("The grant date is before the filing date."))
    if data.legal_status == "pending" and data.grant_date:
        problems.append(_("A pending application has no grant date."))
    if data.pct and not number.kind.startswith("pct_"):
        problems.append(_("Only numbers with type digit 8 or 9 are PCT applications entering China."))
    try:
        patent_expiry(number, data.filing_date, data.extension_days)
    except RuleError as exc:
        problems.append(rule_message(exc))
    for name, value in data.values.items():
        if value is not None and not 1 <= value <= 5:
            problems.append(_("%(name)s must be between 1 and 5.", name=name))
    if not data.title.strip():
        problems.append(_("The title is empty."))
    return problems


def set_patent_ipc(patent: Patent, symbols: list[str]) -> None:
    """Replace the patent's IPC symbols, keeping the rows of symbols that stay: deleting and
    re-inserting the same (patent, symbol) in one flush would hit the unique constraint, since
    inserts are flushed before deletes."""
    kept = {entry.symbol: entry for entry in patent.ipc_entries}
    entries = []
    for position, symbol in enumerate(symbols):
        entry = kept.get(symbol) or PatentIPC(symbol=symbol, subclass=ipc_subclass(symbol))
        entry.position = position
        entries.append(entry)
    patent.ipc_entries = entries


def find_patent(application_number: str) -> Patent | None:
    canonical = parse_application_number(application_number).canonical
    return db.session.scalar(db.select(Patent).where(Patent.application_number == canonical))


def upsert_patent(centre: Organisation, data: PatentData, actor: User | None) -> tuple[Patent, bool]:
    """Create the patent, or update it in place when the centre already holds that number."""
    problems = check_patent_data(data)
    if problems:
        raise OperationError(" ".join(problems), field="application_number")
    number = parse_application_number(data.application_number)
    patent = find_patent(number.canonical)
    created = patent is None
    if created:
        patent = Patent(application_number=number.canonical, centre=centre)
        db.session.add(patent)
    elif patent.centre_id != centre.id:
        raise OperationError(_("Patent %(number)s belongs to another centre.", number=number.canonical),
                             field="application_number")
    patent.kind = number.kind
    for name in ("title", "abstract", "filing_date", "grant_date", "legal_status", "inventors", "patentee",
                 "pct", "evaluation_report", "pledged", "pledgee_consent", "annual_fees_paid",
                 "extension_days"):
        setattr(patent, name, getattr(data, name))
    for name, value in data.values.items():
        setattr(patent, name, value)
    if patent.ipc != data.ipc:
        set_patent_ipc(patent, list(dict.fromkeys(data.ipc)))
    db.session.flush()
    if not created:
        note_search_change(listing_ids_of(patent))
    audit.record("patent.created" if created else "patent.updated", f"{number.canonical} {data.title[:80]}",
                 target=patent, actor=actor)
    return patent, created


# ---------------------------------------------------------------- listings

@dataclass
class ListingData:
    title: str
    modes: list[str]
    field: str = "other"
    maturity: str | None = None
    price_yuan: Decimal | None = None
    scenarios: str = ""
    advantages: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def _apply_listing_data(listing: Listing, data: ListingData) -> None:
    unknown = [m for m in data.modes if m not in MODES]
    if unknown:
        raise OperationError(_("Unknown mode %(mode)s.", mode=unknown[0]), field="modes")
    if data.field not in FIELDS:
        raise OperationError(_("Unknown technical field."), field="field")
    if data.maturity and data.maturity not in MATURITIES:
        raise OperationError(_("Unknown maturity stage."), field="maturity")
    if data.price_yuan is not None and data.price_yuan < 0:
        raise OperationError(_("The price cannot be negative."), field="price_yuan")
    if not data.title.strip():
        raise OperationError(_("The title is empty."), field="title")
    listing.title = data.title.strip()
    listing.set_modes(data.modes)
    for name in ("field", "maturity", "price_yuan", "scenarios", "advantages", "contact_name",
                 "contact_email", "contact_phone"):
        setattr(listing, name, getattr(data, name))


def create_listing(centre: Organisation, patents: list[Patent], data: ListingData, actor: User | None) -> Listing:
    """A draft listing of one patent or a bundle, all held by ``centre``."""
    if not patents:
        raise OperationError(_("Choose at least one patent."), field="patents")
    if any(p.centre_id != centre.id for p in patents):
        raise OperationError(_("A listing can only offer the centre's own patents."), field="patents")
    listing = Listing(centre=centre, status="draft")
    _apply_listing_data(listing, data)
    listing.patents = list(dict.fromkeys(patents))
    db.session.add(listing)
    db.session.flush()
    audit.record("listing.created", f"draft listing {listing.title[:80]}", target=listing, actor=actor)
    note_search_change([listing.id])
    return listing


def update_listing(listing: Listing, data: ListingData, actor: User | None) -> None:
    if listing.status in ("withdrawn", "concluded"):
        raise OperationError(_("A withdrawn or concluded listing cannot be edited."))
    _apply_listing_data(listing, data)
    if listing.status == "published":
        _check_publishable(listing)
    db.session.flush()
    audit.record("listing.updated", f"listing {listing.id} edited", target=listing, actor=actor)
    note_search_change([listing.id])


def _check_publishable(listing: Listing) -> None:
    if not listing.modes and not listing.is_open_licence:
        raise OperationError(_("Offer at least one mode, or declare an open licence on the patent."),
                             field="modes")
    lapsed = [p.application_number for p in listing.patents if p.legal_status == "lapsed"]
    if lapsed:
        raise OperationError(_("Patent %(number)s has lapsed and cannot be offered.", number=lapsed[0]))
    for mode in ("exclusive", "sole"):
        if mode in listing.modes and listing.is_open_licence:
            try:
                check_licence_allowed(mode, open_licence_in_force=True)
            except RuleError as exc:
                raise OperationError(rule_message(exc), field="modes") from exc


def publish_listing(listing: Listing, actor: User | None) -> None:
    """Make a draft (or withdrawn) listing public: it enters the index, the list and the feeds."""
    if listing.status not in ("draft", "withdrawn"):
        raise OperationError(_("Only a draft or withdrawn listing can be published."))
    _check_publishable(listing)
    listing.status = "published"
    listing.published_at = datetime.now(UTC)
    listing.withdrawn_at = None
    db.session.flush()
    audit.record("listing.published", f"listing {listing.id} published", target=listing, actor=actor)
    note_search_change([listing.id])


def withdraw_listing(listing: Listing, actor: User | None, reason: str = "") -> None:
    if listing.status != "published":
        raise OperationError(_("Only a published listing can be withdrawn."))
    listing.status = "withdrawn"
    listing.withdrawn_at = datetime.now(UTC)
    audit.record("listing.withdrawn", f"listing {listing.id} withdrawn", target=listing, actor=actor,
                 data={"reason": reason[:500]})
    note_search_change([listing.id])


def conclude_listing(listing: Listing, actor: User | None) -> None:
    if listing.status != "published":
        raise OperationError(_("Only a published listing can be concluded."))
    listing.status = "concluded"
    listing.concluded_at = datetime.now(UTC)
    audit.record("listing.concluded", f"listing {listing.id} concluded", target=listing, actor=actor)
    note_search_change([listing.id])


# ---------------------------------------------------------------- open licence

def exclusive_or_sole_licence_in_force(patent: Patent) -> bool:
    """Whether an exclusive or sole licence binds the patent today: one recorded as a deal, or one
    granted outside the portal that the centre recorded on the patent."""
    from portal.deals.operations import exclusive_deal_overlaps

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

