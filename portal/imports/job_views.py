"""Large uploads become import jobs (``portal.imports.jobs``); a job's page follows it.

An upload page hands the file to :func:`queue_large_upload` first: a file of more than
``IMPORT_INLINE_ROWS`` data rows (and no more than ``IMPORT_MAX_ROWS``, beyond which the importer
refuses it in the request as before) is stored as a job, and the browser is sent to the job's page
(303). Counting the rows reads no cell, so queueing takes milliseconds whatever the file.

The job's page, ``/imports/jobs/<id>``, shows its status and progress and, once done, the same
report as the upload page. While the job waits or runs, ``static/js/import_job.js`` asks
``/imports/jobs/<id>.json`` every two seconds and reloads the page when the job has finished;
without JavaScript the page has a link to itself. The job's user and the members of its
organisation who may use its upload page see it; anybody else gets 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import db
from portal.imports import jobs
from portal.imports.views import rows_shown
from portal.models import ImportJob
from portal.permissions import role_has

bp = Blueprint("import_jobs", __name__, url_prefix="/imports/jobs")

# kind -> the permission its upload page requires, and that page's endpoint
KINDS = {"patents": ("manage_listings", "patents.import_view"), "deals": ("record_deals", "deal_import.upload")}


def queue_large_upload(kind: str, data: bytes, filename: str, **options):
    """The redirect to a new job's page when the file is to be imported outside the request (the
    job is committed); None when the upload page imports it itself, as it always did."""
    config = current_app.config
    rows = jobs.count_rows(data, filename, config["IMPORT_MAX_ROWS"])
    if rows is None or rows <= config["IMPORT_INLINE_ROWS"] or rows > config["IMPORT_MAX_ROWS"]:
        return None
    job = jobs.queue(kind, current_user.organisation_id, current_user.id, data, filename, rows,
                     {**options, "locale": str(get_locale())})
    db.session.commit()
    return redirect(url_for("import_jobs.show", job_id=job.id), 303)


def recent_jobs(kind: str) -> list[ImportJob]:
    """The organisation's latest jobs of ``kind``, for its upload page."""
    return jobs.recent(kind, current_user.organisation_id)


def _error(job: ImportJob) -> str | None:
    """The job's error as shown: the runner's own message translated, an exception's as it was."""
    return _(jobs.GAVE_UP) if job.error == jobs.GAVE_UP else job.error


def _visible_job(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        abort(404)
    permission = KINDS[job.kind][0]
    member = job.organisation_id == current_user.organisation_id and role_has(current_user.role, permission)
    if job.user_id != current_user.id and not member:
        abort(404)
    return job


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    """The job's status and progress; its report once done."""
    job = _visible_job(job_id)
    report = jobs.report_from_json(job.report) if job.status == "done" and job.report is not None else None
    return render_template("imports/job.html", job=job, report=report, error=_error(job),
                           shown=rows_shown(report) if report is not None else [],
                           upload_url=url_for(KINDS[job.kind][1]))


@bp.get("/<int:job_id>.json")
@login_required
def status(job_id: int):
    """What the page's script polls: ``{"status": …, "rows_total": N, "rows_done": N, "finished": bool,
    …}``; once done also the report's counts and sentence, once failed the error."""
    job = _visible_job(job_id)
    body = {"id": job.id, "kind": job.kind, "filename": job.filename, "status": job.status,
            "rows_total": job.rows_total, "rows_done": job.rows_done, "finished": job.finished,
            "url": url_for("import_jobs.show", job_id=job.id)}
    if job.status == "done" and job.report is not None:
        report = jobs.report_from_json(job.report)
        body |= {"ok": report.ok, "updated": report.updated, "errors": report.errors, "saved": report.saved,
                 "summary": report.summary()}
    if job.status == "failed":
        body["error"] = _error(job)
    return jsonify(body)
