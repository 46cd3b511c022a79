"""Documents: files in the file store (portal/files) attached to a listing, a request thread or a
deal, and the dossier of an exchange forward (documents the centre picked for the exchange)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.deals import Deal
from portal.models.exchange import ExchangeForward
from portal.models.listings import Listing
from portal.models.requests import LicenceRequest, RequestMessage
from portal.models.types import UTCDateTime, utcnow
from portal.models.users import User

DOCUMENT_SUBJECTS = ("listing", "request", "deal")
# A listing's document is public, or shown only to enterprises that filed a request on the listing.
DOCUMENT_VISIBILITIES = ("public", "requesters")

forward_documents = Table(
    "forward_documents", db.metadata,
    Column("forward_id", ForeignKey("exchange_forwards.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Document(db.Model):
    """One stored file: its random store key, sha256, size, checked type and sanitised name, and the
    one record it belongs to (``subject`` says which column is set)."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"subject IN {DOCUMENT_SUBJECTS!r}", name="subject"),
        CheckConstraint("subject <> 'listing' OR (listing_id IS NOT NULL AND visibility IS NOT NULL)",
                        name="listing_subject"),
        CheckConstraint("subject <> 'request' OR request_id IS NOT NULL", name="request_subject"),
        CheckConstraint("subject <> 'deal' OR deal_id IS NOT NULL", name="deal_subject"),
        CheckConstraint(f"visibility IS NULL OR visibility IN {DOCUMENT_VISIBILITIES!r}", name="visibility"),
        CheckConstraint("size > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(10))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("licence_requests.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("request_messages.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    visibility: Mapped[str | None] = mapped_column(String(12))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the uploader's
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    listing: Mapped[Listing | None] = relationship()
    request: Mapped[LicenceRequest | None] = relationship()
    message: Mapped[RequestMessage | None] = relationship()
    deal: Mapped[Deal | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
    # The forwards whose dossier holds it (deleting the document takes it out of them).
    forwards: Mapped[list[ExchangeForward]] = relationship(secondary=forward_documents)
