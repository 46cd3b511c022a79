"""Form pieces shared by every area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice


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
