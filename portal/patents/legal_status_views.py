"""The legal-status refresh from the web: centre staff upload the export; the report shows row by row."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from portal.extensions import db
from portal.imports.views import import_page
from portal.models import LegalStatusChange, Patent
from portal.patents.legal_status import COLUMNS, refresh
from portal.permissions import require

bp = Blueprint("legal_status", __name__)


class RefreshForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.csv or .xlsx)"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    dry_run = BooleanField(_l("Dry run: check every row, save nothing"))


@bp.route("/manage/patents/legal-status", methods=["GET", "POST"])
@require("manage_listings")
def upload():
    form = RefreshForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        with upload.stream:
            data = upload.read()
        report = refresh(current_user.organisation, data, upload.filename or "", dry_run=form.dry_run.data,
                         actor=current_user._get_current_object())
    return import_page("patents/legal_status.html", form, report, columns=COLUMNS, jobs=[],
                       changes=recent_changes(current_user.organisation_id))


def recent_changes(centre_id: int, limit: int = 50) -> list[tuple[LegalStatusChange, Patent]]:
    """The centre's latest recorded changes of legal status, newest first."""
    return list(db.session.execute(
        db.select(LegalStatusChange, Patent).join(Patent, Patent.id == LegalStatusChange.patent_id)
        .where(Patent.centre_id == centre_id)
        .order_by(LegalStatusChange.changed_on.desc(), LegalStatusChange.id.desc()).limit(limit)).all())
