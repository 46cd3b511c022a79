"""The centre's list of deals: its filters (query arguments), the query, and the export of what it shows.

Arguments: ``state`` (``DEAL_STATES``), ``mode`` (a deal mode: exclusive … equity), ``recordal`` (a recordal
status), ``year`` (of the effective date) and ``q`` (part of the licensee's or assignee's name or credit
code). A value that cannot be used is named in ``errors`` and left out; the list is never refused for it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, extract, not_, or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.metrics.export import DEAL_HEADINGS, DEALS_SHEET, KIND_ZH, LICENCE_TYPE_ZH, SIZE_ZH, recordal_zh
from portal.models import RECORDAL_STATUSES, Deal, Organisation
from portal.rules.targets import SME_CLASSES, money
from portal.spreadsheets import Sheet, workbook_bytes

DEAL_MODES = ("exclusive", "sole", "ordinary", "open", "assignment", "equity")
DEAL_STATES = ("in_force", "ended", "unregistered")
DEAL_STATE_LABELS = {
    "in_force": _l("In force"),
    "ended": _l("Licence term ended"),
    "unregistered": _l("Assignment not yet registered"),
}
FIRST_YEAR, LAST_YEAR = 1985, 2100  # the Patent Law took effect in 1985
MAX_QUERY = 100
# The columns of the assessment export (portal.metrics.export), and the recordal deadline the list shows.
EXPORT_HEADINGS = (*DEAL_HEADINGS, "备案截止日")


@dataclass
class DealFilters:
    state: str | None = None
    mode: str | None = None
    recordal: str | None = None
    year: int | None = None
    q: str = ""
    errors: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> DealFilters:
        f = cls()
        for name, allowed in (("state", DEAL_STATES), ("mode", DEAL_MODES), ("recordal", RECORDAL_STATUSES)):
            value = (args.get(name) or "").strip() or None
            if value is not None and value not in allowed:
                f.errors.append(_("Unknown value for %(name)s: %(value)s.", name=name, value=value[:40]))
                value = None
            setattr(f, name, value)
        year = (args.get("year") or "").strip()
        if year:
            if year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR:
                f.year = int(year)
            else:
                f.errors.append(_("The year is a four-digit year such as %(year)d.", year=date.today().year))
        f.q = " ".join((args.get("q") or "").split())[:MAX_QUERY]
        return f

    def as_args(self) -> dict[str, object]:
        """The filters as query arguments, for the pagination and the export links."""
        values = {"state": self.state, "mode": self.mode, "recordal": self.recordal, "year": self.year,
                  "q": self.q or None}
        return {k: v for k, v in values.items() if v is not None}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _mode_clause(mode: str):
    if mode in ("assignment", "equity"):
        return Deal.kind == mode
    if mode == "open":
        return and_(Deal.kind == "licence", Deal.open_licence.is_(True))
    licence = and_(Deal.kind == "licence", Deal.open_licence.is_(False))
    if mode == "ordinary":  # a licence without a type is an ordinary one (Deal.mode)
        return and_(licence, or_(Deal.licence_type == "ordinary", Deal.licence_type.is_(None)))
    return and_(licence, Deal.licence_type == mode)


def _state_clause(state: str, today: date):
    unregistered = and_(Deal.kind == "assignment", Deal.registration_date.is_(None))
    if state == "unregistered":
        return unregistered
    ended = and_(Deal.term_end.isnot(None), Deal.term_end < today)
    if state == "ended":
        return and_(not_(unregistered), ended)
    return and_(not_(unregistered), not_(ended))


def deals_query(centre_id: int, f: DealFilters, today: date):
    """The centre's deals that ``f`` selects, newest first (as the list shows them)."""
    query = select(Deal).where(Deal.licensor_id == centre_id)
    if f.state:
        query = query.where(_state_clause(f.state, today))
    if f.mode:
        query = query.where(_mode_clause(f.mode))
    if f.recordal:
        query = query.where(Deal.recordal_status == f.recordal)
    if f.year:
        query = query.where(Deal.effective_date.between(date(f.year, 1, 1), date(f.year, 12, 31)))
    if f.q:
        party = select(Organisation.id).where(or_(*(column.icontains(f.q, autoescape=True) for column in (
            Organisation.name_zh, Organisation.name_en, Organisation.credit_code, Organisation.code))))
        query = query.where(Deal.licensee_id.in_(party))
    return query.options(selectinload(Deal.licensee)).order_by(Deal.effective_date.desc(), Deal.id.desc())


def deal_years(centre_id: int, chosen: int | None = None) -> list[int]:
    """The years the centre's deals took effect in, latest first (with ``chosen``, even without deals)."""
    year = extract("year", Deal.effective_date)
    years = {int(y) for y in db.session.scalars(select(year).where(Deal.licensor_id == centre_id).distinct())
             if y is not None}
    if chosen:
        years.add(chosen)
    return sorted(years, reverse=True)


def export_rows(centre_id: int, f: DealFilters, today: date) -> list[list]:
    """The deals of the list, in its order, in the columns of the assessment export (Chinese, like it)."""
    query = deals_query(centre_id, f, today).options(selectinload(Deal.patents), selectinload(Deal.payments))
    rows = []
    recordal = recordal_zh()
    for deal in db.session.scalars(query):
        rows.append([
            deal.id, deal.concluded_on or "", KIND_ZH[deal.kind], LICENCE_TYPE_ZH.get(deal.licence_type or "", ""),
            "是" if deal.open_licence else "否", deal.licensee.name_zh, deal.licensee.credit_code or "",
            SIZE_ZH.get(deal.licensee_size_class or "", "未知"),
            "是" if deal.licensee_size_class in SME_CLASSES else "否", deal.contract_amount_yuan,
            money(deal.received_yuan), deal.effective_date, deal.registration_date or "",
            recordal.get(deal.recordal_status, deal.recordal_status), deal.recordal_number or "",
            "；".join(p.application_number for p in deal.patents), deal.recordal_due or ""])
    return rows


def export_xlsx(rows: list[list]) -> bytes:
    return workbook_bytes([Sheet(DEALS_SHEET, EXPORT_HEADINGS, rows, widths={0: 12, 5: 36})])
