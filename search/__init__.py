"""Full-text search for the portal: Chinese analysis, the Whoosh index, queries.

Knows nothing of Flask or of the portal's models: documents go in, ranked ids come out.

* Readers (every web worker): ``SearchIndex(path).search(SearchQuery(text, filters, sort,
  page, per_page))`` → :class:`SearchResult` with ids in rank order; load the rows back from the
  database and drop any that are no longer published.
* The one writer: ``index.apply(changes)`` with the change-log rows after
  ``index.last_applied_id()``, as :class:`Change` objects carrying :class:`Document` values;
  :class:`IndexLocked` means another writer is running. ``index.rebuild(documents, last_id)``
  replaces the whole index atomically; ``index.verify({doc_id: version})`` lists differences.
* Damage: opening raises :class:`IndexDamaged` (or ``is_healthy()`` is False); call
  :func:`move_aside_and_create` and rebuild from the database.
"""

from .errors import IndexDamaged, IndexLocked, SearchIndexError
from .index import Change, SearchIndex, VerifyReport, move_aside_and_create
from .matching import Match, NeedText
from .schema import Document
from .searching import SearchQuery, SearchResult

__all__ = [
    "Change",
    "Document",
    "IndexDamaged",
    "IndexLocked",
    "Match",
    "NeedText",
    "SearchIndex",
    "SearchIndexError",
    "SearchQuery",
    "SearchResult",
    "VerifyReport",
    "move_aside_and_create",
]
