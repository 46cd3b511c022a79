"""The navigation bar's role links, rendered once per process for each way they can look (issue 18).

``_nav_items.html`` depends only on whether the reader is signed in and with which role, the
language, the page (its link is marked current) and where the portal is mounted: a few hundred
combinations at most (roles × languages × endpoints). Rendering it for every page cost a sixth of
the home page's CPU (about thirty ``url_for`` and ``pgettext`` calls and the macros), so the HTML is
kept per process under exactly those inputs. With ``TEMPLATES_AUTO_RELOAD`` (development) it is
rendered every time, so an edited template shows at once.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup


def nav_items() -> Markup:
    """The role's navigation links (``<li>`` items) for this request."""
    role = current_user.role if current_user.is_authenticated else None
    key = (role, str(get_locale()), request.endpoint, request.script_root)
    rendered = current_app.extensions.setdefault("portal_nav_items", {})  # per app: tests make many
    html = rendered.get(key)
    if html is None:
        html = Markup(render_template("_nav_items.html"))  # noqa: S704 -- autoescaped template output
        if not current_app.jinja_env.auto_reload:
            rendered[key] = html
    return html
