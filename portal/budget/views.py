"""The budget pages: a centre's separate accounts for a year with its entry forms, the voucher scans,
the audit workbook, and the programme office's view of every centre side by side.

A centre's staff see and edit their own centre's budget only; organisers and site administrators
read every centre's; anyone else, or another centre's staff, gets 404 for a centre's pages.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.budget import export, ledger
from portal.budget import operations as ops
from portal.budget.forms import FUND_LABELS, ExpenseForm, ReceiptForm
from portal.extensions import db
from portal.forms import EmptyForm, choices
from portal.metrics.access import is_centre_staff, may_view, programme_parameters, readable_centre, requested_year
from portal.metrics.access import own_centre_or_404 as own_centre
from portal.metrics.figures import all_centres
from portal.models import BudgetExpense, Organisation
from portal.permissions import require
from portal.spreadsheets import XLSX_MIMETYPE, download
from portal.transaction import perform

bp = Blueprint("budget", __name__)


def _may_read(centre: Organisation) -> bool:
    return may_view(current_user, centre)


def _expense_form(**kwargs) -> ExpenseForm:
    form = ExpenseForm(**kwargs)
    form.category.choices = choices((c.key, ledger.category_name(c)) for c in ledger.categories())
    return form


@bp.get("/budget/")
@login_required
def index():
    """Centre staff go to their centre's budget, the programme office to every centre's."""
    if current_user.can("view_programme_metrics"):
        return redirect(url_for("budget.programme"))
    return redirect(url_for("budget.centre", code=own_centre().code))


def _page(centre: Organisation, year: int, status: int = 200, receipt_form=None, expense_form=None):
    params = programme_parameters()
    accounts = ledger.centre_ledger(centre, year)
    receipts, expenses = ledger.entries(centre, year)
    cats = ledger.categories()
    editable = is_centre_staff(current_user) and current_user.organisation_id == centre.id
    return render_template(
        "budget/centre.html", centre=centre, year=year, params=params, ledger=accounts, receipts=receipts,
        expenses=expenses, categories=cats, category_names={c.key: ledger.category_name(c) for c in cats},
        fund_labels=FUND_LABELS, editable=editable,
        receipt_form=receipt_form or ReceiptForm(formdata=None),
        expense_form=expense_form or _expense_form(formdata=None)), status


@bp.get("/budget/centres/<code>")
@login_required
def centre(code: str):
    """A centre's two accounts for a year: received, spent by category, balance; the matching ratio."""
    centre = readable_centre(code)
    return _page(centre, requested_year(programme_parameters()))


@bp.post("/budget/receipts")
@login_required
def add_receipt():
    """Record money received into the grant or the matching funds."""
    centre = own_centre()
    form = ReceiptForm()
    if form.validate_on_submit() and perform(lambda: ops.add_receipt(
            centre, fund=form.fund.data, received_on=form.received_on.data, amount=form.amount.data,
            source=form.source.data, note=form.note.data, actor=current_user), form=form,
            success=_("Receipt recorded.")):
        return redirect(url_for("budget.centre", code=centre.code, year=form.received_on.data.year))
    year = form.received_on.data.year if form.received_on.data else requested_year(programme_parameters())
    return _page(centre, year, 400, receipt_form=form)


@bp.post("/budget/expenses")
@login_required
def add_expense():
    """Record an expenditure; a category the central funds may not pay for is refused, naming the rule."""
    centre = own_centre()
    form = _expense_form()

    def action():
        upload = form.voucher.data
        voucher = (upload.filename or "", upload.read()) if upload and upload.filename else None
        return ops.add_expense(centre, fund=form.fund.data, spent_on=form.spent_on.data, amount=form.amount.data,
                               payee=form.payee.data, category_key=form.category.data,
                               description=form.description.data, voucher_reference=form.voucher_reference.data,
                               voucher=voucher, actor=current_user)

    if form.validate_on_submit() and perform(action, form=form, success=_("Expenditure recorded.")):
        return redirect(url_for("budget.centre", code=centre.code, year=form.spent_on.data.year))
    year = form.spent_on.data.year if form.spent_on.data else requested_year(programme_parameters())
    return _page(centre, year, 400, expense_form=form)


@bp.post("/budget/<any(receipts, expenses):kind>/<int:entry_id>/delete")
@login_required
def delete_entry(kind: str, entry_id: int):
    """Remove one of the centre's own entries (a mistaken one); it stays in the audit log."""
    centre = own_centre()
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not ops.delete_entry(centre, kind, entry_id, current_user):
        abort(404)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("budget.centre", code=centre.code, year=request.form.get("year", type=int)))


@bp.get("/budget/vouchers/<int:expense_id>")
@login_required
def voucher(expense_id: int):
    """An expenditure's voucher scan, to the centre's staff and the programme office."""
    expense = db.session.get(BudgetExpense, expense_id)
    if expense is None or expense.voucher_filename is None or not _may_read(
            db.session.get(Organisation, expense.centre_id)):
        abort(404)
    return send_file(io.BytesIO(expense.voucher), mimetype=expense.voucher_content_type, as_attachment=True,
                     download_name=expense.voucher_filename)


@bp.get("/budget/centres/<code>/budget.xlsx")
@login_required
def export_xlsx(code: str):
    """The year's accounts and every entry, for the auditors (one sheet each)."""
    centre = readable_centre(code)
    params = programme_parameters()
    year = requested_year(params)
    receipts, expenses = ledger.entries(centre, year)
    content = export.budget_xlsx(ledger.centre_ledger(centre, year), receipts, expenses, ledger.categories())
    return download(content, XLSX_MIMETYPE, f"{centre.code}-budget-{year}.xlsx")


@bp.get("/budget/programme")
@require("view_programme_metrics")
def programme():
    """Every centre's two accounts side by side, with its matching ratio and budget execution."""
    params = programme_parameters()
    year = requested_year(params)
    centres = all_centres()
    accounts = ledger.ledgers([c.id for c in centres], year)
    return render_template("budget/programme.html", rows=[(c, accounts[c.id]) for c in centres], year=year,
                           params=params)
