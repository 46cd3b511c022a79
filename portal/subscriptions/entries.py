"""What a digest says of each saved search and listing, as plain values in the reader's language
(the caller forces the locale and provides the site's address)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.labels import MODE_LABELS
from portal.main.template_helpers import localised
from portal.models import Listing, SavedSearch
from portal.requests.views import fee_text
from portal.subscriptions.describe import describe_search, search_args
from portal.subscriptions.tokens import unsubscribe_url
from portal.urls import external_url

MAX_LISTED = 20  # per search in one mail; the rest are counted and linked


@dataclass
class ListingLine:
    title: str
    centre: str
    modes: str
    url: str
    terms: list[str] = field(default_factory=list)


@dataclass
class MailPart:
    name: str
    description: str
    url: str  # the search page, newest first
    stop: str  # the one-click unsubscribe link of this search
    listings: list[ListingLine]
    more: int


def listing_line(listing: Listing, locale: str) -> ListingLine:
    terms = [_("Open licence on %(number)s: %(fee)s, until %(date)s", number=p.display_number,
               fee=fee_text(d.fee_method, d.fee_amount_yuan, d.royalty_rate_pct), date=d.term_end.isoformat())
             for p in listing.patents if (d := p.open_declaration) is not None]
    return ListingLine(
        title=localised(listing, "title", locale),
        centre=listing.centre.display_name(locale),
        modes=_(", ").join(str(MODE_LABELS[m]) for m in listing.modes),
        url=external_url("listings.detail", listing_id=listing.id, via="digest"),
        terms=terms,
    )


def mail_part(search: SavedSearch, found: list[Listing], locale: str) -> MailPart:
    return MailPart(
        name=search.name,
        description=describe_search(search),
        url=external_url("search.search_page", **search_args(search, sort="newest")),
        stop=unsubscribe_url(search.user_id, [search.id]),
        listings=[listing_line(x, locale) for x in found[:MAX_LISTED]],
        more=max(0, len(found) - MAX_LISTED),
    )
