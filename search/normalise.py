"""Text normalisation shared by indexing, querying and highlighting.

Every piece of text goes through the same steps before it is segmented, so that a query typed in
traditional characters, with full-width letters or in capitals meets the same terms as the
documents: full-width → half-width (NFKC), Latin lower-cased, traditional → simplified (OpenCC
``t2s``). The normalised text keeps a map back to the original offsets so that highlights can mark
the characters the user actually sees.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata

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
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2043\u2212", "-"))

_converter: opencc.OpenCC | None = None
_triggers: frozenset[str] | None = None
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


def _changing_characters() -> frozenset[str] | None:
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    chars: set[str] = set()
    try:
        for name in ("TSCharacters.txt", "TSPhrases.txt"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                for line in handle:
                    source, _, targets = line.rstrip("\n").partition("\t")
                    target = targets.split(" ")[0]
                    if len(source) != len(target):
                        chars.update(source)
                    else:
                        chars.update(s for s, t in zip(source, target, strict=True) if s != t)
    except OSError:
        return None
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones; other text is returned unchanged.

    Only the CJK runs that contain a convertible character go through the converter: simplified
    text often contains one (覆 of 覆盖 is also traditional in 反覆), and converting a whole
    abstract for it costs tens of milliseconds. The result always has the length of ``text``.
    """
    converter, triggers = _load_converter()
    if triggers is not None and triggers.isdisjoint(text):
        return text
    pieces, cursor = [], 0
    for match in CJK_RUN.finditer(text):
        run = match.group()
        if triggers is not None and triggers.isdisjoint(run):
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
    folded = unicodedata.normalize("NFKC", text).lower().translate(DASHES)
    if len(folded) == len(text):
        return to_simplified(folded), None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        piece = unicodedata.normalize("NFKC", ch).lower().translate(DASHES)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    offsets.append(len(text))
    return to_simplified("".join(pieces)), offsets


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
