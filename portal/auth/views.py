"""Log in, log out, register an enterprise, account page, change password."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portal import audit
from portal.auth import joining, operations, recovery, sessions
from portal.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.transaction import perform
from portal.urls import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """Failed logins count per account as well as per address: guessing one account's password
    from many addresses is slowed down just the same (the address is hashed into no key here)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return "login-account:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 401)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key,
               deduct_when=lambda response: response.status_code == 401)
def login():
    """Log in; repeated failures from one address, or on one account, are answered with 429."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            sessions.start(user)
            flash(_("Welcome back."), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.work"))
        flash(_("Wrong e-mail or password."), "danger")
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out (a POST with a CSRF token, so no other site can log a user out)."""
    if EmptyForm().validate_on_submit():
        _end_sessions_of(current_user)
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.post("/account/joins/<int:join_id>/<any(approve, decline):decision>")
@login_required
def decide_join(join_id: int, decision: str):
    """A member of the company (or a site administrator) answers a request to join it."""
    from portal.models import JoinRequest

    join = db.session.get(JoinRequest, join_id)
    if join is None or not joining.may_decide(current_user, join):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: joining.decide(join, decision == "approve", current_user._get_current_object()),
            success=_("%(email)s can now log in as a member of your company.", email=join.email)
            if decision == "approve" else _("The request of %(email)s was declined.", email=join.email))
    return redirect(url_for("auth.account"))


def _end_sessions_of(user) -> None:
    """End every session of the account (a copied cookie included), this one too."""
    if user.is_authenticated:
        account = user._get_current_object()
        account.end_sessions()
        audit.record("account.logged_out", f"{account.email} logged out", target=account, actor=account)
        db.session.commit()
    logout_user()
    session.clear()


@bp.post("/account/sessions/end")
@login_required
def end_all_sessions():
    """Log out everywhere: every browser signed in to this account, this one included."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    _end_sessions_of(current_user)
    flash(_("You have been logged out everywhere. Log in again to continue."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():
    """Who you are, which organisation you act for, and (for enterprises) the size class."""
    joins = joining.pending_for(current_user.organisation_id) if current_user.role == "sme_member" else []
    return render_template("auth/account.html", user=current_user, org=current_user.organisation, joins=joins)


def _email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()[:254]
    return "reset-account:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def forgot_password():
    """Ask for a password reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        perform(lambda: recovery.request_reset(form.email.data))
        flash(_("If %(email)s belongs to an account, a link to choose a new password is on its way. It works "
                "once, for %(minutes)s minutes.", email=form.email.data.strip()[:254],
                minutes=recovery.RESET_MINUTES), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), (400 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through the link sent by mail."""
    if recovery.valid_reset(token) is None:
        flash(_("This link has expired or has already been used: ask for a new one."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit() and perform(lambda: recovery.reset_password(token, form.password.data), form=form,
                                             success=_("Your password has been changed. Log in with it.")):
        return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form, heading=_("Choose a new password")), \
        (400 if form.errors else 200), {"Cache-Control": "no-store"}


def _changed(user, current: str, new: str) -> None:
    operations.change_password(user, current, new)
    sessions.stamp(user)  # every other session has ended; this one carries on


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; the current one is asked for first."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        done = perform(lambda: _changed(current_user, form.current.data, form.password.data),
                       form=form, success=_("Your password has been changed."))
        if done:
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), (400 if form.errors else 200)
