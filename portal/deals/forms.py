"""Deal forms."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.forms import choices, optional_id
from portal.labels import DEAL_MODE_LABELS, RECORDAL_STATUS_LABELS
from portal.listings.forms import MultiCheckboxField
from portal.transaction import submission_key_field

MONEY = [Optional(), NumberRange(min=0, max=10**13)]


class DealForm(FlaskForm):
    mode = SelectField(_l("Kind"), choices=choices(DEAL_MODE_LABELS.items()), validators=[InputRequired()])
    licensee = SelectField(_l("Licensee or assignee"), validators=[InputRequired()])
    # Choices set by the view (the centre's own listings; recent events); the operation checks both.
    listing = SelectField(_l("Listing"), coerce=optional_id, validate_choice=False)
    event_id = SelectField(_l("Matchmaking event it came from"), coerce=optional_id, validate_choice=False)
    patents = MultiCheckboxField(_l("Patents"), coerce=int)
    effective_date = DateField(_l("Effective date"), default=date.today, validators=[InputRequired()])
    term_end = DateField(_l("Licence term ends on"), validators=[Optional()])
    signed_date = DateField(_l("Signed on"), validators=[Optional()])
    registration_date = DateField(_l("CNIPA registration date (assignments)"), validators=[Optional()])
    contract_amount_yuan = DecimalField(_l("Contract amount (yuan)"), places=2,
                                        validators=[InputRequired(), NumberRange(min=0, max=10**13)])
    gross_income_yuan = DecimalField(_l("Gross income (yuan)"), places=2, validators=MONEY)
    deductions_yuan = DecimalField(_l("Deductions: taxes, maintenance, transaction costs (yuan)"), places=2,
                                   validators=MONEY)
    paid_on = DateField(_l("First amount received on"), validators=[Optional()])
    paid_amount = DecimalField(_l("Amount received (yuan)"), places=2, validators=MONEY)
    submission_key = submission_key_field()


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Received on"), default=date.today, validators=[InputRequired()])
    amount_yuan = DecimalField(_l("Amount received (yuan)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0.01, max=10**13)])


class RecordalForm(FlaskForm):
    status = SelectField(_l("Recordal status"), choices=choices(RECORDAL_STATUS_LABELS.items()),
                         validators=[InputRequired()])
    number = StringField(_l("Recordal number"), validators=[Length(max=60)])
    recorded_on = DateField(_l("Recorded on"), validators=[Optional()])
    reason = StringField(_l("Reason for refusal"), validators=[Length(max=500)])


class RegistrationForm(FlaskForm):
    registration_date = DateField(_l("CNIPA registration date"), validators=[InputRequired()])
