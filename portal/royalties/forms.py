"""Royalty forms: the terms, a period's report, a payment for a period."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from portal.forms import choices
from portal.notices.labels import ROYALTY_BASIS_LABELS, ROYALTY_FREQUENCY_LABELS

BIG = 10**13 - 1


class TermsForm(FlaskForm):
    basis = SelectField(_l("Royalty on"), choices=choices(ROYALTY_BASIS_LABELS.items()), validators=[InputRequired()])
    rate_pct = DecimalField(_l("Royalty rate (%)"), places=3, validators=[InputRequired(), NumberRange(min=0, max=100)])
    frequency = SelectField(_l("Reporting period"), choices=choices(ROYALTY_FREQUENCY_LABELS.items()),
                            validators=[InputRequired()])
    starts_on = DateField(_l("First period starts on"), validators=[InputRequired()])
    report_days = IntegerField(_l("Report due (days after a period ends)"),
                               validators=[Optional(), NumberRange(min=0, max=365)])
    payment_days = IntegerField(_l("Payment due (days after a period ends)"),
                                validators=[Optional(), NumberRange(min=0, max=365)])


class ReportForm(FlaskForm):
    base_yuan = DecimalField(_l("Sales or profit of the period (yuan)"), places=2,
                             validators=[InputRequired(), NumberRange(min=0, max=BIG)])
    due_yuan = DecimalField(_l("Royalty due (yuan; empty: at the agreed rate)"), places=2,
                            validators=[Optional(), NumberRange(min=0, max=BIG)])


class RoyaltyPaymentForm(FlaskForm):
    paid_on = DateField(_l("Received on"), default=date.today, validators=[InputRequired()])
    amount_yuan = DecimalField(_l("Amount received (yuan)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0.01, max=BIG)])
