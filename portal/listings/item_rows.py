"""API items built from Core rows: what ``serialize.listing_data`` says of a listing, without ORM
objects (issue 18, item 2).

A worker's first search-API requests loaded each listing it had not served yet as ORM objects
(``published_by_ids``: listing, centre, patents, IPC entries, declarations — five queries, about a
hundred objects per page) — about 40 % of a fresh worker's first pass. Here four Core queries,
each built once per process, read the same columns, and the item is the same dict, key for key and
value for value (``tests/test_api_item_rows.py`` compares the two on every kind of listing).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select

from portal.extensions import db
from portal.models import MODES, Listing, OpenLicenceDeclaration, Organisation, Patent, listing_patents
from portal.models.patents import VALUE_DIMENSIONS, PatentIPC
from portal.rules import parse_application_number, patent_expiry


def _money(value) -> str | None:
    return None if value is None else format(value, "f")


_IDS = bindparam("ids", expanding=True)
# Built once: constructing the statements cost about as much as running them.
LISTINGS = (select(Listing.id, Listing.title, Listing.title_en, Listing.abstract_en, Organisation.code,
                   Organisation.name_zh, Organisation.name_en, Listing.field, Listing.maturity, Listing.price_yuan,
                   Listing.scenarios, Listing.advantages, Listing.published_at, Listing.updated_at,
                   *(getattr(Listing, f"offers_{m}") for m in MODES))
            .join(Organisation, Organisation.id == Listing.centre_id)
            .where(Listing.id.in_(_IDS), Listing.status == "published"))
PATENTS = (select(listing_patents.c.listing_id, Patent.id, Patent.application_number, Patent.kind, Patent.title,
                  Patent.abstract, Patent.title_en, Patent.abstract_en, Patent.legal_status, Patent.filing_date,
                  Patent.grant_date, Patent.extension_days, Patent.inventors, Patent.patentee,
                  *(getattr(Patent, d) for d in VALUE_DIMENSIONS))
           .join(Patent, Patent.id == listing_patents.c.patent_id)
           .where(listing_patents.c.listing_id.in_(_IDS))
           .order_by(listing_patents.c.listing_id, Patent.id))
# As the ORM loads them (``Patent.ipc_entries`` ordered by position, ``declarations`` by id).
IPC = (select(PatentIPC.patent_id, PatentIPC.symbol).where(PatentIPC.patent_id.in_(_IDS))
       .order_by(PatentIPC.position))
DECLARATIONS = (select(OpenLicenceDeclaration.patent_id, OpenLicenceDeclaration.fee_method,
                       OpenLicenceDeclaration.fee_amount_yuan, OpenLicenceDeclaration.royalty_rate_pct,
                       OpenLicenceDeclaration.term_end, OpenLicenceDeclaration.announced_on,
                       OpenLicenceDeclaration.cnipa_reference)
                .where(OpenLicenceDeclaration.patent_id.in_(_IDS), OpenLicenceDeclaration.withdrawn_on.is_(None))
                .order_by(OpenLicenceDeclaration.id))
_MODES_AT = 14


def items_by_id(ids: Sequence[int]) -> dict[int, dict]:
    """``serialize.listing_data`` of each published listing among ``ids``, by id."""
    connection = db.session.connection()
    listings = connection.execute(LISTINGS, {"ids": list(ids)}).all()
    if not listings:
        return {}
    patents = connection.execute(PATENTS, {"ids": [row[0] for row in listings]}).all()
    patent_ids = [row[1] for row in patents]
    ipc: dict[int, list[str]] = {}
    declared: dict[int, dict] = {}
    if patent_ids:
        for patent_id, symbol in connection.execute(IPC, {"ids": patent_ids}):
            ipc.setdefault(patent_id, []).append(symbol)
        for row in connection.execute(DECLARATIONS, {"ids": patent_ids}):
            declared[row[0]] = {  # the last one in force, as Patent.open_declaration
                "fee_method": row[1], "fee_amount_yuan": _money(row[2]), "royalty_rate_pct": _money(row[3]),
                "term_end": row[4].isoformat(), "announced_on": row[5].isoformat(), "cnipa_reference": row[6]}
    by_listing: dict[int, list[dict]] = {}
    for row in patents:
        by_listing.setdefault(row[0], []).append(_patent(row, ipc, declared))
    out: dict[int, dict] = {}
    for row in listings:
        listing_id, patent_dicts = row[0], by_listing.get(row[0], [])
        out[listing_id] = {
            "id": listing_id,
            "title": row[1],
            "title_en": row[2],
            "abstract_en": row[3],
            "centre": {"code": row[4], "name": row[5], "name_en": row[6]},
            "modes": [m for m, offered in zip(MODES, row[_MODES_AT:], strict=True) if offered],
            "open_licence": any(p["open_licence"] is not None for p in patent_dicts),
            "field": row[7],
            "maturity": row[8],
            "price_yuan": _money(row[9]),
            "negotiable": row[9] is None,
            "scenarios": row[10],
            "advantages": row[11],
            "published_at": row[12].isoformat() if row[12] else None,
            "updated_at": row[13].isoformat(),
            "application_numbers": [p["application_number"] for p in patent_dicts],
            "patents": patent_dicts,
        }
    return out


def _patent(row, ipc: dict[int, list[str]], declared: dict[int, dict]) -> dict:
    (_, patent_id, number, kind, title, abstract, title_en, abstract_en, status, filed, granted, extension,
     inventors, patentee, *values) = row
    return {
        "application_number": number,
        "patent_number": parse_application_number(number).patent_number if granted else None,
        "kind": kind,
        "title": title,
        "abstract": abstract,
        "title_en": title_en,
        "abstract_en": abstract_en,
        "legal_status": status,
        "filing_date": filed.isoformat(),
        "grant_date": granted.isoformat() if granted else None,
        "expiry": patent_expiry(number, filed, extension).isoformat(),
        "ipc": ipc.get(patent_id, []),
        "inventors": inventors,
        "patentee": patentee,
        "values": dict(zip(VALUE_DIMENSIONS, values, strict=True)),
        "open_licence": declared.get(patent_id),
    }
