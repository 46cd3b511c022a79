"""The search page's facet links, built in Python once per request rather than in the template.

Each facet value is a link to the same search with that filter set (or, when it is set, removed).
Built in Jinja, that was a ``url_for`` and the filter arguments recomputed per value — about 80
``url_for`` calls per page — and each label a lazy translation resolved anew. Here the page's
address is built once (``url_for``) and each link only adds its query string, encoded exactly as
Werkzeug encodes ``url_for``'s extra arguments; labels come from per-process tables, one per
language (translations do not change while a process runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from flask import url_for
from flask_babel import get_locale, gettext

from portal import labels
from portal.listings.cards import Centre
from portal.listings.queries import ListingFilters

# facet name → the query argument that filters by it
PARAMS = {"centre": "centre", "kind": "kind", "mode": "mode", "field": "field", "ipc_subclass": "ipc",
          "open_licence": "open", "value": "value"}
SHOWN = 12  # values per facet
_TABLES = {"kind": labels.PATENT_KIND_LABELS, "mode": labels.MODE_LABELS, "field": labels.FIELD_LABELS}


@dataclass(frozen=True, slots=True)
class FacetLink:
    label: str
    href: str
    count: int
    active: bool


def href(base: str, **args) -> str:
    """``base`` with ``args`` (None left out) as its query string, as ``url_for`` writes them."""
    items = [(k, v) for k, v in args.items() if v is not None]
    return f"{base}?{urlencode(items, safe=SAFE)}" if items else base


SAFE = "!$'()*,/:;?@"  # werkzeug.urls._urlencode's


@lru_cache(maxsize=64)
def _label_table(locale: str, name: str) -> dict[str, str]:
    # ``locale`` is the key: the table is built under that request's locale.
    return {key: str(text) for key, text in _TABLES[name].items()}


@lru_cache(maxsize=4096)
def _ipc_title(locale: str, subclass: str) -> str:
    return labels.ipc_subclass_title(subclass)


def facet_label(name: str, value: str, centres: dict[str, Centre], locale: str) -> str:
    if name == "centre":
        centre = centres.get(value)
        return centre.display_name(locale) if centre else value
    if name in _TABLES:
        return _label_table(locale, name).get(value, value)
    if name == "open_licence":
        return gettext("Open licence") if value in ("yes", "true", "1", True) else gettext("No open licence")
    if name == "value":
        return gettext("High-value patents") if value == "high" else value
    title = _ipc_title(locale, value)
    return f"{value} {title}" if title else f"{value} "


def facet_sections(facets: dict[str, list[tuple[str, int]]], q: str, sort: str, typed: str | None,
                   filters: ListingFilters, centres: dict[str, Centre]) -> list[tuple[str, list[FacetLink]]]:
    """(facet name, links) for each facet with counts, in the index's order."""
    base = url_for("search.search_page")
    locale = str(get_locale())
    current = filters.as_args()
    sections = []
    for name, counts in facets.items():
        param = PARAMS.get(name, name)
        links = []
        for value, count in counts[:SHOWN]:
            if param == "open" and value not in ("yes", True):
                continue
            active = str(current.get(param)) == str(value) or (param == "open" and filters.open)
            target = None if active else ("1" if param == "open" else value)
            links.append(FacetLink(facet_label(name, value, centres, locale),
                                   href(base, q=q, sort=sort, as_typed=typed, **filters.as_args(**{param: target})),
                                   count, active))
        if links:
            sections.append((name, links))
    return sections
