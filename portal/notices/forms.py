"""Forms of the public notices: opening one, objecting, answering, cancelling."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.forms import choices
from portal.labels import REQUEST_MODE_LABELS
from portal.listings.forms import MultiCheckboxField
from portal.transaction import submission_key_field


class NoticeForm(FlaskForm):
    title = StringField(_l("Name of the result"), validators=[InputRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    mode = SelectField(_l("Kind"), choices=choices(REQUEST_MODE_LABELS.items()), validators=[InputRequired()])
    intended_price_yuan = DecimalField(_l("Intended price (yuan)"), places=2,
                                       validators=[InputRequired(), NumberRange(min=0, max=10**13 - 1)])
    patents = MultiCheckboxField(_l("Patents"), coerce=int)
    starts_on = DateField(_l("First day of the notice"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day of the notice"), validators=[InputRequired()])
    # Choices set by the view (enterprises on the portal); empty for none.
    counterparty = SelectField(_l("Counterparty"), validate_choice=False)
    show_counterparty = BooleanField(_l("Show the counterparty in the notice"))
    submission_key = submission_key_field()


class ObjectionForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=100)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])
    body = TextAreaField(_l("Your objection and its grounds"), validators=[InputRequired(), Length(max=5000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[InputRequired(), Length(max=5000)])


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])
