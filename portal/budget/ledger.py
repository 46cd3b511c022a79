"""Reading the budget: a centre's two accounts for a year (or many centres' at once), the entries
behind them, and the one JSON shape the CLI prints."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func

from portal.extensions import db
from portal.labels import is_english
from portal.models import BudgetCategory, BudgetExpense, BudgetReceipt, Organisation
from portal.models.budget import FUND_SOURCES, default_categories
from portal.rules.budget import Ledger, yuan


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def ledgers(centre_ids: list[int], year: int) -> dict[int, Ledger]:
    """Each centre's ledger for ``year`` (calendar year of the entries' dates), in two grouped queries."""
    start, end = year_bounds(year)
    result = {centre_id: Ledger() for centre_id in centre_ids}
    if not centre_ids:
        return result
    received = db.session.execute(
        db.select(BudgetReceipt.centre_id, BudgetReceipt.fund, func.sum(BudgetReceipt.amount_fen))
        .where(BudgetReceipt.centre_id.in_(centre_ids), BudgetReceipt.received_on.between(start, end))
        .group_by(BudgetReceipt.centre_id, BudgetReceipt.fund))
    for centre_id, fund, total in received:
        result[centre_id].account(fund).received = int(total or 0)
    spent = db.session.execute(
        db.select(BudgetExpense.centre_id, BudgetExpense.fund, BudgetExpense.category_key,
                  func.sum(BudgetExpense.amount_fen))
        .where(BudgetExpense.centre_id.in_(centre_ids), BudgetExpense.spent_on.between(start, end))
        .group_by(BudgetExpense.centre_id, BudgetExpense.fund, BudgetExpense.category_key))
    for centre_id, fund, category, total in spent:
        result[centre_id].account(fund).spent_by_category[category] = int(total or 0)
    return result


def centre_ledger(centre: Organisation, year: int) -> Ledger:
    return ledgers([centre.id], year)[centre.id]


def categories() -> list[BudgetCategory]:
    """The categories in their order; the notice's (unsaved) before any is stored — a GET never writes."""
    rows = db.session.scalars(db.select(BudgetCategory).order_by(BudgetCategory.position, BudgetCategory.key)).all()
    return list(rows) or default_categories()


def category_name(category: BudgetCategory) -> str:
    return category.name_en if is_english() else category.name_zh


def entries(centre: Organisation, year: int) -> tuple[list[BudgetReceipt], list[BudgetExpense]]:
    """The year's receipts and expenditures, oldest first."""
    start, end = year_bounds(year)
    receipts = db.session.scalars(db.select(BudgetReceipt).where(
        BudgetReceipt.centre_id == centre.id, BudgetReceipt.received_on.between(start, end))
        .order_by(BudgetReceipt.received_on, BudgetReceipt.id)).all()
    expenses = db.session.scalars(db.select(BudgetExpense).where(
        BudgetExpense.centre_id == centre.id, BudgetExpense.spent_on.between(start, end))
        .order_by(BudgetExpense.spent_on, BudgetExpense.id)).all()
    return list(receipts), list(expenses)


def ledger_to_dict(centre: Organisation, year: int, ledger: Ledger, grant_expected) -> dict:
    """The JSON of ``flask budget show --json``: amounts as yuan strings with two decimals."""
    def account(fund: str) -> dict:
        a = ledger.account(fund)
        return {"received": str(yuan(a.received)), "spent": str(yuan(a.spent)), "balance": str(yuan(a.balance)),
                "spent_by_category": {key: str(yuan(fen)) for key, fen in sorted(a.spent_by_category.items())}}

    ratio = ledger.matching_ratio
    return {"centre": centre.code, "centre_name": centre.name_zh, "year": year,
            "grant_expected": format(grant_expected, "f"),
            "sources": {fund: account(fund) for fund in FUND_SOURCES},
            "matching_ratio": None if ratio is None else str(ratio),
            "matching_below_1_to_1": ledger.matching_below_one_to_one}
