"""The dashboard's chart data: plain JSON the page carries in a data block for static/js/metrics.js.

Every label is translated here, so the script draws without knowing any language; the same numbers
are in the tables the page shows when the script does not run.
"""

from __future__ import annotations

from flask_babel import gettext as _

from portal.labels import KIND_LABELS
from portal.metrics.figures import CentreFigures
from portal.rules.targets import DEAL_KINDS, Tally


def chart_data(f: CentreFigures, months: dict[int, dict[int, Tally]]) -> dict:
    """Deals by month (year vs baseline), deals by kind, and the share of deals with SMEs."""
    years = (f.year, f.baseline_year)
    total, sme = f.deals.total, f.deals.sme
    return {
        "months": {
            "title": _("Deals by month"),
            "labels": [_("Month %(n)d", n=m) for m in range(1, 13)],
            "datasets": [{"label": str(y), "data": [months[y][m].count for m in range(1, 13)]} for y in years],
        },
        "kinds": {
            "title": _("Deals by kind"),
            "labels": [str(KIND_LABELS[k]) for k in DEAL_KINDS],
            "datasets": [{"label": str(y), "data": [(f.deals if y == f.year else f.baseline).by_kind[k].count
                                                    for k in DEAL_KINDS]} for y in years],
        },
        "sme": {
            "title": _("Share of deals with SMEs"),
            "labels": [_("Small, medium and micro enterprises"), _("Other licensees")],
            "datasets": [{"label": str(f.year), "data": [sme.count, total.count - sme.count]}],
        },
    }
