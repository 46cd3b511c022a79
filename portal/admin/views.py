"""Site administration: organisations, accounts, the audit log."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.admin.forms import AuditFilterForm, OrganisationForm, RoleForm, UserForm
from portal.admin.operations import create_organisation
from portal.auth import operations as accounts
from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.history import describe_all, kind_label, target_label
from portal.indexing import registry
from portal.models import AuditEntry, Organisation, User
from portal.permissions import require
from portal.timefmt import SHANGHAI
from portal.transaction import perform

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _org_choices():
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.kind, Organisation.code))
    return choices((o.code, f"{o.name_zh} ({o.code})") for o in orgs)


@bp.get("/")
@require("admin")
def index():
    """Accounts, newest first, found by e-mail, role, organisation and status; and the search indexes
    following the change log."""
    from portal.admin.account_search import AccountFilters, accounts_query

    filters = AccountFilters.from_args(request.args)
    users = db.paginate(accounts_query(filters), per_page=50, error_out=False)
    return render_template("admin/index.html", users=users, filters=filters, role_form=RoleForm(),
                           indexes=registry.statuses())


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
    """The audit log, newest first, each entry told in the reader's language; filtered by person (an
    e-mail address containing the text: who acted, or whose account it concerns), action and dates
    (Shanghai calendar days, both ends included). The filters stay on every page."""
    form = AuditFilterForm(formdata=request.args)
    kinds = db.session.scalars(db.select(AuditEntry.kind).distinct()).all()
    form.kind.choices = choices([("", _("All")), *sorted(((k, kind_label(k)) for k in kinds), key=lambda c: c[1])])
    query = db.select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    valid = form.validate()
    person = (form.person.data or "").strip()[:254]
    if person:
        pattern = "%" + person.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        people = db.select(User.id).where(User.email.ilike(pattern, escape="\\"))
        query = query.where(db.or_(AuditEntry.actor_id.in_(people),
                                   db.and_(AuditEntry.target_type == "users", AuditEntry.target_id.in_(people))))
    if form.kind.data:
        query = query.where(AuditEntry.kind == form.kind.data)
    if valid and form.date_from.data:
        query = query.where(AuditEntry.created_at >= _shanghai_midnight(form.date_from.data))
    if valid and form.date_to.data:
        query = query.where(AuditEntry.created_at < _shanghai_midnight(form.date_to.data + timedelta(days=1)))
    entries = db.paginate(query, per_page=50, error_out=False)
    args = {k: v for k, v in request.args.items() if k in ("person", "kind", "date_from", "date_to") and v}
    return render_template("admin/audit.html", entries=entries, rows=describe_all(entries.items), form=form,
                           args=args, kind_label=kind_label, target_label=target_label), (200 if valid else 400)


def _shanghai_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI)
