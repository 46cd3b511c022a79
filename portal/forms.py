"""Form pieces shared by every area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.errors import OperationError


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
    """Attach an operation's refusal to its field, or to the form as a whole."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)
