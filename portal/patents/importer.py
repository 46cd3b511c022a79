"""Import a centre's patents from a spreadsheet, all or nothing.

Every row is parsed and checked first (columns, ``portal.rules``, the database: another centre's
number, a number twice in the file, and with ``publish_mode`` the listing and open-licence rules).
Only a file without a single error is written. A dry run with ``publish_mode`` writes too and then
rolls back, so it reports exactly what the import would do (the listing operations have the last
word on their own rules); without it the checks alone decide, as writing a patent refuses nothing.

Writing is batched: existing patents are loaded in a few queries, new ones inserted in one
statement per batch, and the session is flushed every ``BATCH`` rows, not per row; each patent's
columns, audit entry and change-log rows come from the same functions as the form's
(``portal.patents.operations``). Publishing goes through the listing operations one patent at a time,
so that each listing passes the same rules, audit entries and search outbox as one made by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import insert
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit
from portal.errors import OperationError
from portal.extensions import db
from portal.imports.reading import FileProblem, load_upload, read_table
from portal.imports.report import ImportReport
from portal.listings.operations import ListingData, create_listing, publish_listing
from portal.models import MODES, Organisation, Patent, PatentIPC, User
from portal.patents.open_licence import declare_open_licence, fee_guidance
from portal.patents.operations import patent_values, record_patent_written, write_patent_data
from portal.patents.rows import ParsedRow, PreparedFile, check_against_database, load_existing, prepare
from portal.rules import ipc_subclass

PUBLISH_MODES = (*MODES, "open")
BATCH = 500


def import_patents(centre: Organisation, file: bytes | str | Path, filename: str | None = None, *,
                   dry_run: bool = False, publish_mode: str | None = None,
                   actor: User | None = None) -> ImportReport:
    """Import ``file`` (bytes, or a path) for ``centre``; see the module docstring.

    When the report has errors, or on a dry run, the session is rolled back (anything else
    pending in it is discarded too); otherwise the changes are flushed and the caller commits.
    A file-level problem (unreadable file, missing or unknown column) is reported on row 1, the
    heading row, so the report keeps one shape; with an unknown or doubled column the rows are
    still checked, and their problems come in the same report.
    """
    if publish_mode not in (None, *PUBLISH_MODES):
        raise ValueError(f"unknown publish mode {publish_mode!r}")
    file, filename = load_upload(file, filename)
    report = ImportReport(dry_run=dry_run)
    try:
        prepared = prepare(read_table(file, filename, current_app.config["IMPORT_MAX_ROWS"]),
                           current_app.config["IMPORT_MAX_ERROR_ROWS"])
    except FileProblem as exc:
        return report.file_error([str(exc)])
    if prepared.file_errors and not prepared.rows:
        return report.file_error(prepared.file_errors)
    today = date.today()
    guidance = fee_guidance()
    load_existing(prepared.rows)
    check_against_database(prepared.rows, centre, publish_mode, today, guidance)
    _fill(report, prepared)
    if prepared.file_errors:  # an unknown column: reported with the rows' own problems, nothing written
        report.file_error(prepared.file_errors)
    if report.errors:
        db.session.rollback()  # only reads happened; end the transaction they opened
        return report
    if dry_run and not publish_mode:
        # Writing patents cannot refuse a checked row, so the checks alone are the answer. Publishing
        # is rehearsed for real below: the listing operations have the last word on their rules.
        db.session.rollback()
        return report
    _write(prepared, centre, actor, publish_mode, today, filename, guidance)
    _fill(report, prepared)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        report.saved = True
    return report


def _fill(report: ImportReport, prepared: PreparedFile) -> None:
    report.rows = [{"row": r.number, "application_number": r.canonical or r.typed,
                    "status": "error" if r.errors else ("updated" if r.existing else "ok"),
                    "errors": list(r.errors)} for r in prepared.rows]
    report.warnings = {r.number: r.warnings for r in prepared.rows if r.warnings}
    report.stopped_at = prepared.stopped_at


def _insert_new(rows: list[ParsedRow], centre: Organisation) -> None:
    """New patents in one multi-row INSERT … RETURNING (several times faster than adding ORM
    objects one by one); the returned patents are in the session like any loaded ones."""
    if not rows:
        return
    values = [{"application_number": r.canonical, "centre_id": centre.id, **patent_values(r.data, r.kind)}
              for r in rows]
    patents = db.session.scalars(insert(Patent).returning(Patent, sort_by_parameter_order=True), values).all()
    entries = []
    for row, patent in zip(rows, patents, strict=True):
        row.patent = patent
        set_committed_value(patent, "declarations", [])  # a new patent has none: no query to learn it
        set_committed_value(patent, "co_owners", [])
        entries += [{"patent_id": patent.id, "symbol": s, "subclass": ipc_subclass(s), "position": i}
                    for i, s in enumerate(row.data.ipc)]
    if entries:
        db.session.execute(insert(PatentIPC), entries)


def _write(prepared: PreparedFile, centre: Organisation, actor: User | None, publish_mode: str | None,
           today: date, filename: str, guidance: Mapping[str, Decimal]) -> None:
    rows = prepared.rows
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        _insert_new([r for r in batch if r.existing is None], centre)
        for row in batch:
            if row.existing is not None:
                row.patent = row.existing
                write_patent_data(row.patent, row.data, row.kind)
        db.session.flush()  # ids for the audit entries, one round trip per batch
        for row in batch:
            record_patent_written(row.patent, row.existing is None, actor, listing_ids=row.listing_ids,
                                  data={"import": filename})
    if publish_mode:
        for row in rows:
            try:
                _publish(row, centre, actor, publish_mode, today, guidance)
            except OperationError as exc:
                row.errors.append(exc.message)
    db.session.flush()
    created = sum(1 for r in rows if r.existing is None)
    audit.record("patents.imported", f"{len(rows)} patents imported from {filename}"[:500], target=centre,
                 actor=actor, data={"file": filename, "rows": len(rows), "created": created,
                                    "updated": len(rows) - created, "publish": publish_mode})


def _publish(row: ParsedRow, centre: Organisation, actor: User | None, mode: str, today: date,
             guidance: Mapping[str, Decimal]) -> None:
    """One listing per patent offering ``mode``; with ``open``, the declaration is the offer."""
    if row.declare:
        _declaration, warnings = declare_open_licence(row.patent, row.terms, announced_on=today,
                                                      cnipa_reference=None, actor=actor, guidance=guidance)
        row.warnings = warnings
    if row.list_it:
        # Taking an open licence yields an ordinary licence without negotiation (Art 51), so the
        # open listing offers no negotiated mode of its own: the declaration is the offer.
        modes = [] if mode == "open" else [mode]
        listing = create_listing(centre, [row.patent], ListingData(
            title=row.patent.title[:300], title_en=(row.patent.title_en or "")[:300], modes=modes), actor)
        publish_listing(listing, actor)
