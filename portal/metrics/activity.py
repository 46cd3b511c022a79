"""The centre's work counted per year beyond the deals: training sessions it organised (宣传培训,
work task 6) with their attendees — the same function for the dashboard and the programme view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, EventAttendance

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Training:
    sessions: int = 0
    attendees: int = 0


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Shanghai time (events are stored in UTC)."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def training_counts(centre_ids: list[int] | tuple[int, ...], year: int) -> dict[int, Training]:
    """{centre id: training sessions the centre organised that started in ``year``, and the headcount
    recorded at them}."""
    if not centre_ids:
        return {}
    start, end = _year_bounds(year)
    in_year = (Event.kind == "training", Event.organiser_id.in_(centre_ids), Event.starts_at >= start,
               Event.starts_at < end)
    sessions = dict(db.session.execute(select(Event.organiser_id, func.count()).where(*in_year)
                                       .group_by(Event.organiser_id)).all())
    attendees = dict(db.session.execute(
        select(Event.organiser_id, func.sum(EventAttendance.headcount))
        .join(EventAttendance, EventAttendance.event_id == Event.id).where(*in_year)
        .group_by(Event.organiser_id)).all())
    return {c: Training(int(sessions.get(c, 0)), int(attendees.get(c) or 0)) for c in centre_ids}
