"""Signed unsubscribe links: one per saved search in a digest, and one for every search of the
mail (its ``List-Unsubscribe`` header). They work without logging in, so they carry the user and
the searches, signed with the app's secret key (itsdangerous). They do not expire: a link in an
old mail must still stop the mail; the worst a leaked link does is stop a digest."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "saved-search-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, search_ids: list[int]) -> str:
    return _serializer().dumps({"u": user_id, "s": sorted(set(search_ids))})


def read_token(token: str) -> tuple[int, list[int]] | None:
    """(user id, saved search ids) from a token this app signed; None for anything else."""
    if len(token) > 2000:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, ids = data.get("u"), data.get("s")
    if not isinstance(user_id, int) or not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        return None
    return user_id, ids


def unsubscribe_url(user_id: int, search_ids: list[int]) -> str:
    from portal.urls import external_url

    return external_url("unsubscribe.confirm", token=unsubscribe_token(user_id, search_ids))
