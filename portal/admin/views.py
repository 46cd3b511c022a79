"""Site administration: organisations, accounts, the audit log."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.forms import OrganisationForm, RoleForm, UserForm
from portal.admin.operations import create_organisation
from portal.auth import operations as accounts
from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.indexing import registry
from portal.models import AuditEntry, Organisation, User
from portal.permissions import require
from portal.transaction import perform

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _org_choices():
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.kind, Organisation.code))
    return choices((o.code, f"{o.name_zh} ({o.code})") for o in orgs)


@bp.get("/")
@require("admin")
def index():
    """Accounts at a glance, and the search indexes following the change log."""
    users = db.session.scalars(db.select(User).order_by(User.created_at.desc())).all()
    return render_template("admin/index.html", users=users, role_form=RoleForm(), indexes=registry.statuses())


@bp.route("/users/new", methods=["GET", "POST"])
@require("admin")
def new_user():
    """Create a centre, organiser or exchange account; the first password is shown once."""
    form = UserForm()
    form.org.choices = _org_choices()
    if form.validate_on_submit():
        org = db.session.scalar(db.select(Organisation).where(Organisation.code == form.org.data))
        password = secrets.token_urlsafe(12)
        done = perform(lambda: accounts.create_user(email=form.email.data, role=form.role.data, org=org,
                                                           password=password, actor=current_user), form=form)
        if done:
            return render_template("admin/user_created.html", user=done.value, password=password)
    return render_template("admin/user_form.html", form=form), (400 if form.errors else 200)


@bp.post("/users/<int:user_id>/role")
@require("admin")
def change_role(user_id: int):
    """Give an account another role (within what its organisation's kind allows)."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        perform(lambda: accounts.set_role(user, form.role.data, actor=current_user), success=_("Role changed."))
    else:
        flash(_("Choose a valid role."), "danger")
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/active")
@require("admin")
def toggle_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: accounts.set_active(user, request.form.get("active") == "1", actor=current_user))
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/password")
@require("admin")
def reset_password(user_id: int):
    """Give an account a new password, shown once; its sessions end."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    password = secrets.token_urlsafe(12)
    done = perform(lambda: accounts.set_password(user, password, actor=current_user))
    if not done:
        return redirect(url_for("admin.index"))
    return render_template("admin/user_created.html", user=user, password=password, reset=True), 200, \
        {"Cache-Control": "no-store"}


@bp.post("/orgs/<int:org_id>/verified")
@require("admin")
def set_verified(org_id: int):
    """Mark an enterprise verified (checked against its registration) or unverified."""
    org = db.get_or_404(Organisation, org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    verified = request.form.get("verified") == "1"
    perform(lambda: accounts.set_verified(org, verified, actor=current_user),
            success=_("%(code)s marked verified.", code=org.code) if verified
            else _("%(code)s marked unverified.", code=org.code))
    return redirect(url_for("admin.orgs"))


@bp.route("/orgs", methods=["GET", "POST"])
@require("admin")
def orgs():
    """List organisations and create new ones."""
    form = OrganisationForm()
    if form.validate_on_submit():
        done = perform(lambda: create_organisation(kind=form.kind.data, code=form.code.data, name=form.name.data,
                                                   name_en=form.name_en.data, credit_code=form.credit_code.data,
                                                   actor=current_user),
                       form=form, success=lambda org: _("Organisation %(code)s created.", code=org.code))
        if done:
            return redirect(url_for("admin.orgs"))
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.kind,
                                                                        Organisation.code)).all()
    from portal.auth.claims import pending_claims

    return render_template("admin/orgs.html", form=form, organisations=organisations,
                           pending_claims=len(pending_claims())), \
        (400 if form.errors else 200)


@bp.get("/audit")
@require("admin")
def audit_log():
    """The most recent audit entries."""
    entries = db.paginate(db.select(AuditEntry).order_by(AuditEntry.id.desc()), per_page=50)
    return render_template("admin/audit.html", entries=entries)
