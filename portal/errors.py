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


class OperationErrors(OperationError):
    """Several refusals found together, each for its own field, so that a form shows every
    problem at once instead of one per submit. ``message`` joins them for a flash."""

    def __init__(self, errors: list[OperationError]):
        super().__init__(" ".join(e.message for e in errors), field=None)
        self.errors = list(errors)


def rule_message(exc: Exception) -> str:
    """Translate a ``portal.rules`` error (English template + params) into the user's language."""
    template = getattr(exc, "template", None)
    if template is None:
        return str(exc)
    # Always apply the mapping (even an empty one) so a literal "%%" becomes "%" as in str(exc).
    return gettext(template) % dict(getattr(exc, "params", {}))
