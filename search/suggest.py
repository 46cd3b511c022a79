"""Did-you-mean suggestions: replace query words the index has never seen by close indexed words."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .analysis import medical_terms, run_bigrams
from .expansion import glossary, synonyms
from .normalise import CJK_RUN, WORD_RUN, WORD_SEPARATORS

FIELDS = ("title", "body")
MAX_CANDIDATES = 8
MAX_CJK_RUN = 12


def _known_cjk(searcher: Searcher, run: str) -> bool:
    # Known if some document contains the run as a string, whatever jieba made of it.
    grams = run_bigrams(run)
    phrase = wq.Phrase("bigrams", grams) if len(grams) > 1 else wq.Term("bigrams", grams[0])
    return phrase.matcher(searcher).is_active()


def _frequency(reader: IndexReader, term: str) -> int:
    return sum(reader.doc_frequency(name, term) for name in FIELDS)


def _same_kind(candidate: str, word: str) -> bool:
    # A Chinese word is corrected into a Chinese word, a Latin word into a Latin word of at
    # least three letters (never "pd1" into "pd").
    if CJK_RUN.fullmatch(word):
        return len(candidate) > 1 and bool(CJK_RUN.fullmatch(candidate))
    return len(candidate) >= 3 and candidate.isalpha()


def _closest(reader: IndexReader, word: str, maxdist: int, prefix: int) -> str | None:
    candidates: set[str] = set()
    for distance in range(1, maxdist + 1):
        for name in FIELDS:
            candidates.update(reader.terms_within(name, word, distance, prefix=prefix))
        candidates.discard(word)
        candidates = {c for c in candidates if _same_kind(c, word)}
        if candidates:
            return max(sorted(candidates), key=lambda c: _frequency(reader, c))
    return None


def _domain_words() -> frozenset[str]:
    """Words the portal's vocabulary vouches for: the medical dictionary, the synonym groups and
    the glossary's Chinese terms. A correction into one of them keeps the meaning (晶形 → 晶型,
    not 晶体; 可穿带 → 可穿戴)."""
    global _DOMAIN
    if _DOMAIN is None:
        words = {term for term, _, _ in medical_terms()}
        words.update(synonyms())
        words.update(t for terms in glossary().values() for t in terms)
        _DOMAIN = frozenset(w for w in words if CJK_RUN.fullmatch(w))
    return _DOMAIN


_DOMAIN: frozenset[str] | None = None


def _fix_window(searcher: Searcher, reader: IndexReader, run: str) -> str | None:
    """Correct one character inside an unknown run: the longest stretch that no listing holds,
    replaced by a word of the same length, one character away, that the index holds — a word of
    the domain vocabulary first, then the most frequent. None when nothing fits."""
    domain = _domain_words()
    for size in range(min(len(run), 6), 1, -1):
        for start in range(len(run) - size + 1):
            window = run[start : start + size]
            grams = run_bigrams(window)
            if _known_cjk(searcher, window) and len(grams) > 0:
                continue
            candidates = {c for name in FIELDS for c in reader.terms_within(name, window, 1, prefix=1)}
            candidates = {c for c in candidates if len(c) == len(window) and c != window and CJK_RUN.fullmatch(c)}
            if not candidates:
                continue
            best = max(sorted(candidates), key=lambda c: (c in domain, _frequency(reader, c)))
            if best in domain or size >= 3:
                return run[:start] + best + run[start + size:]
    return None


def suggest(searcher: Searcher, text: str) -> str | None:
    """A corrected version of normalised query ``text``, or None if no word needs correcting.

    Latin words are corrected within two edits (keeping the first letter), CJK runs of two
    characters or more within one edit, each against the words indexed in title and body.
    """
    reader = searcher.reader()
    replacements: list[tuple[int, int, str]] = []
    for match in [*CJK_RUN.finditer(text), *WORD_RUN.finditer(text)][:MAX_CANDIDATES]:
        word = match.group()
        if CJK_RUN.fullmatch(word):
            if len(word) < 2 or _known_cjk(searcher, word):
                continue
            # Keeping the first character makes this a bounded walk of the term list instead of
            # a scan of all of it (~0.4 s on 3,600 abstracts); typos there are missed.
            better = _fix_window(searcher, reader, word) if len(word) <= MAX_CJK_RUN else None
            if better is None and len(word) <= MAX_CJK_RUN:
                better = _closest(reader, word, 1, prefix=1)
        else:
            # Only plain words: identifiers such as pd1, a61b or covid19 are not misspellings.
            word = "".join(WORD_SEPARATORS.split(word))
            if len(word) < 3 or not word.isalpha() or _frequency(reader, word):
                continue
            better = _closest(reader, word, 2 if len(word) >= 5 else 1, prefix=1)
        if better:
            replacements.append((match.start(), match.end(), better))
    if not replacements:
        return None
    out, cursor = [], 0
    for start, end, better in sorted(replacements):
        if start < cursor:
            continue
        out.extend([text[cursor:start], better])
        cursor = end
    out.append(text[cursor:])
    return " ".join("".join(out).split())
