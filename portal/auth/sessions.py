"""Sessions that end.

Flask's session is a signed cookie: by itself it stays valid after logout, after a password change,
for as long as the browser keeps it. So every session carries the account's **session epoch** as
it was at login, and a session whose epoch is no longer the account's is refused on its next
request. Logout, a password change or reset, deactivation and "log out everywhere" bump the epoch,
ending every session of the account at once — a copied cookie included. A session also ends after
``SESSION_IDLE_MINUTES`` without a request and ``SESSION_MAX_HOURS`` after login, whatever happens.

Flask-Login's "strong" protection compares a hash of the client's address and browser; its own
helper reads ``X-Forwarded-For``, which any client can send. Here the address is ``remote_addr``,
which only ``ProxyFix`` — installed for ``PORTAL_TRUSTED_PROXIES`` proxies, never by default — may
take from the forwarding headers.
"""

from __future__ import annotations

import hashlib
import time

from flask import Flask, current_app, request, session
from flask_login import current_user, login_user

EPOCH, STARTED, SEEN = "_epoch", "_started", "_seen"
TOUCH_SECONDS = 60  # the last-seen time is rewritten at most this often (it lives in the cookie)


def now() -> float:
    return time.time()


def start(user) -> None:
    """A fresh session for ``user``: nothing planted before login survives it."""
    session.clear()
    login_user(user)
    stamp(user)


def stamp(user) -> None:
    """Bind the current session to the account's current epoch (after a password change, the
    session that changed it carries on; every other one has ended)."""
    session[EPOCH] = user.session_epoch
    session[STARTED] = session.get(STARTED) or now()
    session[SEEN] = now()


def still_valid(user) -> bool:
    """Whether the current session may act for ``user``."""
    config = current_app.config
    moment = now()
    return (session.get(EPOCH) == user.session_epoch
            and moment - session.get(STARTED, 0) <= config["SESSION_MAX_HOURS"] * 3600
            and moment - session.get(SEEN, 0) <= config["SESSION_IDLE_MINUTES"] * 60)


def identifier() -> str:
    """What "strong" session protection compares: the client's address (as the trusted proxies
    report it, or the socket's) and its browser."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode("utf8", "replace")).hexdigest()


def configure(app: Flask, login_manager) -> None:
    login_manager._session_identifier_generator = identifier  # Flask-Login's hook for it
    trusted = app.config.get("TRUSTED_PROXIES", 0)
    if trusted:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)

    @app.after_request
    def touch(response):
        if current_user.is_authenticated and now() - session.get(SEEN, 0) >= TOUCH_SECONDS:
            session[SEEN] = now()
        return response
