"""Import a centre's historical deals (its baseline year) from a spreadsheet, all or nothing.

Each row is one deal, recorded through :mod:`portal.deals.operations` so that the rules of a deal
made by hand apply (a licence may not run past a patent's expiry, no exclusive or sole licence
beside an open licence or another exclusive/sole one, …), then its registration and recordal.
Rows are written in file order in one transaction, so a row sees the deals of the rows before it
(two overlapping exclusive licences in one file are refused). When any row has an error, and on a
dry run, the transaction is rolled back: nothing is saved, and the report says what would happen.

Counterparties are matched to enterprises by credit code and created when missing (code
``e-<credit code>``, with the figures of the file's latest row for them). The size class on each
deal is computed from the row's own figures — those at the time of the deal — and never written
to an enterprise that already exists.

A row naming the same deal as one already recorded (same centre, counterparty, kind, patents and
effective date) is that deal: it is reported ``updated`` and brings it forward — a payment not yet
recorded, the registration date, the recordal status moved on — but never changes what was agreed.

A deal whose recordal was due before the import is marked as reminded: it is on the watchlist, but
``deals remind`` does not notify the staff of every past deal.

A row naming an exchange base (the ``exchange`` column, checked against the bases) records that
the deal was traded there: ``exchange.operations.record_traded`` adds a forward concluded from the
start (once: a re-import keeps it). The base's code is also kept in the ``deal.imported`` audit
entry's data (``exchange``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal import audit
from portal.admin.operations import create_organisation
from portal.deals import operations as ops
from portal.deals.import_rows import DealRow, prepare
from portal.errors import OperationError
from portal.exchange.operations import record_traded
from portal.extensions import db
from portal.imports.cells import heading_key
from portal.imports.reading import FileProblem, load_upload, read_table
from portal.imports.report import ImportReport
from portal.models import AuditEntry, Deal, Organisation, Patent, User

_QUERY_CHUNK = 500  # values per IN (...) query: far below every database's parameter limit

# The column an operation's refusal belongs to, by the field the operation names.
_FIELD_COLUMNS = {"mode": "kind", "patents": "application_numbers", "licensee": "counterparty_credit_code",
                  "contract_amount_yuan": "contract_amount", "term_end": "term_end",
                  "registration_date": "registration_date", "payments": "received_amount",
                  "number": "recordal_number", "reason": "recordal_refusal_reason", "status": "recordal_status",
                  "name": "counterparty", "code": "counterparty_credit_code",
                  "credit_code": "counterparty_credit_code"}


def import_deals(centre: Organisation, file: bytes | str | Path, filename: str | None = None, *,
                 dry_run: bool = False, actor: User | None = None) -> ImportReport:
    """Import ``file`` (bytes, or a path) for ``centre``; see the module docstring.

    When the report has errors, or on a dry run, the session is rolled back (anything else
    pending in it is discarded too); otherwise the changes are flushed and the caller commits.
    """
    file, filename = load_upload(file, filename)
    report = ImportReport(dry_run=dry_run)
    try:
        prepared = prepare(read_table(file, filename, current_app.config["IMPORT_MAX_ROWS"]),
                           current_app.config["IMPORT_MAX_ERROR_ROWS"])
    except FileProblem as exc:
        return report.file_error([str(exc)])
    if prepared.file_errors and not prepared.rows:
        return report.file_error(prepared.file_errors)
    rows = prepared.rows
    _load_patents(rows, centre)
    _load_exchanges(rows)
    run = _Run(centre, actor, filename, known=_load_counterparties(rows), deals=_load_deals(rows, centre))
    for row in rows:
        if not row.errors:
            run.rows_by_code.setdefault(row.credit_code, []).append(row)
    for row in rows:
        if not row.errors:
            run.write(row)
    _fill(report, rows)
    report.stopped_at = prepared.stopped_at
    if prepared.file_errors:  # an unknown column: reported with the rows' own problems, nothing kept
        report.file_error(prepared.file_errors)
    if report.errors or dry_run:
        db.session.rollback()
        return report
    created = sum(1 for r in rows if not r.updated)
    audit.record("deals.imported", f"{len(rows)} deals imported from {filename}"[:500], target=centre, actor=actor,
                 data={"file": filename, "rows": len(rows), "created": created, "updated": len(rows) - created})
    db.session.flush()
    report.saved = True
    return report


def _fill(report: ImportReport, rows: list[DealRow]) -> None:
    report.rows = [{"row": r.number, "application_number": r.ident,
                    "status": "error" if r.errors else ("updated" if r.updated else "ok"),
                    "errors": list(r.errors)} for r in rows]
    report.warnings = {r.number: r.warnings for r in rows if r.warnings}


def _chunks(values: list) -> list[list]:
    return [values[start:start + _QUERY_CHUNK] for start in range(0, len(values), _QUERY_CHUNK)]


# ---------------------------------------------------------------- what the rows name

def _load_patents(rows: list[DealRow], centre: Organisation) -> None:
    """Each row's patents: on the portal, and the centre's own."""
    numbers = list(dict.fromkeys(n for r in rows for n in r.numbers))
    found: dict[str, Patent] = {}
    for chunk in _chunks(numbers):
        query = (db.select(Patent).where(Patent.application_number.in_(chunk))
                 .options(selectinload(Patent.declarations)))
        found.update((p.application_number, p) for p in db.session.scalars(query))
    for row in rows:
        for number in row.numbers:
            patent = found.get(number)
            if patent is None:
                row.problem("application_numbers", _("Patent %(number)s is not on the portal: import it first "
                                                     "(Patents → Import patents).", number=number))
            elif patent.centre_id != centre.id:
                row.problem("application_numbers", _("Patent %(number)s belongs to another centre.",
                                                     number=number))
            else:
                row.patents.append(patent)


def _load_exchanges(rows: list[DealRow]) -> None:
    """The exchange base each row names, by code or by name in either language."""
    if not any(r.exchange_text for r in rows):
        return
    bases = db.session.scalars(db.select(Organisation).where(Organisation.kind == "exchange")
                               .order_by(Organisation.code)).all()
    lookup = {heading_key(name): base for base in bases for name in (base.code, base.name_zh, base.name_en) if name}
    for row in rows:
        if row.exchange_text:
            row.exchange = lookup.get(heading_key(row.exchange_text))
            if row.exchange is None:
                row.problem("exchange", _("%(value)s is not an exchange base: write one of %(choices)s.",
                                          value=row.exchange_text,
                                          choices=", ".join(f"{b.code} ({b.name_zh})" for b in bases)))


def _load_counterparties(rows: list[DealRow]) -> dict[str, Organisation]:
    """The organisations on the portal with the rows' credit codes; a name that differs is a warning
    (the portal's is kept), one that is not an enterprise an error."""
    codes = list(dict.fromkeys(r.credit_code for r in rows if r.credit_code))
    known: dict[str, Organisation] = {}
    for chunk in _chunks(codes):
        known.update((o.credit_code, o) for o in db.session.scalars(
            db.select(Organisation).where(Organisation.credit_code.in_(chunk))))
    for row in rows:
        org = known.get(row.credit_code)
        if org is None:
            continue
        if org.kind != "enterprise":
            row.problem("counterparty_credit_code", _("The licensee or assignee must be an enterprise."))
        elif row.counterparty and row.counterparty != org.name_zh:
            row.warnings.append(_("The enterprise with credit code %(code)s is on the portal as %(name)s; that "
                                  "name is kept.", code=org.credit_code, name=org.name_zh))
    return known


def _key(licensee_id: int, mode: str, patent_ids, effective: date) -> tuple:
    return licensee_id, mode, frozenset(patent_ids), effective


def _load_deals(rows: list[DealRow], centre: Organisation) -> dict[tuple, Deal]:
    """The centre's deals that rows could name (by effective date), by their identity."""
    dates = list({r.effective_date for r in rows if r.effective_date})
    deals: dict[tuple, Deal] = {}
    for chunk in _chunks(dates):
        query = (db.select(Deal).where(Deal.licensor_id == centre.id, Deal.effective_date.in_(chunk))
                 .options(selectinload(Deal.patents), selectinload(Deal.payments)).order_by(Deal.id))
        for deal in db.session.scalars(query):
            deals.setdefault(_key(deal.licensee_id, deal.mode, (p.id for p in deal.patents), deal.effective_date),
                             deal)
    return deals


# ---------------------------------------------------------------- writing

def _refuse(row: DealRow, exc: OperationError) -> None:
    column = _FIELD_COLUMNS.get(exc.field or "")
    if column:
        row.problem(column, exc.message)
    else:
        row.errors.append(exc.message)


@dataclass
class _Run:
    """One import's writing: rows in file order, each seeing what the rows before it wrote."""

    centre: Organisation
    actor: User | None
    filename: str
    known: dict[str, Organisation]  # credit code -> organisation
    deals: dict[tuple, Deal]  # identity -> deal
    rows_by_code: dict[str, list[DealRow]] = field(default_factory=dict)  # the rows without errors

    def write(self, row: DealRow) -> None:
        try:
            row.licensee = self.known.get(row.credit_code) or self._create_counterparty(row)
            key = _key(row.licensee.id, row.mode, (p.id for p in row.patents), row.effective_date)
            existing = self.deals.get(key)
            if existing is not None:
                row.deal, row.updated = existing, True
                changed = _bring_forward(row, existing, self.actor)
            else:
                row.deal = self.deals[key] = _record(row, self.centre, self.actor)
                changed = True
            if row.exchange is not None:
                record_traded(row.deal, row.exchange, self.actor)
            _audit(row, self.filename, self.actor, changed)
        except OperationError as exc:
            _refuse(row, exc)

    def _create_counterparty(self, row: DealRow) -> Organisation:
        """A new enterprise, as registration makes one, with the figures of the file's latest deal with it."""
        rows = self.rows_by_code[row.credit_code]
        latest = max(rows, key=lambda r: r.effective_date)
        org = create_organisation(kind="enterprise", code=f"e-{row.credit_code.lower()}", name=latest.counterparty,
                                  credit_code=row.credit_code, actor=self.actor)
        org.industry, org.employees, org.size_class = latest.industry, latest.employees, latest.size_class
        org.revenue_wan, org.total_assets_wan = latest.revenue_wan, latest.assets_wan
        self.known[row.credit_code] = org
        for other in rows:
            if other.counterparty != org.name_zh:
                other.warnings.append(_("The enterprise with credit code %(code)s is on the portal as %(name)s; "
                                        "that name is kept.", code=org.credit_code, name=org.name_zh))
        return org


def _record(row: DealRow, centre: Organisation, actor: User | None) -> Deal:
    data = ops.DealData(mode=row.mode, licensee=row.licensee, patents=row.patents, effective_date=row.effective_date,
                        contract_amount_yuan=row.contract_amount, term_end=row.term_end,
                        payments=[row.payment] if row.payment else [], pricing=row.pricing,
                        notice_override_reason=row.notice_override_reason)
    deal = ops.record_deal(centre, data, actor)
    # The class at the time of the deal, from the row's figures, not the enterprise's current one.
    deal.licensee_size_class = row.size_class
    if row.registration_date is not None:
        ops.register_assignment(deal, row.registration_date, actor)
    _advance_recordal(row, deal, actor)
    if deal.recordal_due is not None and deal.recordal_due < date.today():
        # Reminders warn before a due date; one long past at import is history: the deal shows on the
        # watchlist as overdue, but the staff are not sent one notification per past deal.
        deal.recordal_reminded_on = date.today()
    return deal


# (current status, status in the file) -> the steps update_recordal takes; any other pair changes
# nothing: a recordal never goes backwards, and one the portal has completed stays as it is.
_RECORDAL_STEPS = {
    ("not_filed", "filed"): ("filed",), ("not_filed", "recorded"): ("filed", "recorded"),
    ("not_filed", "refused"): ("filed", "refused"), ("filed", "recorded"): ("recorded",),
    ("filed", "refused"): ("refused",), ("refused", "filed"): ("filed",),
    ("refused", "recorded"): ("filed", "recorded"),
}


def _advance_recordal(row: DealRow, deal: Deal, actor: User | None) -> bool:
    """Move the recordal on to the row's status through the steps a person would take."""
    steps = _RECORDAL_STEPS.get((deal.recordal_status, row.recordal_status), ())
    for step in steps:
        ops.update_recordal(deal, step, actor, number=row.recordal_number, recorded_on=row.recordal_date,
                            reason=row.refusal_reason)
    return bool(steps)


def _bring_forward(row: DealRow, deal: Deal, actor: User | None) -> bool:
    """A deal already recorded: what was agreed must match; payments, registration and recordal
    may have moved on since. Returns whether anything changed."""
    def differs(column: str, recorded: object) -> None:
        row.problem(column, _("Deal %(id)s, already on the portal, has %(value)s here: correct it on the deal's "
                              "page, not by importing.", id=deal.id, value=recorded if recorded is not None else "—"))

    if Decimal(deal.contract_amount_yuan) != row.contract_amount:
        differs("contract_amount", deal.contract_amount_yuan)
    if deal.term_end != row.term_end:
        differs("term_end", deal.term_end)
    if row.registration_date and deal.registration_date not in (None, row.registration_date):
        differs("registration_date", deal.registration_date)
    if (row.recordal_status == deal.recordal_status == "recorded"
            and (deal.recordal_number, deal.recordal_date) != (row.recordal_number, row.recordal_date)):
        differs("recordal_number", f"{deal.recordal_number} {deal.recordal_date}")
    if row.errors:
        return False
    changed = False
    if row.payment and not any((p.paid_on, p.amount_yuan) == row.payment for p in deal.payments):
        ops.add_payment(deal, *row.payment, actor)
        changed = True
    if row.registration_date and deal.registration_date is None:
        ops.register_assignment(deal, row.registration_date, actor)
        changed = True
    return _advance_recordal(row, deal, actor) or changed


def _audit(row: DealRow, filename: str, actor: User | None, changed: bool) -> None:
    """``deal.imported`` with the exchange the row names and the row's figures;
    for a deal already on the portal only when the row changed it or names another exchange."""
    exchange = row.exchange.code if row.exchange else None
    if not changed:
        last = db.session.scalar(db.select(AuditEntry).where(
            AuditEntry.kind == "deal.imported", AuditEntry.target_type == "deals",
            AuditEntry.target_id == row.deal.id).order_by(AuditEntry.id.desc()).limit(1))
        if exchange is None or (last is not None and last.data.get("exchange") == exchange):
            return
    audit.record("deal.imported", f"deal {row.deal.id} imported from {filename} row {row.number}"[:500],
                 target=row.deal, actor=actor,
                 data={"file": filename, "row": row.number, "exchange": exchange, "size_class": row.size_class,
                       "counterparty": {"industry": row.industry, "employees": row.employees,
                                        "revenue_wan": _str(row.revenue_wan), "assets_wan": _str(row.assets_wan)}})


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
