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

from flask import current_app, request
from flask_babel import get_locale, gettext
from markupsafe import Markup

from portal import labels
from portal.listings.cards import Card
from portal.statecache import StateCache

SNIPPET = Markup("<!--snippet-->")  # noqa: S704 -- a constant; escaped text never contains "<"


def _content(card: Card) -> tuple:
    """Everything of ``card`` that its HTML shows."""
    return (card.id, card.title, card.title_en, card.field, card.published_at, card.price_yuan, card.centre,
            tuple(card.modes), tuple((p.id, p.display_number, p.expiry, p.open_licence) for p in card.patents))


_strings: dict[str, dict] = {}


def _card_strings(locale: str) -> dict:
    """What a card says in ``locale``, translated once per process and language: four phrases and
    the field and mode labels (a card rendered afresh looked each up per card)."""
    found = _strings.get(locale)
    if found is None:
        found = _strings[locale] = {
            "locale": locale, "open_licence": gettext("Open licence"), "price": gettext("Indicative price"),
            "yuan": gettext("yuan"), "negotiable": gettext("negotiable"), "expiry": gettext("Expiry"),
            "first_expiry": gettext("First expiry"),
            "fields": {key: str(label) for key, label in labels.FIELD_LABELS.items()},
            "modes": {key: str(label) for key, label in labels.MODE_LABELS.items()}}
    return found


def _render(listing, snippet, via) -> Markup:
    # The template alone, without Flask's context processors and signals: a card reads nothing of
    # theirs (``listing_url``, ``centre_url`` and the filters are the environment's own).
    template = current_app.jinja_env.get_template("listings/_card.html")
    html = template.render(listing=listing, snippet=snippet, card_via=via, s=_card_strings(str(get_locale())))
    return Markup(html)  # noqa: S704 -- autoescaped template output


def card_html(listing, snippet: Markup | None = None, via: dict | None = None) -> Markup:
    """The result card of ``listing`` (a ``Card`` or a ``Listing``) with the query's ``snippet``
    and the channel ``via`` (e.g. ``{'via': 'search'}``) carried on its link."""
    app = current_app
    size = app.config["LISTING_CARD_CACHE_SIZE"]
    if not isinstance(listing, Card) or size <= 0 or app.jinja_env.auto_reload:
        return _render(listing, snippet, via)
    cache = app.extensions.get("listing_card_cache")
    if cache is None:  # the key is the card's whole content: no state, nothing ever stale
        cache = app.extensions["listing_card_cache"] = StateCache(size, max_seconds=None)
    key = (_content(listing), str(get_locale()), request.script_root,
           tuple(sorted(via.items())) if via else None, bool(snippet))
    html = cache.get(key, None, lambda: _render(listing, SNIPPET if snippet else None, via))
    if snippet:
        before, after = html.split(SNIPPET, 1)
        return Markup(before + snippet + after)  # noqa: S704 -- snippet is escaped HTML (search/highlight.py)
    return html
