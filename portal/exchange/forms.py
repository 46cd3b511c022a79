"""Exchange hand-off forms: forwarding (centre), a status step (exchange operator), tokens (admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.exchange.operations import MAX_NOTE, MAX_REASON, MAX_REFERENCE


class ForwardForm(FlaskForm):
    exchange = SelectField(_l("Exchange base"), validators=[InputRequired()], validate_choice=False)
    note = TextAreaField(_l("Note to the exchange"), validators=[Length(max=MAX_NOTE)])


class StatusForm(FlaskForm):
    # The operation checks the step and answers in words; a select would only say "not a valid choice".
    status = SelectField(_l("New status"), validators=[InputRequired()], validate_choice=False)
    reference = StringField(_l("Exchange reference number"), validators=[Length(max=MAX_REFERENCE)])
    reason = TextAreaField(_l("Reason or remark (required when returning)"), validators=[Length(max=MAX_REASON)])


class TokenForm(FlaskForm):
    exchange = SelectField(_l("Exchange base"), validators=[InputRequired()])
    name = StringField(_l("Name (which system uses it)"), validators=[InputRequired(), Length(max=100)])
