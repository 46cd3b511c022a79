"""Site administration of the exchanges' API tokens: issue one (shown once), revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.exchange import operations as ops
from portal.exchange.forms import TokenForm
from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.models import ExchangeToken
from portal.permissions import require
from portal.transaction import perform

bp = Blueprint("exchange_admin", __name__, url_prefix="/admin/exchange-tokens")


def _token_form(**kwargs) -> TokenForm:
    form = TokenForm(**kwargs)
    locale = str(get_locale())
    form.exchange.choices = choices((o.code, o.display_name(locale)) for o in ops.exchanges())
    return form


def _page(form: TokenForm, created: ExchangeToken | None = None, plain: str | None = None, code: int = 200):
    tokens = db.session.scalars(db.select(ExchangeToken).order_by(ExchangeToken.revoked_at.is_not(None),
                                                                  ExchangeToken.id.desc())).all()
    return render_template("exchange/admin_tokens.html", form=form, tokens=tokens, created=created,
                           plain=plain), code


@bp.route("", methods=["GET", "POST"])
@require("admin")
def tokens():
    """The tokens of both exchanges; a new token is shown once, on the answer to its creation."""
    form = _token_form()
    if form.validate_on_submit():
        done = perform(lambda: ops.create_token(ops.exchange_by_code(form.exchange.data), form.name.data,
                                                current_user), form=form)
        if done:
            token, plain = done.value
            body, code = _page(_token_form(formdata=None), created=token, plain=plain)
            return body, code, {"Cache-Control": "no-store"}  # the one time the token is shown
    return _page(form, code=400 if form.errors else 200)


@bp.post("/<int:token_id>/revoke")
@require("admin")
def revoke(token_id: int):
    """Revoke a token: the exchange's system is refused (401) from the next call."""
    token = db.get_or_404(ExchangeToken, token_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: ops.revoke_token(token, current_user), success=_("Token “%(name)s” revoked.", name=token.name))
    return redirect(url_for("exchange_admin.tokens"))
