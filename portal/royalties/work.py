"""The royalties section of the work page, for the centre and for the licensee."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.notices.labels import ROYALTY_STATE_LABELS
from portal.royalties.operations import overdue_for


def overdue_section(org_id: int, side: str, today: date | None = None):
    """Royalty reports and payments overdue, oldest first."""
    from portal.main.work_items import LIMIT, Row, Section

    today = today or date.today()
    periods = overdue_for(org_id, side, today)
    locale = str(get_locale() or "")
    rows = []
    for p in periods[:LIMIT]:
        state = p.state(today)
        other = p.deal.licensee if side == "centre" else p.deal.licensor
        due = p.report_due if state == "report_overdue" else p.payment_due
        rows.append(Row(f"#{p.deal_id} {other.display_name(locale)}", url_for("deals.detail", deal_id=p.deal_id),
                        f"{p.starts_on.isoformat()} – {p.ends_on.isoformat()}",
                        badge=f"{ROYALTY_STATE_LABELS[state]} · {_('due %(date)s', date=due.isoformat())}",
                        tone="danger"))
    return Section("royalties", _("Royalty reports and payments overdue"), len(periods), rows,
                   url_for("royalties.index"), _("Open the royalties"), empty=_("Nothing overdue."))
