"""URL helpers."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return ``target`` only when it is a path on this site; otherwise None.

    Refuses absolute URLs, scheme-relative ``//host`` and backslash tricks that browsers
    normalise into another host.
    """
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


def external_url(endpoint: str, **values) -> str:
    """An absolute link on ``PORTAL_BASE_URL``, never on the Host header a client sent: for what
    is cached and served to others (feeds, the OpenAPI document)."""
    from flask import current_app, url_for

    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
