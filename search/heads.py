"""What a listing *is*, as opposed to what it mentions: its title and the first sentence of its text.

A patent abstract, like most listings, says in its first sentence what the invention is (本发明公开了
一种X…); the rest describes parts, steps, uses and what it is used with. A need's title says what the
SME needs, so a listing whose head has the title's concepts is more likely to answer it than one that
mentions them further down (a cleaning agent for surgical instruments, a construction method that
pours concrete at step eight). :func:`holds_in` decides whether a concept of a parsed query
(:attr:`search.query.ParsedQuery.covers`) holds in such a short text without an index.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from .normalise import normalise

# The first sentence ends at a full stop; a sentence that runs on is cut here.
HEAD_CHARS = 50
_SENTENCE_END = re.compile(r"[。！？!?]|\.(?:\s|$)")
# Fields whose terms are words of the text (a substring test stands for them in a head).
_WORD_FIELDS = frozenset({"title", "body", "labels", "english"})
_BIGRAM_FIELDS = frozenset({"bigrams", "label_bigrams"})
_LATIN = re.compile(r"[a-z0-9]")


def head_text(stored: dict) -> str:
    """The listing's title and the first sentence of its body, normalised."""
    body = stored.get("body") or ""
    end = _SENTENCE_END.search(body)
    first = body[:end.start() if end else len(body)][:HEAD_CHARS]
    return normalise(f"{stored.get('title') or ''}\n{first}")


def _phrase_string(words: list[str]) -> str:
    """The string a phrase of overlapping bigrams (锂电, 电池) spells (锂电池)."""
    return words[0] + "".join(w[-1] for w in words[1:])


def holds_in(query: wq.Query, text: str) -> bool:
    """Whether a concept's query holds in ``text`` (normalised): its words or strings occur there.
    Only the kinds of query a parsed concept is made of are understood; anything else does not hold."""
    if isinstance(query, wq.And):
        return all(holds_in(q, text) for q in query.subqueries)
    if isinstance(query, wq.Or):
        return any(holds_in(q, text) for q in query.subqueries)
    if isinstance(query, wq.Phrase):
        return bool(query.words) and _phrase_string(list(query.words)) in text
    if isinstance(query, (wq.Term, wq.FuzzyTerm, wq.Prefix)):
        value = query.text if isinstance(query.text, str) else ""
        if not value:
            return False
        if query.fieldname in _BIGRAM_FIELDS or (query.fieldname in _WORD_FIELDS and not _LATIN.match(value)):
            return value in text
        if query.fieldname in _WORD_FIELDS:  # a Latin word (or its stem) starts a word: ct is not in function
            return re.search(rf"(?<![a-z0-9]){re.escape(value)}", text) is not None
    return False
