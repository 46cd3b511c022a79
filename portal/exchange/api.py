"""The exchanges' token API: what was forwarded to the exchange (a cursor-paged change feed) and
status reports, plus the OpenAPI description of the public read API and this one.

``Authorization: Bearer <token>``; tokens are issued per exchange by site administrators. Every
authenticated call is recorded in the audit log before it is answered, refused or not.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from portal.exchange import operations as ops
from portal.exchange.openapi import openapi_document
from portal.extensions import csrf, db, limiter
from portal.inputs import MAX_DB_INT
from portal.models import ExchangeForward
from portal.transaction import perform

bp = Blueprint("exchange_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are used: each call carries its bearer token

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _rate_limit() -> str:
    return current_app.config.get("EXCHANGE_API_RATE_LIMIT", "300 per minute")


def _rate_key() -> str:
    """Per token — the bearer value as :func:`_bearer` reads it, hashed so that the key never
    holds a secret: ``bearer x`` and ``Bearer  x`` are one token, one bucket — else per address."""
    token = _bearer()
    if token:
        return "exchange-token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]
    return get_remote_address()


def _error(message: str, status: int, **headers):
    return {"error": message, "status": status}, status, headers


def _bearer() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_required(view):
    """401 without a valid, unrevoked token; otherwise record the use (committed at once, so a refused
    call is still on record) and run the view with ``g.exchange_token``."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = ops.token_for(_bearer())
        if token is None:
            return _error(_("A valid exchange API token is required."), 401,
                          **{"WWW-Authenticate": 'Bearer realm="exchange"'})
        ops.record_token_use(token, request.method, request.full_path.rstrip("?"))
        db.session.commit()
        g.exchange_token = token
        return view(*args, **kwargs)

    return wrapped


@bp.get("/exchange/deals")
@limiter.limit(_rate_limit, key_func=_rate_key)
@token_required
def changed_forwards():
    """Deals and listings forwarded to the token's exchange whose status changed after ``since``
    (a change id; 0 or absent for everything). ``next_cursor`` goes into the next call's ``since``."""
    try:
        since = int(request.args.get("since", "0") or 0)
        limit = int(request.args.get("limit", str(DEFAULT_LIMIT)) or DEFAULT_LIMIT)
    except ValueError:
        return _error(_("since and limit must be whole numbers."), 400)
    if not 0 <= since <= MAX_DB_INT or not 1 <= limit <= MAX_LIMIT:
        return _error(_("since must be 0 or more and limit between 1 and %(n)d.", n=MAX_LIMIT), 400)
    page = ops.changed_since(g.exchange_token.exchange, since, limit)
    return {"items": [ops.forward_to_dict(forward, cursor) for forward, cursor in page.items],
            "next_cursor": page.next_cursor, "has_more": page.has_more}


@bp.post("/exchange/deals/<int:forward_id>/status")
@limiter.limit(_rate_limit, key_func=_rate_key)
@token_required
def report_status(forward_id: int):
    """Report a step of a forward (its ``id`` in the feed): ``{"status", "reason", "reference"}``."""
    token = g.exchange_token
    forward = db.session.get(ExchangeForward, forward_id, with_for_update=True)
    if forward is None or forward.exchange_id != token.exchange_id:
        return _error(_("No such forward to this exchange."), 404)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(_("Send a JSON object with status, and optionally reason and reference."), 400)
    values = {key: body.get(key) for key in ("status", "reason", "reference")}
    if any(value is not None and not isinstance(value, str) for value in values.values()):
        return _error(_("status, reason and reference must be strings."), 400)
    done = perform(lambda: ops.change_status(forward, values["status"], actor=None, token=token,
                                             reason=values["reason"], reference=values["reference"]),
                   flash_refusal=False)
    if not done:
        return _error(done.error.message, 400)
    return ops.forward_to_dict(forward)


def _dossier_forward(forward_id: int) -> ExchangeForward | None:
    forward = db.session.get(ExchangeForward, forward_id)
    return forward if forward is not None and forward.exchange_id == g.exchange_token.exchange_id else None


@bp.get("/exchange/deals/<int:forward_id>/documents")
@limiter.limit(_rate_limit, key_func=_rate_key)
@token_required
def dossier(forward_id: int):
    """The forward's dossier: the documents the centre chose for the exchange, each with its download URL."""
    from portal.documents.operations import document_to_dict
    from portal.documents.operations import dossier as dossier_of

    forward = _dossier_forward(forward_id)
    if forward is None:
        return _error(_("No such forward to this exchange."), 404)
    return {"items": [document_to_dict(d, forward) for d in dossier_of(forward)]}


@bp.get("/exchange/deals/<int:forward_id>/documents/<int:document_id>")
@limiter.limit(_rate_limit, key_func=_rate_key)
@token_required
def dossier_document(forward_id: int, document_id: int):
    """One document of the dossier, as an attachment; 404 unless it is in this forward's dossier."""
    from portal.documents.operations import dossier as dossier_of
    from portal.files.serve import download

    forward = _dossier_forward(forward_id)
    document = next((d for d in dossier_of(forward) if d.id == document_id), None) if forward else None
    if document is None:
        return _error(_("No such document in this forward's dossier."), 404)
    return download(document)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the listings read API and the exchange API."""
    return openapi_document(current_app.config["BASE_URL"].rstrip("/") + "/api/v1")
