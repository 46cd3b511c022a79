"""Which patents and declarations the signed-in centre may change: only its own (404 otherwise)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.extensions import db
from portal.models import OpenLicenceDeclaration, Patent


def own_patent(patent_id: int) -> Patent:
    patent = db.session.get(Patent, patent_id)
    if patent is None or patent.centre_id != current_user.organisation_id:
        abort(404)
    return patent


def own_declaration(declaration_id: int) -> OpenLicenceDeclaration:
    declaration = db.session.get(OpenLicenceDeclaration, declaration_id)
    if declaration is None or declaration.patent.centre_id != current_user.organisation_id:
        abort(404)
    return declaration
