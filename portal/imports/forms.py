"""The upload form every import page shares: the file (or the one kept from the last attempt)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField
from wtforms.validators import Length, Optional


class ImportUploadForm(FlaskForm):
    """A file is required unless ``held`` names the file kept from the user's last attempt
    (``portal.imports.held.chosen_upload`` decides, and says which is missing)."""

    file = FileField(_l("Spreadsheet (.csv or .xlsx)"), validators=[
        FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    held = HiddenField(validators=[Optional(), Length(max=64)])
    dry_run = BooleanField(_l("Dry run: check every row, save nothing"))
