"""Registering a company (``portal.auth.registration``): the form, then the link mailed to the
address — finish, ask to join the company, or claim it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.auth import registration, sessions
from portal.auth.forms import ClaimForm, RegisterForm
from portal.auth.views import bp
from portal.extensions import limiter
from portal.forms import EmptyForm
from portal.labels import SIZE_CLASS_LABELS
from portal.transaction import perform


def _register_limit() -> str:
    from flask import current_app

    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 302)
def register():
    """Self-registration for enterprises; the SME class is computed from the figures. A valid form
    always ends the same way: a link is mailed to the address."""
    form = RegisterForm()
    if form.validate_on_submit():
        company = {"company_name": form.company_name.data, "credit_code": form.credit_code.data,
                   "industry": form.industry.data, "employees": form.employees.data,
                   "revenue_wan": form.revenue_wan.data, "total_assets_wan": form.total_assets_wan.data}
        if perform(lambda: registration.start(company, form.email.data, form.password.data), form=form):
            email = form.email.data.strip()[:254]
            flash(_("A link to finish the registration is on its way to %(email)s. Open it within %(hours)s "
                    "hours; nothing is registered until then.", email=email, hours=registration.LINK_HOURS), "info")
            return redirect(url_for("auth.registration_sent"))
    return render_template("auth/register.html", form=form), (400 if form.errors else 200)


@bp.get("/register/sent")
def registration_sent():
    return render_template("auth/register_sent.html")


def _pending_or_expired(token: str):
    row = registration.pending(token)
    if row is None:
        flash(_("This link has expired or has already been used: register again."), "danger")
    return row


@bp.get("/register/confirm/<token>")
def confirm_registration(token: str):
    """The link from the mail: a page to finish (a GET changes nothing: mail scanners open links)."""
    row = _pending_or_expired(token)
    if row is None:
        return redirect(url_for("auth.register"))
    company = registration.registered_company(row)
    return render_template("auth/register_confirm.html", row=row, company=company, form=EmptyForm(),
                           claim_form=ClaimForm(), size_labels=SIZE_CLASS_LABELS), 200, {"Cache-Control": "no-store"}


@bp.post("/register/confirm/<token>/<any(finish, join):action>")
def finish_registration(token: str, action: str):
    if _pending_or_expired(token) is None:
        return redirect(url_for("auth.register"))
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "join":
        done = perform(lambda: registration.ask_to_join(token))
        if done:
            flash(_("Your request to join %(company)s has gone to its members. You can log in once one of them "
                    "approves it.", company=done.value.organisation.name_zh), "info")
            return redirect(url_for("auth.login"))
        return redirect(url_for("auth.confirm_registration", token=token))
    done = perform(lambda: registration.finish(token))
    if not done:
        return redirect(url_for("auth.confirm_registration", token=token))
    user = done.value
    sessions.start(user)
    flash(_("Your company is registered. Size class: %(cls)s.", cls=SIZE_CLASS_LABELS[user.organisation.size_class]),
          "success")
    return redirect(url_for("main.work"))


@bp.post("/register/confirm/<token>/claim")
def claim_company(token: str):
    """Claim the company whose code others registered, with evidence for a site administrator."""
    row = _pending_or_expired(token)
    if row is None:
        return redirect(url_for("auth.register"))
    form = ClaimForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        with upload.stream:
            content = upload.read()
        done = perform(lambda: registration.claim(token, form.statement.data, upload.filename or "", content),
                       form=form)
        if done:
            flash(_("Your claim on %(company)s has gone to the site administrators with its evidence. You will get "
                    "their decision by mail.", company=done.value.organisation.name_zh), "info")
            return redirect(url_for("main.home"))
    company = registration.registered_company(row)
    return render_template("auth/register_confirm.html", row=row, company=company, form=EmptyForm(),
                           claim_form=form, size_labels=SIZE_CLASS_LABELS), 400, {"Cache-Control": "no-store"}
