"""Needs: the list (search and filters), a need's page with proposals and recommendations, posting,
closing, proposing, and the feed of public needs."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.forms import EmptyForm
from portal.inputs import id_arg
from portal.labels import FIELD_LABELS, MODE_LABELS
from portal.models import FIELDS, MODES, Listing, Need, NeedProposal
from portal.needs import feed
from portal.needs import operations as ops
from portal.needs.access import can_propose, can_see_need, owns_need, visible_needs_clause
from portal.needs.forms import NeedForm, ProposalForm, shanghai_today
from portal.needs.labels import NEED_STATUS_LABELS, NEED_VISIBILITY_LABELS
from portal.needs.matching import recommendations
from portal.permissions import require
from portal.transaction import once, perform

bp = Blueprint("needs", __name__)
PER_PAGE = 20
STATUS_FILTERS = ("open", "closed", "expired", "all")


@bp.context_processor
def need_labels():
    return {"need_status_labels": NEED_STATUS_LABELS, "need_visibility_labels": NEED_VISIBILITY_LABELS,
            "field_labels": FIELD_LABELS, "mode_labels": MODE_LABELS, "budget_text": feed.budget_text}


def visible_need(need_id: int) -> Need:
    """A need the user may read; any other id answers 404."""
    need = db.session.get(Need, need_id)
    if need is None or not can_see_need(current_user, need):
        abort(404)
    return need


def _status_clause(status: str, today):
    if status == "open":
        return (Need.status == "open") & (Need.deadline >= today)
    if status == "expired":
        return (Need.status == "expired") | ((Need.status == "open") & (Need.deadline < today))
    if status == "closed":
        return Need.status == "closed"
    return None


@bp.get("/needs")
def index():
    """Technology needs the visitor may read: text search, field, mode and status filters."""
    today = shanghai_today()
    q = (request.args.get("q") or "")[:200].strip()
    field = request.args.get("field", "")
    mode = request.args.get("mode", "")
    status = request.args.get("status", "open")
    status = status if status in STATUS_FILTERS else "open"
    mine = request.args.get("mine") == "1" and current_user.is_authenticated
    query = db.select(Need).where(visible_needs_clause(current_user)).options(selectinload(Need.enterprise))
    for word in q.split()[:10]:
        query = query.where(or_(Need.title.icontains(word, autoescape=True),
                                Need.description.icontains(word, autoescape=True)))
    if field in FIELDS:
        query = query.where(Need.field == field)
    if mode in MODES:
        query = query.where(getattr(Need, f"wants_{mode}").is_(True))
    clause = _status_clause(status, today)
    if clause is not None:
        query = query.where(clause)
    if mine:
        query = query.where(Need.enterprise_id == current_user.organisation_id)
    page = request.args.get("page", "1")
    page = db.paginate(query.order_by(Need.created_at.desc(), Need.id.desc()),
                       page=int(page) if page.isdigit() else 1, per_page=PER_PAGE, error_out=False)
    return render_template("needs/index.html", page=page, q=q, field=field, mode=mode, status=status,
                           mine=mine, today=today, fields=FIELDS, modes=MODES)


@bp.route("/needs/new", methods=["GET", "POST"])
@require("file_requests")
def new():
    """An SME member posts a need."""
    form = NeedForm()
    if form.validate_on_submit():
        data = ops.NeedData(title=form.title.data, description=form.description.data, field=form.field.data,
                            deadline=form.deadline.data, modes=list(form.modes.data), ipc=form.ipc.data or "",
                            budget_min_yuan=form.budget_min_yuan.data, budget_max_yuan=form.budget_max_yuan.data,
                            visibility=form.visibility.data)
        today = shanghai_today()
        done = perform(lambda: once(Need, form.submission_key.data,
                                    lambda: ops.post_need(current_user, data, today),
                                    enterprise_id=current_user.organisation_id),
                       form=form, success=_("Your need is posted. Centres can now answer it."))
        if done:
            return redirect(url_for("needs.detail", need_id=done.value[0].id))
    return render_template("needs/form.html", form=form), (400 if form.errors else 200)


def _proposal_form(need: Need) -> ProposalForm | None:
    """The centre's form: its published listings not yet proposed for this need."""
    if not can_propose(current_user):
        return None
    form = ProposalForm()
    taken = select_proposed(need)
    own = db.session.scalars(db.select(Listing).where(Listing.centre_id == current_user.organisation_id,
                                                      Listing.status == "published")
                             .order_by(Listing.published_at.desc(), Listing.id.desc()).limit(500))
    form.listings.choices = [(x.id, x.title) for x in own if x.id not in taken]
    return form


def select_proposed(need: Need) -> set[int]:
    return set(db.session.scalars(db.select(NeedProposal.listing_id).where(NeedProposal.need_id == need.id)))


@bp.get("/needs/<int:need_id>")
def detail(need_id: int):
    """A need, the centres' proposals side by side and, for the enterprise, the portal's own
    recommendations with why each was made."""
    need = visible_need(need_id)
    today = shanghai_today()
    owner = owns_need(current_user, need)
    proposals = db.session.scalars(db.select(NeedProposal).where(NeedProposal.need_id == need.id)
                                   .options(selectinload(NeedProposal.listing), selectinload(NeedProposal.centre))
                                   .order_by(NeedProposal.id)).all()
    open_now = need.current_status(today) == "open"
    recommended = []
    if owner:
        proposed = {p.listing_id for p in proposals}
        recommended = [r for r in recommendations(need) if r.listing.id not in proposed]
    form = _proposal_form(need) if open_now else None
    return render_template("needs/detail.html", need=need, proposals=proposals, recommended=recommended,
                           owner=owner, status=need.current_status(today), open_now=open_now, form=form)


@bp.post("/needs/<int:need_id>/close")
@require("file_requests")
def close(need_id: int):
    """The enterprise closes its need (asked first, on the page)."""
    need = visible_need(need_id)
    if not owns_need(current_user, need):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: ops.close_need(need, current_user), success=_("The need is closed."))
    return redirect(url_for("needs.detail", need_id=need.id))


@bp.post("/needs/<int:need_id>/proposals")
@require("manage_listings")
def propose(need_id: int):
    """Centre staff propose their own published listings for the need."""
    need = visible_need(need_id)
    today = shanghai_today()
    form = _proposal_form(need) or abort(404)
    if form.validate_on_submit():
        chosen = [db.session.get(Listing, i) for i in form.listings.data or []]
        done = perform(lambda: ops.propose(need, chosen, current_user, form.message.data, today),
                       form=form, success=_("Your proposal has been sent to the enterprise."))
        if done:
            return redirect(url_for("needs.detail", need_id=need.id) + "#proposals")
    proposals = db.session.scalars(db.select(NeedProposal).where(NeedProposal.need_id == need.id)).all()
    return render_template("needs/detail.html", need=need, proposals=proposals, recommended=[], owner=False,
                           status=need.current_status(today), open_now=need.current_status(today) == "open",
                           form=form), 400


@bp.get("/feeds/needs.<any(atom, rss):fmt>", endpoint="feed")
def feed_view(fmt: str):
    """Public open needs as Atom or RSS."""
    return feed.serve(fmt, shanghai_today())


def need_for_request(user) -> int | None:
    """The ``need`` query argument of a request form, when it names a need of the user's own
    organisation (anything else is ignored): the request then remembers the need."""
    need_id = id_arg("need")
    if need_id is None:
        return None
    need = db.session.get(Need, need_id)
    return need.id if need is not None and owns_need(user, need) else None
