"""The portal's side of search: it keeps the Whoosh index (``search/``) true to the database.

* ``changes`` — the change log (outbox) every operation appends to, in its own transaction;
* ``documents`` — a published listing shaped into the index's document (ORM and row paths);
* ``writer`` — the per-process index, and ``apply_pending`` / ``rebuild`` / ``verify``;
* ``cli`` — ``flask search apply|rebuild|verify``.

The names below are the package's public face: ``from portal import indexing``.
"""

from portal.indexing.changes import mark_dirty, note_search_change
from portal.indexing.documents import listing_document, published_by_ids, published_listings
from portal.indexing.writer import BATCH, apply_pending, configure, get_index, rebuild, report_error, verify

__all__ = ["BATCH", "apply_pending", "configure", "get_index", "listing_document", "mark_dirty", "report_error",
           "note_search_change", "published_by_ids", "published_listings", "rebuild", "verify"]
