"""Listing operations: each validates, changes, writes the audit log and the search outbox, and
flushes. The caller commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.indexing.changes import note_search_change
from portal.models import (
    FIELDS,
    MATURITIES,
    MODES,
    Listing,
    Organisation,
    Patent,
    User,
)
from portal.rules import (
    RuleError,
    check_licence_allowed,
)


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
    title_en: str = ""  # optional English text; blank is stored as NULL
    abstract_en: str = ""


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
    if len(data.title_en.strip()) > 300:
        raise OperationError(_("The English title is longer than %(max)s characters.", max=300), field="title_en")
    listing.title = data.title.strip()
    listing.title_en = data.title_en.strip() or None
    listing.abstract_en = data.abstract_en.strip() or None
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
    _check_licence_rules(listing)
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
    else:
        _check_licence_rules(listing)
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
    _check_licence_rules(listing)


def _check_licence_rules(listing: Listing) -> None:
    """The licence rules on the modes offered (no exclusive or sole licence while an open licence
    is in force): checked when a draft is saved as well as at publication, with the same message,
    so a draft never holds an offer that could not be published."""
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
