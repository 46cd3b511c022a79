"""Forms of a centre's patent pages: legal facts and co-owners, open-licence declarations, import."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.forms import choices
from portal.imports.forms import ImportUploadForm
from portal.labels import FEE_METHOD_LABELS, LEGAL_STATUS_LABELS, MODE_LABELS


class DeclarationForm(FlaskForm):
    fee_method = SelectField(_l("Fee method"), choices=choices(FEE_METHOD_LABELS.items()))
    fee_amount_yuan = DecimalField(_l("Fee or entry fee (yuan)"), places=2,
                                   validators=[Optional(), NumberRange(min=0, max=10**13)])
    royalty_rate_pct = DecimalField(_l("Royalty rate (%)"), places=3,
                                    validators=[Optional(), NumberRange(min=0, max=100)])
    term_end = DateField(_l("Licence term ends on"), validators=[InputRequired()])
    announced_on = DateField(_l("Announced on"), default=date.today, validators=[InputRequired()])
    cnipa_reference = StringField(_l("CNIPA announcement reference (optional)"), validators=[Length(max=100)])


class WithdrawDeclarationForm(FlaskForm):
    withdrawn_on = DateField(_l("Withdrawal announced on"), default=date.today, validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])


class CoOwnerForm(Form):
    """One co-owner row of the patent facts form (a plain Form: the outer form carries the CSRF token)."""

    id = HiddenField()
    name = StringField(_l("Co-owner"), validators=[Length(max=200)])
    consent = BooleanField(_l("Has consented in writing to an open licence"))
    consent_date = DateField(_l("Date of the consent"), validators=[Optional()])
    reference = StringField(_l("Reference or note"), validators=[Length(max=200)])
    remove = BooleanField(_l("Remove"))


class PatentFactsForm(FlaskForm):
    evaluation_report = StringField(_l("Patent evaluation report reference"), validators=[Length(max=100)])
    annual_fees_paid = BooleanField(_l("Annual fees paid"))
    pledged = BooleanField(_l("Pledged"))
    pledgee_consent = BooleanField(_l("The pledgee consents to an open licence"))
    suspended = BooleanField(_l("Suspended (ownership dispute or court preservation)"))
    exclusive_licence_until = DateField(_l("An exclusive or sole licence granted outside the portal runs until"),
                                        validators=[Optional()])
    # Not named co_owners, so that FlaskForm(obj=patent) never pairs posted rows with recorded ones.
    co_owner = FieldList(FormField(CoOwnerForm), max_entries=50)


class PatentForm(FlaskForm):
    """One patent typed by hand: the import's main columns, written by the same patent operation."""

    application_number = StringField(_l("Application number"), validators=[InputRequired(), Length(max=40)],
                                     render_kw={"placeholder": "201811564288.X"})
    title = StringField(_l("Title of the invention"), validators=[InputRequired(), Length(max=500)])
    abstract = TextAreaField(_l("Abstract"), validators=[Length(max=10000)], render_kw={"rows": 4})
    filing_date = DateField(_l("Filing date"), validators=[InputRequired()])
    grant_date = DateField(_l("Grant date (empty when not granted)"), validators=[Optional()])
    legal_status = SelectField(_l("Legal status"), choices=choices(LEGAL_STATUS_LABELS.items()),
                               validators=[InputRequired()])
    ipc = StringField(_l("IPC symbols, separated by ; or ,"), validators=[Length(max=500)])
    inventors = StringField(_l("Inventors"), validators=[Length(max=1000)])
    patentee = StringField(_l("Patentee(s)"), validators=[Length(max=500)])
    pct = BooleanField(_l("PCT application entering China"))
    extension_days = IntegerField(_l("Term extension in days (inventions only)"), default=0,
                                  validators=[Optional(), NumberRange(0, 5 * 366)])
    operable = BooleanField(_l("Can be put into operation (可投入运营): the hospital owns it with the right to "
                               "license or assign it, with no co-ownership or pledge obstacle"))


class PatentAssessmentForm(FlaskForm):
    """The operation flag and the five value scores of one patent."""

    operable = BooleanField(_l("Can be put into operation (可投入运营): the hospital owns it with the right to "
                               "license or assign it, with no co-ownership or pledge obstacle"))
    technical_value = IntegerField(_l("Technical value"), validators=[Optional(), NumberRange(1, 5)])
    legal_value = IntegerField(_l("Legal value"), validators=[Optional(), NumberRange(1, 5)])
    market_value = IntegerField(_l("Market value"), validators=[Optional(), NumberRange(1, 5)])
    strategic_value = IntegerField(_l("Strategic value"), validators=[Optional(), NumberRange(1, 5)])
    economic_value = IntegerField(_l("Economic value"), validators=[Optional(), NumberRange(1, 5)])


class PatentEnglishForm(FlaskForm):
    """The patent's optional English title and abstract."""

    title_en = StringField(_l("English title (optional)"), validators=[Length(max=500)])
    abstract_en = TextAreaField(_l("English abstract (optional)"), validators=[Length(max=10000)])


class ImportForm(ImportUploadForm):
    publish = SelectField(_l("Also publish a listing of each patent"), default="", choices=choices([
        ("", _l("Don't publish")), *MODE_LABELS.items(),
        ("open", _l("Open licence, with the terms in the open_* columns"))]))
