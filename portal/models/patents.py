"""Patents held by a centre. Keyed by the canonical application number."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.orgs import Organisation
from portal.models.types import UTCDateTime, utcnow
from portal.rules import last_day_of_protection, parse_application_number, patent_expiry

LEGAL_STATUSES = ("valid", "lapsed", "pending")
VALUE_DIMENSIONS = ("technical_value", "legal_value", "market_value", "strategic_value", "economic_value")


class Patent(db.Model):
    __tablename__ = "patents"
    __table_args__ = (
        CheckConstraint(f"legal_status IN {LEGAL_STATUSES!r}", name="legal_status"),
        *(CheckConstraint(f"{d} IS NULL OR {d} BETWEEN 1 AND 5", name=d) for d in VALUE_DIMENSIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # derived from the number
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str] = mapped_column(Text, default="")
    # Optional English title and abstract: shown in the English interface, searched in English.
    title_en: Mapped[str | None] = mapped_column(String(500))
    abstract_en: Mapped[str | None] = mapped_column(Text)
    filing_date: Mapped[date]
    grant_date: Mapped[date | None]
    legal_status: Mapped[str] = mapped_column(String(10))
    inventors: Mapped[str] = mapped_column(String(1000), default="")
    patentee: Mapped[str] = mapped_column(String(500), default="")
    pct: Mapped[bool] = mapped_column(default=False)
    evaluation_report: Mapped[str | None] = mapped_column(String(100))
    pledged: Mapped[bool] = mapped_column(default=False)
    pledgee_consent: Mapped[bool] = mapped_column(default=False)
    annual_fees_paid: Mapped[bool] = mapped_column(default=True)
    suspended: Mapped[bool] = mapped_column(default=False)  # ownership dispute / court preservation
    # An exclusive or sole licence granted outside the portal binds the patent until this day.
    exclusive_licence_until: Mapped[date | None]
    extension_days: Mapped[int] = mapped_column(default=0)
    # Designated by the centre as able to be put into operation (可投入运营, DOMAIN.md §7): owned with
    # the right to license or assign, no co-ownership or pledge obstacle. Validity is the portal's check.
    operable: Mapped[bool] = mapped_column(default=False, index=True)
    technical_value: Mapped[int | None]
    legal_value: Mapped[int | None]
    market_value: Mapped[int | None]
    strategic_value: Mapped[int | None]
    economic_value: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    centre: Mapped[Organisation] = relationship()
    ipc_entries: Mapped[list[PatentIPC]] = relationship(
        back_populates="patent", cascade="all, delete-orphan", order_by="PatentIPC.position")
    declarations: Mapped[list[OpenLicenceDeclaration]] = relationship(  # noqa: F821
        back_populates="patent", order_by="OpenLicenceDeclaration.id")
    # Co-owners other than the centre's own hospital; an open licence needs each one's consent.
    co_owners: Mapped[list[PatentCoOwner]] = relationship(
        back_populates="patent", cascade="all, delete-orphan", order_by="PatentCoOwner.id")

    @property
    def number(self):
        return parse_application_number(self.application_number)

    @property
    def display_number(self) -> str:
        """ZL… once granted, the application number before."""
        return self.number.patent_number if self.grant_date else self.application_number

    @property
    def expiry(self) -> date:
        return patent_expiry(self.application_number, self.filing_date, self.extension_days)

    @property
    def last_day(self) -> date:
        return last_day_of_protection(self.application_number, self.filing_date, self.extension_days)

    @property
    def ipc(self) -> list[str]:
        return [entry.symbol for entry in self.ipc_entries]

    @property
    def ipc_subclasses(self) -> list[str]:
        return list(dict.fromkeys(entry.subclass for entry in self.ipc_entries))

    @property
    def co_owned(self) -> bool:
        return bool(self.co_owners)

    @property
    def co_owners_without_consent(self) -> list[str]:
        """Names of the recorded co-owners who have not consented to an open licence."""
        return [c.name for c in self.co_owners if not c.consent]

    @property
    def granted(self) -> bool:
        return self.grant_date is not None

    @property
    def open_declaration(self) -> OpenLicenceDeclaration | None:  # noqa: F821
        """The open-licence declaration in force, if any."""
        return next((d for d in reversed(self.declarations) if d.in_force), None)

    def values(self) -> dict[str, int | None]:
        return {d: getattr(self, d) for d in VALUE_DIMENSIONS}

    def value_average(self) -> Decimal | None:
        """The mean of the five value scores, one decimal; None unless all five are given."""
        scores = [getattr(self, d) for d in VALUE_DIMENSIONS]
        if any(s is None for s in scores):
            return None
        return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))


class PatentIPC(db.Model):
    """One IPC symbol of a patent; the subclass column serves the facet and the filter."""

    __tablename__ = "patent_ipc"
    __table_args__ = (UniqueConstraint("patent_id", "symbol", name="patent_symbol"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    symbol: Mapped[str] = mapped_column(String(20))
    subclass: Mapped[str] = mapped_column(String(4), index=True)

    patent: Mapped[Patent] = relationship(back_populates="ipc_entries")


class PatentCoOwner(db.Model):
    """A co-owner of a patent and whether it has consented, in writing, to an open licence
    (Patent Law Art 14 and DOMAIN.md §4: a co-owned patent needs every co-owner's consent)."""

    __tablename__ = "patent_co_owners"
    __table_args__ = (UniqueConstraint("patent_id", "name", name="uq_patent_co_owners_patent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(default=False)
    consent_date: Mapped[date | None]
    # Where the written consent is kept: a letter's number, a file reference, a note.
    reference: Mapped[str] = mapped_column(String(200), default="")

    patent: Mapped[Patent] = relationship(back_populates="co_owners")
