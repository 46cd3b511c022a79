"""A centre's project budget under the fund rules (DOMAIN.md §7, notice §七).

The central funds (the grant) and the centre's self-raised matching funds are two accounts: money
received into each (dated, with its source) and expenditures paid from one of them. Amounts are
integer fen, exact on every database. The categories of spending are data, not code: each says
whether the central funds may pay for it and, when not, which rule forbids it, so a later
programme round with other rules is a change of rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

FUND_SOURCES = ("grant", "matching")  # the central funds (中央财政资金) and the matching funds (自筹配套资金)

# The notice's categories (key, Chinese, English, forbidden from central funds, rule in Chinese, in English).
_NOTICE = "《关于开展上海市医疗卫生系统知识产权运营中心建设工作的通知》第七条、财建〔2019〕50号"
_NOTICE_EN = "notice section 7 and Cai Jian [2019] No. 50"
DEFAULT_CATEGORIES = (
    ("office_equipment", "购置办公设备", "Office equipment", True,
     f"中央财政资金不得用于购置办公设备（{_NOTICE}）",
     f"central funds must not buy office equipment ({_NOTICE_EN})"),
    ("wages", "人员奖金、津贴等工资性支出", "Salaries, bonuses, allowances and other wage-like spending", True,
     f"中央财政资金不得用于人员奖金、津贴等工资性支出（{_NOTICE}）",
     f"central funds must not pay staff bonuses, allowances or other wage-like spending ({_NOTICE_EN})"),
    ("patent_fees", "专利申请费、维持费", "Patent application and maintenance fees", True,
     f"中央财政资金不得用于专利申请维持费等国家政策禁止资助的经费支出（{_NOTICE}）",
     f"central funds must not pay patent application or maintenance fees ({_NOTICE_EN})"),
    ("services", "知识产权运营服务", "IP operation services", False, "", ""),
    ("navigation", "专利导航、评估分析", "Patent navigation and evaluation", False, "", ""),
    ("training", "宣传培训", "Training and publicity", False, "", ""),
    ("events", "对接活动", "Matchmaking events", False, "", ""),
    ("other", "其他", "Other", False, "", ""),
)


class BudgetCategory(db.Model):
    """A category of spending and whether the central funds may pay for it."""

    __tablename__ = "budget_categories"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    forbidden_from_grant: Mapped[bool] = mapped_column(default=False)
    rule_zh: Mapped[str] = mapped_column(String(300), default="")  # the rule that forbids it, when it is
    rule_en: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)


def default_categories() -> list[BudgetCategory]:
    """The notice's categories as (unsaved) rows."""
    return [BudgetCategory(key=key, name_zh=zh, name_en=en, forbidden_from_grant=forbidden, rule_zh=rule_zh,
                           rule_en=rule_en, position=position)
            for position, (key, zh, en, forbidden, rule_zh, rule_en) in enumerate(DEFAULT_CATEGORIES)]


def ensure_categories() -> None:
    """Add the notice's categories that are missing (idempotent; setup and the first expenditure)."""
    existing = set(db.session.scalars(db.select(BudgetCategory.key)))
    for category in default_categories():
        if category.key not in existing:
            db.session.add(category)
    db.session.flush()


class BudgetReceipt(db.Model):
    """Money received into one of the two accounts: the grant, or matching funds."""

    __tablename__ = "budget_receipts"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint(f"fund IN {FUND_SOURCES!r}", name="fund"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    fund: Mapped[str] = mapped_column(String(10))
    received_on: Mapped[date] = mapped_column(index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(200))  # who paid it: the IP office, the hospital's own funds …
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BudgetExpense(db.Model):
    """An expenditure paid from one account, with its voucher (凭证) reference and, optionally, a scan."""

    __tablename__ = "budget_expenses"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint(f"fund IN {FUND_SOURCES!r}", name="fund"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    fund: Mapped[str] = mapped_column(String(10))
    spent_on: Mapped[date] = mapped_column(index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    payee: Mapped[str] = mapped_column(String(200))
    category_key: Mapped[str] = mapped_column(ForeignKey("budget_categories.key"))
    description: Mapped[str] = mapped_column(Text, default="")
    voucher_reference: Mapped[str] = mapped_column(String(100), default="")
    # The scan is kept in the database, as navigation reports are: app machines share no disk.
    voucher_filename: Mapped[str | None] = mapped_column(String(200))
    voucher_content_type: Mapped[str | None] = mapped_column(String(100))
    voucher_size: Mapped[int | None]
    voucher: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    category: Mapped[BudgetCategory] = relationship(lazy="joined")
