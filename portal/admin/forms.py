"""Administrator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.forms import choices
from portal.labels import ORG_KIND_LABELS, ROLE_LABELS


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()), validators=[InputRequired()])
    org = SelectField(_l("Organisation"), validators=[InputRequired()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()), validators=[InputRequired()])


class OrganisationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(ORG_KIND_LABELS.items()), validators=[InputRequired()])
    code = StringField(_l("Code (used in addresses)"), validators=[InputRequired(), Length(max=64)])
    name = StringField(_l("Name (Chinese)"), validators=[InputRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"), validators=[Optional(), Length(max=40)])


class ClaimDecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=choices([("approve", _l("Approve")), ("decline", _l("Decline"))]),
                           validators=[InputRequired()])
    transfer = BooleanField(_l("Transfer the company to the claimant: close the other members' accounts and use "
                               "the claimant's figures"))
    note = TextAreaField(_l("Note to the claimant (required when declining)"),
                         validators=[Optional(), Length(max=2000)])


_DATE_MESSAGE = _l("Write the date as YYYY-MM-DD, for example 2025-03-31.")


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (a GET form: nothing changes, no CSRF token).
    The view fills ``kind``'s choices with the kinds in use."""

    class Meta:
        csrf = False

    person = StringField(_l("Person (e-mail contains)"), validators=[Optional()])
    kind = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    date_from = DateField(_l("From (date)"), validators=[Optional()], invalid_value_message=_DATE_MESSAGE)
    date_to = DateField(_l("To (date)"), validators=[Optional()], invalid_value_message=_DATE_MESSAGE)

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
