"""Matchmaking events (对接活动): fairs, roadshows, training and publicity.

Licence requests and deals name the event they came from through their own ``event_id`` column;
an event does not list them, it is asked for them (``portal.events.operations.event_outcomes``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.listings import Listing
from portal.models.orgs import Organisation
from portal.models.types import UTCDateTime, utcnow
from portal.models.users import User

EVENT_KINDS = ("matchmaking", "roadshow", "training")

event_listings = Table(
    "event_listings", db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("listing_id", ForeignKey("listings.id"), primary_key=True, index=True),
)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("place IS NOT NULL OR online_url IS NOT NULL", name="place_or_link"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Sign-up (portal/events/registrations.py): places for people, none = no limit; the follow-up
    # mail to attendees, sent once (set by a conditional UPDATE, so a second click sends nothing).
    capacity: Mapped[int | None]
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every edit: the iCalendar SEQUENCE, so calendar clients take the new version.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organiser: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    listings: Mapped[list[Listing]] = relationship(secondary=event_listings, order_by=Listing.id)
    attendances: Mapped[list[EventAttendance]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventAttendance.id")

    @property
    def headcount(self) -> int:
        return sum(a.headcount for a in self.attendances)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind}>"


class EventAttendance(db.Model):
    """An organisation present at an event, with how many people it sent."""

    __tablename__ = "event_attendances"
    __table_args__ = (
        CheckConstraint("headcount > 0", name="headcount"),
        UniqueConstraint("event_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    headcount: Mapped[int]

    event: Mapped[Event] = relationship(back_populates="attendances")
    organisation: Mapped[Organisation] = relationship()


registration_listings = Table(
    "event_registration_listings", db.metadata,
    Column("registration_id", ForeignKey("event_registrations.id", ondelete="CASCADE"), primary_key=True),
    Column("listing_id", ForeignKey("listings.id"), primary_key=True, index=True),
)


class EventRegistration(db.Model):
    """An enterprise signed up for an upcoming event: how many people it brings and the listings it
    wants to discuss. One per enterprise and event; cancelling deletes it (the audit log keeps it).

    Checking in on the day sets ``checked_in_at`` and, when the enterprise had no attendance line
    yet, adds one with ``people`` (``added_attendance`` remembers it, so an undo removes only
    the line the check-in made, never one typed by hand).
    """

    __tablename__ = "event_registrations"
    __table_args__ = (
        CheckConstraint("people > 0", name="people"),
        UniqueConstraint("event_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who signed up: the contact
    people: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_attendance: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    listings: Mapped[list[Listing]] = relationship(secondary=registration_listings, order_by=Listing.id)
