"""Listings as plain data: for the API (and the feeds)."""

from __future__ import annotations

from flask import url_for

from portal.models import Listing, OpenLicenceDeclaration, Patent


def _money(value) -> str | None:
    return None if value is None else format(value, "f")


def declaration_to_dict(d: OpenLicenceDeclaration) -> dict:
    return {
        "fee_method": d.fee_method,
        "fee_amount_yuan": _money(d.fee_amount_yuan),
        "royalty_rate_pct": _money(d.royalty_rate_pct),
        "term_end": d.term_end.isoformat(),
        "announced_on": d.announced_on.isoformat(),
        "cnipa_reference": d.cnipa_reference,
    }


def patent_to_dict(p: Patent) -> dict:
    declaration = p.open_declaration
    return {
        "application_number": p.application_number,
        "patent_number": p.display_number if p.granted else None,
        "kind": p.kind,
        "title": p.title,
        "abstract": p.abstract,
        "title_en": p.title_en,
        "abstract_en": p.abstract_en,
        "legal_status": p.legal_status,
        "filing_date": p.filing_date.isoformat(),
        "grant_date": p.grant_date.isoformat() if p.grant_date else None,
        "expiry": p.expiry.isoformat(),
        "ipc": p.ipc,
        "inventors": p.inventors,
        "patentee": p.patentee,
        "values": p.values(),
        "open_licence": declaration_to_dict(declaration) if declaration else None,
    }


def listing_to_dict(listing: Listing) -> dict:
    return with_url(listing_data(listing))


def with_url(data: dict) -> dict:
    """``data`` with the listing's address on this host, after its id."""
    listing_id = data["id"]
    return {"id": listing_id, "url": url_for("listings.detail", listing_id=listing_id, _external=True), **data}


def listing_data(listing: Listing) -> dict:
    """Everything the API says of a listing but its address (which depends on the host asked)."""
    return {
        "id": listing.id,
        "title": listing.title,
        "title_en": listing.title_en,
        "abstract_en": listing.abstract_en,
        "centre": {"code": listing.centre.code, "name": listing.centre.name_zh, "name_en": listing.centre.name_en},
        "modes": listing.modes,
        "open_licence": listing.is_open_licence,
        "field": listing.field,
        "maturity": listing.maturity,
        "price_yuan": _money(listing.price_yuan),
        "negotiable": listing.price_yuan is None,
        "scenarios": listing.scenarios,
        "advantages": listing.advantages,
        "published_at": listing.published_at.isoformat() if listing.published_at else None,
        "updated_at": listing.updated_at.isoformat(),
        "application_numbers": [p.application_number for p in listing.patents],
        "patents": [patent_to_dict(p) for p in listing.patents],
    }
