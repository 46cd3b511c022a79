"""HTML snippets with the query's matches wrapped in ``<mark>``.

Matching is done on normalised text (so a simplified query marks traditional characters and
``pd1`` marks ``PD-1``) and mapped back to the original characters. Everything outside the
``<mark>`` tags is HTML-escaped, and so is the text inside them: a listing may contain ``<``.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from .normalise import normalise_towards, normalise_with_offsets, original_span

SNIPPET_CHARS = 120
CONTEXT_BEFORE = 20
MAX_MATCHES = 200
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")  # a snippet is one line


def needle_pattern(cjk: Iterable[str], latin: Iterable[str]) -> re.Pattern[str] | None:
    """One regular expression for everything worth marking, longest alternatives first."""
    alternatives = {re.escape(s): len(s) for s in cjk if s}
    for term in latin:
        if not term:
            continue
        # Latin terms are matched whole, and joined forms tolerate the separators they lost.
        body = "[-_./+ ]?".join(re.escape(ch) for ch in term)
        alternatives[rf"(?<![a-z0-9]){body}(?![a-z0-9])"] = len(term)
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=lambda pattern: -alternatives[pattern])
    return re.compile("|".join(ordered))


@functools.lru_cache(maxsize=256)
def _needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character ``pattern`` (made by :func:`needle_pattern`) can test for besides ASCII
    ones: the characters of its source, a superset. None for a pattern that may compare characters
    any other way (ignoring case), which is matched on the fully normalised text."""
    return None if pattern.flags & re.IGNORECASE else frozenset(pattern.pattern)


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    # Only the pieces of text whose traditional → simplified conversion could change a match are
    # converted (normalise_towards): the spans are those of the fully normalised text.
    needles = _needles(pattern)
    normalised, offsets = normalise_with_offsets(text) if needles is None else normalise_towards(text, needles)
    spans: list[tuple[int, int, str]] = []
    for match in pattern.finditer(normalised):
        if match.end() == match.start():
            continue
        start, end = original_span(offsets, match.start(), match.end())
        if spans and start <= spans[-1][1]:  # adjacent pieces (冠状动脉|支架) become one mark
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]), spans[-1][2] + match.group())
        else:
            spans.append((start, end, match.group()))
        if len(spans) >= MAX_MATCHES:
            break
    return spans


def _window(spans: list[tuple[int, int, str]], length: int, width: int) -> tuple[int, int]:
    # The window that shows the most distinct matched strings; earliest wins a tie.
    best, best_score = 0, -1
    for i, (start, _, _) in enumerate(spans):
        seen = {text for s, _, text in spans[i:] if s < start + width - CONTEXT_BEFORE}
        if len(seen) > best_score:
            best, best_score = i, len(seen)
    begin = max(0, spans[best][0] - CONTEXT_BEFORE)
    end = min(length, begin + width)
    return max(0, min(begin, end - width)), end


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> str | None:
    """An escaped excerpt of ``text`` around its best matches, or None if nothing matches."""
    if not text or pattern is None:
        return None
    spans = _spans(text, pattern)
    if not spans:
        return None
    begin, end = _window(spans, len(text), width)
    out = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop, _ in spans:
        start, stop = max(start, begin), min(stop, end)
        if start >= stop or start < cursor:
            continue
        out.append(_escape(text[cursor:start]))
        out.append(f"<mark>{_escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(_escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def plain(text: str, width: int = SNIPPET_CHARS) -> str:
    """The escaped start of ``text``, for results whose match is not in the words themselves."""
    text = text or ""
    return _escape(text[:width]) + ("…" if len(text) > width else "")


def _escape(text: str) -> str:
    return html.escape(_LINE_BREAKS.sub(" ", text), quote=True)
