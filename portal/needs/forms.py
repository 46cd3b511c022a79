"""Forms of the needs pages: they parse and check input, every problem at once; the operations
check the rules again."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.errors import rule_message
from portal.forms import choices
from portal.labels import FIELD_LABELS, MODE_LABELS
from portal.listings.forms import MultiCheckboxField
from portal.needs.labels import NEED_VISIBILITY_LABELS
from portal.rules import InvalidIPC, normalise_ipc
from portal.timefmt import SHANGHAI
from portal.transaction import submission_key_field

MAX_BUDGET_YUAN = Decimal(10) ** 11  # 1000 亿元: above any licence deal; a larger figure is a typo
MAX_DEADLINE_DAYS = 730


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


def _budget_in_range(form, field) -> None:
    value = field.data
    if value is None:
        return
    if not value.is_finite() or value < 0 or value > MAX_BUDGET_YUAN:
        raise ValidationError(_("Enter an amount in yuan from 0 to %(max)s.", max=f"{MAX_BUDGET_YUAN:,}"))


def _ipc(form, field) -> None:
    if not (field.data or "").strip():
        return
    try:
        field.data = normalise_ipc(field.data)
    except InvalidIPC as exc:
        raise ValidationError(rule_message(exc)) from exc


def _future(form, field) -> None:
    if field.data is None:
        return
    today = shanghai_today()
    if field.data <= today:
        raise ValidationError(_("The deadline must be a date after today."))
    if field.data > today + timedelta(days=MAX_DEADLINE_DAYS):
        raise ValidationError(_("The deadline can be at most two years away."))


class NeedForm(FlaskForm):
    title = StringField(_l("What do you need? (one line)"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Describe the need"), validators=[InputRequired(), Length(max=5000)])
    field = SelectField(_l("Technical field"), choices=choices(FIELD_LABELS.items()))
    ipc = StringField(_l("IPC (optional)"), validators=[Length(max=40), _ipc])
    budget_min_yuan = DecimalField(_l("Budget from (yuan, optional)"), places=2,
                                   validators=[Optional(), _budget_in_range])
    budget_max_yuan = DecimalField(_l("Budget up to (yuan, optional)"), places=2,
                                   validators=[Optional(), _budget_in_range])
    modes = MultiCheckboxField(_l("Modes wanted"), choices=choices(MODE_LABELS.items()))
    deadline = DateField(_l("Answers wanted by"), validators=[InputRequired(), _future])
    visibility = SelectField(_l("Who may read it"), choices=choices(NEED_VISIBILITY_LABELS.items()))
    submission_key = submission_key_field()

    def validate_modes(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Choose at least one mode."))

    def validate_budget_max_yuan(self, field) -> None:
        low, high = self.budget_min_yuan.data, field.data
        if low is not None and high is not None and low.is_finite() and high.is_finite() and low > high:
            raise ValidationError(_("The upper end of the budget is below the lower end."))


class ProposalForm(FlaskForm):
    listings = SelectMultipleField(_l("Your listings that answer this need"), coerce=int, validate_choice=False)
    message = TextAreaField(_l("Message to the enterprise"), validators=[InputRequired(), Length(max=3000)])
