"""Pre-filing review counted per year: one function for the dashboard and the programme view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.models import Disclosure


@dataclass(frozen=True)
class ReviewCounts:
    received: int = 0  # disclosures received in the year
    reviewed: int = 0  # reviews made in the year
    to_file: int = 0  # of which: decided to file
    pct: int = 0  # of which: PCT recommended


def review_counts(centre_ids: list[int] | tuple[int, ...], year: int) -> dict[int, ReviewCounts]:
    if not centre_ids:
        return {}
    start, end = date(year, 1, 1), date(year, 12, 31)
    received = dict(db.session.execute(select(Disclosure.centre_id, func.count()).where(
        Disclosure.centre_id.in_(centre_ids), Disclosure.received_on.between(start, end))
        .group_by(Disclosure.centre_id)).all())
    reviewed = {row[0]: row[1:] for row in db.session.execute(select(
        Disclosure.centre_id, func.count(),
        func.sum(case((Disclosure.decision == "file", 1), else_=0)),
        func.sum(case((Disclosure.recommended_protection == "pct", 1), else_=0)))
        .where(Disclosure.centre_id.in_(centre_ids), Disclosure.reviewed_on.between(start, end))
        .group_by(Disclosure.centre_id))}
    result = {}
    for c in centre_ids:
        count, to_file, pct = reviewed.get(c, (0, 0, 0))
        result[c] = ReviewCounts(int(received.get(c, 0)), int(count or 0), int(to_file or 0), int(pct or 0))
    return result
