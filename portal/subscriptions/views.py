"""My saved searches (我的订阅): list, save from the search page, rename, change delivery, delete.

Every signed-in user may keep saved searches; each user sees and changes only their own (anyone
else's answers 404).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.extensions import db
from portal.forms import EmptyForm
from portal.models import SavedSearch
from portal.subscriptions import operations as ops
from portal.subscriptions.describe import DELIVERY_LABELS, describe, describe_search, search_args
from portal.subscriptions.forms import EditSearchForm, SaveSearchForm
from portal.transaction import perform

bp = Blueprint("subscriptions", __name__, url_prefix="/account/searches")


def _own_or_404(search_id: int) -> SavedSearch:
    search = ops.own_search(current_user, search_id)
    if search is None:
        abort(404)
    return search


@bp.get("")
@login_required
def index():
    """The user's saved searches, how each is delivered, and their feed addresses."""
    searches = db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == current_user.id)
                                  .order_by(SavedSearch.name, SavedSearch.id)).all()
    return render_template("subscriptions/index.html", searches=searches, deliveries=DELIVERY_LABELS,
                           describe=describe_search, search_args=search_args, limit=ops.MAX_PER_USER)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Save a search: one click from the search page (a POST with its query and filters, named after
    them and mailed daily), or this form, where a name and a delivery are chosen first."""
    form = SaveSearchForm(request.form if request.method == "POST" else request.args)
    if request.method == "GET":
        form.delivery.data = form.delivery.data or "daily"
    elif form.validate():
        done = perform(lambda: ops.save_search(current_user, ops.SearchData.from_args(form.search_args()),
                                               form.name.data, form.delivery.data),
                       form=form,
                       success=lambda s: _("Saved “%(name)s”. New listings that match it: %(delivery)s. Rename it or "
                                           "choose another delivery below.", name=s.name,
                                           delivery=DELIVERY_LABELS[s.delivery]))
        if done:
            return redirect(url_for("subscriptions.edit", search_id=done.value.id))
    args = form.search_args()
    summary = describe(" ".join(args["q"][:ops.QUERY_MAX].split()), {k: v for k, v in args.items() if k != "q"})
    return render_template("subscriptions/new.html", form=form, summary=summary or _("All listings")), \
        (400 if form.errors or form.form_errors else 200)


@bp.route("/<int:search_id>", methods=["GET", "POST"])
@login_required
def edit(search_id: int):
    """Rename a saved search or change how it is delivered; its feed addresses."""
    search = _own_or_404(search_id)
    form = EditSearchForm(obj=search)
    if form.validate_on_submit():
        done = perform(lambda: ops.update_search(search, form.name.data, form.delivery.data), form=form,
                       success=_("Saved search changed."))
        if done:
            return redirect(url_for("subscriptions.index"))
    return render_template("subscriptions/edit.html", form=form, search=search, summary=describe_search(search),
                           args=search_args(search)), (400 if form.errors or form.form_errors else 200)


@bp.post("/<int:search_id>/delete")
@login_required
def delete(search_id: int):
    """Delete a saved search (asked first on the page); its feed addresses keep working."""
    search = _own_or_404(search_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = search.name
    perform(lambda: ops.delete_search(search), success=_("Deleted the saved search “%(name)s”.", name=name))
    return redirect(url_for("subscriptions.index"))
