"""Auth forms: they parse and validate input; operations decide."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, EmailField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.auth.passwords import password_problems
from portal.errors import rule_message
from portal.forms import choices
from portal.labels import industry_choices
from portal.rules import RuleError, industry_requires_total_assets, validate_credit_code


class NewPassword:
    """Validator running the password policy on a field."""

    def __call__(self, form, field):
        email = form.email.data if hasattr(form, "email") else None
        problems = password_problems(field.data or "", email)
        if problems:
            raise ValidationError(" ".join(problems))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=256)])


class RegisterForm(FlaskForm):
    company_name = StringField(_l("Company name"), validators=[InputRequired(), Length(min=2, max=200)])
    credit_code = StringField(_l("Unified social credit code"), validators=[InputRequired(), Length(max=40)])
    industry = SelectField(_l("Industry"), validators=[InputRequired()],
                           validate_choice=False)
    employees = IntegerField(_l("Employees"), validators=[
        InputRequired(), NumberRange(min=0, max=10_000_000)])
    revenue_wan = DecimalField(_l("Operating revenue last year (10,000 yuan)"), places=2, validators=[
        InputRequired(), NumberRange(min=0, max=10**12)])
    total_assets_wan = DecimalField(_l("Total assets (10,000 yuan)"), places=2, validators=[
        Optional(), NumberRange(min=0, max=10**12)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), NewPassword()])
    confirm = PasswordField(_l("Repeat password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords differ."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = choices([("", _l("Choose an industry")), *industry_choices()])

    def validate_credit_code(self, field):
        try:
            field.data = validate_credit_code(field.data or "")
        except RuleError as exc:
            raise ValidationError(rule_message(exc)) from exc

    def validate_industry(self, field):
        if field.data not in dict(industry_choices()):
            raise ValidationError(_l("Unknown industry: choose one from the list."))

    def validate_total_assets_wan(self, field):
        if field.data is None and self.industry.data in dict(industry_choices()) \
                and industry_requires_total_assets(self.industry.data):
            raise ValidationError(_l("Total assets are needed to classify an enterprise in this industry."))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), NewPassword()])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    password = PasswordField(_l("New password"), validators=[InputRequired(), NewPassword()])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ClaimForm(FlaskForm):
    statement = TextAreaField(_l("Why the company is yours"), validators=[InputRequired(), Length(min=10, max=4000)])
    evidence = FileField(_l("Evidence (business licence or letter of authorisation; PDF, PNG or JPEG, at most 5 MB)"),
                         validators=[FileRequired(_l("Choose a file."))])
