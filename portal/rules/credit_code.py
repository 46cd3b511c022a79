"""Unified social credit code (统一社会信用代码, GB 32100-2015), DOMAIN.md §5.

18 characters: registration authority (1), entity type (1), region code
(6 digits), organisation code (9), check character (1).  The character set
is the digits and the capital letters without I, O, Z, S and V.
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from ._text import compact
from .errors import N_, RuleError


class InvalidCreditCode(RuleError):
    """Text that is not a valid unified social credit code."""


_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Registration authorities written as letters (A: central military
# establishment office, N: agriculture, Y: other).  python-stdnum wants a
# digit in first place and so rejects these valid codes.
_LETTER_AUTHORITIES = "ANY"


def credit_code_check_character(body: str) -> str:
    """Return the check character for the first 17 characters of a code.

    GB 32100: weighted sum of the character values (their index in
    ``0123456789ABCDEFGHJKLMNPQRTUWXY``) with weights 3**i mod 31; the check
    is the character of value ``(31 - sum % 31) % 31``.
    """
    if len(body) != 17 or any(char not in _ALPHABET for char in body):
        raise InvalidCreditCode(
            N_("%(given)s is not the 17-character body of a unified social credit code."),
            given=body,
        )
    total = sum(_ALPHABET.index(char) * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(text: str) -> str:
    """Validate a unified social credit code and return its canonical form.

    Spaces are removed, letters upper-cased and full-width characters made
    half-width.  Raises :class:`InvalidCreditCode` saying what is wrong:
    empty, characters not allowed, length, layout, or the check character
    (naming the one it should be).
    """
    code = compact(text)
    if not code:
        raise InvalidCreditCode(N_("Enter the unified social credit code."))
    for char in code:
        if char not in _ALPHABET:
            raise InvalidCreditCode(
                N_("%(char)s is not allowed in a unified social credit code: it uses digits "
                   "and capital letters except I, O, Z, S and V."),
                char=char,
            )
    if len(code) != 18:
        raise InvalidCreditCode(
            N_("A unified social credit code has 18 characters, not %(count)s."),
            count=len(code),
        )
    authority = code[0]
    if not (authority.isdigit() or authority in _LETTER_AUTHORITIES):
        raise InvalidCreditCode(
            N_("The first character (registration authority) must be a digit or A, N or Y, "
               "not %(given)s."),
            given=authority,
        )
    if not code[1:8].isdigit():
        raise InvalidCreditCode(
            N_("Characters 2 to 8 (entity type and region code) must be digits, not %(given)s."),
            given=code[1:8],
        )
    expected = credit_code_check_character(code[:17])
    if authority.isdigit():
        # python-stdnum is the reference implementation for ordinary codes.
        try:
            return uscc.validate(code)
        except stdnum_errors.InvalidChecksum:
            pass
    elif code[17] == expected:
        return code
    raise InvalidCreditCode(
        N_("The check character should be %(expected)s, not %(given)s."),
        expected=expected,
        given=code[17],
    )
