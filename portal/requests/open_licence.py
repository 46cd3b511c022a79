"""Taking an open licence (Patent Law Art 51): a written notice on the published terms, accepted on
submission, recorded at once as an ordinary licence deal with its recordal due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError
from portal.events.operations import event_for_request
from portal.extensions import db
from portal.models import CHANNELS, Deal, LicenceRequest, Listing, OpenLicenceAcceptance, Patent, User
from portal.notify import notify
from portal.requests.operations import _record_status, centre_users
from portal.rules import OPEN_LICENCE_TYPE, recordal_due_date


@dataclass
class LicenseeDetails:
    name: str
    address: str
    contact: str


def held_open_licences(user, listing: Listing) -> dict[int, OpenLicenceAcceptance]:
    """The open licences on ``listing``'s patents that the user's company already holds, under the
    declarations now in force, by patent id: such a patent's take form is not offered again."""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return {}
    declarations = [d.id for p in listing.patents if (d := p.open_declaration) is not None]
    if not declarations:
        return {}
    held = db.session.scalars(db.select(OpenLicenceAcceptance).where(
        OpenLicenceAcceptance.declaration_id.in_(declarations),
        OpenLicenceAcceptance.enterprise_id == user.organisation_id).order_by(OpenLicenceAcceptance.id))
    return {a.patent_id: a for a in held}


def held_message(acceptance: OpenLicenceAcceptance) -> str:
    """What the listing page says instead of the take button."""
    return _("Your company already holds this open licence: taken on %(date)s, notice %(notice)s.",
             date=acceptance.effective_date.isoformat(), notice=acceptance.notice_number)


def take_open_licence(listing: Listing, patent: Patent, user: User, details: LicenseeDetails,
                      today: date | None = None, *, channel: str = "direct",
                      event_id: int | None = None) -> OpenLicenceAcceptance:
    """Record the notice, the accepted request and the ordinary licence deal, in one transaction.

    ``channel`` and ``event_id`` say where the taker came from (portal/requests/channels.py); an
    event that did not present this listing, or is out of the window a request may name, is dropped
    rather than refused: taking the licence does not depend on it."""
    today = today or date.today()
    if user.role != "sme_member":
        raise OperationError(_("Only enterprise members can take an open licence."))
    if listing.status != "published" or patent not in listing.patents:
        raise OperationError(_("This listing is no longer open to requests."))
    declaration = patent.open_declaration
    if declaration is None:
        raise OperationError(_("The open licence on this patent has been withdrawn; it can no longer be taken."))
    if today > declaration.term_end:
        raise OperationError(_("The open licence term has ended."))
    held = db.session.scalar(db.select(OpenLicenceAcceptance.id).where(
        OpenLicenceAcceptance.declaration_id == declaration.id,
        OpenLicenceAcceptance.enterprise_id == user.organisation_id))
    if held is not None:
        raise OperationError(_("Your company already holds this open licence."))
    if not details.name.strip():
        raise OperationError(_("Give the licensee's name."), field="name")
    enterprise = user.organisation
    try:
        event = event_for_request(event_id, user, listing)
    except OperationError:
        event = None
    request = LicenceRequest(listing=listing, enterprise_id=enterprise.id, created_by_id=user.id, mode="open",
                             status="submitted", intended_use="", proposed_terms="",
                             event_id=event.id if event is not None else None,
                             channel=channel if channel in CHANNELS else "direct")
    db.session.add(request)
    db.session.flush()
    _record_status(request, None, "submitted", user)
    _record_status(request, "submitted", "agreed", user, "open licence: accepted on submission")
    acceptance = OpenLicenceAcceptance(
        declaration_id=declaration.id, patent_id=patent.id, request_id=request.id, enterprise_id=enterprise.id,
        user_id=user.id, notice_number=f"tmp-{request.id}", effective_date=today,
        fee_method=declaration.fee_method, fee_amount_yuan=declaration.fee_amount_yuan,
        royalty_rate_pct=declaration.royalty_rate_pct, term_end=declaration.term_end,
        licensee_name=details.name.strip()[:200], licensee_credit_code=enterprise.credit_code,
        licensee_address=details.address.strip()[:300], licensee_contact=details.contact.strip()[:200])
    db.session.add(acceptance)
    db.session.flush()
    acceptance.notice_number = f"OL{today.year}-{acceptance.id:06d}"
    deal = Deal(listing_id=listing.id, licensor_id=listing.centre_id, licensee_id=enterprise.id, kind="licence",
                licence_type=OPEN_LICENCE_TYPE, open_licence=True,
                contract_amount_yuan=declaration.fee_amount_yuan or 0, effective_date=today,
                term_end=declaration.term_end, licensee_size_class=enterprise.size_class,
                source_request_id=request.id, open_acceptance_id=acceptance.id, event_id=request.event_id,
                recordal_status="not_filed", recordal_due=recordal_due_date(today), patents=[patent])
    db.session.add(deal)
    db.session.flush()
    # On the deal too, so its page's history shows how it was made (as record_deal writes it).
    audit.record("deal.recorded", f"{deal.mode} deal with {enterprise.name_zh}", target=deal, actor=user,
                 data={"mode": deal.mode, "amount": str(deal.contract_amount_yuan),
                       "size_class": deal.licensee_size_class, "acceptance": acceptance.id,
                       "notice": acceptance.notice_number})
    audit.record("open_licence.taken", f"{enterprise.name_zh} took the open licence on {patent.application_number}",
                 target=acceptance, actor=user, data={"deal": deal.id, "notice": acceptance.notice_number})
    notify(centre_users(listing), "open_licence.taken",
           {"company": enterprise.name_zh, "patent": patent.display_number}, "requests.detail",
           request_id=request.id)
    return acceptance
