"""Errors that operations raise for the user to read."""

from __future__ import annotations

from flask_babel import gettext


class OperationError(Exception):
    """A refused operation. ``message`` is already in the user's language; ``field`` names the
    form field it belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def rule_message(exc: Exception) -> str:
    """Translate a ``portal.rules`` error (English template + params) into the user's language."""
    template = getattr(exc, "template", None)
    if template is None:
        return str(exc)
    # Always apply the mapping (even an empty one) so a literal "%%" becomes "%" as in str(exc).
    return gettext(template) % dict(getattr(exc, "params", {}))
