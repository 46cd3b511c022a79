"""An import's file, kept after an import that saved nothing, so the user can run it again.

A refused import (or a dry run) often needs only a setting changed — "publish", "dry run" — or a
row fixed in the portal itself (a patent of another centre, an unknown counterparty). Making the
user find and choose the same file again is a chore and a trap (the browser clears the file
input). So the upload page keeps the file it has just imported without saving, as a
:class:`~portal.models.HeldUpload` row, and the re-rendered form carries its token in a hidden
field: pressing Import again, without choosing a file, imports the kept file with the form's new
settings. Choosing a file replaces it.

- Kept in the database, like an import job's file, so any web worker on any host finds it.
- Named by a random 256-bit token, and usable only by its own user (same organisation, same kind
  of import) within :data:`HOLD_FOR`; anything else is "no longer kept: choose the file again".
- One per user and kind; expired ones are deleted whenever a file is kept, and a file is let go
  as soon as an import of it saves or is queued as a job.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete

from portal.extensions import db
from portal.models import HeldUpload, User

HOLD_FOR = timedelta(hours=1)


@dataclass
class Upload:
    """The file an upload form brought: chosen now, or kept from the last attempt (``held``)."""

    data: bytes
    filename: str
    held: HeldUpload | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def find(kind: str, token: str | None, user: User) -> HeldUpload | None:
    """The kept file ``token`` names, if it is ``user``'s, of ``kind``, and not expired."""
    if not token:
        return None
    return db.session.scalar(db.select(HeldUpload).where(
        HeldUpload.token == token, HeldUpload.kind == kind, HeldUpload.user_id == user.id,
        HeldUpload.organisation_id == user.organisation_id, HeldUpload.created_at > _now() - HOLD_FOR))


def chosen_upload(form, kind: str, user: User) -> Upload | None:
    """The form's file: the one chosen now (it replaces any kept one), else the kept one its
    hidden ``held`` field names. None, with the reason on the form, when there is neither."""
    upload = form.file.data
    if upload:
        with upload.stream:  # a large upload is spooled to a temporary file: close it at once
            return Upload(upload.read(), upload.filename or "")
    held = find(kind, form.held.data, user)
    if held is None:
        form.file.errors.append(_("The file of your last attempt is no longer kept: choose the file again.")
                                if form.held.data else _("Choose a file."))
        form.held.data = ""
        return None
    return Upload(held.data, held.filename, held)


def keep(kind: str, upload: Upload, user: User) -> HeldUpload:
    """Keep ``upload`` for another attempt (flushed; the caller commits): the kept file it came
    from stays as it is; a new file replaces the user's older one of ``kind``."""
    if upload.held is not None:
        return upload.held
    db.session.execute(delete(HeldUpload).where(
        (HeldUpload.created_at <= _now() - HOLD_FOR)
        | ((HeldUpload.user_id == user.id) & (HeldUpload.kind == kind))))
    held = HeldUpload(token=secrets.token_urlsafe(32), kind=kind, organisation_id=user.organisation_id,
                      user_id=user.id, filename=upload.filename[:255], data=upload.data, size=len(upload.data))
    db.session.add(held)
    db.session.flush()
    return held


def release(kind: str, user: User) -> None:
    """Let the user's kept file of ``kind`` go: an import saved, or became a job, whether of the
    kept file or of one chosen instead (flushed; the caller commits)."""
    db.session.execute(delete(HeldUpload).where(HeldUpload.user_id == user.id, HeldUpload.kind == kind))


def expires_at(held: HeldUpload) -> datetime:
    return held.created_at + HOLD_FOR
