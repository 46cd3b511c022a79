"""The Whoosh schema and the mapping from an app-supplied :class:`Document` to its fields."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, date, datetime, time

from whoosh.analysis import StemmingAnalyzer
from whoosh.columns import VarBytesListColumn
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .analysis import BigramTokenizer, ChineseTokenizer, LabelBigramTokenizer, LabelTokenizer
from .identifiers import application_number_terms, ipc_subclass, ipc_terms
from .normalise import CJK_RUN

log = logging.getLogger(__name__)

META_ID = "__meta__"  # the one document that carries index metadata (last applied change id)
# Whoosh sorts missing values unpredictably; a patent without an expiry sorts after all others.
NO_EXPIRY = datetime(9999, 12, 31)

# Facets the app may filter on and count. Multi-valued ones are comma-separated keywords.
SINGLE_FACETS = ("centre", "open_licence", "field", "value")
MULTI_FACETS = ("kind", "mode", "ipc_subclass")
FACETS = SINGLE_FACETS + MULTI_FACETS


class _ListColumn(VarBytesListColumn):
    # Whoosh asks a column for its default when a segment has no values for it (e.g. a
    # segment holding only deletions and the metadata document); the base class has none.
    def default_value(self, reverse=False):
        return []


class FacetKeywords(KEYWORD):
    """A comma-separated keyword field that also keeps each document's values in a list column.

    Whoosh counts multi-valued facets from a list column when there is one; without it, every
    search rebuilds a per-document list by walking the field's postings.
    """

    def __init__(self):
        super().__init__(stored=True, commas=True)
        self.column_type = _ListColumn()

    def to_column_value(self, value):
        return [v.strip().encode("utf-8") for v in value.split(",") if v.strip()]

    def from_column_value(self, value):
        return [v.decode("utf-8") for v in value]


class SortDate(DATETIME):
    """A stored date kept in a sort column and not indexed: listings are sorted by date, never
    searched by it, and indexing would add eight terms per date (one unique to each listing)."""

    indexed = False


def make_schema() -> Schema:
    """Build the index schema (a fresh object each time; Whoosh schemas are mutable)."""
    return Schema(
        doc_id=ID(stored=True, unique=True, sortable=True),
        version=STORED(),
        title=TEXT(analyzer=ChineseTokenizer(), phrase=False, stored=True, field_boost=3.0),
        body=TEXT(analyzer=ChineseTokenizer(), phrase=False, stored=True),
        # Lower weight: bigrams are for recall on compounds jieba did not split, and for the
        # exact-phrase test (consecutive bigrams), not for ranking on their own.
        bigrams=TEXT(analyzer=BigramTokenizer(), phrase=True, field_boost=0.5),
        # What a listing is, beside what it says: its technical field, IPC subclass titles, centre
        # and maturity, in Chinese and English. Weighted above the body: 医疗器械 finds the field.
        labels=TEXT(analyzer=LabelTokenizer(), phrase=False, stored=True, field_boost=2.0),
        # The labels' bigrams, apart from the text's: a label is a phrase too (tier 0), and labels
        # repeat across listings, so a rebuild analyses each distinct labels text once.
        label_bigrams=TEXT(analyzer=LabelBigramTokenizer(), phrase=True, field_boost=0.5),
        # English text (the listing's English title and abstract, English labels), stemmed; weighted like
        # the title, so that words typed in English match English text above the glossary's Chinese.
        english=TEXT(analyzer=StemmingAnalyzer(), phrase=False, field_boost=3.0),
        app_numbers=KEYWORD(lowercase=True, scorable=True),
        ipc=KEYWORD(lowercase=True, scorable=True),
        centre=ID(stored=True, sortable=True),
        open_licence=ID(stored=True, sortable=True),
        field=ID(stored=True, sortable=True),
        # "high" when the listing offers a high-value patent (the programme's 高价值专利); absent otherwise
        value=ID(stored=True, sortable=True),
        kind=FacetKeywords(),
        mode=FacetKeywords(),
        ipc_subclass=FacetKeywords(),
        published=SortDate(stored=True, sortable=True),
        expiry=SortDate(stored=True, sortable=True),
    )


@dataclass
class Document:
    """One searchable listing, filled in by the app from the database.

    ``doc_id`` is the listing id as a string; ``version`` is any string that changes whenever
    the listing's searchable content changes (e.g. ``updated_at.isoformat()``), used by
    :meth:`SearchIndex.verify`. ``app_numbers`` are canonical application numbers
    (``201811564288.X``); ``ipc`` are normalised IPC symbols (``A61B 17/00``). ``labels`` say
    what the listing is (field, IPC titles, centre, maturity; any language); ``title_en`` and
    ``body_en`` are its optional English text. ``value`` is a single facet keyword (the portal
    writes ``high`` for a listing offering a high-value patent, and nothing otherwise).
    """

    doc_id: str
    version: str
    title: str
    body: str = ""
    app_numbers: list[str] = dc_field(default_factory=list)
    ipc: list[str] = dc_field(default_factory=list)
    centre: str = ""
    kind: list[str] = dc_field(default_factory=list)
    mode: list[str] = dc_field(default_factory=list)
    open_licence: bool = False
    field: str = ""
    value: str = ""
    labels: list[str] = dc_field(default_factory=list)
    title_en: str = ""
    body_en: str = ""
    published: datetime | None = None
    expiry: date | None = None


def _naive_utc(value: datetime | date | None, default: datetime) -> datetime:
    # Whoosh stores naive datetimes; aware ones are converted to UTC first so that ordering
    # is right whatever zone the app used.
    if value is None:
        return default
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _keywords(name: str, values: list[str]) -> str:
    for value in values:
        if "," in value:
            raise ValueError(f"{name} value may not contain a comma: {value!r}")
    return ",".join(v.strip() for v in values if v.strip())


def _identifier_terms(doc: Document, values: list[str], terms: Callable[[str], list[str]]) -> list[str]:
    # A malformed number or symbol is left out (and logged) rather than refused: refusing would
    # stop the change log at this listing and hold back every later change behind it.
    out = []
    for value in values:
        try:
            out.extend(terms(value))
        except ValueError:
            log.warning("listing %s: cannot index identifier %r", doc.doc_id, value)
    return out


def document_fields(doc: Document) -> dict[str, object]:
    """The Whoosh field values for ``doc``. Raises ``ValueError`` for a reserved or empty
    ``doc_id`` or a facet value containing a comma; malformed identifiers are skipped.
    """
    if not doc.doc_id or doc.doc_id == META_ID:
        raise ValueError(f"invalid doc_id: {doc.doc_id!r}")
    numbers = _identifier_terms(doc, doc.app_numbers, application_number_terms)
    ipc = _identifier_terms(doc, doc.ipc, ipc_terms)
    subclasses = sorted({s for s in (ipc_subclass(symbol) for symbol in doc.ipc) if s})
    labels = [v.strip() for v in dict.fromkeys(doc.labels) if v and v.strip()]
    fields = {
        "doc_id": doc.doc_id,
        "version": doc.version,
        "title": doc.title or "",
        "body": doc.body or "",
        "bigrams": f"{doc.title or ''}\n{doc.body or ''}",
        "labels": "\n".join(labels),
        "label_bigrams": "\n".join(labels),
        "english": "\n".join(filter(None, [doc.title_en, doc.body_en, *(v for v in labels if not CJK_RUN.search(v))])),
        "app_numbers": " ".join(dict.fromkeys(numbers)),
        "ipc": " ".join(dict.fromkeys(ipc)),
        "centre": doc.centre or "",
        "open_licence": "yes" if doc.open_licence else "no",
        "field": doc.field or "",
        "value": doc.value or "",
        "kind": _keywords("kind", doc.kind),
        "mode": _keywords("mode", doc.mode),
        "ipc_subclass": ",".join(subclasses),
        "published": _naive_utc(doc.published, datetime(1970, 1, 1)),
        "expiry": _naive_utc(doc.expiry, NO_EXPIRY),
    }
    # An empty keyword would be indexed as a real (empty) term and show up as a facet value.
    return {name: value for name, value in fields.items() if value != "" or name == "version"}


def meta_fields(last_applied_id: int) -> dict[str, object]:
    """Field values of the metadata document that records the last applied change id."""
    return {"doc_id": META_ID, "version": str(last_applied_id)}
