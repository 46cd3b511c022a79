"""The funnel pages: where requests and deals come from, per centre and channel, for a period.

Centre staff see their own centre; organisers and administrators every centre side by side
(``portal.metrics.access``). The period is ``from`` and ``to`` (Shanghai dates, YYYY-MM-DD); a
date that cannot be read is said so on the page, which then shows the default period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.metrics import funnel as fn
from portal.metrics.access import is_centre_staff, viewable_centre
from portal.metrics.blueprint import bp
from portal.metrics.figures import all_centres
from portal.permissions import require
from portal.requests.channels import CHANNEL_LABELS
from portal.spreadsheets import XLSX_MIMETYPE, download
from portal.timefmt import SHANGHAI

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass
class Period:
    start: date
    end: date
    errors: list[str] = field(default_factory=list)

    def args(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _date(name: str, default: date, errors: list[str]) -> date:
    given = request.args.get(name, "").strip()
    if not given:
        return default
    try:
        value = date.fromisoformat(given) if len(given) <= 10 else None
    except ValueError:
        value = None
    if value is None or not EARLIEST <= value <= LATEST:
        errors.append(_("“%(value)s” is not a date: write it as YYYY-MM-DD, between 2000 and 2100.",
                        value=given[:20]))
        return default
    return value


def requested_period(today: date | None = None) -> Period:
    """``from`` / ``to`` from the query string; by default the year so far (Shanghai)."""
    today = today or datetime.now(SHANGHAI).date()
    errors: list[str] = []
    start = _date("from", date(today.year, 1, 1), errors)
    end = _date("to", today, errors)
    if start > end:
        errors.append(_("The period must not end before it starts."))
        start, end = date(today.year, 1, 1), today
    return Period(start, end, errors)


def _page(template_centre, centres, period: Period, export_url: str):
    result = fn.funnel(centres, period.start, period.end)
    return render_template("metrics/funnel.html", result=result, period=period, centre=template_centre,
                           channel_labels=CHANNEL_LABELS, export_url=export_url), (400 if period.errors else 200)


@bp.get("/metrics/funnel")
@login_required
def funnel():
    """Organisers and administrators: every centre; centre staff: their own centre's page."""
    if current_user.can("view_programme_metrics"):
        period = requested_period()
        return _page(None, all_centres(), period, url_for("metrics.funnel_xlsx", **period.args()))
    if is_centre_staff(current_user):
        return redirect(url_for("metrics.centre_funnel", code=current_user.organisation.code, **request.args))
    abort(403)


@bp.get("/metrics/centres/<code>/funnel")
@login_required
def centre_funnel(code: str):
    """One centre's funnel, per channel."""
    centre = viewable_centre(code)
    period = requested_period()
    return _page(centre, [centre], period, url_for("metrics.centre_funnel_xlsx", code=code, **period.args()))


@bp.get("/metrics/funnel.xlsx")
@require("view_programme_metrics")
def funnel_xlsx():
    """Every centre's funnel as a workbook, one row per centre and channel."""
    period = requested_period()
    if period.errors:
        abort(400)
    body = fn.funnel_xlsx(fn.funnel(all_centres(), period.start, period.end))
    return download(body, XLSX_MIMETYPE, f"funnel-{period.start.isoformat()}-{period.end.isoformat()}.xlsx")


@bp.get("/metrics/centres/<code>/funnel.xlsx")
@login_required
def centre_funnel_xlsx(code: str):
    """One centre's funnel as a workbook."""
    centre = viewable_centre(code)
    period = requested_period()
    if period.errors:
        abort(400)
    body = fn.funnel_xlsx(fn.funnel([centre], period.start, period.end))
    return download(body, XLSX_MIMETYPE,
                    f"{centre.code}-funnel-{period.start.isoformat()}-{period.end.isoformat()}.xlsx")
