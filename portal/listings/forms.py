"""Forms of a centre's listing pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import choices
from portal.labels import FIELD_LABELS, MATURITY_LABELS, MODE_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ListingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    patents = MultiCheckboxField(_l("Patents offered"), coerce=int)
    modes = MultiCheckboxField(_l("Modes offered"), choices=choices(MODE_LABELS.items()))
    field = SelectField(_l("Technical field"), choices=choices(FIELD_LABELS.items()))
    maturity = SelectField(_l("Maturity"), choices=choices([("", "—"), *MATURITY_LABELS.items()]))
    price_yuan = DecimalField(_l("Indicative price (yuan; empty = negotiable)"), places=2,
                              validators=[Optional(), NumberRange(min=0, max=10**13)])
    scenarios = TextAreaField(_l("Application scenarios"), validators=[Length(max=5000)])
    advantages = TextAreaField(_l("Advantages"), validators=[Length(max=5000)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=100)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact telephone"), validators=[Length(max=40)])


class WithdrawListingForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=500)])
