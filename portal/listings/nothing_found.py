"""Ways forward from a search that found nothing: the same query with fewer words, without its
filters, and the technical fields and IPC subclasses its words lead to, each with its count."""

from __future__ import annotations

from dataclasses import dataclass, field

from search import SearchQuery
from search.analysis import cjk_words
from search.normalise import CJK_RUN, normalise

MAX_WORDS = 6  # a longer query offers no "fewer words" variants (too many searches)
SHOWN = 3


@dataclass
class WaysForward:
    fewer_words: list[tuple[str, int]] = field(default_factory=list)  # (query, results)
    without_filters: int = 0  # results of the same words with no filter
    fields: list[tuple[str, int]] = field(default_factory=list)  # (field, results of any word)
    subclasses: list[tuple[str, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fewer_words or self.without_filters or self.fields or self.subclasses)


def _words(q: str) -> list[str]:
    words = q.split()
    if len(words) == 1 and CJK_RUN.fullmatch(normalise(words[0])):
        words = cjk_words(normalise(words[0]))
    return words


def ways_forward(index, q: str, filters: dict[str, object]) -> WaysForward:
    """What to offer when ``q`` with ``filters`` found nothing."""
    def total(text: str, chosen: dict[str, object]):
        return index.search(SearchQuery(text=text, filters=chosen, per_page=1))

    out = WaysForward()
    if filters and q.strip():
        out.without_filters = total(q, {}).total
    words = _words(q)
    if 1 < len(words) <= MAX_WORDS:
        for i in range(len(words)):
            fewer = " ".join(words[:i] + words[i + 1:])
            count = total(fewer, filters).total
            if count:
                out.fewer_words.append((fewer, count))
        out.fewer_words.sort(key=lambda item: -item[1])
    # Fields and subclasses that the words lead to, however few of them a listing has.
    facets: dict[str, dict[str, int]] = {"field": {}, "ipc_subclass": {}}
    for word in words[:MAX_WORDS]:
        result = total(word, {})
        for name, counts in facets.items():
            for value, count in result.facets.get(name, []):
                counts[value] = max(counts.get(value, 0), count)
    out.fields = sorted(facets["field"].items(), key=lambda item: -item[1])[:SHOWN]
    out.subclasses = sorted(facets["ipc_subclass"].items(), key=lambda item: -item[1])[:SHOWN]
    return out
