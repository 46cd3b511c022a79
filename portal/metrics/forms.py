"""Forms of the centre's facts and the programme parameters: they parse and check ranges only."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.forms import choices
from portal.labels import AWARD_LABELS

YEAR = [InputRequired(), NumberRange(min=2000, max=2100)]
COUNT = [InputRequired(), NumberRange(min=0, max=100000)]
PERCENT = [InputRequired(), NumberRange(min=0, max=1000)]


class StaffingForm(FlaskForm):
    has_ip_department = BooleanField(_l("The hospital has an IP management department (or office)"))
    full_time_ip_staff = IntegerField(_l("Full-time IP staff"), validators=[InputRequired(), NumberRange(0, 1000)])
    certified_staff = IntegerField(_l("Of whom hold an IP professional title or certificate"),
                                   validators=[InputRequired(), NumberRange(0, 1000)])


class PctForm(FlaskForm):
    number = StringField(_l("PCT application number"), validators=[InputRequired(), Length(max=40)],
                         render_kw={"placeholder": "PCT/CN2023/123456"})
    filing_date = DateField(_l("International filing date"), validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=500)])


class NavigationReportForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    discipline = StringField(_l("Key discipline or technology"), validators=[InputRequired(), Length(max=200)])
    report_date = DateField(_l("Date of the report"), default=date.today, validators=[InputRequired()])
    document = FileField(_l("Document (PDF or Word)"), validators=[FileRequired(_l("Choose a file."))])


class RulesDocumentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    reference = StringField(_l("Document number (optional)"), validators=[Length(max=100)])
    adopted_on = DateField(_l("Adopted on"), validators=[InputRequired()])


class AwardForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(AWARD_LABELS.items()), validators=[InputRequired()])
    title = StringField(_l("Award as granted"), validators=[InputRequired(), Length(max=300)])
    year = IntegerField(_l("Year"), validators=YEAR)


class LeadershipForm(FlaskForm):
    name = StringField(_l("Name of the body"), validators=[InputRequired(), Length(max=200)],
                       render_kw={"placeholder": "知识产权工作领导小组"})
    leader = StringField(_l("Led by"), validators=[InputRequired(), Length(max=100)])
    leader_position = StringField(_l("Leader's position in the hospital"),
                                  validators=[InputRequired(), Length(max=100)], render_kw={"placeholder": "副院长"})
    members = TextAreaField(_l("Members"), validators=[Length(max=2000)], render_kw={"rows": 2})
    established_on = DateField(_l("Established on"), validators=[InputRequired()])
    document_reference = StringField(_l("Founding document number (optional)"), validators=[Length(max=100)])


class FundingForm(FlaskForm):
    title = StringField(_l("What the funds are for"), validators=[Length(max=300)])
    amount = StringField(_l("Amount (yuan)"), validators=[InputRequired(), Length(max=40)],
                         render_kw={"inputmode": "decimal"})
    source = StringField(_l("Source"), validators=[InputRequired(), Length(max=200)])
    secured_on = DateField(_l("Committed on"), validators=[InputRequired()])


class ParametersForm(FlaskForm):
    baseline_year = IntegerField(_l("Baseline year"), validators=YEAR)
    assessment_year = IntegerField(_l("Assessment year"), validators=YEAR)
    growth_target_pct = DecimalField(_l("Growth target for deals, count and amount (%)"), places=2,
                                     validators=PERCENT)
    sme_growth_target_pct = DecimalField(_l("Growth target for deals with SMEs, count and amount (%)"), places=2,
                                         validators=PERCENT)
    pct_growth_target_pct = DecimalField(_l("Growth target for PCT applications (%)"), places=2, validators=PERCENT)
    pct_minimum = IntegerField(_l("PCT applications, at least"), validators=COUNT)
    navigation_reports_required = IntegerField(_l("Patent navigation reports required"), validators=COUNT)
    staff_required = IntegerField(_l("Full-time IP staff required"), validators=COUNT)
    certified_staff_required = IntegerField(_l("Of whom with an IP title or certificate"), validators=COUNT)
    min_valid_inventions = IntegerField(_l("Eligibility: valid invention patents, at least"), validators=COUNT)
    min_operable_patents = IntegerField(_l("Eligibility: patents that can be put into operation, at least"),
                                        validators=COUNT)
    min_deals_window = IntegerField(_l("Eligibility: deals in the window, at least"), validators=COUNT)
    min_received_window_yuan = DecimalField(_l("Eligibility: or amount actually received in the window (yuan)"),
                                            places=2, validators=[InputRequired(), NumberRange(0, 10**13)])
    window_years = IntegerField(_l("Eligibility window (years)"), validators=[InputRequired(), NumberRange(1, 10)])
    grant_per_centre_yuan = DecimalField(_l("Central funds per centre (yuan)"), places=2,
                                         validators=[InputRequired(), NumberRange(0, 10**10)])
    high_value_min_average = DecimalField(_l("High-value patent: mean of the five value scores, at least"),
                                          places=1, validators=[InputRequired(), NumberRange(1, 5)])
    max_centres = IntegerField(_l("Centres in the programme, at most"),
                               validators=[InputRequired(), NumberRange(1, 1000)])
