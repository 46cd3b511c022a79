"""The budget workbook for audit: the two accounts kept apart, then every receipt and expenditure.

Headings are Chinese whatever the reader's language (the file goes to the auditors and the IP
office, in the notice's words); rows in, bytes out, through ``portal.spreadsheets``.
"""

from __future__ import annotations

from portal.models import BudgetCategory, BudgetExpense, BudgetReceipt
from portal.rules.budget import Ledger, yuan
from portal.spreadsheets import Sheet, workbook_bytes

FUND_ZH = {"grant": "中央财政资金", "matching": "自筹配套资金"}
SUMMARY_HEADINGS = ("资金来源", "项目", "金额（元）")
RECEIPT_HEADINGS = ("编号", "到账日期", "资金来源", "金额（元）", "来源单位", "备注")
EXPENSE_HEADINGS = ("编号", "支出日期", "支付资金", "金额（元）", "收款方", "支出类别", "用途说明", "凭证号",
                    "凭证附件")


def summary_rows(ledger: Ledger, categories: list[BudgetCategory]) -> list[list]:
    """Per account: received, spent in each category, spent in all, balance; then the matching ratio."""
    rows = []
    for fund in ("grant", "matching"):
        account = ledger.account(fund)
        rows.append([FUND_ZH[fund], "到账金额", yuan(account.received)])
        for category in categories:
            if category.key in account.spent_by_category:
                rows.append([FUND_ZH[fund], f"支出：{category.name_zh}",
                             yuan(account.spent_by_category[category.key])])
        rows.append([FUND_ZH[fund], "支出合计", yuan(account.spent)])
        rows.append([FUND_ZH[fund], "结余", yuan(account.balance)])
    ratio = ledger.matching_ratio
    rows.append(["配套比例", "自筹配套资金到账 ÷ 中央财政资金到账",
                 "—" if ratio is None else f"{ratio}:1" + ("（低于1:1）" if ledger.matching_below_one_to_one else "")])
    return rows


def receipt_rows(receipts: list[BudgetReceipt]) -> list[list]:
    return [[r.id, r.received_on, FUND_ZH[r.fund], yuan(r.amount_fen), r.source, r.note] for r in receipts]


def expense_rows(expenses: list[BudgetExpense], names: dict[str, str]) -> list[list]:
    return [[e.id, e.spent_on, FUND_ZH[e.fund], yuan(e.amount_fen), e.payee, names.get(e.category_key, e.category_key),
             e.description, e.voucher_reference, e.voucher_filename or "无"] for e in expenses]


def budget_xlsx(ledger: Ledger, receipts, expenses, categories: list[BudgetCategory]) -> bytes:
    names = {c.key: c.name_zh for c in categories}
    return workbook_bytes([
        Sheet("分账核算", SUMMARY_HEADINGS, summary_rows(ledger, categories), widths={0: 16, 1: 36, 2: 18}),
        Sheet("到账明细", RECEIPT_HEADINGS, receipt_rows(receipts), widths={4: 30, 5: 30}),
        Sheet("支出明细", EXPENSE_HEADINGS, expense_rows(expenses, names), text_columns=(7,),
              widths={4: 30, 5: 24, 6: 36}),
    ])
