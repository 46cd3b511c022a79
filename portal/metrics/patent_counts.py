"""Counts of a centre's patents the programme asks about beyond eligibility: high-value patents
(高价值专利培育, assessed on five dimensions) — the same definition on the dashboard, the programme
view, the patent list's filter and the search filter."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, func, select

from portal.extensions import db
from portal.models import VALUE_DIMENSIONS, Patent


def high_value_clause(min_average: Decimal):
    """All five value scores given and their mean at least ``min_average``."""
    scores = [getattr(Patent, d) for d in VALUE_DIMENSIONS]
    total = scores[0] + scores[1] + scores[2] + scores[3] + scores[4]
    return and_(*(s.is_not(None) for s in scores), total >= Decimal(min_average) * len(scores))


def is_high_value(values: dict[str, int | None], min_average: Decimal) -> bool:
    scores = [values.get(d) for d in VALUE_DIMENSIONS]
    return None not in scores and Decimal(sum(scores)) >= Decimal(min_average) * len(scores)


def high_value_counts(min_average: Decimal, centre_ids: list[int] | tuple[int, ...]) -> dict[int, int]:
    """{centre id: valid high-value patents}."""
    if not centre_ids:
        return {}
    rows = db.session.execute(select(Patent.centre_id, func.count()).where(
        Patent.centre_id.in_(centre_ids), Patent.legal_status == "valid", high_value_clause(min_average))
        .group_by(Patent.centre_id))
    return {centre_id: count for centre_id, count in rows}
