"""A centre's listing pages (under /manage): the dashboard, new and edited listings, and their
publication, withdrawal and conclusion. The centre's patent pages are :mod:`portal.patents.views`.

Every object is looked up within the user's own centre: another centre's ids answer 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.inputs import id_arg
from portal.listings import operations as ops
from portal.listings.forms import ListingForm, WithdrawListingForm
from portal.models import Listing, Patent
from portal.patents.access import own_patent
from portal.permissions import require
from portal.transaction import perform

bp = Blueprint("manage", __name__, url_prefix="/manage")


def own_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.centre_id != current_user.organisation_id:
        abort(404)
    return listing


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


def _listing_data(form: ListingForm) -> ops.ListingData:
    return ops.ListingData(
        title=form.title.data or "", modes=form.modes.data or [], field=form.field.data,
        maturity=form.maturity.data or None, price_yuan=form.price_yuan.data,
        scenarios=form.scenarios.data or "", advantages=form.advantages.data or "",
        contact_name=form.contact_name.data or "", contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "", title_en=form.title_en.data or "",
        abstract_en=form.abstract_en.data or "")


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
        patent = own_patent(id_arg("patent") or 0)
        form.patents.data = [patent.id]
        form.title.data = patent.title
        form.title_en.data = (patent.title_en or "")[:300]
    if form.validate_on_submit():
        selected = [own_patent(pid) for pid in form.patents.data or []]
        done = perform(lambda: ops.create_listing(current_user.organisation, selected, _listing_data(form),
                                                  current_user),
                       form=form, success=_("Draft saved. Publish it when it is ready."))
        if done:
            return redirect(url_for("listings.detail", listing_id=done.value.id))
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
    if form.validate_on_submit() and perform(lambda: ops.update_listing(listing, _listing_data(form), current_user),
                                             form=form, success=_("Listing saved.")):
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
    def change():
        if action == "publish":
            ops.publish_listing(listing, current_user)
        elif action == "withdraw":
            ops.withdraw_listing(listing, current_user, form.reason.data or "")
        else:
            ops.conclude_listing(listing, current_user)

    perform(change, success={"publish": _("Listing published."), "withdraw": _("Listing withdrawn."),
                             "conclude": _("Listing marked as concluded.")}[action])
    return redirect(url_for("listings.detail", listing_id=listing.id))
