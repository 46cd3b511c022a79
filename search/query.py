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
from whoosh.lang.porter import stem

from .analysis import STOP_WORDS, cjk_tokens, cjk_word_spans, run_bigrams, word_terms
from .expansion import english_phrases, latin_synonyms, synonym_spans
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
# Glossary translations and synonyms: found, but below the words typed.
BOOST_EXPANSION = 0.5
# Where a word typed may be found as a word (the labels say what a listing is: field, IPC, centre).
TEXT_FIELDS = ("title", "body", "labels")


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
    covers: list[wq.Query] = field(default_factory=list)  # one per concept typed (tier 1 wants all)

    @property
    def empty(self) -> bool:
        """True when nothing searchable was typed: the search then lists everything."""
        return self.match is None


def _text_terms(term: str, boost: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(name, term, boost=boost) for name in TEXT_FIELDS])


def _bigram_phrase(run: str, boost: float = 1.0, fieldname: str = "bigrams") -> wq.Query:
    grams = run_bigrams(run)
    if len(run) == 1:
        return single_character(run, boost)
    if len(grams) == 1:
        return wq.Term(fieldname, grams[0], boost=boost)
    return wq.Phrase(fieldname, grams, boost=boost)


def _phrase_anywhere(run: str) -> wq.Query:
    """The run as a string in the text or in the labels (医疗器械 as the listing's field)."""
    if len(run) == 1:
        return single_character(run)
    return wq.Or([_bigram_phrase(run), _bigram_phrase(run, fieldname="label_bigrams")])


def single_character(ch: str, boost: float = 1.0) -> wq.Query:
    """Documents containing CJK character ``ch`` anywhere: a bigram starting with it, or the
    last character of a run (see :func:`search.analysis.bigrams`)."""
    return wq.Prefix("bigrams", ch, boost=boost)


def _fuzzy_terms(term: str) -> list[wq.Query]:
    if len(term) < FUZZY_MIN_LENGTH or not term.isalpha():
        return []
    return [wq.FuzzyTerm(name, term, boost=BOOST_FUZZY, maxdist=1, prefixlength=1) for name in ("title", "body")]


def _expansion(term: str, boost: float = BOOST_EXPANSION) -> tuple[wq.Query, wq.Query] | None:
    """A glossary translation or synonym as ``(cover, match)``: the cover holds when a document
    has all its parts (Chinese as a word or a string, Latin as a word); the match finds and
    scores documents by its words and bigrams, as for a run typed, below the words typed."""
    covers: list[wq.Query] = []
    matches: list[wq.Query] = []
    for found in CJK_RUN.finditer(term):
        piece = found.group()
        covers.append(wq.Or([_text_terms(piece, boost), _bigram_phrase(piece, boost)]))
        matches.append(_text_terms(piece, boost))
        if len(piece) > 1:
            matches.extend(wq.Term("bigrams", g, boost=BOOST_BIGRAM * boost) for g in run_bigrams(piece))
    for found in WORD_RUN.finditer(term):
        word = _text_terms(word_terms(found.group())[-1], boost)
        covers.append(word)
        matches.append(word)
    if not covers:
        return None
    return (covers[0] if len(covers) == 1 else wq.And(covers)), wq.Or(matches)


def _expansions(terms: Iterable[str]) -> tuple[list[wq.Query], list[wq.Query]]:
    """Covers and matches of several expansions (see :func:`_expansion`)."""
    found = [e for e in map(_expansion, terms) if e is not None]
    return [c for c, _ in found], [m for _, m in found]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


@dataclass
class _Builder:
    parsed: ParsedQuery
    anything: list[wq.Query] = field(default_factory=list)  # alternatives that make a document a result
    whole: list[wq.Query] = field(default_factory=list)  # every part must hold for tier 0
    covers: list[wq.Query] = field(default_factory=list)  # every part must hold for tier 1

    def identifier(self, part: wq.Query) -> None:
        for parts in (self.anything, self.whole, self.covers):
            parts.append(part)

    def widen(self, covers: list[wq.Query], expansions: tuple[list[wq.Query], list[wq.Query]]) -> None:
        """Replace the units ``covers`` (already appended last) by one that also holds when a
        document has one of ``expansions`` instead; expansions also make a document a result."""
        alternatives, matches = expansions
        if not alternatives:
            return
        del self.covers[len(self.covers) - len(covers):]
        self.covers.append(wq.Or([covers[0] if len(covers) == 1 else wq.And(covers), *alternatives]))
        self.anything.extend(matches)

    def phrase(self, word: str, others: tuple[str, ...]) -> None:
        """A synonym-group word with Latin letters (b超, ct): as typed, or one of its synonyms."""
        own = _expansion(word, 1.0)
        if own is None:
            return
        alternatives, matches = _expansions(others)
        self.whole.append(own[0])
        self.covers.append(wq.Or([own[0], *alternatives]))
        self.anything.extend([own[1], *matches])
        self.parsed.cjk.extend(t for t in (word, *others) if CJK_RUN.search(t))
        self.parsed.latin.extend(m.group() for m in WORD_RUN.finditer(word))

    def cjk_run(self, run: str) -> None:
        parsed = self.parsed
        tokens = dict.fromkeys(t for t, _, _ in cjk_tokens(run) if t not in STOP_WORDS)
        self.whole.append(_phrase_anywhere(run))
        parsed.runs.append(run)
        self.anything.extend(_text_terms(t) for t in tokens)
        if len(run) == 1:
            self.anything.append(single_character(run, boost=BOOST_BIGRAM))
        else:
            self.anything.extend(wq.Term("bigrams", g, boost=BOOST_BIGRAM) for g in run_bigrams(run))
        spans = cjk_word_spans(run) or [(run, 0, len(run))]
        groups = synonym_spans(run)
        units: list[tuple[int, int, list[wq.Query]]] = []
        for word, start, end in spans[:MAX_UNITS]:
            # A word counts as present if the document has it as a token or as a string;
            # the pieces jieba finds inside it (冠状动脉 + 支架) count too.
            pieces = [t for t, _, _ in cjk_tokens(word) if t != word and len(t) > 1]
            options = [_text_terms(word), _bigram_phrase(word)]
            if pieces:
                options.append(wq.And([_text_terms(p) for p in pieces]))
            units.append((start, end, [wq.Or(options)]))
        for g_start, g_end, others in groups:
            # The words a synonym covers become one unit: those words, or one of the synonyms.
            inside = [u for u in units if u[0] < g_end and u[1] > g_start]
            outside = [u for u in units if not (u[0] < g_end and u[1] > g_start)]
            if not inside:
                continue
            merged = [q for u in inside for q in u[2]]
            alternatives, matches = _expansions(others)
            self.anything.extend(matches)
            cover = wq.Or([merged[0] if len(merged) == 1 else wq.And(merged), *alternatives])
            units = sorted([*outside, (min(u[0] for u in inside), max(u[1] for u in inside), [cover])],
                           key=lambda u: u[0])
            parsed.cjk.extend(others)
        for _, _, unit in units:
            self.covers.append(unit[0] if len(unit) == 1 else wq.And(unit))
        parsed.cjk.extend([run, *(w for w, _, _ in spans), *tokens, *run_bigrams(run)])

    def latin_word(self, word: str) -> wq.Query | None:
        terms = [t for t in word_terms(word) if t not in STOP_WORDS]
        if not terms:
            return None
        key = terms[-1]  # the joined form when there is one: pd-1 → pd1 matches PD1 too
        fuzzy = _fuzzy_terms(key)
        stemmed = [wq.Term("english", stem(key))] if key.isalpha() else []
        cover = wq.Or([_text_terms(key), *fuzzy, *stemmed])
        # Pieces of an identifier count only if they say something: "pd" of pd-1 does,
        # "1" does not.
        pieces = [t for t in terms if t == key or (len(t) > 1 and not t.isdigit())]
        self.anything.extend([*(_text_terms(t) for t in pieces), *fuzzy, *stemmed])
        self.whole.append(cover)
        self.covers.append(cover)
        self.parsed.latin.extend(pieces)
        if fuzzy:
            self.parsed.fuzzy.append(key)
        return cover

    def latin_words(self, words: list[str]) -> None:
        """Consecutive Latin words: each a unit, and glossary phrases among them (lithium battery
        → 锂电池) one unit that a Chinese translation also satisfies."""
        phrases = {start: (end, terms) for start, end, terms in english_phrases(words)}
        i = 0
        while i < len(words) and len(self.covers) < MAX_UNITS:
            end, terms = phrases.get(i, (i + 1, ()))
            covers = [c for c in (self.latin_word(w) for w in words[i:end]) if c is not None]
            if covers:
                self.widen(covers, _expansions(terms))
                self.parsed.cjk.extend(t for t in terms if CJK_RUN.search(t))
            i = end


def parse(raw: object) -> ParsedQuery:
    """Analyse user input into a :class:`ParsedQuery`. Never raises for any string."""
    text = normalise(sanitise(raw, MAX_QUERY_CHARS))
    parsed = ParsedQuery(text=text)
    build = _Builder(parsed)

    rest = text
    for found in find_application_numbers(rest):
        build.identifier(wq.Term("app_numbers", found.term, boost=BOOST_IDENTIFIER))
        rest = _blank(rest, found.start, found.end)
    for found in find_ipc_symbols(rest):
        cls = wq.Prefix if found.prefix else wq.Term
        build.identifier(cls("ipc", found.term, boost=BOOST_IDENTIFIER))
        rest = _blank(rest, found.start, found.end)

    for start, end, word, others in latin_synonyms(rest):
        build.phrase(word, others)
        rest = _blank(rest, start, end)

    # CJK runs and Latin runs in the order typed; a stretch of Latin words separated only by
    # spaces is one sequence (for glossary phrases).
    pieces = sorted([*((m.start(), "cjk", m.group()) for m in CJK_RUN.finditer(rest)),
                     *((m.start(), "latin", m.group()) for m in WORD_RUN.finditer(rest))])
    words: list[str] = []
    last_end = 0
    for start, kind, value in pieces:
        if len(build.covers) >= MAX_UNITS:
            break
        if kind == "latin" and (not words or not rest[last_end:start].strip()):
            words.append(value)
        else:
            if words:
                build.latin_words(words)
                words = []
            if kind == "latin":
                words.append(value)
            else:
                build.cjk_run(value)
        last_end = start + len(value)
    if words:
        build.latin_words(words)

    if build.anything:
        parsed.match = wq.Or(build.anything)
        parsed.tier0 = wq.And(build.whole)
        parsed.tier1 = wq.And(build.covers) if build.covers else parsed.tier0
        parsed.covers = list(build.covers)
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
