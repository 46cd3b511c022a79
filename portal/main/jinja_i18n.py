"""Templates' ``_()``, ``ngettext`` and ``pgettext`` with the request's translations looked up once.

Flask-Babel's Jinja callables find the translations anew for every string (the Babel context, the
domain, the locale and its identifier): about a hundred times per page, a millisecond of a page
that should cost two. Here they are kept on ``g`` for the request, under the locale and domain
objects they were found for, so ``force_locale`` (mail in the recipient's language) and
``refresh()``, which replace those objects, are obeyed at once.
"""

from __future__ import annotations

from flask import Flask, g, has_app_context
from flask_babel import get_translations


def translations():
    if not has_app_context():
        return get_translations()
    ctx = g.get("_flask_babel")
    memo = g.get("_jinja_translations")
    if memo is not None and ctx is not None:
        locale = getattr(ctx, "babel_locale", None)
        if locale is not None and memo[0] is locale and memo[1] is getattr(ctx, "babel_domain", None):
            return memo[2]
    found = get_translations()  # sets the context's locale (and domain) when not yet chosen
    ctx = g.get("_flask_babel")
    g._jinja_translations = (getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None), found)
    return found


def install(app: Flask) -> None:
    """Replace the callables Flask-Babel installed (call after ``babel.init_app``)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
