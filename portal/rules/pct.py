"""PCT international application numbers (DOMAIN.md §1: the centre's PCT target).

Since 1 January 2004 WIPO numbers an international application ``PCT/CCYYYY/NNNNNN``: the
two-letter code of the receiving office, the four-digit year the application was received, and a
six-digit serial, e.g. ``PCT/CN2023/123456``. People type them in lower case, with spaces, full-width
characters (``ＰＣＴ／ＣＮ２０２３／１２３４５６``) or without the slashes; all normalise to that one form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ._text import compact
from .errors import N_, RuleError

# The four-digit year and six-digit serial came into use on 2004-01-01.
FIRST_YEAR = 2004

_FORM = re.compile(r"PCT/?([A-Z]{2})(\d{4})/?(\d{6})")
_OLD_FORM = re.compile(r"PCT/?[A-Z]{2}/?\d{2}/?\d{5}")


class InvalidPctNumber(RuleError):
    """A PCT international application number that cannot be right."""


@dataclass(frozen=True)
class PctNumber:
    """A validated PCT international application number in canonical form."""

    office: str
    year: int
    serial: str

    @property
    def canonical(self) -> str:
        return f"PCT/{self.office}{self.year}/{self.serial}"

    def __str__(self) -> str:
        return self.canonical


def parse_pct_number(text: str, *, today: date | None = None) -> PctNumber:
    """Parse and validate a PCT international application number such as ``PCT/CN2023/123456``.

    Case, spaces, full-width characters and missing slashes are forgiven. ``today`` (default: the
    current date) bounds the year. Raises :class:`InvalidPctNumber` naming the problem.
    """
    given = compact(text).replace("\\", "/")
    if not given:
        raise InvalidPctNumber(N_("Enter a PCT application number, e.g. PCT/CN2023/123456."))
    if not given.startswith("PCT"):
        raise InvalidPctNumber(N_("A PCT application number starts with PCT, e.g. PCT/CN2023/123456, not %(given)s."),
                               given=given)
    if _OLD_FORM.fullmatch(given):
        raise InvalidPctNumber(N_("%(given)s is in the form used before 2004; only applications numbered "
                                  "PCT/CCYYYY/NNNNNN (from 2004) are recorded."), given=given)
    match = _FORM.fullmatch(given)
    if match is None:
        raise InvalidPctNumber(N_("%(given)s is not a PCT application number: write it as PCT/CN2023/123456 "
                                  "(office code, four-digit year, six-digit serial)."), given=given)
    office, year, serial = match.group(1), int(match.group(2)), match.group(3)
    if year < FIRST_YEAR:
        raise InvalidPctNumber(N_("The year of a PCT application number in this form cannot be before 2004, "
                                  "not %(year)s."), year=year)
    if year > (today or date.today()).year:
        raise InvalidPctNumber(N_("The year %(year)s in this PCT application number is in the future."), year=year)
    if serial == "000000":
        raise InvalidPctNumber(N_("The serial of a PCT application number cannot be 000000."))
    return PctNumber(office=office, year=year, serial=serial)


def check_pct_filing_date(number: PctNumber, filing_date: date) -> None:
    """The international filing date falls in the year the number carries."""
    if filing_date.year != number.year:
        raise InvalidPctNumber(N_("The filing date %(day)s is not in %(year)s, the year in the number %(number)s."),
                               day=filing_date.isoformat(), year=number.year, number=number.canonical)
