"""The commit boundary of a request that changes something (Indico's ``RH.process``).

Operations validate, change, audit and flush; they never commit. A view hands the operation to
:func:`perform`, which commits once when it succeeds and rolls the whole request back when it is
refused (``OperationError``: the message goes to the form, or is flashed) or fails (any other
exception: rolled back and raised, so the error page answers and nothing half-done stays).
:func:`once` makes a form that creates something safe to send twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from wtforms import HiddenField
from wtforms.validators import Length, Optional

from portal.errors import OperationError
from portal.extensions import db
from portal.forms import form_error

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What :func:`perform` did: true when the operation ran and was committed."""

    ok: bool
    value: T | None = None
    error: OperationError | None = None

    def __bool__(self) -> bool:
        return self.ok


def perform(operation: Callable[[], T], *, form=None, success: str | Callable[[T], str] | None = None,
            category: str = "success", flash_refusal: bool = True) -> Outcome[T]:
    """Run ``operation``; commit once, or roll back.

    On success the session is committed and ``success`` (a message, or a function of the
    operation's result) is flashed. A refusal rolls back and is attached to ``form`` (its field, or
    the form as a whole); without a form it is flashed, unless ``flash_refusal`` is false (an API
    answers it itself from ``outcome.error``).
    """
    try:
        value = operation()
    except OperationError as exc:
        db.session.rollback()
        if form is not None:
            form_error(form, exc)
        elif flash_refusal:
            flash(exc.message, "danger")
        return Outcome(False, error=exc)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    if success is not None:
        flash(success(value) if callable(success) else success, category)
    return Outcome(True, value)


# ---------------------------------------------------------------- a form sent twice

def new_submission_key() -> str:
    """A one-time key for a form that creates something (a hidden field's default)."""
    return secrets.token_hex(16)


def submission_key_field():
    """The hidden field that carries the form's one-time key (see :func:`once`)."""
    return HiddenField(default=new_submission_key, validators=[Optional(), Length(max=32)])


def once(model, key: str | None, create: Callable[[], T], **owner) -> tuple[T, bool]:
    """Create a record once per form: a POST sent again with the same key — the user retried
    after an error, or pressed twice — returns the record the first one made (``created`` is
    false) instead of a duplicate request, message or deal. ``owner`` narrows the lookup to the
    user's own records. Returns ``(record, created)``."""
    if key:
        existing = db.session.scalar(db.select(model).where(
            model.submission_key == key, *(getattr(model, name) == value for name, value in owner.items())))
        if existing is not None:
            return existing, False
    record = create()
    record.submission_key = key or None
    db.session.flush()
    return record, True
