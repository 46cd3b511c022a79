"""A centre's own pages: dashboard, patents, listings, open-licence declarations.

Every object is looked up within the user's own centre: another centre's ids answer 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from portal.auth.views import form_error
from portal.errors import OperationError
from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.listings import facts as facts_ops
from portal.listings import operations as ops
from portal.listings.forms import (
    DeclarationForm,
    ListingForm,
    PatentFactsForm,
    WithdrawDeclarationForm,
    WithdrawListingForm,
)
from portal.models import Listing, OpenLicenceDeclaration, Patent
from portal.permissions import require
from portal.rules import OpenLicenceTerms

bp = Blueprint("manage", __name__, url_prefix="/manage")


def own_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.centre_id != current_user.organisation_id:
        abort(404)
    return listing


def own_patent(patent_id: int) -> Patent:
    patent = db.session.get(Patent, patent_id)
    if patent is None or patent.centre_id != current_user.organisation_id:
        abort(404)
    return patent


@bp.get("/")
@require("manage_listings")
def dashboard():
    """The centre's drafts, published, withdrawn and concluded listings."""
    listings = db.session.scalars(db.select(Listing).where(Listing.centre_id == current_user.organisation_id)
                                  .order_by(Listing.updated_at.desc())).all()
    patent_count = db.session.scalar(db.select(func.count(Patent.id))
                                     .where(Patent.centre_id == current_user.organisation_id))
    by_status = {s: [x for x in listings if x.status == s] for s in ("draft", "published", "withdrawn", "concluded")}
    return render_template("manage/dashboard.html", by_status=by_status, patent_count=patent_count)


@bp.get("/patents")
@require("manage_listings")
def patents():
    """The centre's patents, with their open-licence state."""
    page = db.paginate(db.select(Patent).where(Patent.centre_id == current_user.organisation_id)
                       .order_by(Patent.id.desc()), per_page=50, error_out=False)
    return render_template("manage/patents.html", page=page)


def _listing_data(form: ListingForm) -> ops.ListingData:
    return ops.ListingData(
        title=form.title.data or "", modes=form.modes.data or [], field=form.field.data,
        maturity=form.maturity.data or None, price_yuan=form.price_yuan.data,
        scenarios=form.scenarios.data or "", advantages=form.advantages.data or "",
        contact_name=form.contact_name.data or "", contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "")


def _patent_choices():
    rows = db.session.execute(db.select(Patent.id, Patent.application_number, Patent.title)
                              .where(Patent.centre_id == current_user.organisation_id)
                              .order_by(Patent.id.desc()).limit(500))
    return choices((pid, f"{number} {title[:60]}") for pid, number, title in rows)


@bp.route("/listings/new", methods=["GET", "POST"])
@require("manage_listings")
def new_listing():
    """Create a draft listing of one patent or a bundle."""
    form = ListingForm()
    form.patents.choices = _patent_choices()
    if request.method == "GET" and request.args.get("patent", "").isdigit():
        patent = own_patent(int(request.args["patent"]))
        form.patents.data = [patent.id]
        form.title.data = patent.title
    if form.validate_on_submit():
        selected = [own_patent(pid) for pid in form.patents.data or []]
        try:
            listing = ops.create_listing(current_user.organisation, selected, _listing_data(form), current_user)
        except OperationError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("listings.detail", listing_id=listing.id))
    return render_template("manage/listing_form.html", form=form, listing=None), (400 if form.errors else 200)


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@require("manage_listings")
def edit_listing(listing_id: int):
    """Edit a draft or published listing (its patents are fixed once created)."""
    listing = own_listing(listing_id)
    form = ListingForm(obj=listing)
    del form.patents
    if request.method == "GET":
        form.modes.data = listing.modes
        form.maturity.data = listing.maturity or ""
    if form.validate_on_submit():
        try:
            ops.update_listing(listing, _listing_data(form), current_user)
        except OperationError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Listing saved."), "success")
            return redirect(url_for("listings.detail", listing_id=listing.id))
    return render_template("manage/listing_form.html", form=form, listing=listing), (400 if form.errors else 200)


@bp.post("/listings/<int:listing_id>/<any(publish, withdraw, conclude):action>")
@require("manage_listings")
def change_status(listing_id: int, action: str):
    """Publish, withdraw or conclude a listing."""
    listing = own_listing(listing_id)
    form = WithdrawListingForm() if action == "withdraw" else EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "publish":
            ops.publish_listing(listing, current_user)
        elif action == "withdraw":
            ops.withdraw_listing(listing, current_user, form.reason.data or "")
        else:
            ops.conclude_listing(listing, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash({"publish": _("Listing published."), "withdraw": _("Listing withdrawn."),
               "conclude": _("Listing marked as concluded.")}[action], "success")
    return redirect(url_for("listings.detail", listing_id=listing.id))


@bp.route("/patents/<int:patent_id>/facts", methods=["GET", "POST"])
@require("manage_listings")
def patent_facts(patent_id: int):
    """The legal facts an open licence depends on: pledge, fees, disputes, other licences, and each
    co-owner's consent."""
    patent = own_patent(patent_id)
    form = PatentFactsForm(obj=patent)
    if request.method == "GET":
        for co_owner in patent.co_owners:
            form.co_owner.append_entry(co_owner)
        for _blank in range(BLANK_CO_OWNER_ROWS):
            form.co_owner.append_entry()
    if form.validate_on_submit():
        facts = {name: getattr(form, name).data for name in facts_ops.PATENT_FACTS}
        facts["evaluation_report"] = (facts["evaluation_report"] or "").strip() or None
        try:
            facts_ops.update_patent_facts(patent, facts, current_user)
            facts_ops.update_co_owners(patent, _co_owner_rows(form), current_user)
        except OperationError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Patent facts saved."), "success")
            return redirect(url_for("manage.declare", patent_id=patent.id))
    return render_template("manage/patent_facts.html", form=form, patent=patent), (400 if form.errors else 200)


BLANK_CO_OWNER_ROWS = 2  # empty rows offered for new co-owners; more after each save


def _co_owner_rows(form: PatentFactsForm) -> list[facts_ops.CoOwnerData]:
    rows = []
    for entry in form.co_owner:
        given = (entry.form.id.data or "").strip()
        rows.append(facts_ops.CoOwnerData(
            name=entry.form.name.data or "", consent=entry.form.consent.data,
            consent_date=entry.form.consent_date.data, reference=entry.form.reference.data or "",
            # Anything but a number is no recorded co-owner's id: the operation refuses it.
            id=(int(given) if given.isdigit() else -1) if given else None, remove=entry.form.remove.data))
    return rows


@bp.route("/patents/<int:patent_id>/open-licence", methods=["GET", "POST"])
@require("manage_listings")
def declare(patent_id: int):
    """Declare an open licence on a patent, under the rules of Patent Law Arts 50–52."""
    patent = own_patent(patent_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        terms = OpenLicenceTerms(fee_method=form.fee_method.data, fee_amount_yuan=form.fee_amount_yuan.data,
                                 royalty_rate_pct=form.royalty_rate_pct.data, term_end=form.term_end.data)
        try:
            _declaration, warnings = ops.declare_open_licence(
                patent, terms, announced_on=form.announced_on.data,
                cnipa_reference=form.cnipa_reference.data, actor=current_user, guidance=ops.fee_guidance())
        except OperationError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            for warning in warnings:
                flash(warning, "warning")
            flash(_("Open licence declared."), "success")
            return redirect(url_for("manage.patents"))
    return render_template("manage/declare.html", form=form, patent=patent,
                           withdraw_form=WithdrawDeclarationForm()), (400 if form.errors else 200)


@bp.post("/declarations/<int:declaration_id>/withdraw")
@require("manage_listings")
def withdraw_declaration(declaration_id: int):
    """Withdraw an open-licence declaration; licences already taken stay in force."""
    declaration = db.session.get(OpenLicenceDeclaration, declaration_id)
    if declaration is None or declaration.patent.centre_id != current_user.organisation_id:
        abort(404)
    form = WithdrawDeclarationForm()
    if not form.validate_on_submit():
        flash(_("Give the date and the reason for the withdrawal."), "danger")
        return redirect(url_for("manage.declare", patent_id=declaration.patent_id))
    try:
        ops.withdraw_open_licence(declaration, on=form.withdrawn_on.data, reason=form.reason.data,
                                  actor=current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("Open licence withdrawn."), "success")
    return redirect(url_for("manage.declare", patent_id=declaration.patent_id))
