"""Result cards as HTML, rendered once per card's content and language (issue 18).

Rendering a card (``templates/listings/_card.html``: two addresses, a localised title and centre
name, a field label, a formatted date and price, three or four translations, mode labels and patent
numbers) was the largest part of the search page's template, twenty times per page. A card's HTML
depends only on what its :class:`~portal.listings.cards.Card` holds (read per request in one query:
title, field, date, price, modes, each patent's number, status and open licence, and the centre's
names), the language, where the portal is mounted and the channel its link carries. All of those
make the key, so a kept card is never stale: a listing edited, a patent granted or a centre renamed
reads as a different key, and the old entry ages out of the LRU. The query's snippet is the one
part that differs per search: the kept HTML holds a marker in its place (a comment no escaped text
can contain), filled in per request. ORM listings (a centre's own staff pages) are rendered as before,
and so is every card when ``LISTING_CARD_CACHE_SIZE`` is 0 or templates auto-reload.
"""

from __future__ import annotations

import threading

from cachetools import LRUCache
from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from portal.listings.cards import Card

SNIPPET = Markup("<!--snippet-->")  # noqa: S704 -- a constant; escaped text never contains "<"
_lock = threading.Lock()


def _content(card: Card) -> tuple:
    """Everything of ``card`` that its HTML shows."""
    return (card.id, card.title, card.title_en, card.field, card.published_at, card.price_yuan, card.centre,
            tuple(card.modes), tuple((p.id, p.display_number, p.expiry, p.open_licence) for p in card.patents))


def _render(listing, snippet, via) -> Markup:
    html = render_template("listings/_card.html", listing=listing, snippet=snippet, card_via=via)
    return Markup(html)  # noqa: S704 -- autoescaped template output


def card_html(listing, snippet: Markup | None = None, via: dict | None = None) -> Markup:
    """The result card of ``listing`` (a ``Card`` or a ``Listing``) with the query's ``snippet``
    and the channel ``via`` (e.g. ``{'via': 'search'}``) carried on its link."""
    app = current_app
    size = app.config["LISTING_CARD_CACHE_SIZE"]
    if not isinstance(listing, Card) or size <= 0 or app.jinja_env.auto_reload:
        return _render(listing, snippet, via)
    cache = app.extensions.get("listing_card_cache")
    if cache is None or cache.maxsize != size:
        cache = app.extensions["listing_card_cache"] = LRUCache(maxsize=size)
    key = (_content(listing), str(get_locale()), request.script_root,
           tuple(sorted(via.items())) if via else None, bool(snippet))
    with _lock:
        html = cache.get(key)
    if html is None:
        html = _render(listing, SNIPPET if snippet else None, via)
        with _lock:
            cache[key] = html
    if snippet:
        before, after = html.split(SNIPPET, 1)
        return Markup(before + snippet + after)  # noqa: S704 -- snippet is escaped HTML (search/highlight.py)
    return html
