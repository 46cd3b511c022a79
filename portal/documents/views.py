"""Documents: download (access checked on every request), add to a listing or a deal, delete, and the
dossier a centre picks for an exchange forward. A document attached to a request thread is added with
its message (portal/requests/views.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.documents import operations as ops
from portal.documents.access import can_read, is_centre_of, is_deal_party
from portal.documents.forms import DocumentForm, DossierForm, ListingDocumentForm
from portal.extensions import db
from portal.files.serve import download as serve
from portal.forms import EmptyForm, choices
from portal.models import Deal, Document, ExchangeForward, Listing
from portal.permissions import require
from portal.transaction import perform

bp = Blueprint("documents", __name__)


def readable(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or not can_read(current_user, document):
        abort(404)
    return document


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    """The file, as an attachment, to whoever may read it; 404 to anyone else (and to visitors, unless
    it is a public listing document)."""
    return serve(readable(document_id))


def subject_page(document: Document) -> str:
    if document.subject == "listing":
        return url_for("listings.detail", listing_id=document.listing_id) + "#documents"
    if document.subject == "request":
        return url_for("requests.detail", request_id=document.request_id) + "#thread"
    return url_for("deals.detail", deal_id=document.deal_id) + "#documents"


def upload(form: DocumentForm, add, back: str):
    """Receive the form's file and hand it to ``add``; a refusal is flashed and nothing is stored."""
    if not form.validate_on_submit():
        flash(_("The form could not be sent. Choose the file again and retry."), "danger")
        return redirect(back)

    def step():
        received = ops.receive_upload(form.file.data)
        try:
            return add(received)
        finally:
            received.data.close()

    perform(step, success=lambda document: _("“%(name)s” added.", name=document.filename))
    return redirect(back)


@bp.post("/manage/listings/<int:listing_id>/documents")
@require("manage_listings")
def add_to_listing(listing_id: int):
    """The centre adds a document to its listing (claims, drawings, a brochure)."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or not is_centre_of(current_user, listing.centre_id):
        abort(404)
    form = ListingDocumentForm()
    return upload(form, lambda received: ops.add_listing_document(listing, received, form.visibility.data,
                                                                  current_user),
                  url_for("listings.detail", listing_id=listing.id) + "#documents")


@bp.post("/deals/<int:deal_id>/documents")
@login_required
def add_to_deal(deal_id: int):
    """Either party adds a document to the deal."""
    deal = db.session.get(Deal, deal_id)
    if deal is None or not is_deal_party(current_user, deal):
        abort(404)
    return upload(DocumentForm(), lambda received: ops.add_deal_document(deal, received, current_user),
                  url_for("deals.detail", deal_id=deal.id) + "#documents")


@bp.post("/documents/<int:document_id>/delete")
@login_required
def delete(document_id: int):
    """Delete a document (asked first on the page); its object leaves the store after the commit."""
    document = readable(document_id)
    back = subject_page(document)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = document.filename
    done = perform(lambda: ops.delete_document(document, current_user),
                   success=_("“%(name)s” deleted.", name=name))
    if done:
        ops.remove_object(done.value)
    return redirect(back)


def own_forward(forward_id: int) -> ExchangeForward:
    forward = db.session.get(ExchangeForward, forward_id)
    if forward is None or not is_centre_of(current_user, forward.centre_id):
        abort(404)
    return forward


def dossier_form(forward: ExchangeForward) -> DossierForm:
    form = DossierForm()
    form.documents.choices = choices((d.id, d.filename) for d in ops.dossier_candidates(forward))
    if not form.is_submitted():
        form.documents.data = [d.id for d in ops.dossier(forward)]
    return form


@bp.post("/exchange/forwards/<int:forward_id>/dossier")
@require("record_deals")
def set_dossier(forward_id: int):
    """The centre picks which of the deal's and listing's documents the exchange may download."""
    forward = own_forward(forward_id)
    form = dossier_form(forward)
    back = (url_for("deals.detail", deal_id=forward.deal_id) if forward.deal_id is not None
            else url_for("listings.detail", listing_id=forward.listing_id)) + "#documents"
    if not form.validate_on_submit():
        flash(_("Choose among the deal's and the listing's documents."), "danger")
        return redirect(back)
    perform(lambda: ops.set_dossier(forward, form.documents.data or [], current_user),
            success=lambda chosen: _("Dossier saved: %(n)d documents for the exchange.", n=len(chosen)))
    return redirect(back)


@bp.app_context_processor
def document_helpers():
    """For the listing, request, deal and exchange pages: who may do what with a document."""
    from portal.documents.access import can_delete, listing_documents

    return {"can_delete_document": lambda d: can_delete(current_user, d),
            "readable_listing_documents": lambda listing: listing_documents(current_user, listing),
            "document_form": DocumentForm, "listing_document_form": ListingDocumentForm,
            "dossier_form": dossier_form, "dossier_of": ops.dossier}
