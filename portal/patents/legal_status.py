"""Legal status kept true: a CNIPA legal-status export (CSV or XLSX) read row by row, each change
recorded with its date; a patent that lapsed, expired, was invalidated or surrendered has its
listings withdrawn (through the normal operation, so the search change log is written) and its
open licence withdrawn (Patent Law Art 50), its centre and the SMEs with open requests on it told.

A file with any error saves nothing, like every import. ``flask --app portal patents refresh`` and
the upload page (``/manage/patents/legal-status``) both call :func:`refresh`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.extensions import db
from portal.imports import cells as s
from portal.imports.cells import Column
from portal.imports.reading import FileProblem, load_upload, read_table
from portal.imports.report import ImportReport
from portal.imports.rows import RowReader, prepare_rows
from portal.models import (
    ENDED_CODES,
    OPEN_STATUSES,
    AnnualFee,
    LegalStatusChange,
    LicenceRequest,
    Listing,
    Organisation,
    Patent,
    User,
    listing_patents,
)
from portal.notices.labels import LEGAL_STATUS_LABELS
from portal.rules import parse_application_number

COLUMNS: tuple[Column, ...] = (
    Column("application_number", "申请号", _l("Application number, as CNIPA writes it"), "201811564288.X", True),
    Column("status", "法律状态", _l("Legal status in CNIPA's wording (专利权维持, 未缴年费专利权终止, 期限届满, "
                                   "全部无效, 放弃专利权, 等年费滞纳金 …) or the portal's code (valid, pending, "
                                   "fee_overdue, lapsed, expired, invalidated, surrendered)"),
           "未缴年费专利权终止", True),
    Column("date", "法律状态公告日", _l("Date of the change, YYYY-MM-DD"), "2026-03-15", True),
    Column("annual_fee_due", "年费缴纳截止日", _l("Due date of the next annual fee, when known"), ""),
)

_STATUSES = s.choice_lookup([
    *((code, code) for code in LEGAL_STATUS_LABELS),
    ("有效", "valid"), ("专利权维持", "valid"), ("授权", "valid"), ("专利权有效", "valid"), ("维持", "valid"),
    ("审中", "pending"), ("实质审查", "pending"), ("实质审查的生效", "pending"), ("公开", "pending"),
    ("在审", "pending"), ("等年费滞纳金", "fee_overdue"), ("年费滞纳", "fee_overdue"), ("缴费滞纳", "fee_overdue"),
    ("未缴年费专利权终止", "lapsed"), ("未缴年费终止", "lapsed"), ("专利权终止", "lapsed"), ("年费终止", "lapsed"),
    ("失效", "lapsed"), ("期限届满", "expired"), ("专利权期满终止", "expired"), ("期满终止", "expired"),
    ("届满", "expired"), ("全部无效", "invalidated"), ("专利权全部无效", "invalidated"), ("宣告无效", "invalidated"),
    ("无效", "invalidated"), ("放弃专利权", "surrendered"), ("专利权的主动放弃", "surrendered"),
    ("主动放弃", "surrendered"), ("避免重复授权放弃专利权", "surrendered"),
])
GRACE_MONTHS = 6  # Implementing Regulations (2023) Art 116


def parse_status(value: object) -> str | None:
    return s.parse_choice(value, _STATUSES, _("%(value)s is not a legal status this portal knows: use CNIPA's "
                                              "wording or valid, pending, fee_overdue, lapsed, expired, invalidated "
                                              "or surrendered."))


@dataclass
class StatusRow:
    number: int
    application_number: str | None = None
    typed: str = ""
    status: str | None = None
    wording: str = ""
    changed_on: date | None = None
    fee_due: date | None = None
    errors: list[str] = field(default_factory=list)
    patent: Patent | None = None


def _make_row(number: int, values: dict, names: dict, errors: list[str]) -> StatusRow:
    row = StatusRow(number, errors=errors)
    cell = RowReader(values, names, errors).cell
    row.typed = s.text(values.get("application_number"))
    row.application_number = cell("application_number", lambda v: parse_application_number(s.text(v)).canonical,
                                  required=True)
    row.status = cell("status", parse_status, required=True)
    row.wording = s.text(values.get("status"))[:100]
    row.changed_on = cell("date", s.parse_date, required=True)
    row.fee_due = cell("annual_fee_due", s.parse_date)
    if row.changed_on is not None and row.changed_on > date.today():
        errors.append(_("%(column)s: %(problem)s", column=names.get("date", "date"),
                        problem=_("The date is in the future.")))
    return row


def current_code(patent: Patent) -> str:
    """The patent's detailed status: its last recorded change, else what its own fields say."""
    last = db.session.scalar(db.select(LegalStatusChange.status).where(LegalStatusChange.patent_id == patent.id)
                             .order_by(LegalStatusChange.changed_on.desc(), LegalStatusChange.id.desc()).limit(1))
    if last is not None:
        return last
    if patent.legal_status == "valid":
        return "valid" if patent.annual_fees_paid else "fee_overdue"
    return patent.legal_status


def refresh(centre: Organisation, file: bytes | str | Path, filename: str | None = None, *, dry_run: bool = False,
            actor: User | None) -> ImportReport:
    """Read the export and apply every change; nothing is saved when a row has an error or on a dry run."""
    data, filename = load_upload(file, filename)
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except FileProblem as exc:
        return report.file_error([str(exc)])
    prepared = prepare_rows(table, COLUMNS, _make_row, _("The file has headings but no rows of patents."))
    if prepared.file_errors:
        return report.file_error(prepared.file_errors)
    numbers = {r.application_number for r in prepared.rows if r.application_number}
    patents = {p.application_number: p for p in db.session.scalars(
        db.select(Patent).where(Patent.application_number.in_(numbers), Patent.centre_id == centre.id))}
    for row in prepared.rows:
        if row.application_number and row.application_number not in patents:
            row.errors.append(_("Patent %(number)s is not one of your centre's patents on the portal.",
                                number=row.application_number))
        row.patent = patents.get(row.application_number)
    changed = 0
    if not any(r.errors for r in prepared.rows) and not dry_run:
        for row in sorted(prepared.rows, key=lambda r: (r.changed_on, r.number)):
            changed += apply_change(row.patent, row.status, row.changed_on, row.wording, filename, actor)
            if row.fee_due is not None:
                set_fee_due(row.patent, row.fee_due)
        report.saved = True
        audit.record("patents.status_refreshed", f"{centre.code}: legal status from {filename}", target=centre,
                     actor=actor, data={"file": filename[:200], "rows": len(prepared.rows), "changed": changed})
        db.session.flush()
    for row in prepared.rows:
        status = "error" if row.errors else "ok"
        report.rows.append({"row": row.number, "application_number": row.application_number or row.typed,
                            "status": status, "errors": row.errors})
    if any(r.errors for r in prepared.rows):
        db.session.rollback()
    return report


def apply_change(patent: Patent, status: str, changed_on: date, wording: str, source: str,
                 actor: User | None) -> int:
    """Record one change (1) or nothing when the status is already the patent's (0)."""
    if status == current_code(patent):
        return 0
    db.session.add(LegalStatusChange(patent_id=patent.id, status=status, wording=wording, changed_on=changed_on,
                                     source=source[:200], actor_id=actor.id if actor else None))
    patent.legal_status = "lapsed" if status in ENDED_CODES else ("pending" if status == "pending" else "valid")
    patent.annual_fees_paid = status != "fee_overdue"
    audit.record("patent.legal_status", f"{patent.application_number}: {status} on {changed_on}", target=patent,
                 actor=actor, data={"number": patent.application_number, "status": status,
                                    "date": changed_on.isoformat()})
    if status in ENDED_CODES:
        _end(patent, status, changed_on, actor)
    db.session.flush()
    return 1


def _end(patent: Patent, status: str, changed_on: date, actor: User | None) -> None:
    """The patent is no longer valid: withdraw its listings and its open licence, tell those concerned."""
    from portal.listings.operations import withdraw_listing
    from portal.notices.operations import centre_staff
    from portal.notify import notify
    from portal.patents.open_licence import withdraw_open_licence

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        reason = _("Patent %(number)s: %(status)s on %(day)s", number=patent.display_number,
                   status=LEGAL_STATUS_LABELS[status], day=changed_on.isoformat())
    listings = db.session.scalars(db.select(Listing).join(listing_patents, listing_patents.c.listing_id == Listing.id)
                                  .where(listing_patents.c.patent_id == patent.id)).all()
    for listing in listings:
        if listing.status == "published":
            withdraw_listing(listing, actor, reason=reason)
    for declaration in patent.declarations:
        if declaration.withdrawn_on is None:
            withdraw_open_licence(declaration, on=max(changed_on, declaration.announced_on), reason=reason,
                                  actor=actor)
    params = {"patent": patent.display_number, "legal_status": status, "date": changed_on.isoformat()}
    notify(centre_staff(patent.centre_id), "patent.ended", params, "patents.index")
    listing_ids = [x.id for x in listings]
    if listing_ids:
        requests = db.session.scalars(db.select(LicenceRequest).where(LicenceRequest.listing_id.in_(listing_ids),
                                                                      LicenceRequest.status.in_(OPEN_STATUSES))).all()
        for req in requests:
            members = db.session.scalars(db.select(User).where(User.organisation_id == req.enterprise_id,
                                                               User.role == "sme_member")).all()
            notify(list(members), "patent.ended_request", {**params, "listing_id": req.listing_id},
                   "requests.detail", request_id=req.id)


# ---------------------------------------------------------------- annual fees

def set_fee_due(patent: Patent, due_on: date) -> None:
    row = db.session.get(AnnualFee, patent.id)
    if row is None:
        db.session.add(AnnualFee(patent_id=patent.id, due_on=due_on))
    elif row.due_on != due_on:
        row.due_on, row.reminded_on = due_on, None


def grace_end(due_on: date) -> date:
    from portal.royalties.periods import add_months

    return add_months(due_on, GRACE_MONTHS)


def send_fee_reminders(today: date, within_days: int | None = None) -> int:
    """Warn the centre once per due date when an annual fee is unpaid past its due date (or not known
    paid) and the six-month grace period ends within ``within_days``; after that the patent lapses."""
    from portal.notices.operations import centre_staff
    from portal.notify import notify

    within = within_days if within_days is not None else int(current_app.config.get("ANNUAL_FEE_REMIND_DAYS", 60))
    sent = 0
    for fee in db.session.scalars(db.select(AnnualFee).where(AnnualFee.reminded_on.is_(None),
                                                             AnnualFee.due_on <= today)).all():
        patent = db.session.get(Patent, fee.patent_id)
        end = grace_end(fee.due_on)
        if patent.legal_status != "valid" or not today <= end <= today + timedelta(days=within):
            continue
        notify(centre_staff(patent.centre_id), "patent.fee_due",
               {"patent": patent.display_number, "due": fee.due_on.isoformat(), "end": end.isoformat()},
               "patents.index")
        fee.reminded_on = today
        sent += 1
    db.session.flush()
    return sent
