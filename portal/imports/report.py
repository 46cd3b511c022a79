"""What an import did or would do, one entry per row: the JSON shape every import returns, the
sentence the upload page shows, and the command line's rendering."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _


@dataclass
class ImportReport:
    """What an import did, or would do: one entry per data row, in spreadsheet numbering.

    Each row is ``{"row": n, "application_number": "…", "status": "ok" | "updated" | "error",
    "errors": [...]}``; ``application_number`` identifies the row for people (for a deal, its
    first patent).
    """

    rows: list[dict] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)  # row -> warnings (not errors)
    dry_run: bool = False
    saved: bool = False
    stopped_at: int | None = None  # reading stopped after this row: too many rows with errors

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row["status"] == status)

    @property
    def ok(self) -> int:
        return self._count("ok")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def errors(self) -> int:
        return self._count("error")

    def file_error(self, problems: list[str]) -> ImportReport:
        """A problem with the file as a whole, reported on row 1 (the heading row), before the data
        rows' own problems when those were read too: one shape, one report."""
        self.rows.insert(0, {"row": 1, "application_number": "", "status": "error", "errors": list(problems)})
        return self

    def summary(self) -> str:
        """One sentence for people: the counts and whether anything was saved."""
        counts = _("%(ok)s new, %(updated)s updated, %(errors)s with errors.", ok=self.ok, updated=self.updated,
                   errors=self.errors)
        if self.stopped_at is not None:
            counts += " " + _("Reading stopped at row %(row)s: too many rows with errors.", row=self.stopped_at)
        if self.errors:
            return counts + " " + _("Nothing was saved: correct the rows with errors and import the file again.")
        if self.dry_run:
            return counts + " " + _("Dry run: nothing was saved.")
        return counts + " " + _("Saved.")

    def to_json(self) -> dict:
        """Exactly ``{"rows": [...], "ok": N, "updated": N, "errors": N}``."""
        return {"rows": [dict(row) for row in self.rows], "ok": self.ok, "updated": self.updated,
                "errors": self.errors}


def echo_report(report: ImportReport) -> None:
    """For the command line: rows with problems (and warnings) one by one, then the totals."""
    import click

    for row in report.rows:
        if row["errors"]:
            click.echo(_("Row %(row)s %(number)s:", row=row["row"], number=row["application_number"]))
            for problem in row["errors"]:
                click.echo(f"  - {problem}")
    for number, warnings in sorted(report.warnings.items()):
        for warning in warnings:
            click.echo(_("Row %(row)s, warning: %(warning)s", row=number, warning=warning))
    click.echo(report.summary())
