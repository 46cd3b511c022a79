"""The upload page every import uses: commit what a clean import saved, show its report."""

from __future__ import annotations

from flask import render_template

from portal.extensions import db
from portal.imports.held import expires_at
from portal.imports.report import ImportReport

# Beyond this many rows the page lists only the rows with errors, and at most this many of them.
MAX_ROWS_SHOWN = 200


def rows_shown(report: ImportReport) -> list[dict]:
    """The rows of the report a page lists: all of a short one, else those with errors (a few)."""
    shown = report.rows if len(report.rows) <= MAX_ROWS_SHOWN else [r for r in report.rows if r["errors"]]
    return shown[:MAX_ROWS_SHOWN]


def import_page(template: str, form, report: ImportReport | None, **context):
    """Commit a saved import (the importer flushed it; a refused or dry run was rolled back) and
    render ``template`` (which extends ``imports/upload.html``) with the rows worth showing;
    400 when the form or any row has an error."""
    if report is not None and report.saved:
        db.session.commit()
    shown = rows_shown(report) if report is not None else []
    if context.get("held") is not None:  # the file kept for another attempt (portal.imports.held)
        context["held_until"] = expires_at(context["held"])
    failed = bool(form.errors) or (report is not None and report.errors > 0)
    return render_template(template, form=form, report=report, shown=shown, **context), (400 if failed else 200)
