"""Import jobs: a file too large to import inside a request is queued as an ``import_jobs`` row and
imported later, outside any request, by whoever drains the queue.

The queue is drained like the outgoing mail (``portal.mail``): by a daemon thread in the web
process, woken after the request that queued a job has committed (``portal.imports.runner``), and
in production by ``flask --app portal imports work --follow`` (set ``PORTAL_IMPORT_JOB_THREAD=0``
in the web workers to leave every job to it). Any number of processes may drain at once.

Claims
------
A job is **claimed** before it runs, by a compare-and-set::

    UPDATE import_jobs SET status = 'running', attempts = attempts + 1, started_at = :now
    WHERE id = :id AND attempts = :seen AND (status = 'queued' OR (status = 'running' AND started_at < :stale))

Every claim increments ``attempts``, so of two processes that read the same row only one update
matches; the other skips the job. A job left ``running`` for longer than ``LEASE`` by a process
that died is claimable again; after ``MAX_ATTEMPTS`` claims it is marked failed instead (a file
that kills its runner must not kill every runner in turn).

Running
-------
The job runs the same importer as the upload page (``import_patents`` / ``import_deals``) on the
stored bytes, for the job's organisation and user, in the uploader's language. Its outcome is
written in the importer's own transaction: a clean import's changes, the report and ``done`` (the
file cleared) are committed together, and only while the job is still this runner's (the same
``attempts``) — a runner whose lease ran out and whose job another took over commits nothing. An
import with errors, or a dry run, saves nothing (the importer rolled back), as on the page. An
importer that raises leaves ``failed`` with the error, its own writes rolled back.

Progress: while the rows are read and checked, ``rows_done`` is written every
``rows.PROGRESS_EVERY`` rows on a connection of its own (committed at once, so the job's page sees
it); the database checks and the writing that follow are not counted row by row.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.imports.reading import FileProblem, _check_zip, _data_lines
from portal.imports.report import ImportReport
from portal.imports.rows import reading_progress
from portal.models import ImportJob, Organisation, User
from portal.rules import N_

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=30)  # far longer than any import of IMPORT_MAX_ROWS rows takes
MAX_ATTEMPTS = 3
SCAN = 20  # jobs looked at per pass
# The error of a job given up after MAX_ATTEMPTS claims; stored as is, translated when shown.
GAVE_UP = N_("The import was started several times and stopped before the end each time: split the file into "
             "smaller ones, or ask the site administrator.")


# ---------------------------------------------------------------- counting an upload's rows

_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def count_rows(data: bytes, filename: str, limit: int) -> int | None:
    """The data rows of an upload (the heading row not counted), found without parsing a cell;
    counting stops a little past ``limit``. None when the file cannot be counted this way (neither
    CSV nor XLSX, a damaged or suspicious workbook): the upload page then imports it as before,
    and the importer reports the problem."""
    suffix = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if suffix == "csv":
        return max(_data_lines(data) - 1, 0)  # a cell with line breaks counts more: only ever too many
    if suffix != "xlsx":
        return None
    try:
        _check_zip(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _first_sheet(archive)
            if path is None:
                return None
            with archive.open(path) as part:
                return max(_count_row_elements(part, limit + 2) - 1, 0)
    except (FileProblem, zipfile.BadZipFile, SyntaxError, KeyError, OSError, ValueError):  # SyntaxError: bad XML
        return None


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part holding the workbook's first sheet, as openpyxl reads it: from ``xl/workbook.xml``
    and its relationships (a few hundred bytes; the sheet itself is not parsed)."""
    from openpyxl.xml.functions import fromstring  # defusedxml's when installed, as openpyxl reads

    workbook = fromstring(archive.read("xl/workbook.xml"))
    first = next((e for e in workbook.iter() if e.tag.rpartition("}")[2] == "sheet"), None)
    if first is None:
        return None
    rel_id = next((v for k, v in first.attrib.items() if k.rpartition("}")[2] == "id"), None)
    relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((e.get("Target") for e in relations.iter() if e.get("Id") == rel_id), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _count_row_elements(part, stop: int) -> int:
    """``<row …>`` elements in a sheet's XML, read in chunks; at most about ``stop``."""
    count, carry = 0, b""
    while count < stop:
        chunk = part.read(1 << 20)
        buffer = carry + chunk
        if not chunk:
            return count + len(_ROW.findall(buffer))
        # Up to the last "<": a match never spans one, and the tag it starts is counted with the next chunk.
        last = max(buffer.rfind(b"<"), 0)
        count += len(_ROW.findall(buffer, 0, last))
        carry = buffer[last:]
    return count


# ---------------------------------------------------------------- queueing

def queue(kind: str, organisation_id: int, user_id: int, data: bytes, filename: str, rows: int,
          options: dict) -> ImportJob:
    """Add a queued job in the caller's transaction; after the request commits, the runner is woken."""
    job = ImportJob(kind=kind, organisation_id=organisation_id, user_id=user_id, data=data,
                    filename=filename[:255], rows_total=rows, options=options, status="queued")
    db.session.add(job)
    db.session.flush()
    if has_request_context():
        g.import_queued = True
    return job


def recent(kind: str, organisation_id: int, limit: int = 5) -> list[ImportJob]:
    return list(db.session.scalars(select(ImportJob).where(ImportJob.kind == kind,
                                                           ImportJob.organisation_id == organisation_id)
                                   .order_by(ImportJob.id.desc()).limit(limit)))


# ---------------------------------------------------------------- claims

@dataclass(frozen=True)
class Claimable:
    id: int
    attempts: int


def _is_ours(statement, job_id: int, attempts: int):
    return statement.where(ImportJob.id == job_id, ImportJob.attempts == attempts,
                           ImportJob.status == "running").execution_options(synchronize_session=False)


def _due(now: datetime):
    """Queued, or left running by a runner whose lease has run out."""
    stale = or_(ImportJob.started_at.is_(None), ImportJob.started_at < now - LEASE)
    return or_(ImportJob.status == "queued", (ImportJob.status == "running") & stale)


def claimable(now: datetime | None = None, limit: int = SCAN) -> list[Claimable]:
    """The jobs due, oldest first: queued ones and those whose runner's lease ran out. A stale job
    that has used up its attempts is failed instead. Ends its transaction (and writes nothing when
    there is nothing to give up): no transaction stays open between passes."""
    now = now or datetime.now(UTC)
    found = db.session.execute(select(ImportJob.id, ImportJob.attempts, ImportJob.status).where(_due(now))
                               .order_by(ImportJob.id).limit(limit)).all()
    spent = [row for row in found if row.status == "running" and row.attempts >= MAX_ATTEMPTS]
    for row in spent:
        db.session.execute(_is_ours(update(ImportJob), row.id, row.attempts)
                           .values(status="failed", data=None, finished_at=now, error=GAVE_UP))
        log.error("import job %d given up after %d attempts", row.id, row.attempts)
    db.session.commit()
    return [Claimable(row.id, row.attempts) for row in found if row not in spent]


def claim(job: Claimable, now: datetime | None = None) -> bool:
    """Claim ``job`` as seen; true when this process won it. Commits the session."""
    now = now or datetime.now(UTC)
    result = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.attempts == job.attempts, ImportJob.attempts < MAX_ATTEMPTS,
               _due(now))
        .values(status="running", attempts=ImportJob.attempts + 1, started_at=now, rows_done=0)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


# ---------------------------------------------------------------- running

def report_json(report: ImportReport) -> dict:
    """The report's JSON form (``ImportReport.to_json``) with what the page needs besides."""
    return {**report.to_json(), "warnings": {str(row): list(w) for row, w in report.warnings.items()},
            "dry_run": report.dry_run, "saved": report.saved, "stopped_at": report.stopped_at}


def report_from_json(data: dict) -> ImportReport:
    return ImportReport(rows=list(data.get("rows", [])),
                        warnings={int(row): list(w) for row, w in (data.get("warnings") or {}).items()},
                        dry_run=bool(data.get("dry_run")), saved=bool(data.get("saved")),
                        stopped_at=data.get("stopped_at"))


def _importer(kind: str) -> Callable[..., ImportReport]:
    if kind == "patents":
        from portal.patents.importer import import_patents

        return import_patents
    from portal.deals.importer import import_deals

    return import_deals


def _progress(job_id: int, attempts: int) -> Callable[[int], None]:
    """Write ``rows_done`` on a connection of its own, committed at once (the import's transaction
    stays open for minutes); a failure to write it is no failure of the import."""
    def write(done: int) -> None:
        try:
            with db.engine.begin() as connection:
                connection.execute(_is_ours(update(ImportJob), job_id, attempts).values(rows_done=done))
        except SQLAlchemyError as exc:
            log.warning("could not record the progress of import job %d: %s", job_id, exc)
    return write


def _finish(job_id: int, attempts: int, **values) -> bool:
    """Write the outcome in the session's transaction, if the job is still ours; the caller commits."""
    result = db.session.execute(_is_ours(update(ImportJob), job_id, attempts)
                                .values(data=None, finished_at=datetime.now(UTC), **values))
    return result.rowcount == 1


def run(job: Claimable) -> str:
    """Run a job this process has just claimed (``job`` as it was seen before the claim); returns
    its final status, or ``lost`` when another runner took it over meanwhile."""
    from portal.worker import describe

    attempts = job.attempts + 1
    record = db.session.get(ImportJob, job.id)
    if record is None:  # deleted since it was claimed
        return "lost"
    kind, filename, options, data = record.kind, record.filename, dict(record.options or {}), record.data or b""
    organisation = db.session.get(Organisation, record.organisation_id)
    actor = db.session.get(User, record.user_id)
    db.session.expunge(record)  # its bytes are in ``data``; the row is written with UPDATEs
    arguments = {"dry_run": bool(options.get("dry_run")), "actor": actor}
    if kind == "patents":
        arguments["publish_mode"] = options.get("publish_mode") or None
    token = reading_progress.set(_progress(job.id, attempts))
    try:
        with force_locale(options.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
            report = _importer(kind)(organisation, data, filename, **arguments)
    except Exception as exc:  # a bug or an outage: the job says so; the import's writes are undone
        db.session.rollback()
        log.exception("import job %d failed", job.id)
        failed = _finish(job.id, attempts, status="failed", error=describe(exc))
        db.session.commit()
        return "failed" if failed else "lost"
    finally:
        reading_progress.reset(token)
    # A clean import's changes are flushed in this transaction: they are committed with the outcome.
    if not _finish(job.id, attempts, status="done", report=report_json(report), rows_done=len(report.rows)):
        db.session.rollback()
        log.warning("import job %d was taken over by another runner: its result is discarded", job.id)
        return "lost"
    db.session.commit()
    if report.saved:
        _apply_search_changes()
    return "done"


def _apply_search_changes() -> None:
    """What a request does after its commit (``portal.indexing.writer.configure``)."""
    if not current_app.config.get("SEARCH_APPLY_INLINE"):
        return
    from portal.indexing.writer import apply_pending

    try:
        apply_pending()
    except Exception:  # the change log keeps the work; `flask search apply` catches up
        log.exception("inline search apply after an import job failed")
        db.session.rollback()


def drain(limit: int | None = None) -> int:
    """Claim and run the jobs that are due, one after another; returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        jobs = claimable()
        if not jobs:
            break
        progressed = False
        for job in jobs:
            if limit is not None and ran >= limit:
                break
            if not claim(job):
                continue  # another runner has it
            run(job)
            ran += 1
            progressed = True
        if not progressed:
            break
    return ran
