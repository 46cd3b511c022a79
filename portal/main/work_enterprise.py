"""The enterprise's work page sections built on other areas: its deals awaiting CNIPA recordal
(portal.deals.ours) and "为您推荐" (recommended for you, from portal.needs)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.labels import DEAL_MODE_LABELS, RECORDAL_STATUS_LABELS
from portal.main.template_helpers import localised
from portal.main.work_items import LIMIT, PENDING_RECORDAL, Row, Section, _name, _take
from portal.models import Deal, Organisation


def recommended(org: Organisation) -> Section:
    """为您推荐: listings picked from the enterprise's needs, past requests and industry (portal.needs)."""
    from portal.needs.forms import shanghai_today
    from portal.needs.recommend import recommended_for

    picks = recommended_for(org, shanghai_today(), LIMIT)
    rows = [Row(localised(p.listing, "title"), url_for("listings.detail", listing_id=p.listing.id),
                " · ".join((_name(p.listing.centre), p.reason))) for p in picks]
    return Section("recommended", _("Recommended for you"), len(rows), rows, url_for("needs.index"),
                   _("Technology needs"), note=_("From your needs, the listings you asked about and your industry."),
                   empty=_("Nothing to recommend yet: post a need or ask about a listing."))


def our_recordals(enterprise_id: int, today: date) -> Section:
    """The enterprise's deals whose CNIPA recordal is not done (either party may file it)."""
    query = (select(Deal).where(Deal.licensee_id == enterprise_id, Deal.recordal_status.in_(PENDING_RECORDAL),
                                Deal.recordal_due.isnot(None)).order_by(Deal.recordal_due, Deal.id))
    count, items = _take(query, selectinload(Deal.licensor))
    rows = [Row(f"#{d.id} {_name(d.licensor)}", url_for("deals.detail", deal_id=d.id),
                " · ".join((str(DEAL_MODE_LABELS[d.mode]), str(RECORDAL_STATUS_LABELS[d.recordal_status]))),
                badge=(_("overdue since %(date)s", date=d.recordal_due.isoformat()) if d.recordal_due < today
                       else _("due %(date)s", date=d.recordal_due.isoformat())),
                tone="danger" if d.recordal_due < today else "warning") for d in items]
    return Section("our-recordals", _("Our deals awaiting CNIPA recordal"), count, rows, url_for("deals.ours"),
                   _("Our deals and licences"), empty=_("No recordal waiting."))
