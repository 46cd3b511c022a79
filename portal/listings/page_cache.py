"""A listing's page: what every reader sees, rendered once per listing and language (issue 18).

Most of a listing's page is the same for every reader but the listing's own centre: the heading
(title, centre, field, maturity), the offer, the price, each patent's facts, assessment and
open-licence terms, and the contact card. Loading the listing as ORM objects (listing and centre,
patents, IPC entries, declarations: four queries) and rendering those parts (a few dozen labels
and translations per patent) was most of the page's CPU. They are now kept per process as HTML
(``templates/listings/_detail_header.html``, ``_detail_main.html``, ``_detail_contact.html``) with a
:class:`PageListing`, the few plain values the rest of the page reads per request (status, centre,
modes, which patents carry an open licence), under:

* the key: the listing, the language and where the portal is mounted;
* the listing's *state*, read per request in one Core query (``STATE_QUERY``): its status, centre
  and ``updated_at``; ``(max(id), count(id))`` of its ``search_changes`` rows — every change to the
  listing, to one of its patents or to an open-licence declaration appends one in the same
  transaction, in whatever process; and its centre's code and names (a centre renamed).

So a publish, withdrawal or edit committed in another worker shows at the next request, as in the
API's item cache (``portal.listings.items``), and what bypasses all of these (a patent edited
straight in the database) lives at most ``LISTING_PAGE_CACHE_SECONDS``. Only published listings are
kept, and the listing's own centre's staff (who see its management actions, and drafts) are served
from the ORM objects as before; everything per reader — the request and take buttons, the licences
already held, documents, the navigation, CSRF tokens — is still rendered per request. Without a
cache (``LISTING_PAGE_CACHE_SIZE`` 0) or with ``TEMPLATES_AUTO_RELOAD`` the parts are rendered each time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, func, select

from portal.extensions import db
from portal.listings.cards import Centre, centre_rows
from portal.listings.counts import change_state
from portal.listings.queries import listing_page_statement
from portal.models import Listing, Organisation, SearchChange
from portal.statecache import StateCache

PARTS = ("header", "main", "contact")

_LISTING = bindparam("listing_id")
# Built once: constructing the statement cost as much as running it.
STATE_QUERY = (
    select(Listing.status, Listing.centre_id, Listing.updated_at,
           select(func.max(SearchChange.id)).where(SearchChange.listing_id == _LISTING).scalar_subquery(),
           select(func.count(SearchChange.id)).where(SearchChange.listing_id == _LISTING).scalar_subquery(),
           Organisation.code, Organisation.name_zh, Organisation.name_en)
    .join(Organisation, Organisation.id == Listing.centre_id)
    .where(Listing.id == _LISTING))


@dataclass(frozen=True, slots=True)
class Parts:
    """The page's HTML that is the same for every reader (in one language)."""

    header: Markup
    main: Markup
    contact: Markup


@dataclass(frozen=True, slots=True)
class DeclarationRef:
    id: int


@dataclass(frozen=True, slots=True)
class PatentRef:
    """What the per-reader parts read of a patent: its take button and whether it is held."""

    id: int
    display_number: str
    open_declaration: DeclarationRef | None


@dataclass(frozen=True, slots=True)
class PageListing:
    """What the rest of the page, the view counter and the similar listings read of a ``Listing``."""

    id: int
    status: str
    centre_id: int
    centre: Centre
    title: str
    title_en: str | None
    modes: tuple[str, ...]
    patents: tuple[PatentRef, ...]
    is_open_licence: bool

    @classmethod
    def of(cls, listing: Listing) -> PageListing:
        c = listing.centre
        patents = tuple(PatentRef(p.id, p.display_number, DeclarationRef(d.id) if (d := p.open_declaration) else None)
                        for p in listing.patents)
        return cls(listing.id, listing.status, listing.centre_id, Centre(c.id, c.code, c.name_zh, c.name_en),
                   listing.title, listing.title_en, tuple(listing.modes), patents, listing.is_open_licence)


def render_parts(listing: Listing) -> Parts:
    """The parts as the templates render them now, from the ORM listing."""
    locale = str(get_locale())
    return Parts(*(Markup(render_template(f"listings/_detail_{name}.html", listing=listing, locale=locale))  # noqa: S704
                   for name in PARTS))


def _cache(name: str = "listing_page_cache") -> StateCache:
    """This app's cache ``name`` (the pages' parts, or the similar listings' boxes), made on first use."""
    cache = current_app.extensions.get(name)
    if cache is None:
        config = current_app.config
        cache = current_app.extensions[name] = StateCache(
            config["LISTING_PAGE_CACHE_SIZE"], config["LISTING_PAGE_CACHE_SECONDS"])
    return cache


def published_page(listing_id: int) -> tuple[PageListing, Parts] | None:
    """The published listing ``listing_id`` and its parts for this reader, from the cache while
    the listing's state holds; None when the page must be served from the ORM listing (not
    published, not found, the reader is its centre's staff, or no cache)."""
    if current_app.jinja_env.auto_reload or current_app.config["LISTING_PAGE_CACHE_SIZE"] <= 0:
        return None
    state = db.session.connection().execute(STATE_QUERY, {"listing_id": listing_id}).first()
    if state is None or state[0] != "published":
        return None
    if current_user.is_authenticated and current_user.organisation_id == state[1]:
        return None
    state = tuple(state)
    key = (listing_id, str(get_locale()), request.script_root)
    cache = _cache()
    found = cache.lookup(key, state)
    if found is None:
        listing = db.session.scalar(listing_page_statement(), {"listing_id": listing_id})
        if listing is None or listing.status != "published":
            return None
        found = (PageListing.of(listing), render_parts(listing))
        cache.put(key, state, found)  # under the state read before loading: never stale
    return found


def similar_part(listing, find: Callable[[object], list | None]) -> Markup:
    """The similar listings' box (``templates/listings/_detail_similar.html``) for ``listing``, kept per
    listing and language under the change log's state token (which moves with every change to a
    listing and every index commit) and the centres' rows. ``find(listing)`` gives the similar
    listings' cards, or None when the search index could not answer (then nothing is kept)."""

    def render(similar) -> Markup:
        html = render_template("listings/_detail_similar.html", similar=similar or [], locale=str(get_locale()))
        return Markup(html)  # noqa: S704 -- autoescaped template output

    token = change_state("the similar listings") if listing.status == "published" else None
    if token is None or current_app.jinja_env.auto_reload or current_app.config["LISTING_PAGE_CACHE_SIZE"] <= 0:
        return render(find(listing))
    key = (listing.id, str(get_locale()), request.script_root)
    state = (token, centre_rows())
    cache = _cache("listing_similar_cache")
    html = cache.lookup(key, state)
    if html is None:
        similar = find(listing)
        html = render(similar)
        if similar is not None:
            cache.put(key, state, html)
    return html
