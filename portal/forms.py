"""Form pieces shared by every area."""

from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.errors import OperationError, OperationErrors


class EmptyForm(FlaskForm):
    """Carries only the CSRF token: for one-button POSTs (log out, switch language, withdraw)."""


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_id(value) -> int | None:
    """Coerce for a select whose empty choice means "none": "" or None → None, else an int."""
    if value is None or value == "":
        return None
    return int(value)


def form_error(form, exc: OperationError) -> None:
    """Attach an operation's refusal to its field, or to the form as a whole (every one of
    several refusals raised together)."""
    if isinstance(exc, OperationErrors):
        for each in exc.errors:
            form_error(form, each)
        return
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str):
    """WTForms' own messages ("Not a valid choice.", "This field is required.") in ``locale``.
    WTForms ships them as ``zh``; Flask-WTF looks for the portal's ``zh_Hans_CN`` and falls back
    to English."""
    from babel import support
    from wtforms.i18n import messages_path

    language = "zh" if locale.startswith("zh") else locale
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def configure(app) -> None:
    """Validation messages of WTForms in the visitor's language."""
    from flask import request
    from flask_babel import get_locale

    @app.before_request
    def wtforms_messages():
        if request.method == "POST":
            request.wtforms_translations = _wtforms_translations(str(get_locale()))
