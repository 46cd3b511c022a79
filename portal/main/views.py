"""Home page and language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request

from portal.extensions import LANGUAGE_COOKIE, db
from portal.forms import EmptyForm
from portal.main.home_content import home_content
from portal.urls import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """What the portal is for and for whom: a search box, the latest listings and open licences,
    and the centres, each linked to its public page (``portal.main.home_content``)."""
    return render_template("main/home.html", content=home_content())


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
