"""The centre's work page section "coming to events for your listings": upcoming events where an
enterprise signed up naming one of the centre's listings."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from portal.extensions import db
from portal.main.work_items import Row, Section
from portal.models import Event, EventRegistration, Listing, registration_listings
from portal.timefmt import local_time


def coming_for_listings(centre_id: int, now: datetime, limit: int = 10) -> Section:
    """Per upcoming event: how many enterprises come for the centre's listings, soonest first."""
    query = (select(Event, func.count(func.distinct(EventRegistration.id)),
                    func.coalesce(func.sum(EventRegistration.people), 0))
             .join(EventRegistration, EventRegistration.event_id == Event.id)
             .join(registration_listings, registration_listings.c.registration_id == EventRegistration.id)
             .join(Listing, Listing.id == registration_listings.c.listing_id)
             .where(Listing.centre_id == centre_id, Event.ends_at >= now)
             .group_by(Event.id).order_by(Event.starts_at, Event.id))
    found = db.session.execute(query.limit(limit)).all()
    rows = [Row(event.title, url_for("events.detail", event_id=event.id) + "#coming-for-my-listings",
                local_time(event.starts_at, "yyyy-MM-dd HH:mm"),
                badge=ngettext("%(num)d enterprise", "%(num)d enterprises", companies), tone="info")
            for event, companies, _people in found]
    return Section("event-signups", _("Enterprises coming to events for your listings"), len(rows), rows,
                   url_for("events.index"), _("Open the events"), empty=_("No sign-ups for upcoming events."))
