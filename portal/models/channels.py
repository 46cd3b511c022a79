"""Where deals come from: the channels a licence request can arrive through, and the per-listing,
per-day, per-channel view counter behind the funnel (``portal.metrics.funnel``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# The link that led to the listing or the request form says which (``?via=``); anything else is "direct".
CHANNELS = ("search", "digest", "need", "event", "recommendation", "direct")


class ListingViewCount(db.Model):
    """How many times a listing's page was seen on one Shanghai day through one channel.

    One row per (listing, day, channel), bumped by a single UPSERT per page view: no row per view,
    so the table stays small (listings × days with views × channels) and a view costs one statement.
    """

    __tablename__ = "listing_view_counts"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        CheckConstraint("views >= 0", name="views"),
    )

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True, index=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
