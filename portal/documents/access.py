"""Who may read, add and delete documents. Every download asks :func:`can_read`; a document the
user may not read answers 404, as if it did not exist."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Deal, Document, ExchangeForward, LicenceRequest, Listing, forward_documents
from portal.requests.access import can_see_request

CENTRE_ROLES = ("centre_staff", "centre_admin")


def is_centre_of(user, centre_id: int) -> bool:
    return user.is_authenticated and user.role in CENTRE_ROLES and user.organisation_id == centre_id


def is_deal_party(user, deal: Deal) -> bool:
    """The licensor centre's staff and the licensee's members."""
    if not user.is_authenticated:
        return False
    if user.role in CENTRE_ROLES:
        return user.organisation_id == deal.licensor_id
    return user.role == "sme_member" and user.organisation_id == deal.licensee_id


def has_requested(user, listing: Listing) -> bool:
    """The user's enterprise filed a request (any status) on the listing."""
    if not (user.is_authenticated and user.role == "sme_member"):
        return False
    return db.session.scalar(db.select(LicenceRequest.id).where(
        LicenceRequest.listing_id == listing.id, LicenceRequest.enterprise_id == user.organisation_id).limit(1)) \
        is not None


def in_dossier_for(user, document: Document) -> bool:
    """The document is in the dossier of a forward to the user's exchange."""
    if not (user.is_authenticated and user.role == "exchange_operator"):
        return False
    link = forward_documents.c
    return db.session.scalar(
        db.select(link.forward_id).join(ExchangeForward, ExchangeForward.id == link.forward_id)
        .where(link.document_id == document.id, ExchangeForward.exchange_id == user.organisation_id)
        .limit(1)) is not None


def can_read(user, document: Document) -> bool:
    if document.subject == "listing":
        listing = document.listing
        if is_centre_of(user, listing.centre_id):
            return True
        if listing.status == "published" and (document.visibility == "public" or has_requested(user, listing)):
            return True
    elif document.subject == "request":
        if can_see_request(user, document.request):
            return True
    elif document.subject == "deal" and is_deal_party(user, document.deal):
        return True
    return in_dossier_for(user, document)


def listing_documents(user, listing: Listing) -> list[Document]:
    """A listing's documents the user may read, in upload order."""
    rows = db.session.scalars(db.select(Document).where(Document.listing_id == listing.id)
                              .order_by(Document.id)).all()
    return [d for d in rows if can_read(user, d)]


def can_delete(user, document: Document) -> bool:
    """The uploading organisation deletes its own documents (a listing's: its centre's staff) while it
    may still read them."""
    if not user.is_authenticated or user.organisation_id != document.organisation_id:
        return False
    if user.role not in (*CENTRE_ROLES, "sme_member"):
        return False
    return can_read(user, document)
