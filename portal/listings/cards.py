"""Result cards: what a list of listings shows, read in one query shaped for it.

A card (``templates/listings/_card.html``) shows a listing's title, centre, field, date, modes, asking
price, open-licence badge and its patents' numbers and protection end. Loading 20 listings as ORM
objects with ``with_details()`` (listing, centre, patents, IPC entries, declarations: five queries,
about a hundred objects) cost more than the search itself. Here one Core query reads exactly those
columns, the centres come from a per-process cache (``centres()``), and what a card derives from
a number (the check character of a patent number, the end of protection) is computed once per
process by pure functions. A ``Card`` answers the attributes the card template reads of a
``Listing`` (``id``, ``title``, ``title_en``, ``centre``, ``field``, ``published_at``, ``modes``,
``is_open_licence``, ``price_yuan``, ``negotiable``, ``patents`` with ``display_number``, ``expiry``,
``last_day``, ``granted`` and ``legal_status``), so the template serves both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from flask import g, url_for
from sqlalchemy import and_, bindparam, exists, select

from portal.extensions import db
from portal.models import MODES, Listing, OpenLicenceDeclaration, Organisation, Patent, listing_patents
from portal.rules import RuleError, parse_application_number, patent_expiry


@dataclass(frozen=True, slots=True)
class Centre:
    """A centre as a card and a facet show it (the ``Organisation`` attributes they read)."""

    id: int
    code: str
    name_zh: str
    name_en: str | None

    def display_name(self, locale: str | None = None) -> str:
        if locale and locale.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


@dataclass(slots=True)
class CardPatent:
    id: int
    application_number: str
    kind: str
    filing_date: date
    grant_date: date | None
    extension_days: int
    legal_status: str
    open_licence: bool
    display_number: str = ""
    expiry: date | None = None

    @property
    def granted(self) -> bool:
        return self.grant_date is not None

    @property
    def last_day(self) -> date | None:
        """The last day of protection, the day before ``expiry`` (``Patent.last_day``)."""
        return self.expiry - timedelta(days=1) if self.expiry else None


@dataclass(slots=True)
class Card:
    id: int
    title: str
    title_en: str | None
    field: str
    published_at: datetime | None
    price_yuan: Decimal | None
    centre: Centre
    modes: list[str]
    patents: list[CardPatent] = field(default_factory=list)

    @property
    def is_open_licence(self) -> bool:
        return any(p.open_licence for p in self.patents)

    @property
    def negotiable(self) -> bool:
        return self.price_yuan is None


@lru_cache(maxsize=65536)
def display_number(application_number: str, granted: bool) -> str:
    """``ZL…`` once granted, the application number before (``Patent.display_number``)."""
    if not granted:
        return application_number
    try:
        return parse_application_number(application_number).patent_number
    except (RuleError, ValueError):
        return application_number


@lru_cache(maxsize=65536)
def protection_end(application_number: str, filing_date: date, extension_days: int) -> date | None:
    """``Patent.expiry``; None for a record the term rules refuse (never a failed page)."""
    try:
        return patent_expiry(application_number, filing_date, extension_days)
    except (RuleError, ValueError, TypeError):
        return None


# ------------------------------------------------------------------ centres, per process

_CENTRE_ROWS = (select(Organisation.id, Organisation.code, Organisation.name_zh, Organisation.name_en)
                .where(Organisation.kind == "centre").order_by(Organisation.name_zh, Organisation.id))
_centres: tuple[tuple, dict[int, Centre]] = ((), {})


def centres() -> dict[int, Centre]:
    """The centres by id, in name order. Their rows are read once per request (a dozen short rows,
    a fraction of a millisecond); the objects are rebuilt only when a row changed, so a centre
    renamed in another process shows at its next request."""
    global _centres
    if "card_centres" in g:
        return g.card_centres
    rows = tuple(tuple(row) for row in db.session.connection().execute(_CENTRE_ROWS))
    known_rows, known = _centres
    if rows != known_rows:
        known = {row[0]: Centre(*row) for row in rows}
        _centres = (rows, known)
    g.card_centres, g.card_centre_rows = known, rows
    return known


def centre_rows() -> tuple:
    """The centres' rows as read for this request: part of the state of a cache of what shows
    centre names (a centre renamed straight in the database bypasses the change log)."""
    centres()
    return g.card_centre_rows


def centres_by_code() -> dict[str, Centre]:
    return {c.code: c for c in centres().values()}


# ------------------------------------------------------------------ cards

_OPEN = exists(select(1).where(OpenLicenceDeclaration.patent_id == Patent.id,
                               OpenLicenceDeclaration.withdrawn_on.is_(None)))
# Built once: constructing a statement costs about as much as running it.
CARD_QUERY = (
    select(Listing.id, Listing.title, Listing.title_en, Listing.field, Listing.published_at, Listing.price_yuan,
           Listing.centre_id, *(getattr(Listing, f"offers_{m}") for m in MODES),
           Patent.id, Patent.application_number, Patent.kind, Patent.filing_date, Patent.grant_date,
           Patent.extension_days, Patent.legal_status, _OPEN.label("open_licence"))
    .select_from(Listing)
    .outerjoin(listing_patents, listing_patents.c.listing_id == Listing.id)
    .outerjoin(Patent, Patent.id == listing_patents.c.patent_id)
    .where(and_(Listing.id.in_(bindparam("ids", expanding=True)), Listing.status == "published"))
    .order_by(Listing.id, Patent.id))
_LISTING_COLUMNS = 7 + len(MODES)


def published_cards(ids: Iterable[int]) -> dict[int, Card]:
    """The cards of the listings among ``ids`` that are published, by id."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    by_id = centres()
    cards: dict[int, Card] = {}
    for row in db.session.connection().execute(CARD_QUERY, {"ids": ids}):
        card = cards.get(row[0])
        if card is None:
            centre = by_id.get(row[6]) or Centre(row[6], "", "", None)  # a listing of a non-centre: never
            modes = [m for m, offered in zip(MODES, row[7:_LISTING_COLUMNS], strict=True) if offered]
            card = cards[row[0]] = Card(row[0], row[1], row[2], row[3], row[4], row[5], centre, modes)
        patent_id, number, kind, filed, granted, extension, status, open_licence = row[_LISTING_COLUMNS:]
        if patent_id is not None:
            extension = extension or 0
            card.patents.append(CardPatent(
                patent_id, number, kind, filed, granted, extension, status, bool(open_licence),
                display_number(number, granted is not None), protection_end(number, filed, extension)))
    return cards


def cards_in_order(ids: Iterable[int]) -> list[Card]:
    """The published listings among ``ids`` as cards, in the order given."""
    ids = list(ids)
    found = published_cards(ids)
    return [found[i] for i in ids if i in found]


# ------------------------------------------------------------------ addresses, out of per-card loops

_SENTINEL = 918273645  # an id no real listing URL would otherwise contain


def listing_url(listing_id: int) -> str:
    """``url_for('listings.detail', listing_id=…)``, built once per request and filled in per card."""
    if "listing_url_parts" not in g:
        g.listing_url_parts = url_for("listings.detail", listing_id=_SENTINEL).split(str(_SENTINEL), 1)
    before, after = g.listing_url_parts
    return f"{before}{int(listing_id)}{after}"


def centre_url(code: str) -> str:
    """``url_for('listings.centre', code=…)``, once per centre and request."""
    urls = g.setdefault("centre_urls", {})
    url = urls.get(code)
    if url is None:
        url = urls[code] = url_for("listings.centre", code=code)
    return url
