"""Recording the project budget. Each operation validates, changes, writes the audit log and flushes;
the view (or the CLI) commits once. The central funds' forbidden categories are refused here, so the
form and the CLI give the same answer naming the rule."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.extensions import db
from portal.labels import is_english
from portal.models import BudgetCategory, BudgetExpense, BudgetReceipt, Organisation, User
from portal.models.budget import FUND_SOURCES, ensure_categories
from portal.rules import RuleError
from portal.rules.budget import check_entry_date, check_expense, parse_amount, yuan

# A voucher scan: PDF or image, recognised by its first bytes (the name alone proves nothing).
VOUCHER_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
VOUCHER_SIGNATURES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
MAX_VOUCHER_BYTES = 5 * 1024 * 1024


def _amount(given) -> int:
    try:
        return parse_amount(given)
    except RuleError as exc:
        raise OperationError(rule_message(exc), field="amount") from exc


def _date(day: date, field: str) -> None:
    try:
        check_entry_date(day, date.today())
    except RuleError as exc:
        raise OperationError(rule_message(exc), field=field) from exc


def _fund(fund: str) -> str:
    if fund not in FUND_SOURCES:
        raise OperationError(_("Choose the central funds or the matching funds."), field="fund")
    return fund


def _text(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


def add_receipt(centre: Organisation, *, fund: str, received_on: date, amount, source: str, note: str = "",
                actor: User | None) -> BudgetReceipt:
    """Record money received into the grant account or the matching-funds account."""
    fund = _fund(fund)
    fen = _amount(amount)
    _date(received_on, "received_on")
    source = _text(source, 200)
    if not source:
        source = _("Central funds of the patent-transformation programme") if fund == "grant" else ""
    if not source:
        raise OperationError(_("Say where the matching funds come from."), field="source")
    receipt = BudgetReceipt(centre_id=centre.id, fund=fund, received_on=received_on, amount_fen=fen, source=source,
                            note=_text(note, 2000), created_by_id=actor.id if actor else None)
    db.session.add(receipt)
    db.session.flush()
    audit.record("budget.receipt", f"{centre.code}: {fund} received {yuan(fen)} on {received_on.isoformat()}",
                 target=receipt, actor=actor,
                 data={"fund": fund, "amount": str(yuan(fen)), "date": received_on.isoformat()})
    return receipt


def category(key: str) -> BudgetCategory:
    """The category ``key`` (the notice's categories are stored on first use)."""
    found = db.session.get(BudgetCategory, key or "")
    if found is None:
        ensure_categories()
        found = db.session.get(BudgetCategory, key or "")
    if found is None:
        raise OperationError(_("Choose a category of spending."), field="category")
    return found


def _voucher(filename: str, content: bytes) -> tuple[str, str]:
    name = PurePath(filename.replace("\\", "/")).name.strip()[-200:] or "voucher"
    suffix = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if suffix not in VOUCHER_TYPES:
        raise OperationError(_("Attach the voucher as a PDF, JPEG or PNG file."), field="voucher")
    if not content:
        raise OperationError(_("The voucher file is empty."), field="voucher")
    if len(content) > MAX_VOUCHER_BYTES:
        limit = (f"{MAX_VOUCHER_BYTES // 1048576} MB" if MAX_VOUCHER_BYTES >= 1048576
                 else f"{MAX_VOUCHER_BYTES // 1024} KB")
        raise OperationError(_("The voucher file is larger than %(limit)s.", limit=limit), field="voucher")
    content_type = VOUCHER_TYPES[suffix]
    if not content.startswith(VOUCHER_SIGNATURES[content_type]):
        raise OperationError(_("The file is not the PDF or image its name says it is."), field="voucher")
    return name, content_type


def add_expense(centre: Organisation, *, fund: str, spent_on: date, amount, payee: str, category_key: str,
                description: str = "", voucher_reference: str = "", voucher: tuple[str, bytes] | None = None,
                actor: User | None) -> BudgetExpense:
    """Record an expenditure paid from one account; the central funds may not pay for a forbidden category."""
    fund = _fund(fund)
    fen = _amount(amount)
    _date(spent_on, "spent_on")
    kind = category(category_key)
    try:
        check_expense(fund, kind.forbidden_from_grant, kind.rule_en if is_english() else kind.rule_zh)
    except RuleError as exc:
        raise OperationError(rule_message(exc), field="category") from exc
    payee = _text(payee, 200)
    if not payee:
        raise OperationError(_("Say who was paid."), field="payee")
    expense = BudgetExpense(centre_id=centre.id, fund=fund, spent_on=spent_on, amount_fen=fen, payee=payee,
                            category_key=kind.key, description=_text(description, 2000),
                            voucher_reference=_text(voucher_reference, 100),
                            created_by_id=actor.id if actor else None)
    if voucher is not None:
        expense.voucher_filename, expense.voucher_content_type = _voucher(*voucher)
        expense.voucher, expense.voucher_size = voucher[1], len(voucher[1])
    db.session.add(expense)
    db.session.flush()
    audit.record("budget.expense", f"{centre.code}: {fund} paid {yuan(fen)} to “{payee}” ({kind.key})",
                 target=expense, actor=actor,
                 data={"fund": fund, "amount": str(yuan(fen)), "category": kind.key, "date": spent_on.isoformat()})
    return expense


ENTRY_MODELS = {"receipts": BudgetReceipt, "expenses": BudgetExpense}


def delete_entry(centre: Organisation, kind: str, entry_id: int, actor: User | None) -> bool:
    """Remove one of the centre's own entries (a mistake); False when it is not the centre's."""
    model = ENTRY_MODELS[kind]
    entry = db.session.get(model, entry_id)
    if entry is None or entry.centre_id != centre.id:
        return False
    day = entry.received_on if kind == "receipts" else entry.spent_on
    audit.record(f"budget.{kind}.deleted",
                 f"{centre.code}: removed {entry.fund} {yuan(entry.amount_fen)} of {day.isoformat()}",
                 target=entry, actor=actor,
                 data={"fund": entry.fund, "amount": str(yuan(entry.amount_fen)), "date": day.isoformat()})
    db.session.delete(entry)
    db.session.flush()
    return True
