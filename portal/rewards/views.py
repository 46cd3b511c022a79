"""Inventor rewards: the centre's summary per year with its share, the programme office's view of
every centre, and recording a reward from the deal page (the panel is part of the deal page)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.extensions import db
from portal.models import Deal, Organisation
from portal.permissions import can, require
from portal.rewards import operations as ops
from portal.transaction import perform

bp = Blueprint("rewards", __name__, url_prefix="/rewards")


class ShareForm(FlaskForm):
    share_pct = DecimalField(_l("Inventors' share of net income (%)"), places=2,
                             validators=[InputRequired(), NumberRange(min=50, max=100)])


class RewardForm(FlaskForm):
    inventor = StringField(_l("Inventor"), validators=[InputRequired(), Length(max=100)])
    amount_yuan = DecimalField(_l("Reward paid (yuan)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0.01, max=10**13 - 1)])
    paid_on = DateField(_l("Paid on"), default=date.today, validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Length(max=300)])


@bp.app_context_processor
def reward_panel():
    def panel(deal: Deal) -> dict:
        return {"figures": ops.figures(deal), "rewards": ops.paid_rewards(deal), "inventors": ops.inventors_of(deal),
                "form": RewardForm(formdata=None)}

    return {"reward_panel": panel}


@bp.get("/")
@login_required
def index():
    if can("record_deals"):
        centre = current_user.organisation
        years, short = ops.summary(centre.id)
        form = ShareForm(formdata=None, share_pct=ops.share_of(centre.id) * 100)
        return render_template("rewards/index.html", centre=centre, years=years, short=short,
                               share=ops.share_of(centre.id), form=form)
    if can("view_programme_metrics"):
        centres = db.session.scalars(db.select(Organisation).where(Organisation.kind == "centre")
                                     .order_by(Organisation.code)).all()
        rows = [(c, ops.share_of(c.id), ops.summary(c.id)[0]) for c in centres]
        return render_template("rewards/programme.html", rows=rows)
    abort(403)


@bp.post("/share")
@require("manage_centre")
def set_share():
    form = ShareForm()
    if not form.validate_on_submit():
        flash(_("The inventors' share is from %(low)s to %(high)s of net income.", low="50%", high="100%"), "danger")
    else:
        perform(lambda: ops.set_share(current_user.organisation, form.share_pct.data / 100, current_user),
                success=_("Reward share saved."))
    return redirect(url_for("rewards.index"))


@bp.post("/deals/<int:deal_id>")
@require("record_deals")
def record(deal_id: int):
    deal = db.session.get(Deal, deal_id)
    if deal is None or deal.licensor_id != current_user.organisation_id:
        abort(404)
    form = RewardForm()
    if not form.validate_on_submit():
        flash(_("A reward needs the inventor, an amount above zero and the day it was paid."), "danger")
    else:
        perform(lambda: ops.record_reward(deal, form.inventor.data, form.amount_yuan.data, form.paid_on.data,
                                          form.note.data, current_user, date.today()),
                success=_("Reward recorded."))
    return redirect(url_for("deals.detail", deal_id=deal.id) + "#rewards")
