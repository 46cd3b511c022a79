"""Turn what a user typed into Whoosh queries, without ever handing their text to a parser.

The text is sanitised, normalised and analysed with the same functions as the documents; the
query is then assembled from the resulting terms, so quotes, brackets, ``AND``/``OR``/``NOT``,
``*`` or ``field:value`` are just more text. Three queries come out:

* ``match`` — which documents are results: any analysed token in title/body, any query bigram,
  a close Latin spelling, an application number or an IPC symbol (recall first);
* ``tier0`` — documents containing every typed CJK run as an exact string (a bigram phrase) and
  every other typed unit: "the whole phrase";
* ``tier1`` — documents covering every query word somewhere.

Results are ordered by tier first, then by score or date, which is how the whole phrase is ranked
first without dropping the partial matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import STOP_WORDS, cjk_tokens, cjk_words, run_bigrams, word_terms
from .identifiers import find_application_numbers, find_ipc_symbols, ipc_query_term
from .normalise import CJK_RUN, WORD_RUN, normalise, sanitise
from .schema import FACETS, MULTI_FACETS

MAX_QUERY_CHARS = 256  # longer input is cut: nobody types more, and it bounds query size
MAX_UNITS = 24  # words/identifiers that take part in the query
FUZZY_MIN_LENGTH = 5  # shorter Latin terms have too many neighbours at edit distance 1

# Relative weights of the parts of ``match``. Exact tokens dominate; bigram and fuzzy terms
# only lift documents nothing else found. (Adjacency is rewarded by the tiers, not by score.)
BOOST_IDENTIFIER = 10.0
BOOST_BIGRAM = 0.3
BOOST_FUZZY = 0.3


@dataclass
class ParsedQuery:
    """The analysed form of one user query."""

    text: str  # normalised text, after sanitising
    match: wq.Query | None = None  # None: the user typed nothing searchable
    tier0: wq.Query | None = None
    tier1: wq.Query | None = None
    cjk: list[str] = field(default_factory=list)  # strings to highlight in CJK text
    latin: list[str] = field(default_factory=list)  # Latin terms to highlight
    fuzzy: list[str] = field(default_factory=list)  # Latin terms also matched approximately
    runs: list[str] = field(default_factory=list)  # the CJK runs that tier 0 wants verbatim

    @property
    def empty(self) -> bool:
        """True when nothing searchable was typed: the search then lists everything."""
        return self.match is None


def _text_terms(term: str, boost: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term("title", term, boost=boost), wq.Term("body", term, boost=boost)])


def _bigram_phrase(run: str) -> wq.Query:
    grams = run_bigrams(run)
    if len(run) == 1:
        return single_character(run)
    if len(grams) == 1:
        return wq.Term("bigrams", grams[0])
    return wq.Phrase("bigrams", grams)


def single_character(ch: str, boost: float = 1.0) -> wq.Query:
    """Documents containing CJK character ``ch`` anywhere: a bigram starting with it, or the
    last character of a run (see :func:`search.analysis.bigrams`)."""
    return wq.Prefix("bigrams", ch, boost=boost)


def _fuzzy_terms(term: str) -> list[wq.Query]:
    if len(term) < FUZZY_MIN_LENGTH or not term.isalpha():
        return []
    return [wq.FuzzyTerm(name, term, boost=BOOST_FUZZY, maxdist=1, prefixlength=1) for name in ("title", "body")]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def parse(raw: object) -> ParsedQuery:
    """Analyse user input into a :class:`ParsedQuery`. Never raises for any string."""
    text = normalise(sanitise(raw, MAX_QUERY_CHARS))
    parsed = ParsedQuery(text=text)
    anything: list[wq.Query] = []  # alternatives that make a document a result
    whole: list[wq.Query] = []  # every part must hold for tier 0
    covers: list[wq.Query] = []  # every part must hold for tier 1

    rest = text
    for found in find_application_numbers(rest):
        part = wq.Term("app_numbers", found.term, boost=BOOST_IDENTIFIER)
        for parts in (anything, whole, covers):
            parts.append(part)
        rest = _blank(rest, found.start, found.end)
    for found in find_ipc_symbols(rest):
        cls = wq.Prefix if found.prefix else wq.Term
        part = cls("ipc", found.term, boost=BOOST_IDENTIFIER)
        for parts in (anything, whole, covers):
            parts.append(part)
        rest = _blank(rest, found.start, found.end)

    for match in CJK_RUN.finditer(rest):
        if len(covers) >= MAX_UNITS:
            break
        run = match.group()
        phrase = _bigram_phrase(run)
        words = cjk_words(run) or [run]
        tokens = dict.fromkeys(t for t, _, _ in cjk_tokens(run) if t not in STOP_WORDS)
        whole.append(phrase)
        parsed.runs.append(run)
        anything.extend(_text_terms(t) for t in tokens)
        if len(run) == 1:
            anything.append(single_character(run, boost=BOOST_BIGRAM))
        else:
            anything.extend(wq.Term("bigrams", g, boost=BOOST_BIGRAM) for g in run_bigrams(run))
        for word in words[:MAX_UNITS]:
            # A word counts as present if the document has it as a token or as a string;
            # the pieces jieba finds inside it (冠状动脉 + 支架) count too.
            pieces = [t for t, _, _ in cjk_tokens(word) if t != word and len(t) > 1]
            options = [_text_terms(word), _bigram_phrase(word)]
            if pieces:
                options.append(wq.And([_text_terms(p) for p in pieces]))
            covers.append(wq.Or(options))
        parsed.cjk.extend([run, *words, *tokens, *run_bigrams(run)])

    for match in WORD_RUN.finditer(rest):
        if len(covers) >= MAX_UNITS:
            break
        terms = [t for t in word_terms(match.group()) if t not in STOP_WORDS]
        if not terms:
            continue
        key = terms[-1]  # the joined form when there is one: pd-1 → pd1 matches PD1 too
        fuzzy = _fuzzy_terms(key)
        cover = wq.Or([_text_terms(key), *fuzzy])
        # Pieces of an identifier count only if they say something: "pd" of pd-1 does,
        # "1" does not.
        pieces = [t for t in terms if t == key or (len(t) > 1 and not t.isdigit())]
        anything.extend([*(_text_terms(t) for t in pieces), *fuzzy])
        whole.append(cover)
        covers.append(cover)
        parsed.latin.extend(pieces)
        if fuzzy:
            parsed.fuzzy.append(key)

    if anything:
        parsed.match = wq.Or(anything)
        parsed.tier0 = wq.And(whole)
        parsed.tier1 = wq.And(covers) if covers else parsed.tier0
    return parsed


def _values(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, (str, bool, int)):
        return [value]
    if isinstance(value, Iterable):
        return [v for v in value if v is not None and v != ""]
    return [value]


def _yes_no(value: object) -> str:
    if isinstance(value, str):
        return "yes" if value.strip().lower() in ("yes", "true", "1", "on", "y") else "no"
    return "yes" if value else "no"


def filter_parts(filters: dict[str, object] | None) -> dict[str, wq.Query]:
    """One query per active filter: values of one facet are OR-ed (the caller ANDs facets).

    Filter names are the facets plus ``ipc`` (a symbol matched by hierarchy, like a typed one).
    Raises ``ValueError`` for an unknown filter name; empty values are ignored.
    """
    parts: dict[str, wq.Query] = {}
    for name, value in (filters or {}).items():
        if name not in FACETS and name != "ipc":
            raise ValueError(f"unknown search filter: {name!r}")
        values = [value] if isinstance(value, bool) else _values(value)
        if not values:
            continue
        if name == "open_licence":
            terms: list[wq.Query] = [wq.Term(name, _yes_no(v)) for v in values]
        elif name == "ipc":
            found = [ipc_query_term(str(v)) for v in values]
            terms = [(wq.Prefix if f.prefix else wq.Term)("ipc", f.term) for f in found if f]
            terms = terms or [wq.NullQuery]  # a filter on no valid symbol matches nothing
        elif name == "ipc_subclass":
            terms = [wq.Term(name, str(v).strip().upper()) for v in values]
        elif name in MULTI_FACETS:
            terms = [wq.Term(name, str(v).strip()) for v in values]
        else:
            terms = [wq.Term(name, str(v)) for v in values]
        parts[name] = wq.Or(terms) if len(terms) > 1 else terms[0]
    return parts


def filter_query(filters: dict[str, object] | None) -> wq.Query | None:
    """The query documents must match for ``filters`` (see :func:`filter_parts`), or None."""
    parts = list(filter_parts(filters).values())
    if not parts:
        return None
    return wq.And(parts) if len(parts) > 1 else parts[0]
