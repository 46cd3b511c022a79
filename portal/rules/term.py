"""Patent term and date periods (DOMAIN.md §2 "Term", §3 "Recordal").

Periods counted in years or months end on the corresponding day of the
last month, or on that month's last day when it has no such day
(Implementing Regulations of the Patent Law, Art 5).  So the anniversary of
a 29 February filing in a common year is 28 February, and one month after
31 January is the last day of February.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from .errors import N_, RuleError
from .patent_numbers import ApplicationNumber, parse_application_number

# The 2020 amendment (15-year design term) applies to designs filed on or
# after its entry into force.
DESIGN_15_YEAR_TERM_FROM = date(2021, 6, 1)

_TERM_YEARS = {
    "invention": 20,
    "pct_invention": 20,
    "utility_model": 10,
    "pct_utility_model": 10,
}

# Art 42(2)-(3) extensions (examination delay, new-drug approval) exist for
# inventions only.
_EXTENSIBLE_KINDS = frozenset({"invention", "pct_invention"})


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved by ``months`` calendar months (may be negative).

    When the target month has no such day, the result is that month's last
    day (31 January + 1 month = 28 or 29 February).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def recordal_due_date(effective_date: date) -> date:
    """Last day to record a licence contract with CNIPA: 3 months after it takes effect.

    Implementing Regulations (2023) Art 15(2); e.g. 2024-11-30 -> 2025-02-28.
    """
    return add_months(_as_date(effective_date), 3)


def term_years(kind: str, filing_date: date) -> int:
    """Years of protection for a patent ``kind`` filed on ``filing_date`` (Art 42)."""
    if kind == "design":
        return 15 if _as_date(filing_date) >= DESIGN_15_YEAR_TERM_FROM else 10
    try:
        return _TERM_YEARS[kind]
    except KeyError:
        raise RuleError(N_("Unknown patent kind %(kind)s."), kind=kind) from None


def patent_expiry(
    application_number: str | ApplicationNumber,
    filing_date: date,
    extension_days: int = 0,
) -> date:
    """Return the termination date (期满终止日) of a patent.

    That is the anniversary of ``filing_date`` after the term for its kind
    (invention 20 years, utility model 10, design 15 if filed on or after
    2021-06-01 else 10), plus ``extension_days`` (inventions only).  For a
    PCT application, pass the international filing date.  The patent is in
    force up to the day before; see :func:`last_day_of_protection`.
    """
    number = _as_application_number(application_number)
    filed = _as_date(filing_date)
    # The number is given out on receipt, so it cannot carry a year earlier
    # than the filing date.  (It may be later: divisional applications keep
    # the parent's filing date, PCT ones the international filing date.)
    if filed.year > number.year:
        raise RuleError(
            N_("The filing date %(filing_date)s is later than the year %(year)s in application "
               "number %(number)s."),
            filing_date=filed.isoformat(),
            year=number.year,
            number=number.canonical,
        )
    if isinstance(extension_days, bool) or not isinstance(extension_days, int):
        raise TypeError("extension_days must be an int")
    if extension_days < 0:
        raise RuleError(
            N_("A term extension cannot be negative (%(days)s days)."), days=extension_days
        )
    if extension_days and number.kind not in _EXTENSIBLE_KINDS:
        raise RuleError(
            N_("Only invention patents can have a term extension; %(number)s is not an "
               "invention."),
            number=number.canonical,
        )
    anniversary = add_months(filed, 12 * term_years(number.kind, filed))
    return anniversary + timedelta(days=extension_days)


def last_day_of_protection(
    application_number: str | ApplicationNumber,
    filing_date: date,
    extension_days: int = 0,
) -> date:
    """Return the last day the patent is in force: the day before its expiry.

    A licence term may not end after this day (DOMAIN.md §2).
    """
    return patent_expiry(application_number, filing_date, extension_days) - timedelta(days=1)


def _as_application_number(value: str | ApplicationNumber) -> ApplicationNumber:
    if isinstance(value, ApplicationNumber):
        return value
    return parse_application_number(value)


def _as_date(value: date) -> date:
    # A datetime is a date too, but adding days to it would keep the time.
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value
