"""Patent identifiers in index terms and in typed queries: application numbers and IPC symbols.

Both are matched as exact keyword terms rather than through the text analyser, so that
``ZL 2018 1 1564288.X`` finds the patent and ``A61B`` finds ``A61B 17/00`` but not ``A61F``.
An application number is indexed as its 12- or 8-digit body alone: the check character is
derived from the body, so it tells nothing apart, and a query typed with or without it (or with
a wrong one) is reduced to the same body. One term per number instead of three matters: each is
unique to its listing, and a term costs more to write than a posting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import normalise

# Written against normalised text (half-width, lower case). A check character may follow the
# 12-digit body directly ("201811564288x") or after a dot; spaces are allowed where people type
# them in the ZL form ("zl 2018 1 1564288.x"). Old 8-digit numbers need their dot and check,
# otherwise any 8-digit figure in a query would be taken for one.
_NEW_NUMBER = re.compile(
    r"(?<![0-9a-z])(?:(?:cn|zl)\s?)?(\d{4})\s?([12389])\s?(\d{7})"
    r"(?:\s?\.\s?([0-9x])|([0-9x]))?(?![0-9a-z])"
)
_OLD_NUMBER = re.compile(r"(?<![0-9a-z])(?:(?:cn|zl)\s?)?(\d{2}[123]\d{5})\s?\.\s?([0-9x])(?![0-9a-z])")
_CANONICAL = re.compile(r"^(?:cn|zl)?(\d{8}|\d{12})\.?([0-9x])?$")

_IPC_QUERY = re.compile(r"(?<![0-9a-z])([a-h]\d{2}[a-z])(?:\s?(\d{1,4})(?:\s?/\s?(\d{1,6}))?)?(?![0-9a-z/])")
_IPC_SYMBOL = re.compile(r"^([a-h]\d{2}[a-z])(?:(\d{1,4})(?:/(\d{1,6}))?)?")


@dataclass(frozen=True)
class Found:
    """An identifier recognised in query text: the index term to look up and where it was."""

    term: str
    start: int
    end: int
    prefix: bool = False


def application_number_terms(number: str) -> list[str]:
    """Index terms for one canonical application number: its body, e.g. ``201811564288.X`` →
    ``201811564288``.

    Raises ``ValueError`` if ``number`` is not shaped like an application number.
    """
    compact = re.sub(r"\s+", "", normalise(number))
    match = _CANONICAL.match(compact)
    if match is None:
        raise ValueError(f"not an application number: {number!r}")
    return [match.group(1)]


def find_application_numbers(text: str) -> list[Found]:
    """Application numbers typed in normalised ``text``, in any of the usual forms
    (``CN…``, ``ZL 2018 1 1564288.X``, no dot, lower-case check, a full-width dot after NFKC),
    each as the index term of its 12- or 8-digit body; the check character is not compared.
    """
    found = []
    for match in _NEW_NUMBER.finditer(text):
        year, kind, serial = match.groups()[:3]
        found.append(Found(f"{year}{kind}{serial}", match.start(), match.end()))
    for match in _OLD_NUMBER.finditer(text):
        found.append(Found(match.group(1), match.start(), match.end()))
    return found


def _ipc_parts(symbol: str) -> tuple[str, str | None, str | None] | None:
    compact = re.sub(r"\s+", "", normalise(symbol))
    compact = re.sub(r"\(.*\)$", "", compact)  # "A61B17/00(2006.01)": drop the IPC version
    match = _IPC_SYMBOL.match(compact)
    if match is None:
        return None
    return match.group(1), match.group(2), match.group(3)


def ipc_terms(symbol: str) -> list[str]:
    """Index terms for one IPC symbol, from the subclass down: ``A61B 17/00`` → ``a61b``,
    ``a61b17``, ``a61b17/00``. Raises ``ValueError`` for text that is not an IPC symbol.
    """
    parts = _ipc_parts(symbol)
    if parts is None:
        raise ValueError(f"not an IPC symbol: {symbol!r}")
    subclass, group, subgroup = parts
    terms = [subclass]
    if group:
        terms.append(f"{subclass}{int(group)}")
        if subgroup:
            terms.append(f"{subclass}{int(group)}/{subgroup}")
    return terms


def ipc_subclass(symbol: str) -> str | None:
    """The subclass of an IPC symbol in its display form (``A61B``), or None if malformed."""
    parts = _ipc_parts(symbol)
    return parts[0].upper() if parts else None


def ipc_query_term(text: str) -> Found | None:
    """The ipc term for a symbol typed on its own (a filter value such as ``A61B 17``)."""
    found = find_ipc_symbols(normalise(text).strip())
    return found[0] if found else None


def find_ipc_symbols(text: str) -> list[Found]:
    """IPC symbols typed in normalised ``text``. A subclass or main group is matched exactly on
    its hierarchy term; a subgroup by prefix, so ``A61B 17/34`` also finds ``A61B 17/3421``.
    """
    found = []
    for match in _IPC_QUERY.finditer(text):
        subclass, group, subgroup = match.groups()
        if group and subgroup:
            found.append(Found(f"{subclass}{int(group)}/{subgroup}", *match.span(), prefix=True))
        elif group:
            found.append(Found(f"{subclass}{int(group)}", *match.span()))
        else:
            found.append(Found(subclass, *match.span()))
    return found
