"""Changing the programme parameters and a centre's facts. Each operation validates, changes, writes
the audit log and flushes; the view commits once."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.indexing.changes import note_search_change
from portal.metrics.patent_counts import listings_crossing
from portal.models import (
    AWARD_KINDS,
    CentreAward,
    CentreProfile,
    FundingSecured,
    NavigationReport,
    Organisation,
    PctApplication,
    ProgrammeParameters,
    RulesDocument,
    User,
    current_parameters,
)
from portal.rules import RuleError, check_pct_filing_date, parse_pct_number

# What a navigation report may be uploaded as, and the type it is served with (never the browser's word).
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# What each kind of document begins with: PDF, the OLE2 container of .doc, the zip of .docx.
DOCUMENT_SIGNATURES = {"pdf": b"%PDF-", "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "docx": b"PK\x03\x04"}
PARAMETER_FIELDS = tuple(c.name for c in ProgrammeParameters.__table__.columns
                         if c.name not in ("id", "updated_at", "updated_by_id"))


def update_parameters(values: dict, actor: User | None) -> ProgrammeParameters:
    """Store new programme parameters (the form has checked each value's range)."""
    if values["assessment_year"] <= values["baseline_year"]:
        raise OperationError(_("The assessment year must come after the baseline year."), field="assessment_year")
    if values["certified_staff_required"] > values["staff_required"]:
        raise OperationError(_("The certified staff required cannot exceed the staff required."),
                             field="certified_staff_required")
    params = current_parameters()
    old_threshold = params.high_value_min_average
    changed = {}
    for name in PARAMETER_FIELDS:
        old, new = getattr(params, name), values[name]
        if old != new:
            changed[name] = [str(old), str(new)]
            setattr(params, name, new)
    params.updated_by_id = actor.id if actor else None
    db.session.flush()
    audit.record("metrics.parameters", f"programme parameters: {', '.join(changed) or 'unchanged'}",
                 target=params, actor=actor, data=changed)
    if "high_value_min_average" in changed:
        # The search's "high-value" facet follows the threshold: re-index the listings it moves.
        note_search_change(listings_crossing(old_threshold, params.high_value_min_average))
    return params


def update_staffing(centre: Organisation, *, has_ip_department: bool, full_time: int, certified: int,
                    actor: User | None) -> CentreProfile:
    """Record the centre's IP department and full-time IP staff, of whom ``certified`` hold an IP title
    or certificate."""
    if full_time < 0 or certified < 0:
        raise OperationError(_("Staff numbers cannot be negative."), field="full_time_ip_staff")
    if certified > full_time:
        raise OperationError(_("More staff with a title or certificate than full-time staff."),
                             field="certified_staff")
    profile = db.session.get(CentreProfile, centre.id) or CentreProfile(centre_id=centre.id)
    profile.has_ip_department, profile.full_time_ip_staff, profile.certified_staff = (
        has_ip_department, full_time, certified)
    db.session.add(profile)
    db.session.flush()
    audit.record("metrics.staffing", f"{centre.code}: {full_time} full-time IP staff, {certified} certified",
                 target=centre, actor=actor,
                 data={"department": has_ip_department, "full_time": full_time, "certified": certified})
    return profile


def add_pct_application(centre: Organisation, number: str, filing_date: date, title: str,
                        actor: User | None) -> PctApplication:
    """Record a PCT international application; its number is validated and stored canonically, once."""
    try:
        parsed = parse_pct_number(number)
        check_pct_filing_date(parsed, filing_date)
    except RuleError as exc:
        raise OperationError(rule_message(exc), field="number") from exc
    if filing_date > date.today():
        raise OperationError(_("The filing date is in the future."), field="filing_date")
    if db.session.scalar(db.select(PctApplication.id).where(PctApplication.number == parsed.canonical)):
        raise OperationError(_("PCT application %(number)s is already recorded.", number=parsed.canonical),
                             field="number")
    application = PctApplication(centre_id=centre.id, number=parsed.canonical, filing_date=filing_date,
                                 title=title.strip())
    db.session.add(application)
    db.session.flush()
    audit.record("metrics.pct", f"{centre.code}: PCT application {parsed.canonical}", target=application,
                 actor=actor)
    return application


def add_navigation_report(centre: Organisation, *, title: str, discipline: str, report_date: date,
                          filename: str, content: bytes, actor: User | None) -> NavigationReport:
    """Store a patent navigation report and its document (PDF or Word)."""
    name = PurePath(filename.replace("\\", "/")).name.strip()[-200:] or "report"
    suffix = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if suffix not in DOCUMENT_TYPES:
        raise OperationError(_("Upload the report as a PDF or Word document."), field="document")
    if not content:
        raise OperationError(_("The document is empty."), field="document")
    if not content.startswith(DOCUMENT_SIGNATURES[suffix]):
        # The name says PDF or Word; the bytes must too (it is served back to other people).
        raise OperationError(_("The file is not the PDF or Word document its name says it is."), field="document")
    report = NavigationReport(centre_id=centre.id, title=title.strip(), discipline=discipline.strip(),
                              report_date=report_date, filename=name, content_type=DOCUMENT_TYPES[suffix],
                              size=len(content), document=content)
    db.session.add(report)
    db.session.flush()
    audit.record("metrics.navigation_report", f"{centre.code}: navigation report “{report.title}”", target=report,
                 actor=actor, data={"filename": name, "size": len(content)})
    return report


def add_rules_document(centre: Organisation, *, title: str, reference: str, adopted_on: date,
                       actor: User | None) -> RulesDocument:
    document = RulesDocument(centre_id=centre.id, title=title.strip(), reference=(reference or "").strip(),
                             adopted_on=adopted_on)
    db.session.add(document)
    db.session.flush()
    audit.record("metrics.rules_document", f"{centre.code}: rules document “{document.title}”", target=document,
                 actor=actor)
    return document


def add_award(centre: Organisation, *, kind: str, title: str, year: int, actor: User | None) -> CentreAward:
    if kind not in AWARD_KINDS:
        raise OperationError(_("Choose a kind of award."), field="kind")
    award = CentreAward(centre_id=centre.id, kind=kind, title=title.strip(), year=year)
    db.session.add(award)
    db.session.flush()
    audit.record("metrics.award", f"{centre.code}: award “{award.title}” ({year})", target=award, actor=actor)
    return award


FACT_MODELS = {"pct": PctApplication, "reports": NavigationReport, "rules": RulesDocument, "awards": CentreAward,
               "funding": FundingSecured}


def delete_fact(centre: Organisation, kind: str, fact_id: int, actor: User | None) -> bool:
    """Remove one of the centre's own facts; False when it has no such fact."""
    model = FACT_MODELS[kind]
    fact = db.session.get(model, fact_id)
    if fact is None or fact.centre_id != centre.id:
        return False
    summary = getattr(fact, "number", None) or fact.title
    audit.record(f"metrics.{kind}.deleted", f"{centre.code}: removed {model.__tablename__} “{summary}”",
                 target=fact, actor=actor)
    db.session.delete(fact)
    db.session.flush()
    return True
