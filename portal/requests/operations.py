"""Licence requests: file, answer, talk, withdraw. Each operation validates, changes, writes the
audit log and the notifications, and flushes; the view commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _

from portal import audit
from portal.errors import OperationError, rule_message
from portal.events.operations import event_for_request
from portal.extensions import db
from portal.models import CHANNELS, LicenceRequest, Listing, RequestMessage, RequestStatusChange, User
from portal.notify import notify
from portal.rules import RuleError, check_licence_allowed

# Who may move a request from one status to another.
CENTRE_MOVES = {
    "submitted": ("under_review", "negotiating", "declined"),
    "under_review": ("negotiating", "agreed", "declined"),
    "negotiating": ("agreed", "declined"),
}
SME_MOVES = {s: ("withdrawn",) for s in ("submitted", "under_review", "negotiating")}


@dataclass
class RequestData:
    mode: str
    intended_use: str = ""
    products: str = ""
    region: str = ""
    scale: str = ""
    proposed_terms: str = ""
    message: str = ""
    event_id: int | None = None
    channel: str = "direct"  # portal/requests/channels.py
    need_id: int | None = None  # needs area: the enterprise's own need this request answers


def centre_users(listing: Listing) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.organisation_id == listing.centre_id,
                                                         User.role.in_(("centre_staff", "centre_admin")))))


def enterprise_users(request: LicenceRequest) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.organisation_id == request.enterprise_id)))


def check_requestable(listing: Listing, mode: str) -> None:
    """The rules of §5.4: a mode the listing offers; no exclusive or sole licence under an open
    licence; a withdrawn or concluded listing takes no requests."""
    if listing.status != "published":
        raise OperationError(_("This listing is no longer open to requests."))
    if mode not in listing.modes:
        raise OperationError(_("This listing does not offer that mode."), field="mode")
    if listing.is_open_licence:
        try:
            check_licence_allowed(mode, open_licence_in_force=True)
        except RuleError as exc:
            raise OperationError(rule_message(exc), field="mode") from exc


def _record_status(request: LicenceRequest, old: str | None, new: str, actor: User | None,
                   reason: str | None = None) -> None:
    request.status = new
    request.status_changed_at = datetime.now(UTC)
    db.session.add(RequestStatusChange(request_id=request.id, from_status=old, to_status=new,
                                       actor_id=actor.id if actor else None, reason=reason))
    audit.record("request.status", f"request {request.id}: {old} → {new}", target=request, actor=actor,
                 data={"from": old, "to": new, "reason": reason})


def file_request(listing: Listing, user: User, data: RequestData) -> LicenceRequest:
    """An enterprise member asks for a licence (or assignment, equity) on a published listing,
    optionally naming the matchmaking event it came from (one that presented the listing)."""
    if user.role != "sme_member":
        raise OperationError(_("Only enterprise members can file licence requests."))
    check_requestable(listing, data.mode)
    if data.event_id is not None:
        event_for_request(data.event_id, user, listing)
    request = LicenceRequest(
        listing=listing, enterprise_id=user.organisation_id, created_by_id=user.id, mode=data.mode,
        intended_use=data.intended_use.strip(), products=data.products.strip(), region=data.region.strip(),
        scale=data.scale.strip(), proposed_terms=data.proposed_terms.strip(), event_id=data.event_id,
        channel=data.channel if data.channel in CHANNELS else "direct", status="submitted",
        need_id=own_need_id(data.need_id, user))
    db.session.add(request)
    db.session.flush()
    _record_status(request, None, "submitted", user)
    if data.message.strip():
        db.session.add(RequestMessage(request_id=request.id, author_id=user.id, body=data.message.strip()))
    notify(centre_users(listing), "request.new",
           {"listing": listing.title[:80], "company": user.organisation.name_zh},
           "requests.detail", request_id=request.id)
    return request


def own_need_id(need_id: int | None, user: User) -> int | None:
    """needs area: the need id when it is one of the user's organisation's needs, else None (ignored)."""
    if need_id is None:
        return None
    from portal.models import Need

    need = db.session.get(Need, need_id)
    return need.id if need is not None and need.enterprise_id == user.organisation_id else None


def change_status(request: LicenceRequest, new: str, user: User, reason: str = "") -> None:
    """Move a request on; the centre answers, the enterprise may withdraw."""
    moves = CENTRE_MOVES if user.organisation_id == request.listing.centre_id else SME_MOVES
    if new not in moves.get(request.status, ()):
        raise OperationError(_("A request cannot go from %(old)s to %(new)s.",
                               old=_status_label(request.status), new=_status_label(new)))
    reason = reason.strip()
    if new == "declined":
        if not reason:
            raise OperationError(_("Give the reason for declining."), field="reason")
        request.decline_reason = reason[:500]
    _record_status(request, request.status, new, user, reason or None)
    others = enterprise_users(request) if moves is CENTRE_MOVES else centre_users(request.listing)
    notify(others, "request.status", {"listing": request.listing.title[:80], "status": new},
           "requests.detail", request_id=request.id)


def add_message(request: LicenceRequest, user: User, body: str) -> RequestMessage:
    body = body.strip()
    if not body:
        raise OperationError(_("The message is empty."), field="body")
    message = RequestMessage(request_id=request.id, author_id=user.id, body=body[:5000])
    db.session.add(message)
    db.session.flush()
    audit.record("request.message", f"message on request {request.id}", target=request, actor=user)
    from_centre = user.organisation_id == request.listing.centre_id
    others = enterprise_users(request) if from_centre else centre_users(request.listing)
    notify(others, "request.message", {"listing": request.listing.title[:80]}, "requests.detail",
           request_id=request.id)
    return message


def _status_label(status: str) -> str:
    from portal.labels import REQUEST_STATUS_LABELS

    return str(REQUEST_STATUS_LABELS.get(status, status))
