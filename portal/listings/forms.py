"""Forms of a centre's listing pages."""

from __future__ import annotations

from flask_babel import gettext as _
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
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import choices
from portal.labels import FIELD_LABELS, MATURITY_LABELS, MODE_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        # WTForms' own message for this one has no Chinese translation.
        known = {str(value) for value, *_ in self.iter_choices()}
        unknown = [str(v) for v in self.data or () if str(v) not in known]
        if unknown:
            raise ValidationError(_("%(value)s is not one of the choices.", value=unknown[0][:40]))


class ListingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    title_en = StringField(_l("English title (optional)"), validators=[Length(max=300)])
    abstract_en = TextAreaField(_l("English abstract (optional)"), validators=[Length(max=5000)])
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
