"""Exchange hand-off: forward a deal or a published listing to an exchange base, move a forward
through its statuses, and the exchanges' API tokens.

Each operation validates, changes, writes the audit log and flushes; the caller commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, text

from portal import audit
from portal.errors import OperationError
from portal.extensions import db
from portal.labels import FORWARD_STATUS_LABELS
from portal.models import (
    FORWARD_STATUSES,
    Deal,
    ExchangeForward,
    ExchangeForwardChange,
    ExchangeToken,
    Listing,
    Organisation,
    User,
)
from portal.models.types import utcnow

MAX_REASON = 1000
MAX_REFERENCE = 100
MAX_NOTE = 1000
CENTRE_ROLES = ("centre_staff", "centre_admin")


# --- exchanges --------------------------------------------------------------------------------

def exchanges() -> list[Organisation]:
    """The exchange bases, in code order."""
    return list(db.session.scalars(db.select(Organisation).where(Organisation.kind == "exchange")
                                   .order_by(Organisation.code)))


def exchange_by_code(code: str | None) -> Organisation | None:
    if not code:
        return None
    return db.session.scalar(db.select(Organisation).where(Organisation.code == code.strip().lower(),
                                                           Organisation.kind == "exchange"))


def subject_label(forward: ExchangeForward) -> str:
    """What was forwarded, in words that need no translation: a deal's number and licensee, or a
    listing's title."""
    if forward.deal is not None:
        return f"#{forward.deal.id} {forward.deal.licensee.name_zh}"
    return forward.listing.title if forward.listing is not None else f"#{forward.id}"


def _subject_ids(forward: ExchangeForward) -> dict:
    """A notification's pointer to what was forwarded, so it reads in each reader's language."""
    return {"deal_id": forward.deal.id} if forward.deal is not None else \
        {"listing_id": forward.listing.id} if forward.listing is not None else {}


# --- forwarding -------------------------------------------------------------------------------

def _lock_changes() -> None:
    """Serialise writers of change rows on PostgreSQL, so ids are committed in increasing order and
    the API's cursor never skips a row committed late. (SQLite serialises writers by itself.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(74201)"))


def _add_change(forward: ExchangeForward, old: str | None, new: str, *, actor: User | None,
                token: ExchangeToken | None, reason: str | None, reference: str | None) -> ExchangeForwardChange:
    _lock_changes()
    change = ExchangeForwardChange(forward=forward, from_status=old, to_status=new, reason=reason or None,
                                   reference=reference or None, actor_id=actor.id if actor else None,
                                   token_id=token.id if token else None)
    db.session.add(change)
    db.session.flush()
    return change


def _check_forward(exchange: Organisation | None, existing_query, note: str | None) -> None:
    if exchange is None or exchange.kind != "exchange":
        raise OperationError(_("Choose one of the exchange bases."), field="exchange")
    if len((note or "").strip()) > MAX_NOTE:
        raise OperationError(_("The note is too long (at most %(n)d characters).", n=MAX_NOTE), field="note")
    existing = db.session.scalar(existing_query.where(ExchangeForward.exchange_id == exchange.id,
                                                      ExchangeForward.status != "returned").limit(1))
    if existing is not None:
        raise OperationError(_("This has already been forwarded to %(exchange)s (%(status)s). It can be forwarded "
                               "there again only after the exchange returns it.",
                               exchange=exchange.display_name(str(get_locale())),
                               status=FORWARD_STATUS_LABELS[existing.status]), field="exchange")


def forward_deal(deal: Deal, exchange: Organisation | None, actor: User | None, note: str = "") -> ExchangeForward:
    """Hand a recorded deal to an exchange base for on-exchange trading (进场交易)."""
    _check_forward(exchange, db.select(ExchangeForward).where(ExchangeForward.deal_id == deal.id), note)
    forward = _create(exchange, deal.licensor_id, actor, note, deal=deal)
    audit.record("exchange.forwarded", f"deal {deal.id} forwarded to {exchange.code}", target=deal, actor=actor,
                 data={"forward": forward.id, "exchange": exchange.code})
    return forward


def forward_listing(listing: Listing, exchange: Organisation | None, actor: User | None,
                    note: str = "") -> ExchangeForward:
    """Hand a published listing to an exchange base for public listing (挂牌)."""
    if listing.status != "published":
        raise OperationError(_("Only a published listing can be forwarded for public listing."), field="exchange")
    _check_forward(exchange, db.select(ExchangeForward).where(ExchangeForward.listing_id == listing.id), note)
    forward = _create(exchange, listing.centre_id, actor, note, listing=listing)
    audit.record("exchange.forwarded", f"listing {listing.id} forwarded to {exchange.code}", target=listing,
                 actor=actor, data={"forward": forward.id, "exchange": exchange.code})
    return forward


def record_traded(deal: Deal, exchange: Organisation, actor: User | None,
                  reference: str | None = None) -> ExchangeForward:
    """For historical deals (the deal import): record that ``deal`` was already traded on ``exchange``
    — a forward that is concluded from the start, without notifications. Idempotent: a forward of the
    deal to that exchange that was not returned is kept as it is and returned."""
    existing = db.session.scalar(db.select(ExchangeForward).where(
        ExchangeForward.deal_id == deal.id, ExchangeForward.exchange_id == exchange.id,
        ExchangeForward.status != "returned").limit(1))
    if existing is not None:
        return existing
    reference = (reference or "").strip()[:MAX_REFERENCE] or None
    forward = ExchangeForward(exchange=exchange, centre_id=deal.licensor_id, deal=deal, status="concluded",
                              reference=reference, forwarded_by_id=actor.id if actor else None)
    db.session.add(forward)
    db.session.flush()
    _add_change(forward, None, "concluded", actor=actor, token=None, reason=None, reference=reference)
    audit.record("exchange.recorded", f"deal {deal.id} recorded as traded on {exchange.code}", target=deal,
                 actor=actor, data={"forward": forward.id, "exchange": exchange.code, "reference": reference})
    return forward


def _create(exchange: Organisation, centre_id: int, actor: User | None, note: str, **subject) -> ExchangeForward:
    forward = ExchangeForward(exchange=exchange, centre_id=centre_id, status="forwarded", note=(note or "").strip(),
                              forwarded_by_id=actor.id if actor else None, **subject)
    db.session.add(forward)
    db.session.flush()
    _add_change(forward, None, "forwarded", actor=actor, token=None, reason=None, reference=None)
    from portal.notify import notify

    operators = db.session.scalars(db.select(User).where(User.organisation_id == exchange.id,
                                                         User.role == "exchange_operator")).all()
    centre = db.session.get(Organisation, centre_id)
    notify(list(operators), "exchange.forwarded", {"centre": centre.code, "item": subject_label(forward),
                                                   **_subject_ids(forward)}, "exchange.detail", forward_id=forward.id)
    return forward


# --- status -----------------------------------------------------------------------------------

def change_status(forward: ExchangeForward, status: str | None, *, actor: User | None = None,
                  token: ExchangeToken | None = None, reason: str | None = None,
                  reference: str | None = None) -> ExchangeForwardChange:
    """The exchange reports a step: received → listed / announced → concluded, or returned (with a
    reason) from any open status. ``reference`` is the exchange's own number, optional."""
    status = (status or "").strip()
    reason = (reason or "").strip()
    reference = (reference or "").strip()
    if status not in FORWARD_STATUSES:
        raise OperationError(_("Unknown status: %(status)s.", status=status[:30]), field="status")
    if status not in forward.next_statuses:
        raise OperationError(_("A forward cannot go from “%(old)s” to “%(new)s”.",
                               old=FORWARD_STATUS_LABELS[forward.status], new=FORWARD_STATUS_LABELS[status]),
                             field="status")
    if status == "returned" and not reason:
        raise OperationError(_("Give the reason for returning it to the centre."), field="reason")
    if len(reason) > MAX_REASON:
        raise OperationError(_("The reason is too long (at most %(n)d characters).", n=MAX_REASON), field="reason")
    if len(reference) > MAX_REFERENCE:
        raise OperationError(_("The reference is too long (at most %(n)d characters).", n=MAX_REFERENCE),
                             field="reference")
    old = forward.status
    forward.status = status
    forward.updated_at = utcnow()
    if reference:
        forward.reference = reference
    forward.return_reason = reason if status == "returned" else forward.return_reason
    change = _add_change(forward, old, status, actor=actor, token=token, reason=reason, reference=reference)
    target = forward.deal if forward.deal is not None else forward.listing
    audit.record("exchange.status", f"{forward.exchange.code} forward {forward.id}: {old} → {status}",
                 target=target, actor=actor,
                 data={"forward": forward.id, "exchange": forward.exchange.code, "from": old, "to": status,
                       "reason": reason or None, "reference": reference or None,
                       "token": token.id if token else None})
    from portal.notify import notify

    staff = db.session.scalars(db.select(User).where(User.organisation_id == forward.centre_id,
                                                     User.role.in_(CENTRE_ROLES))).all()
    params = {"exchange": forward.exchange.code, "item": subject_label(forward), "reason": reason,
              **_subject_ids(forward)}
    if forward.deal is not None:
        notify(list(staff), f"exchange.{status}", params, "deals.detail", deal_id=forward.deal.id)
    else:
        notify(list(staff), f"exchange.{status}", params, "listings.detail", listing_id=forward.listing.id)
    return change


def forwards_of(*, deal: Deal | None = None, listing: Listing | None = None) -> list[ExchangeForward]:
    """A deal's or a listing's forwards, newest first."""
    query = db.select(ExchangeForward).order_by(ExchangeForward.id.desc())
    if deal is not None:
        query = query.where(ExchangeForward.deal_id == deal.id)
    elif listing is not None:
        query = query.where(ExchangeForward.listing_id == listing.id)
    else:
        return []
    return list(db.session.scalars(query))


# --- API tokens -------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(exchange: Organisation | None, name: str, actor: User | None) -> tuple[ExchangeToken, str]:
    """A new token for ``exchange``; returns the row and the plain token, which is never stored."""
    name = (name or "").strip()
    if exchange is None or exchange.kind != "exchange":
        raise OperationError(_("Choose one of the exchange bases."), field="exchange")
    if not name or len(name) > 100:
        raise OperationError(_("Give the token a name of at most 100 characters."), field="name")
    plain = secrets.token_urlsafe(32)
    token = ExchangeToken(exchange=exchange, name=name, token_hash=hash_token(plain),
                          created_by_id=actor.id if actor else None)
    db.session.add(token)
    db.session.flush()
    audit.record("exchange.token_created", f"API token {token.id} “{name}” for {exchange.code}", target=token,
                 actor=actor, data={"token": token.id, "exchange": exchange.code, "name": name})
    return token, plain


def revoke_token(token: ExchangeToken, actor: User | None) -> None:
    if token.revoked_at is not None:
        raise OperationError(_("This token has already been revoked."))
    token.revoked_at = utcnow()
    audit.record("exchange.token_revoked", f"API token {token.id} of {token.exchange.code} revoked", target=token,
                 actor=actor, data={"token": token.id, "exchange": token.exchange.code})


def token_for(plain: str | None) -> ExchangeToken | None:
    """The active token whose hash matches, or None (unknown, revoked or empty)."""
    if not plain or len(plain) > 200:
        return None
    token = db.session.scalar(db.select(ExchangeToken).where(ExchangeToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def record_token_use(token: ExchangeToken, method: str, path: str) -> None:
    token.last_used_at = utcnow()
    audit.record("exchange.token_used", f"API token {token.id} of {token.exchange.code}: {method} {path}"[:500],
                 target=token, actor=None, data={"token": token.id, "exchange": token.exchange.code, "method": method,
                                                 "path": path[:200]})


# --- the API's change feed --------------------------------------------------------------------

@dataclass
class ChangedPage:
    items: list[tuple[ExchangeForward, int]]  # each forward with the id of its latest change
    next_cursor: int
    has_more: bool


def changed_since(exchange: Organisation, since: int, limit: int) -> ChangedPage:
    """Forwards to ``exchange`` with a change whose id is above ``since``, in the order of their latest
    change; the next cursor is the latest change id returned (or ``since`` when nothing changed)."""
    last = func.max(ExchangeForwardChange.id).label("last_change")
    rows = db.session.execute(
        db.select(ExchangeForwardChange.forward_id, last)
        .join(ExchangeForward, ExchangeForward.id == ExchangeForwardChange.forward_id)
        .where(ExchangeForward.exchange_id == exchange.id, ExchangeForwardChange.id > since)
        .group_by(ExchangeForwardChange.forward_id).order_by(last).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    forwards = {f.id: f for f in db.session.scalars(
        db.select(ExchangeForward).where(ExchangeForward.id.in_([r.forward_id for r in rows])))}
    items = [(forwards[r.forward_id], r.last_change) for r in rows]
    return ChangedPage(items=items, next_cursor=rows[-1].last_change if rows else since, has_more=has_more)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def forward_to_dict(forward: ExchangeForward, cursor: int | None = None) -> dict:
    """A forward as the exchange's system reads it: the forward's state and the facts of the deal or listing."""
    from flask import url_for

    result: dict = {
        "id": forward.id,
        "type": "deal" if forward.deal is not None else "listing",
        "status": forward.status,
        "allowed_statuses": list(forward.next_statuses),
        "reference": forward.reference,
        "return_reason": forward.return_reason,
        "note": forward.note,
        "forwarded_at": _iso(forward.created_at),
        "updated_at": _iso(forward.updated_at),
        "centre": {"code": forward.centre.code, "name": forward.centre.name_zh},
        "documents_url": url_for("exchange_api.dossier", forward_id=forward.id, _external=True),
        "deal": None,
        "listing": None,
    }
    if cursor is not None:
        result["cursor"] = cursor
    deal = forward.deal
    if deal is not None:
        result["deal"] = {
            "id": deal.id,
            "kind": deal.kind,
            "mode": deal.mode,
            "licensor": {"code": deal.licensor.code, "name": deal.licensor.name_zh},
            "licensee": {"name": deal.licensee.name_zh, "credit_code": deal.licensee.credit_code},
            "application_numbers": [p.application_number for p in deal.patents],
            "contract_amount_yuan": format(deal.contract_amount_yuan, "f"),
            "effective_date": deal.effective_date.isoformat(),
            "term_end": deal.term_end.isoformat() if deal.term_end else None,
            "signed_date": deal.signed_date.isoformat() if deal.signed_date else None,
        }
    listing = forward.listing
    if listing is not None:
        result["listing"] = {
            "id": listing.id,
            "title": listing.title,
            "url": url_for("listings.detail", listing_id=listing.id, _external=True),
            "modes": listing.modes,
            "price_yuan": None if listing.price_yuan is None else format(listing.price_yuan, "f"),
            "application_numbers": [p.application_number for p in listing.patents],
            "status": listing.status,
        }
    return result
