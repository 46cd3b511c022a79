"""Demo deals for the fictional centres, dated in the programme's baseline and assessment years (read
from the stored programme parameters), so the performance dashboard, the deal pages and the recordal
watchlist show something. Every deal goes through the real operations (rules checked, audit written);
recordal numbers carry "DEMO" and denote no real CNIPA recordal.

The 瑞和 centre grows its deal count and SME deal count over the baseline year but not its amounts:
the dashboard shows targets met and missed. Deals dated after today are left out, and steps dated
after today (a payment, a registration) are left undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from portal.deals import operations as ops
from portal.demo.accounts import demo_credit_code
from portal.demo.listings import PATENTS
from portal.errors import OperationError
from portal.exchange.operations import exchange_by_code, forward_deal
from portal.extensions import db
from portal.models import Deal, Listing, Organisation, Patent, User, current_parameters, listing_patents
from portal.rules import add_months

RUIHE, DONGFANG = "demo-ruihe-ip", "demo-dongfang-ip"
STAFF = {RUIHE: "centre.staff@demo.portal.local", DONGFANG: "centre2.staff@demo.portal.local"}
OPEN_LICENSEE = "sme@demo.portal.local"  # the first demo enterprise's member takes the open licence
FORWARD_TO = "stex"  # the exchange the demo exchange operator works for


@dataclass(frozen=True)
class DemoDeal:
    centre: str
    mode: str
    patents: tuple[int, ...]  # candidates, indexes into portal.demo.listings.PATENTS: the first one accepted is used
    licensee: int  # the demo enterprise's number (as in demo_credit_code)
    on: tuple  # ("baseline" | "assessment", month, day), or ("days_ago", n)
    amount: str
    term_years: int | None = None  # licences
    payments: tuple[tuple[int, str], ...] = ()  # (days after the effective date, yuan)
    recordal: str = "not_filed"  # not_filed / filed / recorded
    registered: tuple[str, int, int] | None = None  # assignment: CNIPA registration (year key, month, day)
    deductions: str | None = None  # taxes, annual fees, transaction costs: records gross and net income
    forward: bool = False  # hand the deal to the exchange base for on-exchange trading


# Enterprises: 1 澄溪 small, 2 康序 small, 3 影智 small, 4 睿析 medium, 6 安康 large, 7 申穗 micro, 8 衡岳 large.
# Patents: 0 stent, 1 CT segmentation, 2 IV catheter holder (open licence), 3 anti-PD-1 (瑞和);
# 4 sepsis kit, 5 TAVR delivery system, 6 exoskeleton (东方).
DEALS = [
    # 瑞和, baseline year: 3 deals, 2 of them with SMEs
    DemoDeal(RUIHE, "ordinary", (0, 1), 1, ("baseline", 3, 15), "600000", 5,
             ((35, "300000"), (210, "300000")), "recorded"),
    DemoDeal(RUIHE, "ordinary", (1, 0), 8, ("baseline", 9, 1), "1000000", 5,
             ((40, "500000"), (365, "500000")), "recorded", deductions="65000"),
    DemoDeal(RUIHE, "exclusive", (3, 1), 2, ("baseline", 6, 1), "1200000", 8, ((30, "400000"),), "recorded"),
    # 瑞和: the licensee buys the stent patent, signed in the baseline year, registered in the assessment year
    DemoDeal(RUIHE, "assignment", (0,), 1, ("baseline", 11, 20), "900000", None, ((60, "900000"),), "recorded",
             registered=("assessment", 1, 12), forward=True),
    # 瑞和, assessment year: more deals, smaller amounts
    DemoDeal(RUIHE, "ordinary", (1, 2), 3, ("assessment", 4, 10), "200000", 3, ((21, "100000"),), "filed"),
    DemoDeal(RUIHE, "ordinary", (2, 0), 7, ("assessment", 3, 1), "80000", 5, ((19, "80000"),), "recorded"),
    DemoDeal(RUIHE, "equity", (3,), 2, ("assessment", 10, 1), "600000", None, (), "filed"),
    DemoDeal(RUIHE, "ordinary", (2, 1), 6, ("assessment", 8, 15), "150000", 3),  # unpaid, recordal overdue
    # 东方
    DemoDeal(DONGFANG, "sole", (5,), 8, ("baseline", 5, 1), "1500000", 6,
             ((30, "500000"), (395, "500000")), "recorded"),
    DemoDeal(DONGFANG, "ordinary", (4,), 4, ("assessment", 7, 1), "250000", 4, ((45, "125000"),), "filed"),
    DemoDeal(DONGFANG, "ordinary", (6, 4), 7, ("days_ago", 75), "60000", 3, ((10, "30000"),)),  # recordal due soon
]
OPEN_LICENCE = (RUIHE, 2, 70)  # centre, patent, taken this many days ago (recordal due within a month)


def _day(on: tuple, years: dict[str, int], today: date) -> date:
    if on[0] == "days_ago":
        return today - timedelta(days=on[1])
    return date(years[on[0]], on[1], on[2])


def _patent(centre: Organisation, index: int) -> Patent | None:
    title = PATENTS[index][3]
    return db.session.scalar(db.select(Patent).where(Patent.centre_id == centre.id, Patent.title == title)
                             .order_by(Patent.id).limit(1))


def _listing(centre: Organisation, patent: Patent) -> Listing | None:
    return db.session.scalar(
        db.select(Listing).join(listing_patents, listing_patents.c.listing_id == Listing.id)
        .where(Listing.centre_id == centre.id, Listing.status == "published",
               listing_patents.c.patent_id == patent.id).order_by(Listing.id).limit(1))


def _user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email))


def _enterprise(n: int) -> Organisation | None:
    return db.session.scalar(db.select(Organisation).where(Organisation.code == f"e-{demo_credit_code(n).lower()}"))


def _record(spec: DemoDeal, centre: Organisation, effective: date, actor: User | None) -> Deal | None:
    """The deal on the first candidate patent in force that the rules accept (None when none is)."""
    licensee = _enterprise(spec.licensee)
    if licensee is None:
        return None
    amount = Decimal(spec.amount)
    for index in spec.patents:
        patent = _patent(centre, index)
        if patent is None or patent.legal_status != "valid" or (patent.grant_date or effective) > effective:
            continue
        term_end = None
        if spec.term_years:
            term_end = min(add_months(effective, 12 * spec.term_years) - timedelta(days=1), patent.last_day)
        data = ops.DealData(
            mode=spec.mode, licensee=licensee, patents=[patent], effective_date=effective,
            contract_amount_yuan=amount, term_end=term_end, signed_date=effective,
            gross_income_yuan=amount if spec.deductions else None,
            deductions_yuan=Decimal(spec.deductions) if spec.deductions else None,
            listing=_listing(centre, patent))
        try:
            return ops.record_deal(centre, data, actor)
        except OperationError:
            continue  # e.g. an exclusive licence already covers the term: try the next patent
    return None


def _recordal(deal: Deal, status: str, on: date, today: date, actor: User | None) -> None:
    """File 20 days after ``on`` and, for ``recorded``, complete 60 days after it."""
    if status == "not_filed" or on + timedelta(days=20) > today:
        return
    ops.update_recordal(deal, "filed", actor)
    done = on + timedelta(days=60)
    if status == "recorded" and done <= today:
        ops.update_recordal(deal, "recorded", actor, number=f"X{done.year}-DEMO-{deal.id:04d}", recorded_on=done)


def _follow_up(spec: DemoDeal, deal: Deal, years: dict[str, int], today: date, actor: User | None) -> None:
    for days, amount in spec.payments:
        paid_on = deal.effective_date + timedelta(days=days)
        if paid_on <= today:
            ops.add_payment(deal, paid_on, Decimal(amount), actor)
    recordal_from = deal.effective_date
    if spec.registered:
        registered = _day(spec.registered, years, today)
        if registered > today or registered < deal.effective_date:
            return  # not registered yet: the assignment has not concluded, and is not recorded
        ops.register_assignment(deal, registered, actor)
        recordal_from = registered - timedelta(days=60)  # recorded on the registration day
    _recordal(deal, spec.recordal, recordal_from, today, actor)
    exchange = exchange_by_code(FORWARD_TO)
    if spec.forward and exchange is not None:
        forward_deal(deal, exchange, actor, note="医院国有无形资产转让，按规定进场交易。（示例）")


def _open_licence(centres: dict[str, Organisation], today: date) -> int:
    """An enterprise takes the open licence on the published terms (when the demo declared one)."""
    from portal.requests.open_licence import LicenseeDetails, take_open_licence

    code, index, days_ago = OPEN_LICENCE
    user, centre = _user(OPEN_LICENSEE), centres.get(code)
    patent = _patent(centre, index) if centre is not None else None
    declaration = patent.open_declaration if patent is not None else None
    listing = _listing(centre, patent) if patent is not None else None
    if user is None or user.organisation is None or declaration is None or listing is None:
        return 0
    taken_on = max(today - timedelta(days=days_ago), declaration.announced_on + timedelta(days=30))
    if taken_on > today or taken_on > declaration.term_end:
        return 0
    company = user.organisation
    try:
        acceptance = take_open_licence(listing, patent, user, LicenseeDetails(
            name=company.name_zh, address="上海市闵行区示例路 88 号（示例）", contact="王经理 021-5555-0100（示例）"),
            today=taken_on)
    except OperationError:
        return 0  # e.g. the company already holds this open licence
    deal = db.session.scalar(db.select(Deal).where(Deal.open_acceptance_id == acceptance.id))
    if deal is not None and deal.contract_amount_yuan > 0 and taken_on + timedelta(days=5) <= today:
        ops.add_payment(deal, taken_on + timedelta(days=5), deal.contract_amount_yuan, _user(STAFF[code]))
    return 1


def load(echo) -> None:
    """Add the demo deals once (skipped when a demo centre already has deals, or without the demo patents)."""
    centres = {o.code: o for o in db.session.scalars(
        db.select(Organisation).where(Organisation.code.in_((RUIHE, DONGFANG)), Organisation.kind == "centre"))}
    if not centres:
        return
    if db.session.scalar(db.select(Deal.id).where(Deal.licensor_id.in_([c.id for c in centres.values()]))
                         .limit(1)) is not None:
        return
    if db.session.scalar(db.select(Patent.id).where(Patent.centre_id.in_([c.id for c in centres.values()]))
                         .limit(1)) is None:
        echo("demo deals skipped: load the demo patents and listings first")
        return
    params = current_parameters()
    years = {"baseline": params.baseline_year, "assessment": params.assessment_year}
    today = date.today()
    recorded = skipped = 0
    for spec in DEALS:
        centre = centres.get(spec.centre)
        effective = _day(spec.on, years, today)
        if centre is None or effective > today:
            skipped += 1
            continue
        actor = _user(STAFF[spec.centre])
        deal = _record(spec, centre, effective, actor)
        if deal is None:
            skipped += 1
            continue
        _follow_up(spec, deal, years, today, actor)
        recorded += 1
    recorded += _open_licence(centres, today)
    db.session.commit()
    echo(f"{recorded} demo deals recorded ({params.baseline_year} baseline, {params.assessment_year} assessed"
         + (f"; {skipped} left out" if skipped else "") + ")")
