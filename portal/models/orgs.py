"""Organisations: hospital IP operation centres, enterprises, exchange bases, organisers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

ORG_KINDS = ("centre", "enterprise", "exchange", "organiser")

# The programme's two exchange bases exist from the start (created by the first migration and
# by `ensure_reference_data`).
EXCHANGE_BASES = (
    {"code": "sipe", "name_zh": "上海知识产权交易中心",
     "name_en": "Shanghai Intellectual Property Exchange Center"},
    {"code": "stex", "name_zh": "上海技术交易所", "name_en": "Shanghai Technology Exchange"},
)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(f"kind IN {ORG_KINDS!r}", name="kind"),
        CheckConstraint("size_class IS NULL OR size_class IN ('large','medium','small','micro')",
                        name="size_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[str | None] = mapped_column(String(40))
    employees: Mapped[int | None]
    revenue_wan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    total_assets_wan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    size_class: Mapped[str | None] = mapped_column(String(10))
    is_example: Mapped[bool] = mapped_column(default=False)
    # An enterprise is who it says only once a site administrator has checked it (its credit code
    # and size figures are self-declared at registration until then).
    verified: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")  # noqa: F821

    def display_name(self, locale: str | None = None) -> str:
        if locale and locale.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"
