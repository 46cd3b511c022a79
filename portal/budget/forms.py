"""Forms of the budget: they parse and check lengths only; amounts, dates and the fund rules are the
operations' to judge (so the CLI gets the same answers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import choices

FUND_LABELS = {"grant": _l("Central funds (grant)"), "matching": _l("Matching funds (self-raised)")}
AMOUNT = [InputRequired(), Length(max=40)]


class ReceiptForm(FlaskForm):
    fund = SelectField(_l("Received into"), choices=choices(FUND_LABELS.items()), validators=[InputRequired()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    amount = StringField(_l("Amount (yuan)"), validators=AMOUNT, render_kw={"inputmode": "decimal"})
    source = StringField(_l("Source"), validators=[Length(max=200)])
    note = StringField(_l("Note (optional)"), validators=[Length(max=2000)])


class ExpenseForm(FlaskForm):
    fund = SelectField(_l("Paid from"), choices=choices(FUND_LABELS.items()), validators=[InputRequired()])
    spent_on = DateField(_l("Paid on"), validators=[InputRequired()])
    amount = StringField(_l("Amount (yuan)"), validators=AMOUNT, render_kw={"inputmode": "decimal"})
    payee = StringField(_l("Payee"), validators=[InputRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[InputRequired()])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)], render_kw={"rows": 2})
    voucher_reference = StringField(_l("Voucher number"), validators=[Length(max=100)])
    voucher = FileField(_l("Voucher scan (optional: PDF, JPEG or PNG, at most 5 MB)"))
