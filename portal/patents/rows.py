"""From a table of cells to checked rows: headings, each cell, the row as a whole, the database.

Every problem of a row is collected (not just the first), each prefixed with the column's
heading as the file spells it, so the user can find the cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal.errors import rule_message
from portal.extensions import db
from portal.imports import cells as s
from portal.imports.rows import PreparedFile, RowReader, prepare_rows
from portal.models import VALUE_DIMENSIONS, Listing, Organisation, Patent, listing_patents
from portal.patents import columns as c
from portal.patents.open_licence import exclusive_or_sole_licence_in_force
from portal.patents.operations import ENGLISH_TEXT, PatentData, check_patent_data
from portal.rules import (
    DEFAULT_FEE_GUIDANCE,
    OpenLicenceTerms,
    PatentStanding,
    RuleError,
    check_licence_allowed,
    check_open_licence_terms,
    last_day_of_protection,
    open_licence_problems,
    parse_application_number,
    patent_expiry,
    split_ipc_list,
)

# Longest text each column's database field holds.
_MAX_LENGTH = {"title": 500, "title_en": 500, "inventors": 1000, "patentee": 500, "evaluation_report": 100}
_QUERY_CHUNK = 500  # numbers per IN (...) query: far below every database's parameter limit


@dataclass
class ParsedRow:
    number: int  # as in the spreadsheet: the heading is row 1
    typed: str  # the application number as typed
    canonical: str | None = None
    kind: str | None = None
    data: PatentData | None = None
    terms: OpenLicenceTerms | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing: Patent | None = None
    listings: list[Listing] = field(default_factory=list)  # listings of the existing patent
    listing_ids: list[int] = field(default_factory=list)
    open_column: str = "open_fee_method"  # its heading as the file spells it
    names: dict[str, str] = field(default_factory=dict)  # column key -> heading as the file spells it
    declare: bool = False  # declare an open licence on it
    list_it: bool = False  # create and publish a listing of it
    patent: Patent | None = None  # once written


def prepare(table: list[list[object]], max_error_rows: int | None = None) -> PreparedFile[ParsedRow]:
    """Match the heading row to the columns and parse every data row (blank rows are skipped); a
    number given twice in the file is an error of its later rows."""

    given = {c.column_for(heading) for heading in table[0]} if table else set()  # the file's columns

    def make_row(number: int, values: dict[str, object], names: dict[str, str], errors: list[str]) -> ParsedRow:
        row = ParsedRow(number=number, typed="", errors=errors)
        _parse(row, values, names, given)
        return row

    prepared = prepare_rows(table, c.COLUMNS, make_row, _("The file has headings but no patent rows."),
                            max_error_rows)
    first_seen: dict[str, int] = {}
    for row in prepared.rows:
        if not row.canonical:
            continue
        if row.canonical in first_seen:
            row.errors.append(_("%(column)s: %(problem)s", column=row.names["application_number"], problem=_(
                "%(number)s is already in row %(row)s.", number=row.canonical, row=first_seen[row.canonical])))
        else:
            first_seen[row.canonical] = row.number
    return prepared


def _parse(row: ParsedRow, values: dict[str, object], names: dict[str, str], given: set[str | None]) -> None:
    row.names = names
    reader = RowReader(values, names, row.errors, _MAX_LENGTH)
    problem, cell = reader.problem, reader.cell
    row.typed = s.text(values.get("application_number"))
    row.open_column = names["open_fee_method"]
    number = cell("application_number", lambda v: parse_application_number(s.text(v)))
    title = cell("title", s.text, required=True)
    filed = cell("filing_date", s.parse_date, required=True)
    status = cell("legal_status", c.parse_legal_status, required=True)
    granted = cell("grant_date", s.parse_date)
    pct = cell("pct", s.parse_yes_no, False)
    extension = cell("extension_days", s.parse_whole, 0)
    data = dict(
        abstract=cell("abstract", s.text),
        # A file without the English columns leaves the patent's English text as it is.
        **{k: cell(k, s.text) for k in ENGLISH_TEXT if k in given},
        operable=cell("operable", s.parse_yes_no, None) if "operable" in given else None,
        ipc=cell("ipc", lambda v: split_ipc_list(s.text(v))),
        inventors=cell("inventors", s.text), patentee=cell("patentee", s.text),
        evaluation_report=cell("evaluation_report", s.text) or None,
        pledged=cell("pledged", s.parse_yes_no, False), pledgee_consent=cell("pledgee_consent", s.parse_yes_no, False),
        annual_fees_paid=cell("annual_fees_paid", s.parse_yes_no, True),
        values={d: cell(d, s.parse_whole, 1, 5) for d in VALUE_DIMENSIONS})
    open_terms = (cell("open_fee_method", c.parse_fee_method), cell("open_fee_amount", s.parse_number),
                  cell("open_royalty_rate", s.parse_number), cell("open_term_end", s.parse_date))
    if number is not None:
        row.canonical, row.kind = number.canonical, number.kind
    if number is None or None in (title, filed, status) or row.errors:
        return
    # Checks across columns, each naming the column to correct.
    if granted and granted < filed:
        problem("grant_date", _("The grant date is before the filing date."))
    if status == "pending" and granted:
        problem("grant_date", _("A pending application has no grant date."))
    if pct and not number.is_pct:
        problem("pct", _("Only numbers with type digit 8 or 9 are PCT applications entering China."))
    for key, days in (("filing_date", 0), ("extension_days", extension or 0)):
        try:
            patent_expiry(number, filed, days)
        except RuleError as exc:
            problem(key, rule_message(exc))
            break
    if row.errors:
        return
    row.data = PatentData(application_number=number.canonical, title=title, filing_date=filed, legal_status=status,
                          grant_date=granted, pct=pct, extension_days=extension or 0, **data)
    row.errors.extend(check_patent_data(row.data))  # the operations' own check, as a safety net
    method, amount, rate, term_end = open_terms
    if method:
        row.terms = OpenLicenceTerms(fee_method=method, fee_amount_yuan=amount, royalty_rate_pct=rate,
                                     term_end=term_end)


def load_existing(rows: list[ParsedRow]) -> dict[str, Patent]:
    """The patents the file names that already exist (any centre's), with what the checks read,
    in a few queries instead of one per row; also notes each one's listings on its rows."""
    numbers = list(dict.fromkeys(r.canonical for r in rows if r.canonical))
    found: dict[str, Patent] = {}
    for start in range(0, len(numbers), _QUERY_CHUNK):
        chunk = numbers[start:start + _QUERY_CHUNK]
        query = (db.select(Patent).where(Patent.application_number.in_(chunk))
                 .options(selectinload(Patent.ipc_entries), selectinload(Patent.declarations),
                          selectinload(Patent.co_owners)))
        found.update((p.application_number, p) for p in db.session.scalars(query))
    listings: dict[int, list[Listing]] = {}
    ids = [p.id for p in found.values()]
    for start in range(0, len(ids), _QUERY_CHUNK):
        query = (db.select(listing_patents.c.patent_id, Listing).join(Listing)
                 .where(listing_patents.c.patent_id.in_(ids[start:start + _QUERY_CHUNK])))
        for patent_id, listing in db.session.execute(query):
            listings.setdefault(patent_id, []).append(listing)
    for row in rows:
        row.existing = found.get(row.canonical) if row.canonical else None
        row.listings = listings.get(row.existing.id, []) if row.existing else []
        row.listing_ids = [listing.id for listing in row.listings]
    return found


def check_against_database(rows: list[ParsedRow], centre: Organisation, publish_mode: str | None,
                           today: date, guidance: Mapping[str, Decimal] = DEFAULT_FEE_GUIDANCE) -> None:
    """Ownership, and with ``publish_mode`` what publishing each row would need; open-licence fees
    above the ``guidance`` caps earn a warning."""
    for row in rows:
        if row.existing is not None and row.existing.centre_id != centre.id:
            row.errors.append(_("Patent %(number)s belongs to another centre.", number=row.canonical))
            row.existing = None  # never touch it, even in a rehearsal
        if row.errors or row.data is None or not publish_mode:
            continue
        published = [x for x in row.listings if x.status == "published"]
        # A patent already on a published listing keeps it: re-importing must not add a second.
        row.list_it = not published
        if publish_mode == "open":
            _check_open(row, published, today, guidance)
        elif row.list_it:
            _check_negotiated(row, publish_mode)


def _refuse(row: ParsedRow, exc: RuleError) -> None:
    row.errors.append(rule_message(exc))


def _check_negotiated(row: ParsedRow, mode: str) -> None:
    if row.data.legal_status == "lapsed":
        row.errors.append(_("Patent %(number)s has lapsed and cannot be offered.", number=row.canonical))
    if row.existing is not None and row.existing.open_declaration is not None:
        try:
            check_licence_allowed(mode, open_licence_in_force=True)
        except RuleError as exc:
            _refuse(row, exc)


def _check_open(row: ParsedRow, published: list[Listing], today: date, guidance: Mapping[str, Decimal]) -> None:
    """Every open-licence rule (DOMAIN.md §4) as declare_open_licence applies it, on the file's facts."""
    if row.terms is None:
        row.errors.append(_("%(column)s: %(problem)s", column=row.open_column,
                            problem=_("A fee method is required to publish an open licence.")))
        return
    current = row.existing.open_declaration if row.existing is not None else None
    if current is not None:
        same = (current.fee_method, current.fee_amount_yuan, current.royalty_rate_pct, current.term_end) == (
            row.terms.fee_method, row.terms.fee_amount_yuan, row.terms.royalty_rate_pct, row.terms.term_end)
        if not same:
            row.errors.append(_("An open licence is already in force on this patent; withdraw it first to "
                                "announce new terms."))
        return  # the same terms again: the declaration in force stands
    data, patent = row.data, row.existing
    standing = PatentStanding(
        kind=row.kind, granted=data.grant_date is not None, valid=data.legal_status == "valid",
        evaluation_report_ref=data.evaluation_report,
        exclusive_or_sole_licence_in_force=patent is not None and exclusive_or_sole_licence_in_force(patent),
        suspended=patent is not None and patent.suspended, annual_fees_unpaid=not data.annual_fees_paid,
        pledged_without_consent=data.pledged and not data.pledgee_consent,
        co_owners_without_consent=tuple(patent.co_owners_without_consent) if patent is not None else ())
    for refusal in open_licence_problems(standing):
        _refuse(row, refusal)
    last_day = last_day_of_protection(row.canonical, data.filing_date, data.extension_days)
    try:
        row.warnings = [rule_message(w) for w in check_open_licence_terms(
            row.terms, announced_on=today, last_day_of_protection=last_day, guidance=guidance)]
    except RuleError as exc:
        _refuse(row, exc)
    for listing in published:
        for mode in ("exclusive", "sole"):
            if mode in listing.modes:
                try:
                    check_licence_allowed(mode, open_licence_in_force=True)
                except RuleError as exc:
                    _refuse(row, exc)
    row.declare = not row.errors
