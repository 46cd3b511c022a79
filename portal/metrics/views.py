"""Performance figures: a centre's dashboard, the programme view, the deals behind any figure, exports."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.budget.ledger import ledgers
from portal.disclosures.counts import review_counts
from portal.extensions import db
from portal.labels import (
    AMOUNT_TARGETS,
    AWARD_LABELS,
    CONDITION_LABELS,
    DEAL_TARGETS,
    KIND_LABELS,
    TARGET_LABELS,
)
from portal.metrics import activity, export, figures
from portal.metrics.access import (
    is_centre_staff,
    programme_parameters,
    readable_centre,
    requested_as_of,
    requested_year,
    viewable_centre,
)
from portal.metrics.blueprint import bp
from portal.metrics.charts import chart_data
from portal.metrics.patent_counts import high_value_counts
from portal.models import CentreAward, Deal, Organisation
from portal.permissions import require
from portal.rules.targets import DEAL_KINDS
from portal.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, download

PER_PAGE = 100
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LABELS = {"targets": TARGET_LABELS, "kinds": KIND_LABELS, "conditions": CONDITION_LABELS,
          "amount_targets": AMOUNT_TARGETS, "deal_targets": DEAL_TARGETS, "awards": AWARD_LABELS}


@bp.get("/metrics/")
@login_required
def index():
    """Organisers and administrators go to the programme view, centre staff to their dashboard."""
    if current_user.can("view_programme_metrics"):
        return redirect(url_for("metrics.programme"))
    return redirect(url_for("metrics.own_centre"))


@bp.get("/metrics/centre")
@login_required
def own_centre():
    """The logged-in centre staff's own dashboard."""
    if not is_centre_staff(current_user):
        abort(403)
    return _dashboard(current_user.organisation)


@bp.get("/metrics/centres/<code>")
@login_required
def centre(code: str):
    """A centre's dashboard: each target as progress, deals by kind, month and SME share, eligibility."""
    return _dashboard(viewable_centre(code))


def _dashboard(centre: Organisation):
    params = programme_parameters()
    year = requested_year(params)
    as_of = requested_as_of(year)
    result = figures.centre_figures(params, centre, year, as_of)
    months = figures.monthly(centre.id, (params.baseline_year, year))
    awards = db.session.scalars(db.select(CentreAward).where(CentreAward.centre_id == centre.id)
                                .order_by(CentreAward.year.desc())).all()
    window_from = result.eligibility.window_start + timedelta(days=1)
    high_value = high_value_counts(params.high_value_min_average, [centre.id]).get(centre.id, 0)
    training = {y: activity.training_counts([centre.id], y)[centre.id] for y in (params.baseline_year, year)}
    reviews = {y: review_counts([centre.id], y)[centre.id] for y in (params.baseline_year, year)}
    return render_template("metrics/centre.html", centre=centre, f=result, params=params, months=months,
                           awards=awards, window_from=window_from, labels_m=LABELS, kinds=DEAL_KINDS,
                           high_value=high_value, training=training, reviews=reviews,
                           charts=chart_data(result, months),
                           own=is_centre_staff(current_user) and current_user.organisation_id == centre.id)


@bp.get("/metrics/programme")
@require("view_programme_metrics")
def programme():
    """All centres side by side: the deal targets, PCT, reports, staff and eligibility."""
    params = programme_parameters()
    year = requested_year(params)
    as_of = requested_as_of(year)
    centres = figures.all_centres()
    rows = figures.centres_figures(params, year, as_of, centres)
    ids = [c.id for c in centres]
    extra = {"budget": ledgers(ids, year), "training": activity.training_counts(ids, year),
             "high_value": high_value_counts(params.high_value_min_average, ids)}
    return render_template("metrics/programme.html", rows=rows, year=year, as_of=as_of, params=params,
                           labels_m=LABELS, extra=extra)


@bp.get("/metrics/programme.xlsx")
@require("view_programme_metrics")
def programme_xlsx():
    """The programme view as a workbook with Chinese headings."""
    params = programme_parameters()
    year = requested_year(params)
    rows = figures.centres_figures(params, year, requested_as_of(year), figures.all_centres())
    return download(export.programme_xlsx(rows), XLSX_MIMETYPE, f"programme-{year}.xlsx")


def drill_filter(centre: Organisation) -> tuple[figures.DealFilter, dict]:
    """The deals behind a figure, from the query string: ``year`` (and ``month``), or ``as_of`` for the
    eligibility window (``received=1``: the payments received in it); ``kind``; ``sme=1``."""
    params = programme_parameters()
    args = request.args
    kind = args.get("kind") or None
    month = args.get("month", "")
    if (kind is not None and kind not in DEAL_KINDS) or (month and not (month.isdigit() and 1 <= int(month) <= 12)):
        abort(400)
    shown = {"kind": kind, "sme": 1 if args.get("sme") == "1" else None, "month": int(month) if month else None}
    if args.get("as_of"):
        as_of = requested_as_of(params.assessment_year)
        window = (figures.eligibility_window(params, as_of) + timedelta(days=1), as_of)
        received = args.get("received") == "1"
        shown |= {"as_of": as_of.isoformat(), "received": 1 if received else None}
        f = figures.DealFilter(centre_ids=(centre.id,), periods=() if received else (window,),
                               paid_between=window if received else None, kind=kind, sme=bool(shown["sme"]),
                               month=shown["month"])
        return f, {k: v for k, v in shown.items() if v is not None}
    years = [requested_year(params)] if args.get("year") else [params.baseline_year, params.assessment_year]
    if shown["month"] and len(years) != 1:
        abort(400)
    shown["year"] = years[0] if len(years) == 1 else None
    f = figures.DealFilter(centre_ids=(centre.id,), periods=tuple(figures.year_range(y) for y in years),
                           kind=kind, sme=bool(shown["sme"]), month=shown["month"])
    return f, {k: v for k, v in shown.items() if v is not None}


@bp.get("/metrics/centres/<code>/deals")
@login_required
def deals(code: str):
    """The deals behind a figure, with their totals (which equal the figure)."""
    centre = viewable_centre(code)
    f, shown = drill_filter(centre)
    query = figures.deal_listing(f).options(selectinload(Deal.licensee))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    received = figures.received_for([d.id for d in page.items], f.paid_between)
    return render_template("metrics/deals.html", centre=centre, page=page, received=received, shown=shown,
                           total=figures.tally(f), labels_m=LABELS)


@bp.get("/metrics/centres/<code>/deals.<any(csv, xlsx):fmt>")
@login_required
def deals_export(code: str, fmt: str):
    """The deals behind a figure (same filters as the page) as CSV or XLSX, with Chinese headings."""
    centre = viewable_centre(code)
    f, _shown = drill_filter(centre)
    rows = export.deal_rows(f)
    name = f"{centre.code}-deals.{fmt}"
    if fmt == "csv":
        return download(csv_bytes(rows, export.DEAL_HEADINGS), CSV_MIMETYPE, name)
    return download(export.deals_xlsx(rows), XLSX_MIMETYPE, name)


@bp.get("/metrics/centres/<code>/package.docx")
@login_required
def package_docx(code: str):
    """The application package (项目申报书 sections, 承诺书, proof checklist) for the year and day shown:
    the centre's administrators and the programme office."""
    from datetime import date

    from portal.package.contents import gather
    from portal.package.document import package_docx as write

    centre = readable_centre(code)
    if not (current_user.can("view_programme_metrics") or current_user.can("manage_centre")):
        abort(404)
    params = programme_parameters()
    year = requested_year(params)
    content = write(gather(params, centre, year, requested_as_of(year)), date.today())
    return download(content, DOCX_MIMETYPE, f"{centre.code}-application-{year}.docx")


@bp.get("/metrics/centres/<code>/figures.<any(csv, xlsx):fmt>")
@login_required
def figures_export(code: str, fmt: str):
    """The assessment submission: the centre's figures (CSV), or figures and deals (XLSX, two sheets)."""
    centre = viewable_centre(code)
    params = programme_parameters()
    year = requested_year(params)
    result = figures.centre_figures(params, centre, year, requested_as_of(year))
    table = export.figure_rows(result, params)
    name = f"{centre.code}-{year}.{fmt}"
    if fmt == "csv":
        return download(csv_bytes(table, export.FIGURE_HEADINGS), CSV_MIMETYPE, name)
    periods = tuple(figures.year_range(y) for y in (params.baseline_year, year))
    deal_rows = export.deal_rows(figures.DealFilter(centre_ids=(centre.id,), periods=periods))
    return download(export.figures_xlsx(table, deal_rows), XLSX_MIMETYPE, name)
