"""What an upload page does with a submitted form: take the file (chosen, or kept from the last
attempt), queue a large one as a job, import a small one at once, and keep the file of an import
that saved nothing for another attempt (``portal.imports.held``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_login import current_user

from portal.extensions import db
from portal.imports import held as held_files
from portal.imports.job_views import queue_large_upload
from portal.imports.report import ImportReport
from portal.models import HeldUpload


@dataclass
class Submitted:
    """The outcome: a redirect to a new job's page, or a report; and the file now kept, if any."""

    redirect: object | None = None
    report: ImportReport | None = None
    held: HeldUpload | None = None


def submit_upload(kind: str, form, run: Callable[[bytes, str], ImportReport], **job_options) -> Submitted:
    """Handle ``form`` (an ``ImportUploadForm``) for an import of ``kind``; ``run(data, filename)``
    imports at once. A saved import commits on the page (``import_page``); the kept file is
    committed here, so it survives the import's rollback."""
    user = current_user._get_current_object()
    if not form.validate_on_submit():
        return Submitted(held=held_files.find(kind, form.held.data, user) if form.is_submitted() else None)
    upload = held_files.chosen_upload(form, kind, user)
    if upload is None:
        return Submitted()
    queued = queue_large_upload(kind, upload.data, upload.filename, **job_options)
    if queued is not None:
        held_files.release(kind, user)
        db.session.commit()
        return Submitted(redirect=queued)
    report = run(upload.data, upload.filename)
    if report.saved:
        held_files.release(kind, user)  # committed with the import by import_page
        form.held.data = ""
        return Submitted(report=report)
    kept = held_files.keep(kind, upload, user)
    db.session.commit()
    form.held.data = kept.token
    return Submitted(report=report, held=kept)
