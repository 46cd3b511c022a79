"""The work page (工作台): what waits for the signed-in user, by role. Login and the end of a
registration land here; the sections are built in :mod:`portal.main.work_items`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app, make_response, render_template, request, session
from flask_login import current_user, login_required

from portal.main import work_items as items
from portal.main.views import bp
from portal.main.work_enterprise import our_recordals, recommended, royalty_sections
from portal.main.work_events import coming_for_listings

# An enterprise's "new listings since your last visit": the time of the previous visit to this page
# is kept in a cookie of the browser (it outlives the session, which every login starts afresh), and
# read once per session so that reloading the page does not empty the list.
SEEN_COOKIE = "portal_work_seen"
SINCE_KEY = "work_since"
FIRST_VISIT_DAYS = 14  # without a previous visit: the listings of the last two weeks
SEEN_MAX_AGE = 365 * 24 * 3600


def _previous_visit(user_id: int, now: datetime) -> datetime:
    """When this browser last showed this user the page (from the cookie), else two weeks ago."""
    stored = session.get(SINCE_KEY)
    if isinstance(stored, (int, float)):
        return datetime.fromtimestamp(stored, UTC)
    since = now - timedelta(days=FIRST_VISIT_DAYS)
    owner, _sep, stamp = request.cookies.get(SEEN_COOKIE, "").partition(":")
    if owner == str(user_id) and stamp.isdigit():
        seen = datetime.fromtimestamp(int(stamp), UTC)
        since = seen if seen <= now else since  # a cookie from the future counts for nothing
    session[SINCE_KEY] = since.timestamp()
    return since


def sections_for(user, now: datetime) -> list[items.Section]:
    org = user.organisation
    if user.role in ("centre_staff", "centre_admin"):
        sections = items.centre_sections(org, now)
        sections[2:2] = royalty_sections(org.id, "centre")  # after the recordals
        sections.insert(len(sections) - 1, coming_for_listings(org.id, now))  # before the targets
        return sections
    if user.role == "sme_member":
        sections = items.enterprise_sections(org, _previous_visit(user.id, now), user, now)
        # after its requests: recordals to file and royalties overdue; after the notices: recommendations
        sections[1:2] = [our_recordals(org.id, date.today()), *royalty_sections(org.id, "licensee"), sections[1],
                         recommended(org)]
        return sections
    if user.role == "organiser":
        return items.organiser_sections(org, now)
    if user.role == "exchange_operator":
        return items.exchange_sections(org, now)
    if user.role == "site_admin":
        return items.admin_sections()
    return []


@bp.get("/work")
@login_required
def work():
    """The signed-in user's work: each section counts what waits and links to where it is done."""
    now = datetime.now(UTC)
    response = make_response(render_template("main/work.html", sections=sections_for(current_user, now)))
    if current_user.role == "sme_member":
        response.set_cookie(SEEN_COOKIE, f"{current_user.id}:{int(now.timestamp())}", max_age=SEEN_MAX_AGE,
                            samesite="Lax", httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
