"""The figures a centre is assessed on, aggregated in SQL from the deals and the centre's facts.

Every query groups in the database (by centre, year, kind, SME) and returns a handful of rows,
whatever the number of deals; one set of queries serves one centre or all of them. A deal counts
in the year it concluded: its effective date, or for an assignment its CNIPA registration date
(an assignment not yet registered has not concluded). Its SME status is the licensee's size class
snapshotted on the deal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, extract, func, or_, select

from portal.extensions import db
from portal.models import (
    CentreProfile,
    Deal,
    DealPayment,
    NavigationReport,
    Organisation,
    Patent,
    PctApplication,
    ProgrammeParameters,
    RulesDocument,
)
from portal.rules import add_months
from portal.rules.targets import (
    SME_CLASSES,
    DealFigures,
    Eligibility,
    Tally,
    Target,
    growth_target,
    judge_eligibility,
    money,
)

VALID_INVENTION_KINDS = ("invention", "pct_invention")


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def concluded_on():
    """The SQL expression of the day a deal counts from (``Deal.concluded_on`` in Python)."""
    return case((Deal.kind == "assignment", Deal.registration_date), else_=Deal.effective_date)


@dataclass(frozen=True)
class DealFilter:
    """Which deals a figure counts; the drill-down lists exactly these."""

    centre_ids: tuple[int, ...] = ()
    periods: tuple[tuple[date, date], ...] = ()  # concluded within any of these (inclusive)
    kind: str | None = None
    sme: bool = False  # only deals with an SME
    month: int | None = None
    paid_between: tuple[date, date] | None = None  # only payments in this period, only deals that had one


def received_sum(paid_between: tuple[date, date] | None = None):
    """Correlated subquery: the deal's amount received (only payments within a period, if given).

    Evaluated per selected deal through the index on ``deal_payments.deal_id``, so a centre's figures
    never aggregate the payments of every other centre."""
    query = select(func.sum(DealPayment.amount_yuan)).where(DealPayment.deal_id == Deal.id)
    if paid_between is not None:
        query = query.where(DealPayment.paid_on.between(*paid_between))
    return query.correlate(Deal).scalar_subquery()


def selected_deals(f: DealFilter, with_received: bool = True):
    """Subquery: one row per deal the filter selects, with what the figures group and sum (without the
    amount received when only deals are counted: it costs a lookup per deal)."""
    concluded = concluded_on()
    received = received_sum(f.paid_between)
    columns = [Deal.id.label("deal_id"), Deal.licensor_id.label("centre_id"), Deal.kind.label("kind"),
               case((Deal.licensee_size_class.in_(SME_CLASSES), 1), else_=0).label("sme"),
               concluded.label("concluded"), Deal.contract_amount_yuan.label("amount")]
    if with_received or f.paid_between is not None:
        columns.append(func.coalesce(received, 0).label("received"))
    query = select(*columns).where(Deal.licensor_id.in_(f.centre_ids))
    # with a payment period: the deals paid in it, whenever they concluded; else only concluded deals
    query = query.where(received.isnot(None) if f.paid_between is not None else concluded.isnot(None))
    if f.periods:
        query = query.where(or_(*(concluded.between(start, end) for start, end in f.periods)))
    if f.kind is not None:
        query = query.where(Deal.kind == f.kind)
    if f.sme:
        query = query.where(Deal.licensee_size_class.in_(SME_CLASSES))
    if f.month is not None:
        query = query.where(extract("month", concluded) == f.month)
    return query.subquery()


def tally(f: DealFilter) -> Tally:
    """The count, contract amount and amount received of the deals ``f`` selects."""
    sub = selected_deals(f)
    count, amount, received = db.session.execute(
        select(func.count(), func.sum(sub.c.amount), func.sum(sub.c.received))).one()
    return Tally(int(count), money(amount), money(received))


def deal_figures(centre_ids: tuple[int, ...], years: tuple[int, ...]) -> dict[tuple[int, int], DealFigures]:
    """{(centre id, year): DealFigures} for the given years, in one grouped query."""
    sub = selected_deals(DealFilter(centre_ids=centre_ids, periods=tuple(year_range(y) for y in set(years))))
    year = extract("year", sub.c.concluded).label("year")
    inner = select(sub, year).subquery()
    rows = db.session.execute(
        select(inner.c.centre_id, inner.c.year, inner.c.kind, inner.c.sme, func.count(),
               func.sum(inner.c.amount), func.sum(inner.c.received))
        .group_by(inner.c.centre_id, inner.c.year, inner.c.kind, inner.c.sme)).all()
    grouped: dict[tuple[int, int], list] = {}
    for centre_id, yr, kind, sme, count, amount, received in rows:
        grouped.setdefault((centre_id, int(yr)), []).append((kind, sme, count, amount, received))
    return {key: DealFigures.from_rows(value) for key, value in grouped.items()}


def monthly(centre_id: int, years: tuple[int, ...]) -> dict[int, dict[int, Tally]]:
    """{year: {month: Tally}} of a centre's deals (the SME share rides in separate SME tallies)."""
    sub = selected_deals(DealFilter(centre_ids=(centre_id,), periods=tuple(year_range(y) for y in set(years))))
    inner = select(sub, extract("year", sub.c.concluded).label("year"),
                   extract("month", sub.c.concluded).label("month")).subquery()
    rows = db.session.execute(
        select(inner.c.year, inner.c.month, func.count(), func.sum(inner.c.amount), func.sum(inner.c.received))
        .group_by(inner.c.year, inner.c.month)).all()
    result: dict[int, dict[int, Tally]] = {y: {m: Tally() for m in range(1, 13)} for y in years}
    for yr, month, count, amount, received in rows:
        result[int(yr)][int(month)] = Tally(int(count), money(amount), money(received))
    return result


def _counts(query) -> dict:
    return {key: value for key, value in db.session.execute(query).all()}


def pct_counts(centre_ids: tuple[int, ...], years: tuple[int, ...]) -> dict[tuple[int, int], int]:
    """{(centre id, year of filing): PCT applications}."""
    year = extract("year", PctApplication.filing_date)
    rows = db.session.execute(
        select(PctApplication.centre_id, year, func.count())
        .where(PctApplication.centre_id.in_(centre_ids),
               or_(*(PctApplication.filing_date.between(*year_range(y)) for y in set(years))))
        .group_by(PctApplication.centre_id, year)).all()
    return {(centre_id, int(yr)): count for centre_id, yr, count in rows}


def programme_period(params: ProgrammeParameters, year: int) -> tuple[date, date]:
    """After the baseline year, up to the end of the year assessed: when navigation reports count."""
    return date(params.baseline_year + 1, 1, 1), date(year, 12, 31)


def eligibility_window(params: ProgrammeParameters, as_of: date) -> date:
    """The day before the window: deals and payments count after it, up to and including ``as_of``."""
    return add_months(as_of, -12 * params.window_years)


def eligibility(params: ProgrammeParameters, centre_ids: tuple[int, ...], as_of: date,
                profiles: dict[int, CentreProfile] | None = None) -> dict[int, Eligibility]:
    """{centre id: Eligibility as of a date} for the centres, in five grouped queries (six without
    the centres' ``profiles``)."""
    start = eligibility_window(params, as_of)
    in_window = (start + timedelta(days=1), as_of)
    valid = and_(Patent.legal_status == "valid", or_(Patent.grant_date.is_(None), Patent.grant_date <= as_of))
    inventions = _counts(select(Patent.centre_id, func.count()).where(
        Patent.centre_id.in_(centre_ids), valid, Patent.kind.in_(VALID_INVENTION_KINDS))
        .group_by(Patent.centre_id))
    # 可投入运营 (DOMAIN.md §7): designated by the centre, valid on the day, not suspended by a dispute.
    # Publication on the portal is not required.
    operable = _counts(
        select(Patent.centre_id, func.count()).where(
            Patent.centre_id.in_(centre_ids), valid, Patent.operable.is_(True), Patent.suspended.is_(False))
        .group_by(Patent.centre_id))
    sub = selected_deals(DealFilter(centre_ids=centre_ids, periods=(in_window,)), with_received=False)
    deals = _counts(select(sub.c.centre_id, func.count()).group_by(sub.c.centre_id))
    received = _counts(
        select(Deal.licensor_id, func.sum(DealPayment.amount_yuan)).join(Deal, Deal.id == DealPayment.deal_id)
        .where(Deal.licensor_id.in_(centre_ids), DealPayment.paid_on.between(*in_window))
        .group_by(Deal.licensor_id))
    rules = _counts(select(RulesDocument.centre_id, func.count()).where(
        RulesDocument.centre_id.in_(centre_ids), RulesDocument.adopted_on <= as_of)
        .group_by(RulesDocument.centre_id))
    profiles = _profiles(centre_ids) if profiles is None else profiles
    result = {}
    for centre_id in centre_ids:
        profile = profiles.get(centre_id)
        result[centre_id] = judge_eligibility(
            params, as_of=as_of, window_start=start, valid_inventions=inventions.get(centre_id, 0),
            operable_patents=operable.get(centre_id, 0), deals_window=deals.get(centre_id, 0),
            received_window=money(received.get(centre_id)),
            ip_department=bool(profile and profile.has_ip_department and profile.full_time_ip_staff > 0),
            management_rules=rules.get(centre_id, 0) > 0)
    return result


def _profiles(centre_ids: tuple[int, ...]) -> dict[int, CentreProfile]:
    rows = db.session.scalars(select(CentreProfile).where(CentreProfile.centre_id.in_(centre_ids)))
    return {p.centre_id: p for p in rows}


@dataclass(frozen=True)
class CentreFigures:
    """Everything one centre is assessed on for one year."""

    centre: Organisation
    year: int
    baseline_year: int
    deals: DealFigures
    baseline: DealFigures
    targets: dict[str, Target]  # count, amount, sme_count, sme_amount, pct, navigation_reports, staff, …
    eligibility: Eligibility


def centres_figures(params: ProgrammeParameters, year: int, as_of: date,
                    centres: list[Organisation]) -> list[CentreFigures]:
    """The figures of ``centres`` for ``year`` against the programme's baseline year."""
    ids = tuple(c.id for c in centres)
    base = params.baseline_year
    deal_rows = deal_figures(ids, (base, year))
    pct = pct_counts(ids, (base, year))
    reports = _counts(select(NavigationReport.centre_id, func.count()).where(
        NavigationReport.centre_id.in_(ids), NavigationReport.report_date.between(*programme_period(params, year)))
        .group_by(NavigationReport.centre_id))
    rules = _counts(select(RulesDocument.centre_id, func.count()).where(
        RulesDocument.centre_id.in_(ids), RulesDocument.adopted_on <= date(year, 12, 31))
        .group_by(RulesDocument.centre_id))
    profiles = _profiles(ids)
    judged = eligibility(params, ids, as_of, profiles)
    result = []
    for centre in centres:
        now, then = deal_rows.get((centre.id, year), DealFigures()), deal_rows.get((centre.id, base), DealFigures())
        profile = profiles.get(centre.id)
        targets = {
            "count": growth_target(now.total.count, then.total.count, params.growth_target_pct),
            "amount": growth_target(now.total.amount, then.total.amount, params.growth_target_pct),
            "sme_count": growth_target(now.sme.count, then.sme.count, params.sme_growth_target_pct),
            "sme_amount": growth_target(now.sme.amount, then.sme.amount, params.sme_growth_target_pct),
            "pct": growth_target(pct.get((centre.id, year), 0), pct.get((centre.id, base), 0),
                                 params.pct_growth_target_pct, params.pct_minimum),
            "navigation_reports": Target(params.navigation_reports_required, reports.get(centre.id, 0)),
            "staff": Target(params.staff_required, profile.full_time_ip_staff if profile else 0),
            "certified_staff": Target(params.certified_staff_required, profile.certified_staff if profile else 0),
            "rules_documents": Target(1, rules.get(centre.id, 0)),
        }
        result.append(CentreFigures(
            centre=centre, year=year, baseline_year=base, deals=now, baseline=then, targets=targets,
            eligibility=judged[centre.id]))
    return result


def centre_figures(params: ProgrammeParameters, centre: Organisation, year: int, as_of: date) -> CentreFigures:
    return centres_figures(params, year, as_of, [centre])[0]


def all_centres() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == "centre")
                                   .order_by(Organisation.name_zh)))


def default_as_of(year: int, today: date | None = None) -> date:
    """Eligibility is judged at the end of the year shown, or today while that year runs."""
    return min(today or date.today(), date(year, 12, 31))


def deal_listing(f: DealFilter):
    """Select the Deal rows ``f`` selects, latest concluded first (for the drill-down)."""
    sub = selected_deals(f)
    return select(Deal).join(sub, sub.c.deal_id == Deal.id).order_by(sub.c.concluded.desc(), Deal.id.desc())


def received_for(deal_ids: list[int], paid_between: tuple[date, date] | None = None) -> dict[int, Decimal]:
    """{deal id: amount received} for a page of deals (only payments within ``paid_between``, if given)."""
    query = (select(DealPayment.deal_id, func.sum(DealPayment.amount_yuan)).where(DealPayment.deal_id.in_(deal_ids))
             .group_by(DealPayment.deal_id))
    if paid_between is not None:
        query = query.where(DealPayment.paid_on.between(*paid_between))
    return {deal_id: money(total) for deal_id, total in db.session.execute(query)}
