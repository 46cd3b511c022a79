"""Saved searches (已保存的检索) and what their digests have already sent.

A saved search is one user's query and filters of the search page, with a delivery: ``feed``
(nothing is sent; the feed URLs follow it), ``in_app`` (a notification), ``daily`` or ``weekly``
(one e-mail per user per run, portal/subscriptions/digest.py).

Two records keep a listing from being sent twice for the same search: ``digest_mark`` (listings
published after it are new; each digest run moves it to the run's time) and one
:class:`SavedSearchSent` row per listing sent. The mark bounds the search; the rows make it exact,
whatever the index's lag and even when a listing is withdrawn and published again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

DELIVERIES = ("feed", "in_app", "daily", "weekly")


class SavedSearch(db.Model):
    __tablename__ = "saved_searches"
    __table_args__ = (CheckConstraint(f"delivery IN {DELIVERIES!r}", name="delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(500), default="")
    # The search page's filters as its query arguments (centre, field, kind, mode, open, ipc).
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    delivery: Mapped[str] = mapped_column(String(10), default="daily", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Listings published after this are new for the next digest.
    digest_mark: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a digest run last looked at this search (whether or not it found anything).
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SavedSearchSent(db.Model):
    """A listing a digest (mail or notification) has named for a saved search."""

    __tablename__ = "saved_search_sent"

    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"),
                                                 primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
