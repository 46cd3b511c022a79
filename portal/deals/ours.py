"""The enterprise's own deals and licences: every deal its organisation is the licensee or assignee
of, the open licences it took, where each recordal stands, and the documents on each deal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.deals.views import bp
from portal.extensions import db
from portal.models import Deal, Document, OpenLicenceAcceptance
from portal.permissions import require

PENDING_RECORDAL = ("not_filed", "refused")


def enterprise_deals(org_id: int) -> list[Deal]:
    return list(db.session.scalars(
        db.select(Deal).where(Deal.licensee_id == org_id)
        .options(selectinload(Deal.patents), selectinload(Deal.licensor), selectinload(Deal.payments))
        .order_by(Deal.effective_date.desc(), Deal.id.desc())))


def document_counts(deal_ids: list[int]) -> dict[int, int]:
    if not deal_ids:
        return {}
    rows = db.session.execute(db.select(Document.deal_id, db.func.count(Document.id))
                              .where(Document.deal_id.in_(deal_ids)).group_by(Document.deal_id))
    return dict(rows.all())


def outstanding_royalties(org_id: int, today: date) -> dict[int, Decimal] | None:
    """Per deal, the royalties reported or due and not yet received (portal.royalties)."""
    from portal.royalties.operations import periods_for, totals

    periods = periods_for(org_id, "licensee")
    if not periods:
        return None
    by_deal: dict[int, list] = {}
    for period in periods:
        by_deal.setdefault(period.deal_id, []).append(period)
    return {deal_id: totals(own, today).outstanding for deal_id, own in by_deal.items()}


@bp.get("/ours")
@require("file_requests")
def ours():
    """The enterprise's deals and licences, with recordal status, documents and, once it holds a
    licence with running royalties, the royalties outstanding per deal."""
    org_id, today = current_user.organisation_id, date.today()
    deals = enterprise_deals(org_id)
    acceptances = db.session.scalars(
        db.select(OpenLicenceAcceptance).where(OpenLicenceAcceptance.enterprise_id == org_id)
        .options(selectinload(OpenLicenceAcceptance.patent))
        .order_by(OpenLicenceAcceptance.effective_date.desc(), OpenLicenceAcceptance.id.desc())).all()
    deal_of_acceptance = {d.open_acceptance_id: d for d in deals if d.open_acceptance_id is not None}
    overdue = [d for d in deals if d.recordal_status in PENDING_RECORDAL and d.recordal_due and d.recordal_due < today]
    royalties_due = outstanding_royalties(org_id, today)  # None: no licence with running royalties
    return render_template("deals/ours.html", deals=deals, acceptances=acceptances,
                           deal_of_acceptance=deal_of_acceptance, overdue=overdue, today=today,
                           documents=document_counts([d.id for d in deals]), royalties_due=royalties_due,
                           pending=PENDING_RECORDAL)
