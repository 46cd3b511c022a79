"""Deal forms."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.deals.operations import RECORDAL_MOVES
from portal.forms import choices, optional_id
from portal.labels import DEAL_MODE_LABELS, RECORDAL_STATUS_LABELS
from portal.listings.forms import MultiCheckboxField
from portal.notices.labels import PRICING_LABELS
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
    # Empty on a POST that does not send it (an older form): only "agreement" needs the public notice.
    pricing = SelectField(_l("Pricing"), choices=choices([("", "—"), *PRICING_LABELS.items()]),
                          coerce=lambda v: v or None, validators=[Optional()])
    notice_override_reason = StringField(_l("Reason to record it without a completed public notice"),
                                         validators=[Length(max=500)])
    paid_on = DateField(_l("First amount received on"), validators=[Optional()])
    paid_amount = DecimalField(_l("Amount received (yuan)"), places=2, validators=MONEY)
    submission_key = submission_key_field()


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Received on"), default=date.today, validators=[InputRequired()])
    amount_yuan = DecimalField(_l("Amount received (yuan)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0.01, max=10**13)])


class RecordalForm(FlaskForm):
    # Choices set by recordal_form(); the operation checks the step and says why it is not one.
    status = SelectField(_l("Recordal status"), validators=[InputRequired()], validate_choice=False)
    number = StringField(_l("Recordal number"), validators=[Length(max=60)])
    recorded_on = DateField(_l("Recorded on"), validators=[Optional()])
    reason = StringField(_l("Reason for refusal"), validators=[Length(max=500)])


def recordal_form(deal) -> RecordalForm:
    """The deal's recordal form: its current status, preselected, then the steps open from it. A
    completed recordal is final, so that choice asks first (``data-confirm``, static/js/confirm.js).
    On a POST the form keeps what was sent, so a refused step can be corrected, not retyped."""
    form = RecordalForm()
    current = deal.recordal_status
    form.status.choices = [SelectChoice(current, _("%(status)s (current)", status=RECORDAL_STATUS_LABELS[current]))]
    for status in RECORDAL_MOVES.get(current, ()):
        render_kw = {"data-confirm": _("Mark the recordal as completed? The recordal number and date cannot be "
                                       "changed afterwards.")} if status == "recorded" else {}
        form.status.choices.append(SelectChoice(status, RECORDAL_STATUS_LABELS[status], render_kw=render_kw))
    if not form.is_submitted():
        form.status.data = current
    return form


class RegistrationForm(FlaskForm):
    registration_date = DateField(_l("CNIPA registration date"), validators=[InputRequired()])
