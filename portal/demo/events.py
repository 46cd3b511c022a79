"""Demo events: one past matchmaking fair, one upcoming roadshow, dated from today."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from portal.events import operations as ops
from portal.extensions import db
from portal.models import Event, Listing, Organisation, User
from portal.timefmt import SHANGHAI


def _at(days: int, hour: int) -> datetime:
    """``hour`` o'clock Shanghai time, ``days`` from today."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email))


def load(echo) -> None:
    """Add the two demo events once (skipped when any event exists, or without demo listings)."""
    if db.session.scalar(db.select(Event.id).limit(1)) is not None:
        return
    orgs = {o.code: o for o in db.session.scalars(db.select(Organisation).where(Organisation.is_example.is_(True)))}
    organiser, centre = orgs.get("demo-organiser"), orgs.get("demo-ruihe-ip")
    listings = list(db.session.scalars(db.select(Listing).where(Listing.status == "published").order_by(Listing.id)))
    if organiser is None or centre is None or not listings:
        echo("demo events skipped: load the demo organisations and listings first")
        return
    enterprises = [o for o in orgs.values() if o.kind == "enterprise"][:4]
    attendees = [ops.Attendee(o.code, n, line) for line, (o, n) in
                 enumerate(zip([centre, *enterprises], (3, 2, 4, 1, 2), strict=False), start=1)]
    ops.create_event(organiser, ops.EventData(
        kind="matchmaking", title="2025 医疗卫生专利技术对接会（示例）",
        starts_at=_at(-21, 14), ends_at=_at(-21, 17),
        place="上海市徐汇区示例路 100 号 国际会议中心 3 楼多功能厅（示例）",
        listing_ids=[x.id for x in listings[:4]], attendees=attendees,
        notes="各运营中心介绍可许可专利，企业现场交流需求。会后可在平台上提交许可申请并注明本次活动。"),
        actor=_user("organiser@demo.portal.local"))
    own = [x.id for x in listings if x.centre_id == centre.id][:3]
    ops.create_event(centre, ops.EventData(
        kind="roadshow", title="瑞和医院心血管器械专利路演（示例）",
        starts_at=_at(14, 9) + timedelta(minutes=30), ends_at=_at(14, 11) + timedelta(minutes=30),
        place="瑞和医院科教楼报告厅（示例）", online_url="https://live.example.org/ruihe-roadshow",
        listing_ids=own, notes="线下与线上同步进行，线上观众可在直播间提问。"),
        actor=_user("centre.staff@demo.portal.local"))
    db.session.commit()
    echo("2 demo events recorded (one past, one upcoming)")
