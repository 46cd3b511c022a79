"""What the application package says, gathered from the database with the SAME functions the
dashboard uses (``figures.centre_figures``, ``high_value_counts``, ``training_counts``,
``review_counts``, the budget ledger), so every figure in the document equals the dashboard's for
the same year and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.budget.ledger import centre_ledger
from portal.disclosures.counts import ReviewCounts, review_counts
from portal.extensions import db
from portal.metrics.activity import Training, training_counts
from portal.metrics.figures import CentreFigures, centre_figures
from portal.metrics.patent_counts import high_value_counts
from portal.metrics.records import funding_total
from portal.models import (
    BudgetExpense,
    CentreAward,
    CentreProfile,
    FundingSecured,
    LeadershipBody,
    NavigationReport,
    Organisation,
    PctApplication,
    ProgrammeParameters,
    RulesDocument,
)
from portal.rules.budget import Ledger


@dataclass
class PackageContents:
    centre: Organisation
    params: ProgrammeParameters
    year: int
    as_of: date
    window_from: date  # the eligibility window's first day
    figures: CentreFigures  # the year against the baseline, eligibility as of ``as_of``
    yearly: dict[int, CentreFigures]  # each year of the window, for the three-year record
    high_value: int
    training: dict[int, Training]
    reviews: dict[int, ReviewCounts]
    ledger: Ledger
    profile: CentreProfile | None
    leadership: LeadershipBody | None
    funding: list[FundingSecured]
    funding_total: object
    rules: list[RulesDocument]
    awards: list[CentreAward]
    pct: list[PctApplication]
    reports: list[NavigationReport]
    expenses: int
    expenses_with_voucher: int


def _all(model, centre_id: int, order):
    return list(db.session.scalars(db.select(model).where(model.centre_id == centre_id).order_by(order)))


def gather(params: ProgrammeParameters, centre: Organisation, year: int, as_of: date) -> PackageContents:
    """Everything the package states for ``centre``: the figures of ``year`` with eligibility as of
    ``as_of`` (the dashboard's defaults are the caller's)."""
    figures = centre_figures(params, centre, year, as_of)
    window_from = figures.eligibility.window_start + timedelta(days=1)
    years = range(max(window_from.year, year - params.window_years + 1), year + 1)
    yearly = {y: centre_figures(params, centre, y, as_of) for y in years}
    expenses = db.session.scalars(db.select(BudgetExpense.voucher_filename).where(
        BudgetExpense.centre_id == centre.id)).all()
    return PackageContents(
        centre=centre, params=params, year=year, as_of=as_of, window_from=window_from, figures=figures,
        yearly=yearly,
        high_value=high_value_counts(params.high_value_min_average, [centre.id]).get(centre.id, 0),
        training={y: training_counts([centre.id], y)[centre.id] for y in (params.baseline_year, year)},
        reviews={y: review_counts([centre.id], y)[centre.id] for y in (params.baseline_year, year)},
        ledger=centre_ledger(centre, year), profile=db.session.get(CentreProfile, centre.id),
        leadership=db.session.get(LeadershipBody, centre.id),
        funding=_all(FundingSecured, centre.id, FundingSecured.secured_on), funding_total=funding_total(centre.id),
        rules=_all(RulesDocument, centre.id, RulesDocument.adopted_on),
        awards=_all(CentreAward, centre.id, CentreAward.year),
        pct=_all(PctApplication, centre.id, PctApplication.filing_date),
        reports=_all(NavigationReport, centre.id, NavigationReport.report_date),
        expenses=len(expenses), expenses_with_voucher=sum(1 for name in expenses if name))
