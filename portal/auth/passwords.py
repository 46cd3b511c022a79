"""Password policy: long enough, not a common or easily guessed password, no composition rules.

Follows NIST SP 800-63B: length and a blocklist work; forced character classes do not.
The blocklist is zxcvbn's 30,000 most common passwords plus patterns common in China, matched
whatever the case. Beyond it, zxcvbn's estimate rejects what an attacker would try in the first
million guesses: those passwords changed a little (``Woaini1314!``, ``PaSsWoRd``), words and
names with digits or a year, dates, keyboard walks, sequences and repeats.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 128
# zxcvbn's scores: 0 under 10^3 guesses, 1 under 10^6, 2 under 10^8 (…). Every entry of its
# password list of 8 characters or more scores 0 or 1.
MIN_SCORE = 2

# Common in Chinese leaks and absent from zxcvbn's English-centred list.
_CHINESE_COMMON = {
    "woaini1314", "woaini520", "5201314", "52013145201314", "1314520", "qq123456", "qq5201314",
    "aa123456", "a123456789", "zhang123", "wang123456", "li123456", "iloveyou1314", "88888888",
    "66666666", "admin123", "abc123456", "123456abc", "password123", "p@ssw0rd", "1qaz2wsx",
    "qwe123456", "123qwe123", "asd123456", "zxcvbnm123", "shanghai", "shanghai123", "beijing123",
}
# The same words as zxcvbn "user inputs": an extra dictionary, so their variants score low too.
# zxcvbn keeps the user inputs in a module-level dictionary that every call replaces; passing
# the same constant list from every thread keeps that harmless.
_EXTRA_WORDS = tuple(sorted(_CHINESE_COMMON))


@lru_cache(maxsize=1)
def _blocklist() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _CHINESE_COMMON


def _easily_guessed(password: str) -> bool:
    from zxcvbn import zxcvbn

    return zxcvbn(password, user_inputs=list(_EXTRA_WORDS), max_length=MAX_LENGTH)["score"] < MIN_SCORE


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Messages (in the user's language) for everything wrong with ``password``; empty = fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _blocklist() or len(set(password)) <= 2:
        problems.append(_("This password is one of the most common ones; choose another."))
    elif email and lowered in {email.lower(), email.split("@")[0].lower()}:
        problems.append(_("The password must not be your e-mail address."))
    elif MIN_LENGTH <= len(password) <= MAX_LENGTH and _easily_guessed(password):
        # Estimated only for a password of an allowed length: a short one already has its message.
        problems.append(_("This password is one of the most common ones; choose another."))
    return problems
