"""What a rebuild indexes for one field value: each term with its frequency and encoded value.

:class:`search.bulk.SegmentBuilder` calls these instead of Whoosh's ``field.index`` for the fields
that make nearly all postings. Each returns ``(terms, frequencies, encoded values, length)`` —
three parallel sequences and the field's length (the sum of the frequencies) — exactly what
``field.index`` would give for the value, but computed for the whole value at once: a text is
normalised once, jieba is called once per text (:func:`search.analysis.term_counts`), a text's
bigrams are made and counted by C loops (``map``, ``Counter``), and texts that repeat across
listings (labels, English labels, facet keywords) are analysed once per process.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from itertools import compress
from operator import add, sub
from pickle import dumps

from whoosh.system import pack_uint

from .analysis import term_counts
from .normalise import CJK_RUN, normalise
from .schema import make_schema


class _FrequencyValues(dict):
    """Frequency → the value Whoosh's ``Frequency`` format encodes for it (made once each)."""

    def __missing__(self, freq: int) -> bytes:
        value = self[freq] = pack_uint(freq)
        return value


class _OnePosition(dict):
    """Position → the value Whoosh's ``Positions`` format encodes for that single position. Most
    bigrams occur once in a listing, so each position's value is made once per process."""

    def __missing__(self, position: int) -> bytes:
        value = self[position] = pack_uint(1) + dumps([position], 2)
        return value


FREQUENCY_VALUES = _FrequencyValues()
ONE_POSITION = _OnePosition()


def positions_value(positions: list[int]) -> bytes:
    """``Positions.encode``: the count, then the pickled deltas."""
    if len(positions) == 1:
        return ONE_POSITION[positions[0]]
    return pack_uint(len(positions)) + dumps([positions[0], *map(sub, positions[1:], positions[:-1])], 2)


def word_frequencies(text: str, normalised: bool = False):
    """A title/body field, as ChineseTokenizer indexes it (``normalised``: ``text`` already is)."""
    counts = term_counts(text if normalised else normalise(text))
    freqs = list(counts.values())
    return list(counts), freqs, list(map(FREQUENCY_VALUES.__getitem__, freqs)), sum(freqs)


def bigram_positions(text: str, normalised: bool = False):
    """The bigrams field, as BigramTokenizer indexes it: the same positions as
    :func:`search.analysis.bigrams` (a run's bigrams, then its last character; runs two positions
    apart), without character offsets."""
    grams: list[str] = []
    positions: list[int] = []
    base = 0
    for run in CJK_RUN.findall(text if normalised else normalise(text)):
        grams.extend(map(add, run, run[1:]))
        grams.append(run[-1])
        positions.extend(range(base, base + len(run)))
        base += len(run) + 2
    counts = Counter(grams)
    terms = list(counts)
    freqs = list(counts.values())
    # A term's last position is its only one when it occurs once; the others are gathered below.
    last = dict(zip(grams, positions, strict=True))
    encoded = list(map(ONE_POSITION.__getitem__, map(last.__getitem__, terms)))
    if len(terms) < len(grams):
        repeated = {term for term, count in counts.items() if count > 1}
        gathered: dict[str, list[int]] = {term: [] for term in repeated}
        for term, position in compress(zip(grams, positions, strict=True), map(repeated.__contains__, grams)):
            gathered[term].append(position)
        where = dict(zip(terms, range(len(terms)), strict=True))
        for term, found in gathered.items():
            encoded[where[term]] = positions_value(found)
    return terms, freqs, encoded, len(grams)


@lru_cache(maxsize=16384)
def label_frequencies(value: str):
    """:func:`word_frequencies` of a listing's labels, each distinct text analysed once."""
    terms, freqs, encoded, length = word_frequencies(value)
    return tuple(terms), tuple(freqs), tuple(encoded), length


@lru_cache(maxsize=16384)
def label_bigram_positions(value: str):
    terms, freqs, encoded, length = bigram_positions(value)
    return tuple(terms), tuple(freqs), tuple(encoded), length


_ENGLISH_ANALYSER = make_schema()["english"].analyzer


@lru_cache(maxsize=16384)
def english_frequencies(value: str):
    """The ``english`` field, as Whoosh's stemming analyser indexes it; the same English labels
    recur, so each distinct text is analysed once."""
    counts = Counter(token.text for token in _ENGLISH_ANALYSER(value))
    freqs = tuple(counts.values())
    return tuple(counts), freqs, tuple(map(FREQUENCY_VALUES.__getitem__, freqs)), sum(freqs)


class FieldTerms:
    """``field.index`` of values that repeat across listings (a centre, a kind, a mode), each
    distinct value indexed once per process: ``(term bytes, weights, encoded values or None,
    length)``. At most ``limit`` values are kept per field, so unique values cost nothing."""

    def __init__(self, limit: int = 20_000):
        self.limit = limit
        self.known: dict[str, dict[str, tuple]] = {}

    def __call__(self, name: str, field, value: str):
        known = self.known.setdefault(name, {})
        found = known.get(value)
        if found is None:
            found = index_value(field, value)
            if len(known) < self.limit:
                known[value] = found
        return found


def index_value(field, value):
    """``field.index(value)`` as ``(term bytes, weights, encoded values or None, length)``."""
    postings = list(field.index(value))  # terms as bytes: some are binary (numbers, dates)
    has_values = field.format.fixed_value_size() != 0
    return (tuple(p[0] for p in postings), tuple(p[2] for p in postings),
            tuple(p[3] for p in postings) if has_values else None, sum(p[1] for p in postings))
