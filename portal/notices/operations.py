"""Public notices: open, cancel, object, answer; and the check a deal priced by agreement must pass.

A public institution that licenses or transfers a result at a price fixed by agreement (协议定价)
publishes the result's name and the intended price for at least ``NOTICE_DAYS`` calendar days
(国发〔2016〕16号; DOMAIN.md §7). The deal may be signed only after the window has ended and every
objection is answered — or with an override whose reason is recorded on the deal and audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import audit
from portal.auth.operations import normalise_email
from portal.errors import OperationError
from portal.extensions import db
from portal.models import LicenceRequest, NoticeObjection, Organisation, Patent, PublicNotice, User
from portal.models.requests import REQUEST_MODES
from portal.urls import external_url

MAX_YUAN = Decimal(10) ** 13
PHONE_RE = re.compile(r"[0-9+()\- ]{5,40}")
NOTICE_REQUEST_STATUSES = ("under_review", "negotiating", "agreed")


def notice_days() -> int:
    return int(current_app.config.get("NOTICE_DAYS", 15))


def default_window(today: date) -> tuple[date, date]:
    """From today through the last of ``NOTICE_DAYS`` calendar days (both days counted)."""
    return today, today + timedelta(days=notice_days() - 1)


@dataclass
class NoticeData:
    title: str
    mode: str
    intended_price_yuan: Decimal | None
    patents: list[Patent]
    starts_on: date | None
    ends_on: date | None
    description: str = ""
    counterparty: Organisation | None = None
    show_counterparty: bool = False
    request: LicenceRequest | None = None
    extra: dict = field(default_factory=dict)


def check_notice(centre: Organisation, data: NoticeData, today: date) -> None:
    if not (data.title or "").strip():
        raise OperationError(_("Give the name of the result."), field="title")
    if data.mode not in REQUEST_MODES:
        raise OperationError(_("Unknown deal kind."), field="mode")
    if data.intended_price_yuan is None or not 0 <= data.intended_price_yuan < MAX_YUAN:
        raise OperationError(_("Give the intended price, in yuan, from 0 to below 10 trillion."),
                             field="intended_price_yuan")
    if not data.patents:
        raise OperationError(_("Choose at least one patent."), field="patents")
    if any(p.centre_id != centre.id for p in data.patents):
        raise OperationError(_("A notice can only cover the centre's own patents."), field="patents")
    if data.starts_on is None or data.ends_on is None:
        raise OperationError(_("Give the first and last day of the notice."), field="starts_on")
    if data.starts_on < today:
        raise OperationError(_("The notice cannot start in the past."), field="starts_on")
    days = notice_days()
    if (data.ends_on - data.starts_on).days + 1 < days:
        raise OperationError(_("The notice must run for at least %(days)d calendar days (first and last day "
                               "counted).", days=days), field="ends_on")
    if (data.ends_on - data.starts_on).days > 366:
        raise OperationError(_("A notice runs for at most a year."), field="ends_on")
    source = data.request
    if source is not None:
        if source.listing.centre_id != centre.id:
            raise OperationError(_("Choose one of the centre's own requests."))
        if source.status not in NOTICE_REQUEST_STATUSES:
            raise OperationError(_("A notice is opened for a request under review, in negotiation or agreed."))
    if data.show_counterparty and data.counterparty is None:
        raise OperationError(_("Choose the counterparty to show it."), field="show_counterparty")


def open_notice(centre: Organisation, data: NoticeData, actor: User | None, today: date) -> PublicNotice:
    """Publish a notice of a pending transaction; it is public at once and in the notices feed."""
    check_notice(centre, data, today)
    counterparty = data.counterparty or (data.request.enterprise if data.request else None)
    notice = PublicNotice(
        centre_id=centre.id, request_id=data.request.id if data.request else None, title=data.title.strip()[:300],
        description=(data.description or "").strip(), mode=data.mode, intended_price_yuan=data.intended_price_yuan,
        counterparty_id=counterparty.id if counterparty else None,
        show_counterparty=bool(data.show_counterparty and counterparty), starts_on=data.starts_on,
        ends_on=data.ends_on, patents=list(dict.fromkeys(data.patents)), created_by_id=actor.id if actor else None)
    db.session.add(notice)
    db.session.flush()
    audit.record("notice.opened", f"notice {notice.id}: {notice.title}", target=notice, actor=actor,
                 data={"title": notice.title, "price": str(notice.intended_price_yuan),
                       "starts": data.starts_on.isoformat(), "ends": data.ends_on.isoformat()})
    return notice


def cancel_notice(notice: PublicNotice, actor: User | None, today: date, reason: str) -> None:
    """Withdraw a notice (the transaction will not go ahead as announced); it stays public, marked."""
    from portal.models import Deal

    if notice.cancelled_on is not None:
        raise OperationError(_("The notice is already cancelled."))
    if db.session.scalar(db.select(Deal.id).where(Deal.notice_id == notice.id).limit(1)) is not None:
        raise OperationError(_("A deal was recorded after this notice: it cannot be cancelled."))
    if not (reason or "").strip():
        raise OperationError(_("Give the reason."), field="reason")
    notice.cancelled_on = today
    audit.record("notice.cancelled", f"notice {notice.id} cancelled", target=notice, actor=actor,
                 data={"reason": reason.strip()[:500]})


@dataclass
class ObjectionData:
    name: str
    email: str
    body: str
    organisation: str = ""
    phone: str = ""


def file_objection(notice: PublicNotice, data: ObjectionData, today: date, ip: str | None) -> NoticeObjection:
    """Anyone may object while the window is open; the centre's staff are told at once."""
    from portal.notify import notify

    if notice.state(today) != "open":
        raise OperationError(_("Objections can be filed only while the notice window is open."))
    if not data.name.strip() or not data.email.strip() or not data.body.strip():
        raise OperationError(_("Give your name, e-mail address and the objection."))
    email = normalise_email(data.email)
    if data.phone.strip() and not PHONE_RE.fullmatch(data.phone.strip()):
        raise OperationError(_("A telephone number has digits, spaces, +, - and brackets only."), field="phone")
    objection = NoticeObjection(notice=notice, name=data.name.strip()[:100], email=email[:254],
                                organisation=data.organisation.strip()[:200], phone=data.phone.strip()[:40],
                                body=data.body.strip(), ip=ip)
    db.session.add(objection)
    db.session.flush()
    audit.record("notice.objection", f"objection {objection.id} on notice {notice.id}", target=notice, actor=None,
                 data={"objection": objection.id})
    notify(centre_staff(notice.centre_id), "notice.objection", {"title": notice.title}, "notices.detail",
           notice_id=notice.id)
    return objection


def answer_objection(objection: NoticeObjection, answer: str, actor: User | None) -> None:
    """The centre's answer: shown publicly under the objection, and mailed to the objector."""
    from portal.notify import queue_mail

    if objection.answer is not None:
        raise OperationError(_("This objection has already been answered."))
    if not (answer or "").strip():
        raise OperationError(_("Write the answer."), field="answer")
    objection.answer = answer.strip()
    objection.answered_at = datetime.now(UTC)
    objection.answered_by_id = actor.id if actor else None
    notice = objection.notice
    audit.record("notice.answered", f"objection {objection.id} on notice {notice.id} answered", target=notice,
                 actor=actor, data={"objection": objection.id})
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("[Medical patent licensing] Answer to your objection to “%(title)s”", title=notice.title[:80])
        body = "\n\n".join([objection.answer, external_url("notices.detail", notice_id=notice.id)])
    queue_mail(objection.email, subject, body)


def centre_staff(centre_id: int) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.organisation_id == centre_id,
                                                         User.role.in_(("centre_staff", "centre_admin")))))


# ---------------------------------------------------------------- the check at signing

def notice_for_deal(centre: Organisation, patents: list[Patent], request: LicenceRequest | None) -> PublicNotice | None:
    """The notice that announced this transaction: the request's own, else the centre's latest
    notice (not cancelled) that covers every patent of the deal."""
    query = db.select(PublicNotice).where(PublicNotice.centre_id == centre.id, PublicNotice.cancelled_on.is_(None))
    if request is not None:
        found = db.session.scalar(query.where(PublicNotice.request_id == request.id)
                                  .order_by(PublicNotice.id.desc()).limit(1))
        if found is not None:
            return found
    wanted = {p.id for p in patents}
    for notice in db.session.scalars(query.order_by(PublicNotice.id.desc()).limit(200)):
        if wanted <= {p.id for p in notice.patents}:
            return notice
    return None


def check_signing(centre: Organisation, patents: list[Patent], request: LicenceRequest | None, signed_on: date,
                  today: date, override_reason: str | None) -> tuple[PublicNotice | None, str | None]:
    """A deal priced by agreement: its notice ended before it was signed and every objection is
    answered; or the override's reason is given. Returns (notice, override reason)."""
    reason = (override_reason or "").strip()[:500] or None
    notice = notice_for_deal(centre, patents, request)
    try:
        return _check_notice_done(notice, signed_on, today), None
    except OperationError:
        if reason is None:
            raise
        return notice, reason  # the override is recorded only when the notice does not suffice


def _check_notice_done(notice: PublicNotice | None, signed_on: date, today: date) -> PublicNotice:
    if notice is None:
        raise OperationError(_("A deal priced by agreement needs a public notice of at least %(days)d days "
                               "before it is signed: open one, or record why none was needed.", days=notice_days()),
                             field="pricing")
    if notice.ends_on >= today or notice.ends_on >= signed_on:
        raise OperationError(_("The public notice runs until %(day)s: the deal cannot be signed before it "
                               "ends.", day=notice.ends_on.isoformat()), field="signed_date")
    if notice.unanswered:
        raise OperationError(_("%(count)d objection(s) to the public notice are not answered yet.",
                               count=len(notice.unanswered)), field="pricing")
    return notice
