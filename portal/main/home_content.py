"""The home page's content, rendered once per language, sign-in and state of the listings (issue 18).

Below the navigation the home page shows the same thing to every visitor: the latest listings and
open licences (two queries for their ids, two for their cards), the centres and the texts, in the
reader's language, with the register and log-in buttons for a visitor. Rendering it was most of
the page's CPU. It is kept per process as HTML (``templates/main/_home_content.html``) under:

* the key: the language, whether the reader is signed in, and where the portal is mounted;
* the state: the change log's token (``portal.listings.counts.change_state``: every publish,
  withdrawal or edit of a listing, its patents or declarations appends a log row in its own
  transaction, in whatever process) and the centres' rows (read each request, so a centre renamed
  straight in the database shows at once).

A change committed in any worker therefore shows at the next request. The state is read before
the content is built, so a change committed meanwhile leaves the entry under the older state:
never stale, at worst one rebuild too many. Whatever bypasses both (a listing's row edited straight
in the database) lives at most ``HOME_CACHE_SECONDS``. Without the search index's position
(``change_state`` gives None), or with ``TEMPLATES_AUTO_RELOAD``, the content is rendered each time.
The base layout (navigation, language switch with its CSRF token, flashed messages) stays per request.
"""

from __future__ import annotations

import functools

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from portal.extensions import db
from portal.listings import cards
from portal.listings.counts import change_state
from portal.listings.queries import ListingFilters, published_ids
from portal.statecache import StateCache

HOME_LISTINGS = 6  # the latest listings shown on the home page, and as many open-licence ones
CACHE_SIZE = 16  # languages × signed in or not × mount points
HOME_CACHE_SECONDS = 300


def _cache() -> StateCache:
    cache = current_app.extensions.get("home_content_cache")
    if cache is None:
        cache = current_app.extensions["home_content_cache"] = StateCache(CACHE_SIZE, HOME_CACHE_SECONDS)
    return cache


@functools.cache
def _home_queries():
    """The ids of the latest listings and of the latest open licences: built once (building the
    statements cost as much as running them)."""
    return (published_ids(ListingFilters()).limit(HOME_LISTINGS),
            published_ids(ListingFilters(open=True)).limit(HOME_LISTINGS))


def render_content() -> Markup:
    """The content as the template renders it now, from the database."""
    latest_ids, open_ids = _home_queries()
    latest = cards.cards_in_order(db.session.scalars(latest_ids))
    open_licences = cards.cards_in_order(db.session.scalars(open_ids))
    centres = list(cards.centres().values())  # in name order
    html = render_template("main/_home_content.html", centres=centres, latest=latest, open_licences=open_licences)
    return Markup(html)  # noqa: S704 -- autoescaped template output


def home_content() -> Markup:
    """The home page's content for this request, from the cache while its state holds."""
    token = change_state("the home page")
    if token is None or current_app.jinja_env.auto_reload:
        return render_content()
    key = (str(get_locale()), bool(current_user.is_authenticated), request.script_root)
    return _cache().get(key, (token, cards.centre_rows()), render_content)
