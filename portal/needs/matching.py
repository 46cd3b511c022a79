"""Matches both ways, on the portal's side (the ranking itself is ``search.matching``).

* A need is posted → its best-matching published listings are shown to the SME on the need's page
  ("系统推荐", computed when the page is read, so they follow the catalogue), and the centres whose
  listings match above :data:`THRESHOLD` are told once.
* A listing is published → when the index writer has applied it (the listing is then searchable),
  :func:`announce_published` checks it against every open need and tells the SME of each need it
  matches above the threshold — once per need and listing (a ``NeedMatch`` row records it).

Every match carries why it was made: the need's words found in the listing, the field and the IPC.
The threshold is chosen on the judged set in ``bench/match_eval.py`` (docs/needs.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import DBAPIError, IntegrityError

from portal.extensions import db
from portal.indexing import get_index, published_by_ids
from portal.models import Listing, Need, NeedMatch, NeedProposal, User
from portal.needs.access import CENTRE_ROLES, enterprise_members
from portal.notify import notify
from search import Match, NeedText

log = logging.getLogger(__name__)

# Relevance (0..1, see search.matching) at or above which a match is announced. Chosen on the judged
# set (bench/match_eval.py): the best F1 of the thresholds tried (precision 0.44, recall 0.43); see
# docs/needs.md.
THRESHOLD = 0.40
RECOMMENDED = 5
# Below this a listing shares too little with the need to be shown as a recommendation at all (a
# field in common and a stray word): half the notification threshold.
SHOWN_FROM = THRESHOLD / 2
ANNOUNCE_LIMIT = 20  # at most this many listings' centres are told about one new need


@dataclass
class Recommendation:
    listing: Listing
    match: Match


def need_text(need: Need) -> NeedText:
    return NeedText(title=need.title, description=need.description, field=need.field,
                    ipc_subclass=(need.ipc or "")[:4])


def recommendations(need: Need, limit: int = RECOMMENDED) -> list[Recommendation]:
    """The published listings that best answer ``need``, best first, with why; none when the index
    cannot answer (the page does not depend on it)."""
    try:
        found = get_index().match_need(need_text(need), limit)
    except Exception:  # the index is a convenience here, never a reason for the page to fail
        log.exception("recommendations for need %s", need.id)
        return []
    found = [m for m in found if m.relevance >= SHOWN_FROM]
    rows = published_by_ids([int(m.doc_id) for m in found])
    return [Recommendation(rows[int(m.doc_id)], m) for m in found if int(m.doc_id) in rows]


def _centre_staff(centre_id: int) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.organisation_id == centre_id,
                                                         User.role.in_(CENTRE_ROLES))))


def announce_posted(need: Need) -> int:
    """Tell each centre with a listing matching the new need above the threshold (one notification
    per centre), and remember the matches so that no later pass tells the SME about them again."""
    best = [r for r in recommendations(need, ANNOUNCE_LIMIT) if r.match.relevance >= THRESHOLD]
    centres: dict[int, int] = {}
    for r in best:
        db.session.add(NeedMatch(need_id=need.id, listing_id=r.listing.id, source="posted",
                                 score=r.match.relevance))
        centres[r.listing.centre_id] = centres.get(r.listing.centre_id, 0) + 1
    for centre_id, count in centres.items():
        notify(_centre_staff(centre_id), "need.matches_yours",
               {"company": need.enterprise.code, "need": need.title[:80], "count": count},
               "needs.detail", need_id=need.id)
    return len(best)


def open_needs(today: date) -> list[Need]:
    return list(db.session.scalars(db.select(Need).where(Need.status == "open", Need.deadline >= today)
                                   .order_by(Need.id)))


def announce_published(listing_ids: list[int], today: date) -> int:
    """Check listings the index has just applied against every open need; tell each need's SME of
    a listing matching above the threshold, once per need and listing. Returns the number told."""
    listings = published_by_ids(listing_ids)
    if not listings:
        return 0
    among = [str(i) for i in listings]
    told = 0
    index = get_index()
    for need in open_needs(today):
        for match in index.match_need(need_text(need), len(among), among=among):
            listing = listings.get(int(match.doc_id))
            if listing is None or match.relevance < THRESHOLD or _already(need.id, listing.id):
                continue
            db.session.add(NeedMatch(need_id=need.id, listing_id=listing.id, source="published",
                                     score=match.relevance))
            notify(enterprise_members(need), "need.new_match",
                   {"listing_id": listing.id, "listing": listing.title[:80], "need": need.title[:80]},
                   "needs.detail", need_id=need.id)
            told += 1
    return told


def _already(need_id: int, listing_id: int) -> bool:
    return db.session.scalar(db.select(NeedMatch.id).where(NeedMatch.need_id == need_id,
                                                           NeedMatch.listing_id == listing_id)) is not None or \
        db.session.scalar(db.select(NeedProposal.id).where(NeedProposal.need_id == need_id,
                                                           NeedProposal.listing_id == listing_id)) is not None


def after_apply(listing_ids: list[int]) -> None:
    """The index writer's hook (``portal.indexing.writer.AFTER_APPLY``): its own transaction, so a
    failure here never touches the index's progress. A database fault is raised: the writer keeps
    the listings and calls again on its next pass, after its backoff, so an outage delays the
    announcement but never loses it. Any other fault is logged and the listings dropped, so one
    bad record cannot stall the writer. A concurrent writer telling the same match is stopped by
    the unique (need, listing) row: its commit fails, and on the retry the match is already told."""
    from portal.needs.forms import shanghai_today

    try:
        for attempt in (1, 2):
            try:
                if announce_published(listing_ids, shanghai_today()):
                    db.session.commit()
                else:
                    db.session.rollback()
                break
            except IntegrityError:  # another writer told one of these first: again, skipping it
                db.session.rollback()
                if attempt == 2:
                    raise
    except DBAPIError:
        db.session.rollback()
        raise
    except Exception:
        db.session.rollback()
        log.exception("announcing listings %s to needs", listing_ids[:10])


def register() -> None:
    """Install :func:`after_apply` on the index writer (once per process)."""
    from portal.indexing.writer import AFTER_APPLY

    if after_apply not in AFTER_APPLY:
        AFTER_APPLY.append(after_apply)
