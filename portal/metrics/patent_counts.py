"""Counts of a centre's patents the programme asks about beyond eligibility: high-value patents
(高价值专利培育, assessed on five dimensions) — the same definition on the dashboard, the programme
view, the patent list's filter and the search filter."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, exists, func, select

from portal.extensions import db
from portal.models import VALUE_DIMENSIONS, Listing, Patent, ProgrammeParameters, listing_patents
from portal.models.metrics import PARAMETER_DEFAULTS


def high_value_threshold() -> Decimal:
    """The programme's ``high_value_min_average`` (the notice's default before any was stored).

    Read through the session's identity map: the parameters are one row, loaded once per
    transaction (a commit expires it, so a changed parameter is seen by the next transaction)."""
    row = db.session.get(ProgrammeParameters, 1)
    if row is None or row.high_value_min_average is None:
        return PARAMETER_DEFAULTS["high_value_min_average"]
    return Decimal(row.high_value_min_average)


def high_value_clause(min_average: Decimal):
    """All five value scores given and their mean at least ``min_average``."""
    scores = [getattr(Patent, d) for d in VALUE_DIMENSIONS]
    total = scores[0] + scores[1] + scores[2] + scores[3] + scores[4]
    return and_(*(s.is_not(None) for s in scores), total >= Decimal(min_average) * len(scores))


def is_high_value(values: dict[str, int | None], min_average: Decimal) -> bool:
    scores = [values.get(d) for d in VALUE_DIMENSIONS]
    return None not in scores and Decimal(sum(scores)) >= Decimal(min_average) * len(scores)


def listing_high_value_clause(min_average: Decimal):
    """SQL: the listing offers at least one high-value patent (the search's ``value=high``)."""
    return exists(
        select(1).select_from(listing_patents).join(Patent, Patent.id == listing_patents.c.patent_id)
        .where(listing_patents.c.listing_id == Listing.id, high_value_clause(min_average)))


def listings_crossing(old: Decimal, new: Decimal) -> list[int]:
    """Ids of the published listings offering a patent that is high-value under one of the two
    thresholds and not under the other: those whose search document a threshold change alters."""
    low, high = sorted((Decimal(old), Decimal(new)))
    if low == high:
        return []
    scores = [getattr(Patent, d) for d in VALUE_DIMENSIONS]
    total = scores[0] + scores[1] + scores[2] + scores[3] + scores[4]
    crossing = (select(listing_patents.c.listing_id).join(Patent, Patent.id == listing_patents.c.patent_id)
                .where(*(s.is_not(None) for s in scores), total >= low * len(scores), total < high * len(scores)))
    return list(db.session.scalars(
        select(Listing.id).where(Listing.status == "published", Listing.id.in_(crossing)).order_by(Listing.id)))


def high_value_counts(min_average: Decimal, centre_ids: list[int] | tuple[int, ...]) -> dict[int, int]:
    """{centre id: valid high-value patents}."""
    if not centre_ids:
        return {}
    rows = db.session.execute(select(Patent.centre_id, func.count()).where(
        Patent.centre_id.in_(centre_ids), Patent.legal_status == "valid", high_value_clause(min_average))
        .group_by(Patent.centre_id))
    return {centre_id: count for centre_id, count in rows}
