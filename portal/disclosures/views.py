"""The pre-filing review pages: a centre's disclosures (list, entry form), one disclosure with its
review. A centre's staff see and change their own centre's; the programme office reads every
centre's; anyone else gets 404."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.disclosures import operations as ops
from portal.disclosures.forms import DECISION_LABELS, PROTECTION_LABELS, ROUTE_LABELS, DisclosureForm, ReviewForm
from portal.extensions import db
from portal.metrics.access import is_centre_staff, may_view, own_centre_or_404, readable_centre
from portal.models import Disclosure, Organisation
from portal.transaction import perform

bp = Blueprint("disclosures", __name__)
PER_PAGE = 50
LABELS = {"routes": ROUTE_LABELS, "decisions": DECISION_LABELS, "protections": PROTECTION_LABELS}


def _readable(disclosure_id: int) -> Disclosure:
    disclosure = db.session.get(Disclosure, disclosure_id)
    if disclosure is None or not may_view(current_user, db.session.get(Organisation, disclosure.centre_id)):
        abort(404)
    return disclosure


def _editable(centre: Organisation) -> bool:
    return is_centre_staff(current_user) and current_user.organisation_id == centre.id


@bp.get("/disclosures/")
@login_required
def index():
    """Centre staff go to their centre's disclosures; the programme office to the figures."""
    if current_user.can("view_programme_metrics"):
        return redirect(url_for("metrics.programme"))
    return redirect(url_for("disclosures.centre", code=own_centre_or_404().code))


def _list(centre: Organisation, form=None, status: int = 200):
    page = db.paginate(db.select(Disclosure).where(Disclosure.centre_id == centre.id)
                       .order_by(Disclosure.received_on.desc(), Disclosure.id.desc()),
                       per_page=PER_PAGE, error_out=False)
    return render_template("disclosures/index.html", centre=centre, page=page, labels_d=LABELS,
                           editable=_editable(centre), form=form or DisclosureForm(formdata=None)), status


@bp.get("/disclosures/centres/<code>")
@login_required
def centre(code: str):
    """The centre's disclosures, newest first, with their review status."""
    return _list(readable_centre(code))


@bp.post("/disclosures/new")
@login_required
def add():
    """Enter a disclosure handed in by inventors."""
    centre = own_centre_or_404()
    form = DisclosureForm()
    if form.validate_on_submit():
        data = ops.DisclosureData(title=form.title.data, inventors=form.inventors.data,
                                  department=form.department.data, summary=form.summary.data or "",
                                  intended_route=form.intended_route.data, received_on=form.received_on.data)
        done = perform(lambda: ops.add_disclosure(centre, data, current_user), form=form,
                       success=_("Disclosure entered."))
        if done:
            return redirect(url_for("disclosures.show", disclosure_id=done.value.id))
    return _list(centre, form, 400)


def _show(disclosure: Disclosure, form=None, status: int = 200):
    centre = db.session.get(Organisation, disclosure.centre_id)
    if form is None:
        form = ReviewForm(formdata=None, obj=disclosure if disclosure.decision else None)
    return render_template("disclosures/show.html", d=disclosure, centre=centre, form=form, labels_d=LABELS,
                           editable=_editable(centre)), status


@bp.get("/disclosures/<int:disclosure_id>")
@login_required
def show(disclosure_id: int):
    """A disclosure and its review (the review form for the centre's staff)."""
    return _show(_readable(disclosure_id))


@bp.post("/disclosures/<int:disclosure_id>/review")
@login_required
def review(disclosure_id: int):
    """Record the pre-filing review: decision, reasons, protection recommended, reviewer, date."""
    centre = own_centre_or_404()
    disclosure = db.session.get(Disclosure, disclosure_id)
    if disclosure is None or disclosure.centre_id != centre.id:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit() and perform(lambda: ops.review_disclosure(
            disclosure, decision=form.decision.data, reasons=form.reasons.data,
            recommended_protection=form.recommended_protection.data, reviewer=form.reviewer.data,
            reviewed_on=form.reviewed_on.data, actor=current_user), form=form, success=_("Review recorded.")):
        return redirect(url_for("disclosures.show", disclosure_id=disclosure.id))
    return _show(disclosure, form, 400)
