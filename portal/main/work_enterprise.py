"""Work page sections built on other areas: the enterprise's deals awaiting CNIPA recordal
(portal.deals.ours), "为您推荐" (recommended for you, from portal.needs), and royalty reports and
payments overdue for either party (portal.royalties)."""

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


def royalty_sections(org_id: int, side: str) -> list[Section]:
    """Royalty reports and payments overdue, oldest first: always for a centre; for an enterprise
    only once it holds a licence with running royalties."""
    from portal.notices.labels import ROYALTY_STATE_LABELS
    from portal.royalties.operations import periods_for

    today = date.today()
    periods = periods_for(org_id, side)
    if side == "licensee" and not periods:
        return []
    overdue = [p for p in periods if p.state(today) in ("report_overdue", "payment_overdue")]
    rows = []
    for p in overdue[:LIMIT]:
        state = p.state(today)
        due = p.report_due if state == "report_overdue" else p.payment_due
        other = p.deal.licensee if side == "centre" else p.deal.licensor
        rows.append(Row(f"#{p.deal_id} {_name(other)}", url_for("deals.detail", deal_id=p.deal_id),
                        f"{p.starts_on.isoformat()} – {p.ends_on.isoformat()}",
                        badge=f"{ROYALTY_STATE_LABELS[state]} · {_('due %(date)s', date=due.isoformat())}",
                        tone="danger"))
    return [Section("royalties", _("Royalty reports and payments overdue"), len(overdue), rows,
                    url_for("royalties.index"), _("Open the royalties"), empty=_("Nothing overdue."))]
