"""Patent operations: the facts of a patent as a form or a spreadsheet row gives them.

``upsert_patent`` is the patent writer of the form; the bulk import (``portal.patents.importer``)
writes through the same :func:`write_patent_data` and :func:`record_patent_written`, so both give
the same rows, audit entries and change-log rows (``tests/test_patent_writer.py``). Each operation
validates, changes, audits and flushes; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.indexing.changes import listing_ids_of, note_search_change
from portal.models import (
    LEGAL_STATUSES,
    Organisation,
    Patent,
    PatentIPC,
    User,
)
from portal.rules import (
    RuleError,
    ipc_subclass,
    parse_application_number,
    patent_expiry,
)

TITLE_EN_MAX = 500  # Patent.title_en


@dataclass
class PatentData:
    """A patent's facts as entered on a form or read from a spreadsheet row (already parsed)."""

    application_number: str
    title: str
    filing_date: date
    legal_status: str
    abstract: str = ""
    title_en: str | None = None  # optional English title and abstract: see ENGLISH_TEXT
    abstract_en: str | None = None
    ipc: list[str] = field(default_factory=list)  # normalised symbols
    grant_date: date | None = None
    inventors: str = ""
    patentee: str = ""
    pct: bool = False
    evaluation_report: str | None = None
    pledged: bool = False
    pledgee_consent: bool = False
    annual_fees_paid: bool = True
    extension_days: int = 0
    values: dict[str, int | None] = field(default_factory=dict)
    operable: bool | None = None  # designated 可投入运营; None: not given, the patent keeps its flag


def check_patent_data(data: PatentData) -> list[str]:
    """Every problem with ``data``, in the user's language (empty: fine). Changes nothing."""
    problems = []
    try:
        number = parse_application_number(data.application_number)
    except RuleError as exc:
        return [rule_message(exc)]
    if data.legal_status not in LEGAL_STATUSES:
        problems.append(_("Unknown legal status %(status)s.", status=data.legal_status))
    if data.grant_date and data.grant_date < data.filing_date:
        problems.append(_("The grant date is before the filing date."))
    if data.legal_status == "pending" and data.grant_date:
        problems.append(_("A pending application has no grant date."))
    if data.pct and not number.kind.startswith("pct_"):
        problems.append(_("Only numbers with type digit 8 or 9 are PCT applications entering China."))
    try:
        patent_expiry(number, data.filing_date, data.extension_days)
    except RuleError as exc:
        problems.append(rule_message(exc))
    for name, value in data.values.items():
        if value is not None and not 1 <= value <= 5:
            problems.append(_("%(name)s must be between 1 and 5.", name=name))
    if not data.title.strip():
        problems.append(_("The title is empty."))
    if data.title_en and len(data.title_en.strip()) > TITLE_EN_MAX:
        problems.append(_("The English title is longer than %(max)s characters.", max=TITLE_EN_MAX))
    return problems


def set_patent_ipc(patent: Patent, symbols: list[str]) -> None:
    """Replace the patent's IPC symbols, keeping the rows of symbols that stay: deleting and
    re-inserting the same (patent, symbol) in one flush would hit the unique constraint, since
    inserts are flushed before deletes."""
    kept = {entry.symbol: entry for entry in patent.ipc_entries}
    entries = []
    for position, symbol in enumerate(symbols):
        entry = kept.get(symbol) or PatentIPC(symbol=symbol, subclass=ipc_subclass(symbol))
        entry.position = position
        entries.append(entry)
    patent.ipc_entries = entries


def find_patent(application_number: str) -> Patent | None:
    canonical = parse_application_number(application_number).canonical
    return db.session.scalar(db.select(Patent).where(Patent.application_number == canonical))


def upsert_patent(centre: Organisation, data: PatentData, actor: User | None) -> tuple[Patent, bool]:
    """Create the patent, or update it in place when the centre already holds that number."""
    problems = check_patent_data(data)
    if problems:
        raise OperationError(" ".join(problems), field="application_number")
    number = parse_application_number(data.application_number)
    patent = find_patent(number.canonical)
    created = patent is None
    if created:
        patent = Patent(application_number=number.canonical, centre=centre)
        db.session.add(patent)
    elif patent.centre_id != centre.id:
        raise OperationError(_("Patent %(number)s belongs to another centre.", number=number.canonical),
                             field="application_number")
    write_patent_data(patent, data, number.kind)
    db.session.flush()
    record_patent_written(patent, created, actor, listing_ids=None if created else listing_ids_of(patent))
    return patent, created


# Every PatentData field is copied as it is except these, so a field added to PatentData (and to
# the model) is written by the form and the import alike without touching this module.
_SPECIAL = {"application_number", "ipc", "values"}


# Optional English text: None in PatentData means "not given" (a file without the column) and
# leaves what the patent has, perhaps typed on its English page; blank clears it (stored as NULL).
ENGLISH_TEXT = ("title_en", "abstract_en")
# Fields whose None means "not given": the patent keeps what it has (a new one gets the default).
KEPT_WHEN_NOT_GIVEN = (*ENGLISH_TEXT, "operable")


def patent_values(data: PatentData, kind: str) -> dict[str, object]:
    """The patent's columns as ``data`` sets them (the bulk import inserts new patents with these)."""
    values = {"kind": kind, **{name: getattr(data, name) for name in PatentData.__dataclass_fields__
                               if name not in _SPECIAL}, **data.values}
    for name in ENGLISH_TEXT:
        values[name] = (values[name] or "").strip() or None
    values["operable"] = bool(values["operable"])
    return values


def write_patent_data(patent: Patent, data: PatentData, kind: str) -> None:
    """Set the patent's columns and IPC symbols from ``data``: the one patent writer, used by
    :func:`upsert_patent` and by the bulk import. Only what differs is set, so an unchanged
    re-import costs no UPDATE and no attribute events."""
    for name, value in patent_values(data, kind).items():
        if name in KEPT_WHEN_NOT_GIVEN and getattr(data, name) is None:
            continue  # not given: kept
        if getattr(patent, name) != value:
            setattr(patent, name, value)
    symbols = list(dict.fromkeys(data.ipc))
    if patent.ipc != symbols:
        set_patent_ipc(patent, symbols)


def record_patent_written(patent: Patent, created: bool, actor: User | None, *,
                          listing_ids: Iterable[int] | None = None, data: dict | None = None) -> None:
    """The audit entry of a written patent and, for an updated one, the change log of the listings
    offering it (``listing_ids``; the import loads them for a whole batch at once)."""
    audit.record("patent.created" if created else "patent.updated",
                 f"{patent.application_number} {patent.title[:80]}", target=patent, actor=actor, data=data)
    if not created:
        note_search_change(listing_ids if listing_ids is not None else listing_ids_of(patent))


def update_patent_english(patent: Patent, title_en: str, abstract_en: str, actor: User | None) -> None:
    """Set the patent's optional English title and abstract (blank: none); the listings offering it
    are re-indexed, as English search reads them."""
    title_en, abstract_en = title_en.strip() or None, abstract_en.strip() or None
    if title_en and len(title_en) > TITLE_EN_MAX:
        raise OperationError(_("The English title is longer than %(max)s characters.", max=TITLE_EN_MAX),
                             field="title_en")
    if (patent.title_en, patent.abstract_en) == (title_en, abstract_en):
        return
    patent.title_en, patent.abstract_en = title_en, abstract_en
    db.session.flush()
    record_patent_written(patent, False, actor, data={"english": True})
