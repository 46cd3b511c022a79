"""Unsubscribe from a digest without logging in: the signed link in the mail (portal.subscriptions.tokens).

GET shows what the link stops and asks to confirm (a link opened by a mail scanner must not
unsubscribe); POST stops it. A mail program's one-click unsubscribe (RFC 8058) posts
``List-Unsubscribe=One-Click`` to the same address, with no session and no form: this blueprint
is exempt from CSRF because the signed token in the URL is the credential — a page on another site
cannot forge it. The searches stay, followed by feed only; their owner may turn mail on again.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import csrf, db
from portal.models import SavedSearch
from portal.subscriptions.describe import DELIVERY_LABELS, describe_search
from portal.subscriptions.operations import stop_delivery
from portal.subscriptions.tokens import read_token
from portal.transaction import perform

bp = Blueprint("unsubscribe", __name__)
csrf.exempt(bp)  # the signed token in the URL is the credential; a one-click POST has no session or form


def _searches(token: str) -> list[SavedSearch] | None:
    """The token's saved searches that still exist and belong to its user; None for a bad token."""
    data = read_token(token)
    if data is None:
        return None
    user_id, ids = data
    if not ids:
        return []
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id,
                                                             SavedSearch.id.in_(ids[:100]))
                                   .order_by(SavedSearch.name, SavedSearch.id)))


def _invalid():
    return render_template("subscriptions/unsubscribe.html", invalid=True, searches=[], done=False), 404


@bp.get("/unsubscribe/<token>")
def confirm(token: str):
    """Which digests the link stops, and a button to stop them."""
    searches = _searches(token)
    if searches is None:
        return _invalid()
    return render_template("subscriptions/unsubscribe.html", invalid=False, searches=searches, done=False,
                           describe=describe_search, deliveries=DELIVERY_LABELS)


@bp.post("/unsubscribe/<token>")
def stop(token: str):
    """Stop the digests the link names (the confirm page's button, or a one-click POST)."""
    searches = _searches(token)
    if searches is None:
        return _invalid()
    perform(lambda: stop_delivery(searches))
    return render_template("subscriptions/unsubscribe.html", invalid=False, searches=searches, done=True,
                           describe=describe_search, deliveries=DELIVERY_LABELS,
                           message=_("Done: no more digests for these saved searches. They are kept, followed "
                                     "by feed only; log in to turn delivery on again or to delete them."))
