"""Feeds as pure functions: rows in, RSS 2.0 or Atom 1.0 bytes out.

Nothing here reads the request, the clock or the database: the caller passes rows already loaded
(``with_details``), a :class:`Site` that builds absolute URLs and knows the tag-URI authority, and
a :class:`FeedInfo` describing the feed. The same input gives the same bytes — the feed's own
``updated`` / ``lastBuildDate`` comes from its entries, never from "now" — so every worker computes
the same strong ETag for the same feed.

Each source maps its rows to the format-neutral :class:`Entry` (``listing_entry``,
``event_entry``); ``render`` writes either format.

Labels go through Flask-Babel, so the caller chooses the language (the views force the site's
default, zh-CN, to match the feed's ``language``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal import labels
from portal.labels import EVENT_KIND_LABELS
from portal.models import Event, Listing, OpenLicenceDeclaration
from portal.timefmt import local_time

CONTENT_TYPES = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)
TAG_DATE = "2026"  # the date in every tag URI: part of the ids, so it never changes
# An empty feed still needs an `updated` that does not move: this fixed instant.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
IPC_SCHEME = "https://www.wipo.int/classifications/ipc/"
GENERATOR = "Shanghai Medical Patent Licensing Portal"

# Everything outside XML 1.0's Char production: C0 controls except \t \n \r, lone surrogates,
# U+FFFE and U+FFFF. lxml refuses such strings; a title pasted from a PDF may carry them.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: object) -> str:
    """``text`` as a string XML 1.0 can carry (illegal characters dropped, nothing else changed)."""
    return _NOT_XML_CHAR.sub("", "" if text is None else str(text))


def tag_uri(authority: str, specific: str) -> str:
    """A tag URI (RFC 4151): ``tag:<authority>,2026:<specific>``. Built from a configured
    authority, not the request's host, so ids do not change with the address a reader used."""
    return f"tag:{authority},{TAG_DATE}:{specific}"


@dataclass(frozen=True)
class Site:
    """What entries need from outside: the tag-URI authority and absolute URLs."""

    authority: str
    listing_url: Callable[[int], str]
    centre_url: Callable[[str], str]
    event_url: Callable[[int], str] | None = None


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class Entry:
    """One feed entry, format-neutral. ``summary_html`` is escaped HTML; times are aware UTC."""

    id: str
    title: str
    link: str
    summary_html: str
    author: str
    author_uri: str | None
    categories: tuple[Category, ...]
    published: datetime
    updated: datetime


@dataclass(frozen=True)
class FeedInfo:
    """The feed itself. ``not_before`` is the latest time an entry *left* this feed (a listing
    withdrawn or concluded): the feed's ``updated`` is never older, so a reader asking
    If-Modified-Since after a withdrawal is not told "unchanged"."""

    id: str
    title: str
    subtitle: str
    self_url: str
    html_url: str
    author: str
    author_uri: str | None = None
    language: str = "zh-CN"
    not_before: datetime | None = None


# ---------------------------------------------------------------- listings → entries

def listing_entry(listing: Listing, site: Site) -> Entry:
    """A published listing as an entry; its id is the listing's id, never its title or position."""
    patents = listing.patents
    declarations = listing.open_declarations
    times = [listing.updated_at, listing.published_at, *(p.updated_at for p in patents),
             *(d.created_at for d in declarations)]
    updated = max(t for t in times if t is not None)
    return Entry(
        id=tag_uri(site.authority, f"listing/{listing.id}"),
        title=clean(listing.title),
        link=site.listing_url(listing.id),
        summary_html=listing_summary(listing),
        author=clean(listing.centre.name_zh),
        author_uri=site.centre_url(listing.centre.code),
        categories=listing_categories(listing, site.authority),
        published=listing.published_at or updated,
        updated=updated,
    )


def _para(*parts: object) -> Markup:
    return Markup("<p>{}</p>").format(Markup("<br>").join(escape(clean(p)) for p in parts if p))


def _yuan(amount) -> str:
    return "{:,.2f} {}".format(amount, _("yuan"))


def declaration_terms(d: OpenLicenceDeclaration) -> str:
    """The open-licence terms in one line: fee method, amount and/or rate, licence term."""
    fee = []
    if d.fee_amount_yuan is not None:
        fee.append(_yuan(d.fee_amount_yuan))
    if d.royalty_rate_pct is not None:
        fee.append(f"{d.royalty_rate_pct:g}%")
    method = str(labels.FEE_METHOD_LABELS.get(d.fee_method, d.fee_method))
    head = f"{method}: {' + '.join(fee)}" if fee else method
    return f"{head} · {_('licence term until %(date)s', date=d.term_end.isoformat())}"


def listing_summary(listing: Listing) -> str:
    """Abstract(s), modes, open-licence terms and price, as escaped HTML."""
    blocks = []
    for p in listing.patents:
        blocks.append(_para(f"{p.title} ({p.display_number})", p.abstract))
    modes = [str(labels.MODE_LABELS[m]) for m in listing.modes]
    if listing.is_open_licence:
        modes.append(_("Open licence"))
    if modes:
        blocks.append(_para(f"{_('Mode')}: {'、'.join(modes)}"))
    several = len(listing.patents) > 1
    for d in listing.open_declarations:
        prefix = f"{d.patent.display_number} " if several else ""
        blocks.append(_para(f"{prefix}{_('Open licence terms')}: {declaration_terms(d)}"))
    price = _yuan(listing.price_yuan) if listing.price_yuan is not None else _("negotiable")
    blocks.append(_para(f"{_('Indicative price')}: {price}"))
    if listing.scenarios:
        blocks.append(_para(f"{_('Application scenarios')}: {listing.scenarios}"))
    return str(Markup("").join(blocks))


def listing_categories(listing: Listing, authority: str) -> tuple[Category, ...]:
    """Field, IPC subclasses and modes (an open licence counts as the mode ``open``)."""
    categories = [Category(listing.field, clean(labels.FIELD_LABELS.get(listing.field, listing.field)),
                           tag_uri(authority, "field"))]
    subclasses = dict.fromkeys(s for p in listing.patents for s in p.ipc_subclasses)
    categories += [Category(s, clean(f"{s} {labels.ipc_subclass_title(s)}".strip()), IPC_SCHEME)
                   for s in subclasses]
    mode_scheme = tag_uri(authority, "mode")
    categories += [Category(m, clean(labels.MODE_LABELS[m]), mode_scheme) for m in listing.modes]
    if listing.is_open_licence:
        categories.append(Category("open", clean(_("Open licence")), mode_scheme))
    return tuple(categories)


# ---------------------------------------------------------------- events → entries

def event_entry(event: Event, site: Site) -> Entry:
    """A matchmaking event as an entry; its id is the event's id, never its title or position.
    Nothing in it depends on the clock (no "upcoming" / "past"), so the bytes stay the same."""
    organiser = event.organiser
    return Entry(
        id=tag_uri(site.authority, f"event/{event.id}"),
        title=clean(event.title),
        link=site.event_url(event.id),
        summary_html=event_summary(event),
        author=clean(organiser.name_zh),
        author_uri=site.centre_url(organiser.code) if organiser.kind == "centre" else None,
        categories=(Category(event.kind, clean(EVENT_KIND_LABELS.get(event.kind, event.kind)),
                             tag_uri(site.authority, "event-kind")),),
        published=event.created_at,
        updated=max(event.updated_at, event.created_at),
    )


def event_when(event: Event) -> str:
    """Start and end in Shanghai time; one date when the event starts and ends on the same day."""
    start, end = local_time(event.starts_at), local_time(event.ends_at)
    if start[:10] == end[:10]:
        end = end[11:]
    return f"{start}–{end} ({_('Shanghai time')})"


def event_summary(event: Event) -> str:
    """Kind, date and time, place and/or online link, organiser and notes, as escaped HTML."""
    blocks = [_para(EVENT_KIND_LABELS.get(event.kind, event.kind)), _para(f"{_('When')}: {event_when(event)}")]
    if event.place:
        blocks.append(_para(f"{_('Place')}: {event.place}"))
    if event.online_url:
        url = clean(event.online_url)
        blocks.append(Markup("<p>{}: <a href=\"{}\">{}</a></p>").format(_("Online link"), url, url))
    blocks.append(_para(_("Organiser: %(name)s", name=event.organiser.name_zh)))
    if event.notes:
        blocks.append(_para(*event.notes.splitlines()))
    return str(Markup("").join(blocks))


# ---------------------------------------------------------------- entries → bytes

def feed_updated(info: FeedInfo, entries: Iterable[Entry]) -> datetime:
    """The feed's ``updated``: its newest entry (or the latest departure), never the clock."""
    times = [e.updated for e in entries]
    if info.not_before is not None:
        times.append(info.not_before)
    return max(times, default=EMPTY_FEED_UPDATED)


def render(fmt: str, info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    """``entries`` (in the order given) as an Atom 1.0 (``fmt="atom"``) or RSS 2.0 document."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown feed format {fmt!r}")
    fg = FeedGenerator()
    if fmt == "rss":
        fg.load_extension("dc", atom=False, rss=True)  # RSS <author> needs an e-mail; dc:creator does not
    fg.id(info.id)
    fg.title(clean(info.title))
    fg.subtitle(clean(info.subtitle))
    fg.language(info.language)
    fg.author({"name": clean(info.author), **({"uri": info.author_uri} if info.author_uri else {})})
    fg.link(href=info.self_url, rel="self", type=CONTENT_TYPES[fmt].split(";")[0])
    fg.link(href=info.html_url, rel="alternate", type="text/html")  # last link: RSS <link>
    fg.generator(GENERATOR)
    fg.updated(feed_updated(info, entries))
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(e.id)  # also the RSS <guid isPermaLink="false">
        fe.title(e.title)
        fe.link(href=e.link, rel="alternate", type="text/html")
        fe.summary(e.summary_html, type="html")
        fe.author({"name": e.author, **({"uri": e.author_uri} if e.author_uri else {})})
        if fmt == "rss":
            fe.dc.dc_creator(e.author)
        if e.categories:
            fe.category([{"term": c.term, "label": c.label, "scheme": c.scheme} for c in e.categories])
        fe.published(e.published)
        fe.updated(e.updated)
    return fg.atom_str(pretty=False) if fmt == "atom" else fg.rss_str(pretty=False)


def serialize_listings(fmt: str, info: FeedInfo, listings: Iterable[Listing], site: Site) -> bytes:
    """Listings → feed bytes: the whole pipeline as one pure call."""
    return render(fmt, info, [listing_entry(x, site) for x in listings])
