"""The event form: parses input only; the rules live in ``operations``."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.forms import choices
from portal.labels import EVENT_KIND_LABELS
from portal.timefmt import SHANGHAI

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class EventForm(FlaskForm):
    # Free choice, checked by the operation: an unknown kind gets the operation's own message.
    kind = SelectField(_l("Kind of event"), choices=choices(EVENT_KIND_LABELS.items()), validate_choice=False)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    starts_at = DateTimeLocalField(_l("Starts (Shanghai time)"), format=DATETIME_FORMATS,
                                   validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends (Shanghai time)"), format=DATETIME_FORMATS, validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Length(max=300)])
    online_url = StringField(_l("Online link"), validators=[Length(max=500)])
    listings = SelectMultipleField(_l("Listings presented"), coerce=int)
    attendance = TextAreaField(_l("Organisations present"), validators=[Length(max=20000)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])
    capacity = IntegerField(_l("Places for sign-up (empty: no limit)"),
                            validators=[Optional(), NumberRange(min=1, max=100000)])

    def shanghai_to_aware(self, value: datetime | None) -> datetime | None:
        """A time typed on the form is Shanghai time (None: it did not parse)."""
        return value.replace(tzinfo=SHANGHAI) if value is not None else None

    def fill_times(self, starts_at: datetime, ends_at: datetime) -> None:
        """Show stored UTC times as Shanghai wall-clock time."""
        self.starts_at.data = starts_at.astimezone(SHANGHAI).replace(tzinfo=None)
        self.ends_at.data = ends_at.astimezone(SHANGHAI).replace(tzinfo=None)


class RegistrationForm(FlaskForm):
    """Signing up: how many people come, the listings to discuss, a note to the organiser."""

    people = IntegerField(_l("Number of people coming"), default=1,
                          validators=[InputRequired(), NumberRange(min=1, max=50)])
    # Choices (grouped: presented at the event first) set by the view; the operation checks them.
    listings = SelectMultipleField(_l("Listings you want to discuss"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Note to the organiser"), validators=[Length(max=1000)])

