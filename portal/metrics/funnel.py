"""Where deals come from: the funnel per centre and channel for a period.

For each centre and channel (``portal.models.channels.CHANNELS``):

- **views**: the listing page views counted in the period (Shanghai days; ``listing_view_counts``),
  by the channel of the link that led to the page;
- **requests**: the licence requests filed in the period (open-licence takes included), by their
  channel;
- **agreements**: of those requests, the ones that reached agreement (status ``agreed``);
- **deals**: of those requests, the ones a deal was recorded from.

Requests, agreements and deals follow the same cohort (requests filed in the period), so each step
is a part of the one before. Deals recorded without a request are not in the funnel: they have no
channel (they are in the performance figures). Every figure is grouped in SQL: a handful of rows
whatever the number of views or requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.listings.views_counter import flush_views
from portal.models import CHANNELS, Deal, LicenceRequest, Listing, ListingViewCount, Organisation
from portal.timefmt import SHANGHAI

STEPS = ("views", "requests", "agreements", "deals")


@dataclass
class Step:
    views: int = 0
    requests: int = 0
    agreements: int = 0
    deals: int = 0

    def add(self, other: Step) -> None:
        for name in STEPS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rate(self, step: str, of: str) -> float | None:
        """``step`` as a percentage of ``of`` (None when ``of`` is zero)."""
        base = getattr(self, of)
        return round(100 * getattr(self, step) / base, 1) if base else None


@dataclass
class CentreFunnel:
    centre: Organisation
    channels: dict[str, Step] = field(default_factory=lambda: {c: Step() for c in CHANNELS})

    @property
    def total(self) -> Step:
        total = Step()
        for step in self.channels.values():
            total.add(step)
        return total


@dataclass
class Funnel:
    start: date
    end: date
    centres: list[CentreFunnel]

    @property
    def channels(self) -> dict[str, Step]:
        """Every centre's steps added up, per channel."""
        result = {c: Step() for c in CHANNELS}
        for row in self.centres:
            for channel, step in row.channels.items():
                result[channel].add(step)
        return result

    @property
    def total(self) -> Step:
        total = Step()
        for step in self.channels.values():
            total.add(step)
        return total


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first Shanghai midnight and the midnight after its last day."""
    return (datetime.combine(start, time(), SHANGHAI), datetime.combine(end + timedelta(days=1), time(), SHANGHAI))


def funnel(centres: Iterable[Organisation], start: date, end: date) -> Funnel:
    """The funnel of ``centres`` for the days ``start`` to ``end`` (Shanghai dates, both included).

    This process's views not yet written are written first (``portal.listings.views_counter``);
    other workers' are at most ``VIEW_COUNT_FLUSH_SECONDS`` behind."""
    flush_views()
    rows = {c.id: CentreFunnel(c) for c in centres}
    ids = list(rows)
    since, until = utc_bounds(start, end)

    views = (select(Listing.centre_id, ListingViewCount.channel, func.sum(ListingViewCount.views))
             .join(Listing, Listing.id == ListingViewCount.listing_id)
             .where(ListingViewCount.day >= start, ListingViewCount.day <= end, Listing.centre_id.in_(ids))
             .group_by(Listing.centre_id, ListingViewCount.channel))
    for centre_id, channel, count in db.session.execute(views):
        rows[centre_id].channels[channel].views = int(count or 0)

    filed = (LicenceRequest.created_at >= since, LicenceRequest.created_at < until, Listing.centre_id.in_(ids))
    requests = (select(Listing.centre_id, LicenceRequest.channel, func.count(LicenceRequest.id),
                       func.sum(case((LicenceRequest.status == "agreed", 1), else_=0)))
                .join(Listing, Listing.id == LicenceRequest.listing_id).where(*filed)
                .group_by(Listing.centre_id, LicenceRequest.channel))
    for centre_id, channel, count, agreed in db.session.execute(requests):
        step = rows[centre_id].channels[channel]
        step.requests, step.agreements = int(count or 0), int(agreed or 0)

    with_deal = (select(Listing.centre_id, LicenceRequest.channel, func.count(func.distinct(LicenceRequest.id)))
                 .select_from(Deal).join(LicenceRequest, LicenceRequest.id == Deal.source_request_id)
                 .join(Listing, Listing.id == LicenceRequest.listing_id).where(*filed)
                 .group_by(Listing.centre_id, LicenceRequest.channel))
    for centre_id, channel, count in db.session.execute(with_deal):
        rows[centre_id].channels[channel].deals = int(count or 0)
    return Funnel(start, end, list(rows.values()))


# ---------------------------------------------------------------- export

CHANNEL_ZH = {"search": "站内检索", "digest": "订阅邮件", "need": "技术需求", "event": "对接活动",
              "recommendation": "推荐", "direct": "直接访问"}
FUNNEL_HEADINGS = ("运营中心", "代码", "渠道", "浏览次数", "许可申请", "达成一致", "成交", "申请/浏览（%）",
                   "成交/申请（%）")


def funnel_rows(result: Funnel) -> list[list]:
    """One row per centre and channel, then each centre's total; Chinese names, as the other exports."""
    rows = []
    for row in result.centres:
        for channel, step in [*row.channels.items(), ("", row.total)]:
            rows.append([row.centre.name_zh, row.centre.code, CHANNEL_ZH.get(channel, "合计"), step.views,
                         step.requests, step.agreements, step.deals,
                         _blank(step.rate("requests", "views")), _blank(step.rate("deals", "requests"))])
    return rows


def _blank(value: float | None) -> object:
    return "" if value is None else value


def funnel_xlsx(result: Funnel) -> bytes:
    from portal.spreadsheets import Sheet, workbook_bytes

    title = f"来源漏斗 {result.start.isoformat()}至{result.end.isoformat()}"[:31]
    return workbook_bytes([Sheet(title, FUNNEL_HEADINGS, funnel_rows(result), widths={0: 36})])
