"""Adding and deleting documents, and choosing a forward's dossier. Each operation checks, writes the
row, the audit entry and the notifications, and flushes; the view commits once. The object goes into
the store last, inside the operation, so a refusal stores nothing; a deleted document's object is
removed after the commit (:func:`remove_object`), so a rolled-back delete never loses a file."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _

from portal import audit
from portal.documents.access import can_delete, is_centre_of, is_deal_party
from portal.errors import OperationError
from portal.extensions import db
from portal.files import store
from portal.files.checks import Received, receive
from portal.models import Deal, Document, ExchangeForward, LicenceRequest, Listing, RequestMessage, User
from portal.notify import notify


def receive_upload(upload) -> Received:
    """The uploaded file (a Werkzeug ``FileStorage``) received and checked, or a refusal."""
    if upload is None or not getattr(upload, "filename", None):
        raise OperationError(_("Choose a file to upload."), field="file")
    return receive(upload.stream, upload.filename, current_app.config["FILES_MAX_BYTES"])


def _store(document: Document, received: Received) -> Document:
    """Write the row, then the object: the last step, so nothing after it can refuse."""
    document.storage_key = secrets.token_hex(16)
    document.sha256, document.size = received.sha256, received.size
    document.content_type, document.filename = received.content_type, received.filename
    db.session.add(document)
    db.session.flush()
    received.data.seek(0)
    store().put(document.storage_key, received.data, received.content_type)
    return document


def _audit(kind: str, document: Document, target, actor: User | None) -> None:
    audit.record(kind, f"document {document.id} “{document.filename}” on {document.subject}", target=target,
                 actor=actor, data={"file": document.filename, "document": document.id, "size": document.size})


def add_listing_document(listing: Listing, received: Received, visibility: str, user: User) -> Document:
    """The listing's centre adds a document: public, or for enterprises that filed a request on it."""
    if not is_centre_of(user, listing.centre_id):
        raise OperationError(_("Only the listing's centre can add documents to it."))
    if visibility not in ("public", "requesters"):
        raise OperationError(_("Choose who may read the document."), field="visibility")
    document = _store(Document(subject="listing", listing_id=listing.id, visibility=visibility,
                               organisation_id=user.organisation_id, uploaded_by_id=user.id), received)
    _audit("document.added", document, listing, user)
    return document


def add_request_document(request: LicenceRequest, message: RequestMessage, received: Received,
                         user: User) -> Document:
    """A document attached to a message of the request's thread (the message notifies the other party)."""
    document = _store(Document(subject="request", request_id=request.id, message_id=message.id,
                               organisation_id=user.organisation_id, uploaded_by_id=user.id), received)
    _audit("document.added", document, request, user)
    return document


def add_deal_document(deal: Deal, received: Received, user: User) -> Document:
    """Either party adds a document to the deal (a contract, a valuation report, an approval); the other
    party is told."""
    if not is_deal_party(user, deal):
        raise OperationError(_("Only the two parties of the deal can add documents to it."))
    document = _store(Document(subject="deal", deal_id=deal.id, organisation_id=user.organisation_id,
                               uploaded_by_id=user.id), received)
    _audit("document.added", document, deal, user)
    other_org = deal.licensee_id if user.organisation_id == deal.licensor_id else deal.licensor_id
    roles = ("sme_member",) if other_org == deal.licensee_id else ("centre_staff", "centre_admin")
    others = db.session.scalars(db.select(User).where(User.organisation_id == other_org, User.role.in_(roles))).all()
    notify(list(others), "document.added", {"file": document.filename[:80], "deal_id": deal.id, "item": ""},
           "deals.detail", deal_id=deal.id)
    return document


def _subject_record(document: Document):
    return {"listing": document.listing, "request": document.request, "deal": document.deal}[document.subject]


def delete_document(document: Document, user: User) -> str:
    """Delete the row (and its place in any dossier); returns the store key, whose object the view
    removes after the commit."""
    if not can_delete(user, document):
        raise OperationError(_("Only the organisation that added a document can delete it."))
    key = document.storage_key
    _audit("document.deleted", document, _subject_record(document), user)
    document.forwards.clear()
    db.session.delete(document)
    db.session.flush()
    return key


def remove_object(key: str) -> None:
    """After the commit: the deleted document's object goes. A failure leaves an orphan that
    ``flask files verify`` reports; it never undoes the delete."""
    try:
        store().delete(key)
    except Exception:  # noqa: BLE001 - logged; the database is already right
        current_app.logger.exception("could not remove object %s from the file store", key)


def dossier_candidates(forward: ExchangeForward) -> list[Document]:
    """What a centre may put in a forward's dossier: the deal's documents and its listing's, or the
    forwarded listing's."""
    listing_id = forward.listing_id if forward.deal is None else forward.deal.listing_id
    clauses = []
    if forward.deal_id is not None:
        clauses.append(Document.deal_id == forward.deal_id)
    if listing_id is not None:
        clauses.append(Document.listing_id == listing_id)
    return list(db.session.scalars(db.select(Document).where(db.or_(*clauses)).order_by(Document.id)))


def dossier(forward: ExchangeForward) -> list[Document]:
    from portal.models import forward_documents

    return list(db.session.scalars(db.select(Document).join(forward_documents)
                                   .where(forward_documents.c.forward_id == forward.id).order_by(Document.id)))


def document_to_dict(document: Document, forward: ExchangeForward) -> dict:
    """A dossier document as the exchange API lists it; ``url`` is fetched with the same token."""
    from flask import url_for

    return {"id": document.id, "filename": document.filename, "content_type": document.content_type,
            "size": document.size, "sha256": document.sha256, "source": document.subject,
            "uploaded_at": document.created_at.isoformat(),
            "url": url_for("exchange_api.dossier_document", forward_id=forward.id, document_id=document.id,
                           _external=True)}


def set_dossier(forward: ExchangeForward, document_ids: list[int], user: User) -> list[Document]:
    """The centre chooses the documents the exchange may download; the exchange's operators are told."""
    from portal.models import forward_documents

    if not is_centre_of(user, forward.centre_id):
        raise OperationError(_("Only the forwarding centre can choose the dossier."))
    if not forward.is_open:
        raise OperationError(_("This forward is closed: its dossier can no longer change."))
    candidates = {d.id: d for d in dossier_candidates(forward)}
    chosen = [candidates[i] for i in dict.fromkeys(document_ids) if i in candidates]
    if len(chosen) != len(set(document_ids)):
        raise OperationError(_("Choose among the deal's and the listing's documents."), field="documents")
    db.session.execute(db.delete(forward_documents).where(forward_documents.c.forward_id == forward.id))
    for document in chosen:
        db.session.execute(db.insert(forward_documents).values(forward_id=forward.id, document_id=document.id))
    audit.record("exchange.dossier", f"forward {forward.id}: dossier of {len(chosen)} documents",
                 target=forward.deal or forward.listing, actor=user,
                 data={"exchange": forward.exchange.code, "forward": forward.id, "count": len(chosen),
                       "documents": [d.id for d in chosen]})
    operators = db.session.scalars(db.select(User).where(User.organisation_id == forward.exchange_id,
                                                         User.role == "exchange_operator")).all()
    subject = {"deal_id": forward.deal_id} if forward.deal_id is not None else {"listing_id": forward.listing_id}
    notify(list(operators), "exchange.dossier", {"centre": forward.centre.code, "item": "", **subject},
           "exchange.detail", forward_id=forward.id)
    return chosen


