"""Query-time vocabulary: an English → Chinese glossary and Chinese synonym groups.

Both live in the repository's ``data/`` folder (``SEARCH_DATA_DIR`` overrides it), with their
source and licence. They widen a query, never an index: a listing is indexed under its own words,
and a query word also looks for its glossary translations or synonyms, at a lower weight than the
words typed (``search.query``), so the listings that say what was typed still come first.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from whoosh.lang.porter import stem

from .normalise import normalise

MAX_PHRASE_WORDS = 4
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def data_dir() -> Path:
    return Path(os.environ.get("SEARCH_DATA_DIR") or Path(__file__).resolve().parents[1] / "data")


def _lines(name: str) -> list[str]:
    path = data_dir() / name
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def english_key(text: str) -> str:
    """The lookup form of English words: lower case, hyphens as spaces, each word stemmed."""
    return " ".join(stem(w) for w in normalise(text).replace("-", " ").split())


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English key (see :func:`english_key`) → normalised Chinese terms."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _lines("glossary_en_zh.tsv"):
        english, _, chinese = line.partition("\t")
        terms = tuple(dict.fromkeys(normalise(t.strip()) for t in chinese.split("|") if t.strip()))
        if english.strip() and terms:
            key = english_key(english)
            table[key] = tuple(dict.fromkeys([*table.get(key, ()), *terms]))
    return table


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Normalised word → the other words of every group it belongs to."""
    table: dict[str, list[str]] = {}
    for line in _lines("synonyms_zh.tsv"):
        group = list(dict.fromkeys(normalise(t.strip()) for t in line.split("|") if t.strip()))
        for word in group:
            table.setdefault(word, []).extend(w for w in group if w != word)
    return {word: tuple(dict.fromkeys(others)) for word, others in table.items()}


@lru_cache(maxsize=1)
def _glossary_words() -> frozenset[str]:
    return frozenset(w for key in glossary() for w in key.split())


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:] or (len(a) == len(b) and a[i + 1:] == b[i + 1:])


def _glossary_word(key: str) -> str:
    """``key`` (a stemmed word), or the glossary's word one letter away when only that one is
    known (lithum → lithium); words under five letters are taken as typed."""
    known = _glossary_words()
    if key in known or len(key) < 5:
        return key
    close = sorted(w for w in known if w[0] == key[0] and _one_edit(w, key))
    return close[0] if len(close) == 1 else key


def english_phrases(words: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Glossary entries found in a sequence of English words, longest first and not overlapping:
    ``(first word, end word, Chinese terms)``. A word one letter away from a single glossary word
    is read as that word."""
    keys = [_glossary_word(english_key(w)) for w in words]
    table = glossary()
    found, i = [], 0
    while i < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            terms = table.get(" ".join(keys[i : i + size]))
            if terms:
                found.append((i, i + size, terms))
                i += size
                break
        else:
            i += 1
    return found


def synonym_spans(run: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Synonym groups found in a CJK run, longest first and not overlapping:
    ``(start, end, the other words of the group)``."""
    table = synonyms()
    if not table:
        return []
    longest = max(map(len, table))
    found, taken = [], [False] * len(run)
    # A single character is a synonym only when typed alone (癌), never inside a longer word (肺癌).
    for size in range(min(longest, len(run)), 0 if len(run) == 1 else 1, -1):
        for start in range(len(run) - size + 1):
            piece = run[start : start + size]
            if piece in table and not any(taken[start : start + size]):
                found.append((start, start + size, table[piece]))
                taken[start : start + size] = [True] * size
    return sorted(found)


def latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(text)


@lru_cache(maxsize=1)
def _latin_keys() -> re.Pattern[str] | None:
    keys = sorted((k for k in synonyms() if re.search(r"[a-z0-9]", k)), key=len, reverse=True)
    if not keys:
        return None
    return re.compile("|".join(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])" for k in keys))


def latin_synonyms(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Synonym-group words written with Latin letters or digits (ct, b超, 3d打印) found in
    normalised ``text``: ``(start, end, word, the other words of its groups)``."""
    pattern = _latin_keys()
    if pattern is None:
        return []
    table = synonyms()
    return [(m.start(), m.end(), m.group(), table[m.group()]) for m in pattern.finditer(text)]
