"""Claims on registered companies (``portal.auth.claims``): the site administrator's side."""

from __future__ import annotations

from flask import Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.forms import ClaimDecisionForm
from portal.admin.views import bp
from portal.auth import claims
from portal.extensions import db
from portal.models import CompanyClaim, User
from portal.permissions import require
from portal.transaction import perform


@bp.get("/claims")
@require("admin")
def claims_page():
    """Claims waiting for a decision, and the last ones decided."""
    decided = db.session.scalars(db.select(CompanyClaim).where(CompanyClaim.decided_at.is_not(None))
                                 .order_by(CompanyClaim.decided_at.desc()).limit(20)).all()
    pending = claims.pending_claims()
    members = {c.organisation_id: db.session.scalars(db.select(User).where(User.organisation_id == c.organisation_id)
                                                     .order_by(User.id)).all() for c in pending}
    return render_template("admin/claims.html", pending=pending, decided=decided, members=members,
                           form=ClaimDecisionForm())


@bp.get("/claims/<int:claim_id>/evidence")
@require("admin")
def claim_evidence(claim_id: int):
    """The claim's evidence, as the type its bytes were checked to be, always as a download."""
    claim = db.get_or_404(CompanyClaim, claim_id)
    return Response(claim.evidence, mimetype=claim.evidence_type, headers={
        "Content-Disposition": f"attachment; filename=claim-{claim.id}.{claim.evidence_filename.rsplit('.', 1)[-1]}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


@bp.post("/claims/<int:claim_id>")
@require("admin")
def decide_claim(claim_id: int):
    claim = db.get_or_404(CompanyClaim, claim_id)
    form = ClaimDecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        perform(lambda: claims.decide(claim, approve=approve, transfer=form.transfer.data, note=form.note.data,
                                      actor=current_user._get_current_object()),
                success=_("Claim approved.") if approve else _("Claim declined."))
    else:
        from flask import flash

        flash(_("Choose a decision."), "danger")
    return redirect(url_for("admin.claims_page"))
