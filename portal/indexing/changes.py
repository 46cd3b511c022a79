"""The search change log (outbox), written by every operation that changes what is searchable.

An operation appends one ``SearchChange`` row per listing it touched, in its own transaction; the
writer (``portal.indexing.writer``) applies the rows later. This module sits at the bottom of the
portal: it imports only the models, ``db`` and ``g``, so any operation can use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context

from portal.extensions import db
from portal.models import Patent, SearchChange, listing_patents


def note_search_change(listing_ids: Iterable[int]) -> None:
    """Append to the search outbox, in the caller's transaction."""
    for listing_id in dict.fromkeys(listing_ids):
        db.session.add(SearchChange(listing_id=listing_id))
    mark_dirty()


def listing_ids_of(patent: Patent) -> list[int]:
    """Ids of every listing that offers ``patent``, whatever its status."""
    return list(db.session.scalars(
        db.select(listing_patents.c.listing_id).where(listing_patents.c.patent_id == patent.id)))


def mark_dirty() -> None:
    """Called by operations that wrote the change log: apply after this request (inline mode)."""
    if has_request_context():
        g.search_dirty = True
