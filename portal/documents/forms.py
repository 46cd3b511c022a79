"""Upload forms. The file is checked by portal/files/checks.py, not by its declared type."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.validators import InputRequired

from portal.forms import choices
from portal.listings.forms import MultiCheckboxField

ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.zip"
VISIBILITY_LABELS = {"public": _l("Everyone who reads the listing"),
                     "requesters": _l("Only enterprises that filed a request on it")}


class DocumentForm(FlaskForm):
    file = FileField(_l("Document"), render_kw={"accept": ACCEPT})


class ListingDocumentForm(DocumentForm):
    visibility = SelectField(_l("Who may read it"), choices=choices(VISIBILITY_LABELS.items()),
                             validators=[InputRequired()])


class DossierForm(FlaskForm):
    # Choices set by the view: the deal's and its listing's documents; the operation checks them.
    documents = MultiCheckboxField(_l("Documents in the dossier"), coerce=int)
