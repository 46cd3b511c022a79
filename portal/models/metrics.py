"""Programme parameters and the facts a centre records for its assessment (DOMAIN.md §1).

Deal figures are never stored: they are aggregated from the deals (``portal.metrics.figures``).
What lives here is what the deals cannot tell: the programme's years, targets and thresholds
(one row, edited by the site administrator), and each centre's staff, PCT applications,
patent navigation reports, rules documents and awards.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, Numeric, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, deferred, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow

AWARD_KINDS = ("china_patent_award", "shanghai_ip_innovation_award", "high_value_patent_competition",
               "pilot_demonstration_unit")

# The notice of the first programme round: 2022 baseline, assessed at the end of 2023.
PARAMETER_DEFAULTS = {
    "baseline_year": 2022, "assessment_year": 2023,
    "growth_target_pct": Decimal(20), "sme_growth_target_pct": Decimal(30),
    "pct_growth_target_pct": Decimal(20), "pct_minimum": 3,
    "navigation_reports_required": 2, "staff_required": 2, "certified_staff_required": 1,
    "min_valid_inventions": 30, "min_operable_patents": 20,
    "min_deals_window": 5, "min_received_window_yuan": Decimal(500000), "window_years": 3,
    # notice §六 and §七: at most 10 centres, RMB 500,000 of central funds each (matched at least 1:1)
    "grant_per_centre_yuan": Decimal(500000), "max_centres": 10,
    # a high-value patent (高价值专利): all five value scores given, their mean at least this
    "high_value_min_average": Decimal(4),
}


class ProgrammeParameters(db.Model):
    """The programme round's parameters: one row (id 1), created with the defaults on first use."""

    __tablename__ = "programme_parameters"
    __table_args__ = (
        CheckConstraint("assessment_year > baseline_year", name="years"),
        CheckConstraint("window_years BETWEEN 1 AND 10", name="window_years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    baseline_year: Mapped[int]
    assessment_year: Mapped[int]
    growth_target_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    sme_growth_target_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    pct_growth_target_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    pct_minimum: Mapped[int]
    navigation_reports_required: Mapped[int]
    staff_required: Mapped[int]
    certified_staff_required: Mapped[int]
    min_valid_inventions: Mapped[int]
    min_operable_patents: Mapped[int]
    min_deals_window: Mapped[int]
    min_received_window_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    window_years: Mapped[int]
    grant_per_centre_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(500000))
    max_centres: Mapped[int] = mapped_column(default=10)
    high_value_min_average: Mapped[Decimal] = mapped_column(Numeric(3, 1), default=Decimal(4))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


def current_parameters() -> ProgrammeParameters:
    """The programme parameters, the row created with the notice's defaults when there is none yet.

    The row is added inside a savepoint, so two first requests racing each other cannot break the
    caller's transaction: the loser reads the winner's row.
    """
    row = db.session.get(ProgrammeParameters, 1)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = ProgrammeParameters(id=1, **PARAMETER_DEFAULTS)
            db.session.add(row)
    except IntegrityError:
        row = db.session.get(ProgrammeParameters, 1, populate_existing=True)
    return row


class CentreProfile(db.Model):
    """A centre's standing facts: its IP department and full-time IP staff (current counts)."""

    __tablename__ = "centre_profiles"
    __table_args__ = (
        CheckConstraint("full_time_ip_staff >= 0", name="staff"),
        CheckConstraint("certified_staff >= 0 AND certified_staff <= full_time_ip_staff", name="certified"),
    )

    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    has_ip_department: Mapped[bool] = mapped_column(default=False)
    full_time_ip_staff: Mapped[int] = mapped_column(default=0)
    certified_staff: Mapped[int] = mapped_column(default=0)  # IP professional title or certificate
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PctApplication(db.Model):
    """A PCT international application filed by the centre (its number validated and canonical)."""

    __tablename__ = "pct_applications"
    __table_args__ = (UniqueConstraint("number", name="number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    filing_date: Mapped[date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NavigationReport(db.Model):
    """A patent navigation report (专利导航报告) on a key discipline, with its document.

    The document is kept in the database, not under instance/: several app machines share one
    database but not one disk.
    """

    __tablename__ = "navigation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    discipline: Mapped[str] = mapped_column(String(200))
    report_date: Mapped[date] = mapped_column(index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    document: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RulesDocument(db.Model):
    """An IP management or operation rules document the centre's hospital adopted (制度文件)."""

    __tablename__ = "rules_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(100), default="")  # 文号
    adopted_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CentreAward(db.Model):
    """An award or designation that gives a centre preference (shown as a badge)."""

    __tablename__ = "centre_awards"
    __table_args__ = (CheckConstraint(f"kind IN {AWARD_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))  # e.g. 第二十四届中国专利奖优秀奖
    year: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LeadershipBody(db.Model):
    """The hospital's IP leadership body led by a hospital leader (院领导牵头的知识产权工作领导机构,
    work task 1): one per centre."""

    __tablename__ = "leadership_bodies"

    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # e.g. 知识产权工作领导小组
    leader: Mapped[str] = mapped_column(String(100))
    leader_position: Mapped[str] = mapped_column(String(100))  # e.g. 副院长
    members: Mapped[str] = mapped_column(String(2000), default="")
    established_on: Mapped[date]
    document_reference: Mapped[str] = mapped_column(String(100), default="")  # the founding document's 文号
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class FundingSecured(db.Model):
    """Working funds the hospital has committed to the centre (工作经费保障), with their source."""

    __tablename__ = "funding_secured"
    __table_args__ = (CheckConstraint("amount_yuan > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    source: Mapped[str] = mapped_column(String(200))
    secured_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(300), default="")  # what it is for (shown in lists)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
