"""Forms of the request pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import choices, optional_id
from portal.labels import REQUEST_STATUS_LABELS
from portal.transaction import submission_key_field


class RequestForm(FlaskForm):
    mode = SelectField(_l("Mode wanted"), validators=[InputRequired()], validate_choice=False)
    intended_use = TextAreaField(_l("Intended use"), validators=[InputRequired(), Length(max=5000)])
    products = TextAreaField(_l("Products"), validators=[Length(max=5000)])
    region = StringField(_l("Region"), validators=[Length(max=200)])
    scale = StringField(_l("Expected scale"), validators=[Length(max=200)])
    proposed_terms = TextAreaField(_l("Proposed terms"), validators=[Length(max=5000)])
    message = TextAreaField(_l("Message to the centre"), validators=[Length(max=5000)])
    # Choices from events.operations.event_choices_for; the operation checks the choice and says why.
    event_id = SelectField(_l("Matchmaking event it came from"), coerce=optional_id, validate_choice=False)
    submission_key = submission_key_field()


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[InputRequired(), Length(max=5000)])
    # Checked by portal/files/checks.py (signature, size, name), not by its declared type.
    file = FileField(_l("Attach a document (optional)"),
                     render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.zip"})
    submission_key = submission_key_field()


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=choices(REQUEST_STATUS_LABELS.items()),
                         validators=[InputRequired()])
    reason = StringField(_l("Reason (required when declining)"), validators=[Length(max=500)])


def status_choices(moves) -> list[SelectChoice]:
    """The centre's next statuses for a request, in the labels' order; the final ones (agreed,
    declined) ask before the form is sent (``data-confirm``, static/js/confirm.js)."""
    questions = {
        "agreed": _("Agree to this request? This is final: the request is closed and the next step is "
                    "recording the deal."),
        "declined": _("Decline this request? This is final: the enterprise is told, with your reason."),
    }
    return [SelectChoice(status, label, render_kw={"data-confirm": questions[status]} if status in questions else {})
            for status, label in REQUEST_STATUS_LABELS.items() if status in moves]


class TakeOpenLicenceForm(FlaskForm):
    name = StringField(_l("Licensee (company name)"), validators=[InputRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[InputRequired(), Length(max=300)])
    contact = StringField(_l("Contact person and telephone"), validators=[InputRequired(), Length(max=200)])
    # The confirmation is a field of its own so that nobody takes a licence by accident.
    confirm = SelectField(_l("I accept the published terms"), choices=choices([("", "—"), ("yes", _l("Yes"))]),
                          validators=[InputRequired()])
