"""Text normalisation shared by indexing, querying and highlighting.

Every piece of text goes through the same steps before it is segmented, so that a query typed in
traditional characters, with full-width letters or in capitals meets the same terms as the
documents: full-width → half-width (NFKC), Latin lower-cased, traditional → simplified (OpenCC
``t2s``). The normalised text keeps a map back to the original offsets so that highlights can mark
the characters the user actually sees.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from collections.abc import Iterable

import opencc

# CJK ideographs: unified, extension A, compatibility. Other scripts are treated like Latin
# (runs of letters and digits), which is what a user expects of Greek letters in "β-内酰胺".
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
# Letters and digits of any script except CJK, joined by the separators people put inside
# identifiers (PD-1, 17/00, 2.5, COVID_19). ``[^\W_]`` is "alphanumeric" in Python's re.
WORD_RUN = re.compile(rf"(?:(?![{CJK_CHARS}])[^\W_])+(?:[-_./+](?:(?![{CJK_CHARS}])[^\W_])+)*")
WORD_SEPARATORS = re.compile(r"[-_./+]")
# Hyphens that NFKC leaves alone (ZSM‑5 with U+2011, 5–10 with an en dash, a minus sign) become
# ASCII ones, one character for one, so identifiers match however they were typeset. Em dashes
# (——, Chinese punctuation) stay.
_DASH_CHARS = "\u2010\u2011\u2012\u2013\u2043\u2212"
DASHES = str.maketrans(dict.fromkeys(_DASH_CHARS, "-"))
# The ideographic space and the full-width forms of ASCII, each with its NFKD decomposition.
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")
_FULL_WIDTH_DECOMPOSED = {chr(c): unicodedata.normalize("NFKD", chr(c)) for c in (0x3000, *range(0xFF01, 0xFF5F))}

_converter: opencc.OpenCC | None = None
_triggers: frozenset[str] | None = None
# For each character: one key character of every conversion rule that could produce or remove it
# (the rule changes its key and the character is in the key or in the rule's result), and under ""
# those of rules whose result differs in length or holds ASCII (none in today's dictionaries).
_makers: dict[str, frozenset[str]] | None = None
_lock = threading.Lock()


def _load_converter() -> tuple[opencc.OpenCC, frozenset[str] | None]:
    """Create the t2s converter once and work out which characters can change under it.

    The pure-Python converter costs ~3 µs a character; nearly all of our text is already
    simplified, so we only run it on text that contains a character it could change. The set is
    read from the package's own dictionaries; if they cannot be found we convert everything.
    """
    global _converter, _triggers
    if _converter is None:
        with _lock:
            if _converter is None:
                _triggers = _changing_characters()
                _converter = opencc.OpenCC("t2s")
    return _converter, _triggers


def _rules() -> list[tuple[str, str]] | None:
    """Every t2s rule as (key, result): the converter's own dictionaries, and its own choice of the
    first result when a rule lists several. None if the dictionaries cannot be found."""
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    rules: list[tuple[str, str]] = []
    try:
        for name in ("TSCharacters.txt", "TSPhrases.txt"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                for line in handle:
                    source, _, targets = line.strip().partition("\t")
                    rules.append((source, targets.split(" ")[0]))
    except OSError:
        return None
    return rules


def _changing_characters() -> frozenset[str] | None:
    rules = _rules()
    if rules is None:
        return None
    chars: set[str] = set()
    for source, target in rules:
        if len(source) != len(target):
            chars.update(source)
        else:
            chars.update(s for s, t in zip(source, target, strict=True) if s != t)
    return frozenset(chars)


def _load_makers() -> dict[str, frozenset[str]] | None:
    global _makers
    if _makers is None:
        rules = _rules()
        if rules is None:
            return None
        makers: dict[str, set[str]] = {}
        for source, target in rules:
            if source == target:
                continue
            odd = len(source) != len(target) or any(c.isascii() for c in source + target)
            # A rule matches only where its whole key stands, so a run without one of its key
            # characters cannot be changed by it: that character stands for the rule — one the
            # rule changes, rarer in simplified text than the ones it keeps (發 of 發明).
            witness = source[0] if odd else next(a for a, b in zip(source, target, strict=True) if a != b)
            for ch in ("",) if odd else set(source + target):
                makers.setdefault(ch, set()).add(witness)
        _makers = {ch: frozenset(keys) for ch, keys in makers.items()}
    return _makers


@functools.lru_cache(maxsize=1024)
def _could_matter(chars: frozenset[str]) -> frozenset[str] | None:
    """Characters one of which a CJK run must hold for its conversion to possibly put a character
    of ``chars`` where there was none, or take one away; None: every run may (no dictionaries)."""
    makers = _load_makers()
    if makers is None:
        return None
    found = set(makers.get("", ()))
    for ch in chars:
        found.update(makers.get(ch, ()))
    return frozenset(found)


def to_simplified(text: str, only: frozenset[str] | None = None) -> str:
    """Convert traditional characters to simplified ones; other text is returned unchanged.

    Only the CJK runs that contain a convertible character go through the converter: simplified
    text often contains one (覆 of 覆盖 is also traditional in 反覆), and converting a whole
    abstract for it costs tens of milliseconds. The result always has the length of ``text``.
    With ``only``, a run none of whose characters is in ``only`` is left as it is, too.
    """
    converter, triggers = _load_converter()
    if only is not None and not _holds_any(only, text) or triggers is not None and triggers.isdisjoint(text):
        return text
    pieces, cursor = [], 0
    for match in CJK_RUN.finditer(text):
        run = match.group()
        if triggers is not None and triggers.isdisjoint(run) or only is not None and only.isdisjoint(run):
            continue
        converted = converter.convert(run)
        if len(converted) != len(run):
            # A phrase rule changed the length; convert character by character instead so
            # that offsets stay aligned.
            converted = "".join(c if len(c) == 1 else ch for ch, c in ((ch, converter.convert(ch)) for ch in run))
        pieces.extend([text[cursor : match.start()], converted])
        cursor = match.end()
    pieces.append(text[cursor:])
    return "".join(pieces)


def unchanging(run: str) -> bool:
    """Whether normalising cannot change ``run`` (CJK ideographs none of which traditional →
    simplified conversion touches), wherever it stands in a text."""
    _, triggers = _load_converter()
    return triggers is not None and CJK_RUN.fullmatch(run) is not None and triggers.isdisjoint(run) and \
        all(not "\uf900" <= ch <= "\ufaff" for ch in run)


def normalise(text: str) -> str:
    """Return ``text`` half-width (NFKC), lower-cased and in simplified characters."""
    return normalise_with_offsets(text)[0]


def normalise_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Normalise ``text`` and return ``(normalised, offsets)``.

    ``offsets[i]`` is the index in ``text`` of the character that produced ``normalised[i]``,
    with one extra entry equal to ``len(text)``; ``None`` means the two strings align one to one
    (the usual case: full-width punctuation and capitals do not change the length).
    """
    folded, offsets = _folded(text)
    return to_simplified(folded), offsets


def _holds_any(chars: frozenset[str], text: str) -> bool:
    # A few substring searches beat hashing every character of the text.
    return any(ch in text for ch in chars) if len(chars) <= 8 else not chars.isdisjoint(text)


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, in a fifth of the time for the usual text.

    Chinese text holds full-width punctuation (，：；（）), which NFKC decomposes to one ASCII
    character each. Replacing those by their decompositions first leaves the text's full
    decomposition — and so its NFKC form — as it was; if the result is then already in NFKC, it
    is the answer. Otherwise (other compatibility characters, combining marks) NFKC runs as before.
    """
    half = _FULL_WIDTH.sub(_half_width, text)
    return half if unicodedata.is_normalized("NFKC", half) else unicodedata.normalize("NFKC", text)


def _half_width(match: re.Match[str]) -> str:
    return _FULL_WIDTH_DECOMPOSED[match.group()]


def _folded(text: str) -> tuple[str, list[int] | None]:
    # Half-width, lower-cased, ASCII hyphens; with the offsets map when the length changed.
    folded = _nfkc(text).lower()
    if any(dash in folded for dash in _DASH_CHARS):
        folded = folded.translate(DASHES)
    if len(folded) == len(text):
        return folded, None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        piece = unicodedata.normalize("NFKC", ch).lower().translate(DASHES)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    offsets.append(len(text))
    return "".join(pieces), offsets


def normalise_towards(text: str, chars: Iterable[str]) -> tuple[str, list[int] | None]:
    """``normalise_with_offsets(text)`` as far as anything looking for the characters ``chars``
    can tell, without converting what cannot matter to it.

    Every character of the result is the fully normalised one, except in CJK runs whose
    traditional → simplified conversion could neither put one of ``chars`` anywhere nor take one
    away: those are left as NFKC and lower-casing made them. The conversion replaces each piece of
    a run that is a rule's key with the rule's result and leaves the rest alone. A run lacking a
    key character of every rule that has one of ``chars`` in its key or its result (and of every
    rule whose result differs in length or holds ASCII: none today) is changed by none of those
    rules, so it differs from its conversion only where both hold a character not in ``chars``.
    So every occurrence of a string of ``chars`` — and every match of a pattern that tests
    characters only for being one of ``chars`` or being ASCII, as the highlights' needles do — is
    the same in both, at the same offsets.
    """
    folded, offsets = _folded(text)
    return to_simplified(folded, _could_matter(frozenset(chars))), offsets


def original_span(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of normalised text back to the original text."""
    if offsets is None:
        return start, end
    if start >= len(offsets) - 1:
        return offsets[-1], offsets[-1]
    last = offsets[end - 1] + 1 if end > start else offsets[start]
    return offsets[start], max(last, offsets[start])


def sanitise(text: object, limit: int) -> str:
    """Make arbitrary user input safe to analyse: a string of at most ``limit`` characters with
    control, format, private-use and surrogate characters (category C*) replaced by spaces.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[: limit * 2]
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return cleaned[:limit]
