"""Published listings as the index sees them: one document per listing.

``listing_document`` shapes a listing — an ORM object, or a light row object — into the index's
document. ``published_listings`` reads every published listing for a rebuild or a verify, in
batches with plain SQL rows; ``published_by_ids`` loads published listings as ORM objects, for the
writer, the search page and the API alike.

Reading every published listing with plain SQL rows:

A rebuild or a verify reads every published listing. Loading them as ORM objects (listing,
centre, patents, IPC entries, declarations) cost about half a millisecond each, most of it object
bookkeeping a rebuild never uses; here each batch is four column queries, and the rows are
shaped into light objects with exactly the attributes :func:`listing_document`
reads, so the documents — and their versions — are identical to the ones the ORM path makes
(``tests/test_search_portal.py`` compares the two).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

from flask_babel import force_locale

from portal.extensions import db
from portal.listings.queries import with_details
from portal.metrics.patent_counts import high_value_threshold, is_high_value
from portal.models import (
    VALUE_DIMENSIONS,
    Listing,
    OpenLicenceDeclaration,
    Organisation,
    Patent,
    PatentIPC,
    listing_patents,
)
from portal.models.listings import MODES
from portal.rules import patent_expiry
from search import Document
from search.identifiers import ipc_subclass

BATCH = 1000
HIGH_VALUE = "high"  # the ``value`` facet's one value: the listing offers a high-value patent


def listing_document(listing: Listing | SimpleNamespace) -> Document:
    """The searchable view of a published listing; ``version`` is a digest of that view, so any
    change to what is searchable (listing, patents, declarations) changes it."""
    patents = listing.patents
    body = "\n".join(filter(None, [
        *(p.title for p in patents if p.title != listing.title),
        *(p.abstract for p in patents), listing.scenarios, listing.advantages,
        *(p.inventors for p in patents), *(p.patentee for p in patents)]))
    expiries = [p.expiry for p in patents]
    fields = {
        "title": listing.title,
        "body": body,
        "app_numbers": [p.application_number for p in patents],
        "ipc": list(dict.fromkeys(s for p in patents for s in p.ipc)),
        "centre": listing.centre.code,
        "kind": list(dict.fromkeys(p.kind for p in patents)),
        "mode": listing.modes,
        "open_licence": listing.is_open_licence,
        "field": listing.field,
        "published": listing.published_at.isoformat() if listing.published_at else None,
        "expiry": min(expiries).isoformat() if expiries else None,
    }
    if _offers_high_value(listing):
        # Only when true, so a listing without one keeps the version (and document) it had before.
        fields["value"] = HIGH_VALUE
    fields["labels"] = listing_labels(listing.field, getattr(listing, "maturity", None), listing.centre,
                                      fields["ipc"])
    fields.update(english_text(listing))
    version = hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    fields.update(published=listing.published_at, expiry=min(expiries) if expiries else None)
    return Document(doc_id=str(listing.id), version=version, **fields)


def _offers_high_value(listing: Listing | SimpleNamespace) -> bool:
    """Whether any of the listing's patents is high-value under the programme's threshold
    (the rebuild's rows carry the answer; an ORM listing is asked here)."""
    known = getattr(listing, "high_value", None)
    if known is not None:
        return known
    threshold = high_value_threshold()
    return any(is_high_value({d: getattr(p, d) for d in VALUE_DIMENSIONS}, threshold) for p in listing.patents)


def english_text(listing: Listing | SimpleNamespace) -> dict[str, str]:
    """The listing's English title (its own, else its first patent's that has one) and English body
    (its abstract, its patents' other English titles and their abstracts), indexed with the English
    analyser. Empty — and then absent, so that the version of a listing without English text is
    what it was before English text existed — when none is given."""
    patents = listing.patents
    title = listing.title_en or next((p.title_en for p in patents if p.title_en), "")
    body = "\n".join(filter(None, [listing.abstract_en, *(p.title_en for p in patents if p.title_en != title),
                                    *(p.abstract_en for p in patents)]))
    return {name: value for name, value in (("title_en", title), ("body_en", body)) if value}


def _label_names() -> dict[str, list[str]]:
    """Field and maturity labels in Chinese and English, worked out once per application."""
    from flask import current_app

    from portal.labels import FIELD_LABELS, MATURITY_LABELS

    names = current_app.extensions.get("search_label_names")
    if names is None:
        names = {}
        for locale in ("zh_CN", "en"):
            with current_app.test_request_context(), force_locale(locale):
                for prefix, table in (("field:", FIELD_LABELS), ("maturity:", MATURITY_LABELS)):
                    for key, label in table.items():
                        names.setdefault(prefix + key, []).append(str(label))
        current_app.extensions["search_label_names"] = names
    return names


def listing_labels(field: str | None, maturity: str | None, centre, ipc: list[str]) -> list[str]:
    """What a listing is, in both languages: its technical field, maturity, centre and the titles of
    its IPC subclasses (indexed as labels: 医疗器械 finds the field's listings)."""
    from portal.rules.ipc_titles import IPC_SUBCLASS_TITLES

    names = _label_names()
    labels = [*names.get(f"field:{field}", []), *names.get(f"maturity:{maturity}", [])]
    labels.extend(filter(None, [getattr(centre, "name_zh", None), getattr(centre, "name_en", None)]))
    for subclass in dict.fromkeys(s for s in (ipc_subclass(symbol) for symbol in ipc) if s):
        labels.extend(IPC_SUBCLASS_TITLES.get(subclass, ()))
    return list(dict.fromkeys(labels))


def published_by_ids(ids: Iterable[int]) -> dict[int, Listing]:
    """The listings among ``ids`` that are published, by id, with everything a page or a document
    shows loaded (the index ranks; the database decides what is still published)."""
    rows = db.session.scalars(with_details(db.select(Listing).where(Listing.id.in_(list(ids)),
                                                                     Listing.status == "published")))
    return {row.id: row for row in rows}


def published_listings() -> Iterator[SimpleNamespace]:
    """Published listings in id order, each with ``patents`` (id order), ``centre.code``,
    ``modes`` and ``is_open_licence`` as the model gives them, and ``high_value`` (whether it
    offers a high-value patent)."""
    last = 0
    while True:
        rows = db.session.execute(
            db.select(Listing.id, Listing.title, Listing.title_en, Listing.abstract_en, Listing.scenarios,
                      Listing.advantages, Listing.field,
                      Listing.maturity, Listing.published_at, Organisation.code, Organisation.name_zh,
                      Organisation.name_en,
                      *(getattr(Listing, f"offers_{m}") for m in MODES))
            .join(Organisation, Organisation.id == Listing.centre_id)
            .where(Listing.status == "published", Listing.id > last)
            .order_by(Listing.id).limit(BATCH)).all()
        if not rows:
            return
        yield from _shape(rows)
        last = rows[-1].id


def _shape(rows) -> list[SimpleNamespace]:
    ids = [row.id for row in rows]
    links = db.session.execute(
        db.select(listing_patents.c.listing_id, Patent.id, Patent.application_number, Patent.kind, Patent.title,
                  Patent.abstract, Patent.title_en, Patent.abstract_en, Patent.inventors, Patent.patentee,
                  Patent.filing_date, Patent.extension_days, *(getattr(Patent, d) for d in VALUE_DIMENSIONS))
        .join(Patent, Patent.id == listing_patents.c.patent_id)
        .where(listing_patents.c.listing_id.in_(ids))
        .order_by(listing_patents.c.listing_id, Patent.id)).all()
    patent_ids = list({link.id for link in links})
    symbols: dict[int, list[str]] = defaultdict(list)
    open_patents: set[int] = set()
    for start in range(0, len(patent_ids), BATCH):
        chunk = patent_ids[start : start + BATCH]
        for patent_id, symbol in db.session.execute(
                db.select(PatentIPC.patent_id, PatentIPC.symbol).where(PatentIPC.patent_id.in_(chunk))
                .order_by(PatentIPC.patent_id, PatentIPC.position)):
            symbols[patent_id].append(symbol)
        open_patents.update(db.session.scalars(
            db.select(OpenLicenceDeclaration.patent_id).where(OpenLicenceDeclaration.patent_id.in_(chunk),
                                                              OpenLicenceDeclaration.withdrawn_on.is_(None))))
    threshold = high_value_threshold()
    high_value = {link.listing_id for link in links
                  if is_high_value({d: getattr(link, d) for d in VALUE_DIMENSIONS}, threshold)}
    patents: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for link in links:
        patents[link.listing_id].append(SimpleNamespace(
            title=link.title, abstract=link.abstract, title_en=link.title_en, abstract_en=link.abstract_en,
            inventors=link.inventors, patentee=link.patentee,
            application_number=link.application_number, kind=link.kind, ipc=symbols.get(link.id, []),
            expiry=patent_expiry(link.application_number, link.filing_date, link.extension_days),
            open=link.id in open_patents))
    shaped = []
    for row in rows:
        mine = patents.get(row.id, [])
        shaped.append(SimpleNamespace(
            id=row.id, title=row.title, title_en=row.title_en, abstract_en=row.abstract_en, scenarios=row.scenarios,
            advantages=row.advantages, field=row.field,
            maturity=row.maturity, published_at=row.published_at, patents=mine,
            centre=SimpleNamespace(code=row.code, name_zh=row.name_zh, name_en=row.name_en),
            modes=[m for m in MODES if getattr(row, f"offers_{m}")], is_open_licence=any(p.open for p in mine),
            high_value=row.id in high_value))
    return shaped
