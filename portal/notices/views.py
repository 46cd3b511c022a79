"""Public notices: the public list, a notice's page with its objections, the objection form (no
account needed), and the centre's pages to open, answer and cancel."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db, limiter
from portal.forms import choices
from portal.inputs import id_arg
from portal.models import LicenceRequest, NoticeObjection, Organisation, Patent, PublicNotice
from portal.notices import feed
from portal.notices import operations as ops
from portal.notices.forms import AnswerForm, CancelForm, NoticeForm, ObjectionForm
from portal.notices.labels import NOTICE_STATE_LABELS
from portal.permissions import can, require
from portal.transaction import once, perform

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.app_context_processor
def notice_labels():
    """The labels of notices, royalties, rewards and legal status, for every template (the deal page too)."""
    from portal.notices import labels

    return {"notice_labels": labels}


def _objection_limit() -> str:
    return current_app.config["OBJECTION_RATE_LIMIT"]


def _manages(notice: PublicNotice) -> bool:
    return can("record_deals") and current_user.organisation_id == notice.centre_id


def own_notice(notice_id: int) -> PublicNotice:
    notice = db.session.get(PublicNotice, notice_id)
    if notice is None or not _manages(notice):
        abort(404)
    return notice


@bp.get("/")
def index():
    """Every notice, newest first; ``?centre=<code>`` narrows to one centre."""
    query = db.select(PublicNotice).order_by(PublicNotice.starts_on.desc(), PublicNotice.id.desc())
    centre = None
    if request.args.get("centre"):
        centre = db.session.scalar(db.select(Organisation).where(Organisation.code == request.args["centre"][:60],
                                                                 Organisation.kind == "centre"))
        if centre is None:
            abort(404)
        query = query.where(PublicNotice.centre_id == centre.id)
    page = db.paginate(query, per_page=30, error_out=False)
    return render_template("notices/index.html", page=page, centre=centre, today=date.today(),
                           states=NOTICE_STATE_LABELS)


@bp.get("/feed.<any(atom, rss):fmt>")
def notices_feed(fmt: str):
    return feed.serve(fmt)


@bp.get("/<int:notice_id>")
def detail(notice_id: int):
    notice = db.get_or_404(PublicNotice, notice_id)
    return _render_detail(notice)


def _render_detail(notice: PublicNotice, objection_form=None, code: int = 200):
    manage = _manages(notice)
    return render_template("notices/detail.html", notice=notice, today=date.today(), manage=manage,
                           states=NOTICE_STATE_LABELS, objection_form=objection_form or ObjectionForm(),
                           answer_form=AnswerForm(), cancel_form=CancelForm()), code


@bp.post("/<int:notice_id>/objections")
@limiter.limit(_objection_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 302)
def object_to(notice_id: int):
    """Anyone may object while the window is open: name and a valid e-mail address required."""
    notice = db.get_or_404(PublicNotice, notice_id)
    form = ObjectionForm()
    if form.validate_on_submit():
        data = ops.ObjectionData(name=form.name.data, email=form.email.data, body=form.body.data,
                                 organisation=form.organisation.data or "", phone=form.phone.data or "")
        if perform(lambda: ops.file_objection(notice, data, date.today(), request.remote_addr), form=form,
                   success=_("Your objection was filed. The centre answers it here and by e-mail.")):
            return redirect(url_for("notices.detail", notice_id=notice.id) + "#objections")
    return _render_detail(notice, objection_form=form, code=400)


@bp.post("/<int:notice_id>/objections/<int:objection_id>/answer")
@require("record_deals")
def answer(notice_id: int, objection_id: int):
    notice = own_notice(notice_id)
    objection = db.session.get(NoticeObjection, objection_id)
    if objection is None or objection.notice_id != notice.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Write the answer."), "danger")
    else:
        perform(lambda: ops.answer_objection(objection, form.answer.data, current_user), success=_("Answer published."))
    return redirect(url_for("notices.detail", notice_id=notice.id) + "#objections")


@bp.post("/<int:notice_id>/cancel")
@require("record_deals")
def cancel(notice_id: int):
    notice = own_notice(notice_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Give the reason."), "danger")
    else:
        perform(lambda: ops.cancel_notice(notice, current_user, date.today(), form.reason.data),
                success=_("Notice cancelled."))
    return redirect(url_for("notices.detail", notice_id=notice.id))


@bp.route("/new", methods=["GET", "POST"])
@require("record_deals")
def new():
    """Open a notice; ``?request=<id>`` fills it from a request in negotiation or agreed."""
    source = None
    if request.args.get("request"):
        source_id = id_arg("request")
        source = db.session.get(LicenceRequest, source_id) if source_id is not None else None
        if source is None or source.listing.centre_id != current_user.organisation_id:
            abort(404)
    centre = current_user.organisation
    form = NoticeForm()
    locale = str(get_locale())
    enterprises = db.session.scalars(db.select(Organisation).where(Organisation.kind == "enterprise")
                                     .order_by(Organisation.name_zh).limit(2000)).all()
    form.counterparty.choices = choices([("", "—"), *((o.code, o.display_name(locale)) for o in enterprises)])
    form.patents.choices = choices(db.session.execute(
        db.select(Patent.id, Patent.application_number).where(Patent.centre_id == centre.id)
        .order_by(Patent.id.desc()).limit(1000)).all())
    if request.method == "GET":
        form.starts_on.data, form.ends_on.data = ops.default_window(date.today())
        if source is not None:
            form.title.data = source.listing.title
            form.mode.data = source.mode
            form.patents.data = [p.id for p in source.listing.patents]
            form.counterparty.data = source.enterprise.code
            form.intended_price_yuan.data = source.listing.price_yuan
    if form.validate_on_submit():
        counterparty = None
        if form.counterparty.data:
            counterparty = db.session.scalar(db.select(Organisation).where(
                Organisation.code == form.counterparty.data, Organisation.kind == "enterprise"))
        patents = db.session.scalars(db.select(Patent).where(Patent.id.in_(form.patents.data or []),
                                                             Patent.centre_id == centre.id)).all()
        data = ops.NoticeData(title=form.title.data, mode=form.mode.data,
                              intended_price_yuan=form.intended_price_yuan.data, patents=list(patents),
                              starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                              description=form.description.data or "", counterparty=counterparty,
                              show_counterparty=form.show_counterparty.data, request=source)

        def create():
            if form.counterparty.data and counterparty is None:
                from portal.errors import OperationError

                raise OperationError(_("Choose one of the enterprises on the portal."), field="counterparty")
            return ops.open_notice(centre, data, current_user, date.today())

        done = perform(lambda: once(PublicNotice, form.submission_key.data, create, centre_id=centre.id),
                       form=form, success=_("Notice published."))
        if done:
            return redirect(url_for("notices.detail", notice_id=done.value[0].id))
    return render_template("notices/new.html", form=form, source=source,
                           days=ops.notice_days()), (400 if form.errors else 200)
