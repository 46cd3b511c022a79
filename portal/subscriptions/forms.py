"""Saved-search forms: they parse and validate input; ``operations`` decides."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from portal.forms import choices
from portal.models import DELIVERIES
from portal.subscriptions.describe import DELIVERY_LABELS
from portal.subscriptions.operations import FILTER_NAMES, NAME_MAX, QUERY_MAX

NAME_TOO_LONG = _l("The name may be at most %(num)d characters long.", num=NAME_MAX)
NO_DELIVERY = _l("Choose how you want to hear of new listings.")


def _delivery_field():
    return RadioField(_l("Tell me of new listings"), choices=choices(DELIVERY_LABELS.items()),
                      validate_choice=False, validators=[InputRequired(message=NO_DELIVERY),
                                                         AnyOf(DELIVERIES, message=NO_DELIVERY)])


class SaveSearchForm(FlaskForm):
    """Save the search page's query and filters (the hidden fields); the name may be left empty."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=NAME_MAX, message=NAME_TOO_LONG)])
    delivery = _delivery_field()
    q = HiddenField(validators=[Optional(), Length(max=QUERY_MAX)])
    centre = HiddenField(validators=[Optional(), Length(max=64)])
    field = HiddenField(validators=[Optional(), Length(max=40)])
    kind = HiddenField(validators=[Optional(), Length(max=40)])
    mode = HiddenField(validators=[Optional(), Length(max=40)])
    open = HiddenField(validators=[Optional(), Length(max=10)])
    ipc = HiddenField(validators=[Optional(), Length(max=20)])
    value = HiddenField(validators=[Optional(), Length(max=10)])

    def search_args(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in ("q", *FILTER_NAMES)}


class EditSearchForm(FlaskForm):
    """Rename a saved search and change its delivery."""

    name = StringField(_l("Name"), validators=[InputRequired(message=_l("Give the saved search a name.")),
                                               Length(max=NAME_MAX, message=NAME_TOO_LONG)])
    delivery = _delivery_field()
