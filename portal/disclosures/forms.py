"""Forms of the pre-filing review: they parse and check lengths; the operations judge the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import choices
from portal.labels import REVIEW_DECISION_LABELS

ROUTE_LABELS = {"invention": _l("Invention patent"), "utility_model": _l("Utility model"),
                "design": _l("Design"), "pct": _l("PCT international application"), "undecided": _l("Not decided")}
DECISION_LABELS = REVIEW_DECISION_LABELS
PROTECTION_LABELS = {"invention": _l("Invention patent"), "utility_model": _l("Utility model"), "design": _l("Design"),
                     "pct": _l("PCT international application"), "trade_secret": _l("Keep as a technical secret"),
                     "none": _l("No protection")}


class DisclosureForm(FlaskForm):
    title = StringField(_l("Title of the invention"), validators=[InputRequired(), Length(max=300)])
    inventors = StringField(_l("Inventors"), validators=[InputRequired(), Length(max=500)])
    department = StringField(_l("Department"), validators=[InputRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=10000)], render_kw={"rows": 4})
    intended_route = SelectField(_l("Intended route"), choices=choices(ROUTE_LABELS.items()),
                                 validators=[InputRequired()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=choices(DECISION_LABELS.items()), validators=[InputRequired()])
    recommended_protection = SelectField(_l("Protection recommended"), choices=choices(PROTECTION_LABELS.items()),
                                         validators=[InputRequired()])
    reasons = TextAreaField(_l("Reasons"), validators=[InputRequired(), Length(max=10000)], render_kw={"rows": 3})
    reviewer = StringField(_l("Reviewer"), validators=[InputRequired(), Length(max=100)])
    reviewed_on = DateField(_l("Reviewed on"), validators=[InputRequired()])
