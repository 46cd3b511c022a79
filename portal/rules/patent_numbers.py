"""Chinese patent application and publication numbers (DOMAIN.md §2).

Application numbers follow ZC 0006-2003 (12 digits + check, from
2003-10-01) or the older 8-digit form.  People type them with CN/ZL
prefixes, spaces, full-width characters or no dot; everything is normalised
to one canonical string, so the same patent is never stored twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from ._text import compact
from .errors import N_, RuleError


class InvalidPatentNumber(RuleError):
    """An application or publication number that cannot be right."""


# Type digit T -> kind.  8 and 9 are PCT applications entering the Chinese
# national phase; the patent they lead to is an invention / utility model.
_KIND_BY_DIGIT = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "pct_invention",
    "9": "pct_utility_model",
}

PATENT_KINDS = MappingProxyType(
    {
        "invention": ("发明", "Invention"),
        "utility_model": ("实用新型", "Utility model"),
        "design": ("外观设计", "Design"),
        "pct_invention": ("PCT发明", "PCT invention"),
        "pct_utility_model": ("PCT实用新型", "PCT utility model"),
    }
)
"""Patent kind key -> (zh label, en label), in display order."""

_NEW_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_OLD_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)

# The 12-digit format came into force on 2003-10-01.
_NEW_FORMAT_FIRST_YEAR = 2003
# 1985-88 numbers were issued without a check digit.
_LAST_YEAR_WITHOUT_CHECK = 1988


@dataclass(frozen=True)
class ApplicationNumber:
    """A validated application number (申请号) in canonical form."""

    canonical: str
    year: int
    kind: str
    serial: str
    check: str | None

    @property
    def patent_number(self) -> str:
        """The granted patent number (专利号): ``ZL`` + the application number."""
        return "ZL" + self.canonical

    @property
    def is_pct(self) -> bool:
        """True for a PCT application that entered the Chinese national phase."""
        return self.kind.startswith("pct_")

    def __str__(self) -> str:
        return self.canonical


def application_check_character(body: str) -> str:
    """Return the check character for a 12-digit (new) or 8-digit (old) body.

    Weighted sum mod 11 with weights 2,3,4,5,6,7,8,9,2,3,4,5 (new) or
    2..9 (old); a remainder of 10 is written ``X``.
    """
    if not (isinstance(body, str) and body.isascii() and body.isdigit()):
        raise InvalidPatentNumber(
            N_("The body of an application number is made of digits only, not %(given)s."),
            given=body,
        )
    if len(body) == 12:
        weights = _NEW_WEIGHTS
    elif len(body) == 8:
        weights = _OLD_WEIGHTS
    else:
        raise InvalidPatentNumber(
            N_("The body of an application number has 12 digits (8 before October 2003), "
               "not %(count)s."),
            count=len(body),
        )
    remainder = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def parse_application_number(text: str, *, today: date | None = None) -> ApplicationNumber:
    """Parse and validate an application number typed by a person.

    Accepts a ``CN`` or ``ZL`` prefix in any case, spaces anywhere,
    full-width digits and dots (also the ideographic full stop ``。`` a
    Chinese input method gives for ``.``), no dot, and a lower-case ``x``.
    ``today`` (default: the current date) bounds the plausible filing year.
    Raises :class:`InvalidPatentNumber` with a message naming the problem.
    """
    given = compact(text).replace("。", ".")
    if not given:
        raise InvalidPatentNumber(N_("Enter an application number."))
    if given[:2] in ("CN", "ZL"):
        given = given[2:]
        if not given:
            raise InvalidPatentNumber(N_("The application number is missing after the prefix."))

    body, check = _split_check(given)
    for char in body:
        if not ("0" <= char <= "9"):
            raise InvalidPatentNumber(
                N_("%(char)s is not allowed in an application number: it is digits, "
                   "a dot and a check character (a digit or X)."),
                char=char,
            )
    if check and check not in "0123456789X":
        raise InvalidPatentNumber(
            N_("The check character must be a digit or X, not %(given)s."), given=check
        )
    if len(body) == 12:
        return _parse_new(body, check, today or date.today())
    if len(body) == 8:
        return _parse_old(body, check)
    raise InvalidPatentNumber(
        N_("An application number has 12 digits (8 before October 2003) before the check "
           "character, but %(given)s has %(count)s."),
        given=body,
        count=len(body),
    )


def _split_check(given: str) -> tuple[str, str]:
    """Split into (body, check character or '')."""
    body, dot, check = given.partition(".")
    if dot:
        if not check:
            raise InvalidPatentNumber(N_("The check character after the dot is missing."))
        if len(check) != 1:
            raise InvalidPatentNumber(
                N_("Only one check character may follow the dot, not %(given)s."), given=check
            )
        return body, check
    # Without a dot, the length tells whether the last character is the check:
    # 13 = 12 + check, 9 = 8 + check; 12 and 8 are bodies without one.
    if len(given) in (13, 9):
        return given[:-1], given[-1]
    return given, ""


def _kind(digit: str) -> str:
    try:
        return _KIND_BY_DIGIT[digit]
    except KeyError:
        raise InvalidPatentNumber(
            N_("The type digit (after the year) must be 1, 2, 3, 8 or 9, not %(given)s."),
            given=digit,
        ) from None


def _verify_check(body: str, check: str) -> str:
    expected = application_check_character(body)
    if not check:
        raise InvalidPatentNumber(
            N_("The check character is missing; for %(body)s it would be %(expected)s."),
            body=body,
            expected=expected,
        )
    if check != expected:
        raise InvalidPatentNumber(
            N_("The check character should be %(expected)s, not %(given)s."),
            expected=expected,
            given=check,
        )
    return check


def _parse_new(body: str, check: str, today: date) -> ApplicationNumber:
    year = int(body[:4])
    if year < _NEW_FORMAT_FIRST_YEAR:
        raise InvalidPatentNumber(
            N_("The 12-digit application number began in 2003, so its year cannot be %(year)s."),
            year=year,
        )
    # One year of slack: a number filed on 1 January may meet a server clock
    # (or a reader) still in the old year.
    if year > today.year + 1:
        raise InvalidPatentNumber(
            N_("The filing year %(year)s in this application number is in the future."),
            year=year,
        )
    kind = _kind(body[4])
    check = _verify_check(body, check)
    return ApplicationNumber(f"{body}.{check}", year, kind, body[5:], check)


def _parse_old(body: str, check: str) -> ApplicationNumber:
    two_digits = int(body[:2])
    # The old format ran from 1985 until October 2003, so 85-99 and 00-03
    # are the only possible years.
    if two_digits >= 85:
        year = 1900 + two_digits
    elif two_digits <= 3:
        year = 2000 + two_digits
    else:
        raise InvalidPatentNumber(
            N_("An 8-digit application number is from 1985 to 2003, so it cannot begin "
               "with %(given)s."),
            given=body[:2],
        )
    kind = _kind(body[2])
    if year <= _LAST_YEAR_WITHOUT_CHECK:
        # Issued without a check digit.  A typed one is still verified (it
        # catches typos), but dropped so each patent has one canonical form.
        if check:
            _verify_check(body, check)
        return ApplicationNumber(body, year, kind, body[3:], None)
    check = _verify_check(body, check)
    return ApplicationNumber(f"{body}.{check}", year, kind, body[3:], check)


# --- publication and grant numbers -------------------------------------------

_DOCUMENT_TYPE_BY_LETTER = {
    "A": "application_publication",
    "B": "granted_invention",
    "C": "granted_invention",
    "U": "utility_model",
    "Y": "utility_model",
    "S": "design",
}

_KIND_CODE = re.compile(r"A[89]?|B[89]?|C[1-7]|U[89]?|Y[1-7]|S[1-9]?")
_PUBLICATION = re.compile(r"(\d+)([A-Z]\d?)")


@dataclass(frozen=True)
class PublicationNumber:
    """A validated publication or grant number (公开号 / 公告号)."""

    canonical: str
    number: str
    kind_code: str
    document_type: str

    def __str__(self) -> str:
        return self.canonical


def parse_publication_number(text: str) -> PublicationNumber:
    """Parse ``CN`` + 7-9 digits + kind code, e.g. ``CN112345678A``.

    Spaces, full-width characters and lower case are accepted; the ``CN``
    prefix may be left out.  Kind codes: A, B, U, S, A8/A9, B8/B9, C1-C7,
    U8/U9, Y1-Y7, S1-S9.  There is no check digit.
    """
    given = compact(text)
    if not given:
        raise InvalidPatentNumber(N_("Enter a publication number."))
    if given.startswith("CN"):
        given = given[2:]
    match = _PUBLICATION.fullmatch(given)
    if match is None:
        raise InvalidPatentNumber(
            N_("%(given)s is not a publication number: expected CN, 7 to 9 digits and a kind "
               "code, as in CN112345678A."),
            given=compact(text),
        )
    number, kind_code = match.groups()
    if not 7 <= len(number) <= 9:
        raise InvalidPatentNumber(
            N_("A publication number has 7 to 9 digits, not %(count)s."), count=len(number)
        )
    if not _KIND_CODE.fullmatch(kind_code):
        raise InvalidPatentNumber(
            N_("%(kind)s is not a Chinese kind code; expected A, B, U, S, A8, A9, B8, B9, "
               "C1-C7, U8, U9, Y1-Y7 or S1-S9."),
            kind=kind_code,
        )
    return PublicationNumber(
        f"CN{number}{kind_code}", number, kind_code, _DOCUMENT_TYPE_BY_LETTER[kind_code[0]]
    )
