"""Error pages in the user's language, never with a traceback."""

from __future__ import annotations

import logging

from flask import g, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from portal.extensions import db

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def bad_request(message: str):
    """400 with ``message``: JSON under /api/, the error page elsewhere."""
    if _wants_json():
        return {"error": message, "status": 400}, 400
    return render_template("errors.html", code=400, message=message), 400


def _forget_the_body() -> None:
    """An error page never reads the request's form: after a 413 (or a body that failed to parse)
    reading it raises again, and the page's own one-button forms would read it."""
    for upload in (request.__dict__.get("files") or {}).values():  # parsed already: close what it spooled
        upload.close()
    request.form = ImmutableMultiDict()
    request.files = ImmutableMultiDict()


def _on_record(kind: str, summary: str) -> None:
    """Put a refused request in the audit log (who, what, from where), apart from anything the
    request itself did — which is rolled back."""
    from flask_login import current_user

    from portal import audit

    try:
        db.session.rollback()
        actor = current_user._get_current_object() if current_user.is_authenticated else None
        audit.record(kind, summary, actor=actor)
        db.session.commit()
    except Exception:  # the refusal is answered even when the database cannot take the entry
        db.session.rollback()
        log.warning("could not audit %s", kind, exc_info=True)


def _note_commit(session) -> None:
    if has_request_context():
        g.commit_attempted = True


def register(app) -> None:
    event.listen(db.session, "before_commit", _note_commit)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return "Bad Request: unknown host\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _on_record("security.csrf_refused", f"CSRF check failed: {request.method} {request.path}"[:500])
        message = _("Your form expired or was sent from another site. Please reload the page and try again.")
        return render_template("errors.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to do this."),
            404: _("The page you asked for does not exist."),
            405: _("This action is not allowed here."),
            413: _("The file is too large."),
            429: _("Too many attempts. Please wait a minute and try again."),
        }
        message = messages.get(error.code, error.name)
        if error.code in (403, 429):
            _on_record("security.forbidden" if error.code == 403 else "security.rate_limited",
                       f"{error.code} on {request.method} {request.path}"[:500])
        if error.code == 413:
            _forget_the_body()
        if _wants_json():
            return {"error": message, "status": error.code}, error.code
        return render_template("errors.html", code=error.code, message=message), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        _forget_the_body()
        app.logger.exception("unhandled error on %s", request.path)
        if g.get("commit_attempted"):
            # The failure came after a commit (or during one whose outcome is unknown): the change
            # may well be saved, and a blind retry would make it twice.
            message = _("Something went wrong on our side after your change was sent to the database: it may "
                        "have been saved. Please check before trying again.")
        else:
            message = _("Something went wrong on our side. Nothing was saved; please try again.")
        if _wants_json():
            return {"error": message, "status": 500}, 500
        return render_template("errors.html", code=500, message=message), InternalServerError.code
