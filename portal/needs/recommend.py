""""为您推荐" on an SME's work page: published listings picked for the enterprise from what the portal
knows of it — its open needs (their best matches), the listings it asked about (listings like them,
``search.similar``), and its industry — each with the reason it is shown. Listings it has already
asked about are left out. The index is a convenience here: when it cannot answer, nothing is shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.extensions import db
from portal.indexing import get_index, published_by_ids
from portal.labels import industry_label
from portal.models import LicenceRequest, Listing, Need, Organisation
from portal.needs.matching import need_text
from search import NeedText

log = logging.getLogger(__name__)
PER_SOURCE = 3
SOURCES = 3  # needs and requests looked at, most recent first


@dataclass
class Pick:
    listing: Listing
    reason: str


def recommended_for(org: Organisation, today, limit: int = 10) -> list[Pick]:
    """Up to ``limit`` listings for the enterprise, needs first, then past requests, then industry."""
    try:
        return _picks(org, today, limit)
    except Exception:  # the work page never fails because the index cannot answer
        log.exception("recommendations for organisation %s", org.id)
        return []


def _picks(org: Organisation, today, limit: int) -> list[Pick]:
    index = get_index()
    asked = set(db.session.scalars(db.select(LicenceRequest.listing_id).where(LicenceRequest.enterprise_id == org.id)))
    wanted: list[tuple[int, str]] = []
    needs = db.session.scalars(db.select(Need).where(Need.enterprise_id == org.id, Need.status == "open",
                                                     Need.deadline >= today)
                               .order_by(Need.created_at.desc()).limit(SOURCES))
    for need in needs:
        for match in index.match_need(need_text(need), PER_SOURCE):
            wanted.append((int(match.doc_id), _("Matches your need “%(title)s”", title=need.title[:40])))
    recent = db.session.scalars(db.select(LicenceRequest).where(LicenceRequest.enterprise_id == org.id)
                                .order_by(LicenceRequest.created_at.desc()).limit(SOURCES))
    for request in recent:
        for doc_id in index.similar(str(request.listing_id), PER_SOURCE):
            wanted.append((int(doc_id), _("Like “%(title)s”, which you asked about",
                                          title=request.listing.title[:40])))
    if org.industry:
        label = industry_label(org.industry)
        for match in index.match_need(NeedText(title=label), PER_SOURCE):
            wanted.append((int(match.doc_id), _("For your industry: %(industry)s", industry=label)))
    rows = published_by_ids({i for i, _reason in wanted})
    picks, seen = [], set(asked)
    for listing_id, reason in wanted:
        if listing_id in rows and listing_id not in seen:
            seen.add(listing_id)
            picks.append(Pick(rows[listing_id], reason))
    return picks[:limit]
