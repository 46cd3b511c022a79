"""Home page and language switch."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, redirect, render_template, request

from portal.extensions import LANGUAGE_COOKIE, db
from portal.forms import EmptyForm
from portal.listings import cards
from portal.listings.queries import ListingFilters, published_ids
from portal.urls import safe_next

bp = Blueprint("main", __name__)


HOME_LISTINGS = 6  # the latest listings shown on the home page, and as many open-licence ones


@bp.get("/")
def home():
    """What the portal is for and for whom: a search box, the latest listings and open licences,
    and the centres, each linked to its public page."""
    centres = list(cards.centres().values())  # in name order
    latest_ids, open_ids = _home_queries()
    latest = cards.cards_in_order(db.session.scalars(latest_ids))
    open_licences = cards.cards_in_order(db.session.scalars(open_ids))
    return render_template("main/home.html", centres=centres, latest=latest, open_licences=open_licences)


@functools.cache
def _home_queries():
    """The ids of the latest listings and of the latest open licences: built once (building the
    statements cost as much as running them)."""
    return (published_ids(ListingFilters()).limit(HOME_LISTINGS),
            published_ids(ListingFilters(open=True)).limit(HOME_LISTINGS))


@bp.post("/language")
def set_language():
    """Remember the chosen language in a cookie (and on the account, when logged in)."""
    form = EmptyForm()
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next")) or "/"
    response = redirect(target)
    if form.validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
        from flask_login import current_user

        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return response
