"""The enterprise's own deals and licences: every deal its organisation is the licensee or assignee
of, the open licences it took, where each recordal stands, and the documents on each deal."""

from __future__ import annotations

from datetime import date

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


@bp.get("/ours")
@require("file_requests")
def ours():
    """The enterprise's deals and licences, with recordal status and documents. Royalties due appear
    here once the royalty periods exist (issue 20, item 3)."""
    org_id, today = current_user.organisation_id, date.today()
    deals = enterprise_deals(org_id)
    acceptances = db.session.scalars(
        db.select(OpenLicenceAcceptance).where(OpenLicenceAcceptance.enterprise_id == org_id)
        .options(selectinload(OpenLicenceAcceptance.patent))
        .order_by(OpenLicenceAcceptance.effective_date.desc(), OpenLicenceAcceptance.id.desc())).all()
    deal_of_acceptance = {d.open_acceptance_id: d for d in deals if d.open_acceptance_id is not None}
    overdue = [d for d in deals if d.recordal_status in PENDING_RECORDAL and d.recordal_due and d.recordal_due < today]
    # ROYALTIES (issue 20 item 3, another branch): when a royalty model exists, pass each deal's royalty
    # due here ({deal_id: Decimal}) and the page shows the "Royalties due" column.
    royalties_due = None
    return render_template("deals/ours.html", deals=deals, acceptances=acceptances,
                           deal_of_acceptance=deal_of_acceptance, overdue=overdue, today=today,
                           documents=document_counts([d.id for d in deals]), royalties_due=royalties_due,
                           pending=PENDING_RECORDAL)
