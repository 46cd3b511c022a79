"""Digests: one mail per subscriber and run, in the subscriber's language, listing per saved
search the listings published since that search's last digest that match it.

``send_digests("daily")`` serves the searches delivered by daily mail and by notification (an
in-app search gets a notification per search instead of a part of the mail); ``"weekly"`` those by
weekly mail. ``send_due`` runs each frequency whose time has come (``last_slot``): the worker
(``flask digests send --follow``) calls it every minute, so several workers, or a worker and a cron
job, may run at once.

Sent once, whoever runs it: each user's digest is one transaction. A search is **claimed** by a
compare-and-set on ``last_digest_at`` (as the mail queue claims rows, portal/mail.py), in that
transaction, before the listings it names are recorded in ``saved_search_sent`` (whose primary key
refuses a second record of the same listing for the same search) and the mail is queued in
``outgoing_mail``. A second runner finds the search claimed and skips it; if both read it before
either committed, the second's commit fails and rolls back whole. The queue then sends the mail
once, even with several senders.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Notification, SavedSearch, SavedSearchSent, User
from portal.notify import queue_mail
from portal.subscriptions import matching
from portal.subscriptions.entries import mail_part
from portal.subscriptions.tokens import unsubscribe_url

log = logging.getLogger(__name__)
FREQUENCIES = {"daily": ("daily", "in_app"), "weekly": ("weekly",)}


@dataclass
class DigestReport:
    users: int = 0
    mails: int = 0
    notifications: int = 0
    listings: int = 0

    def add(self, other: DigestReport) -> None:
        self.users += other.users
        self.mails += other.mails
        self.notifications += other.notifications
        self.listings += other.listings


def last_slot(frequency: str, now: datetime) -> datetime:
    """The latest time at or before ``now`` when a ``frequency`` digest was due (UTC): every day at
    ``DIGEST_HOUR`` o'clock Shanghai time, and for weekly ones on ``DIGEST_WEEKDAY`` (0 = Monday)."""
    config = current_app.config
    zone = ZoneInfo(config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    local = now.astimezone(zone)
    slot = local.replace(hour=int(config.get("DIGEST_HOUR", 8)), minute=0, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    if frequency == "weekly":
        slot -= timedelta(days=(slot.weekday() - int(config.get("DIGEST_WEEKDAY", 0))) % 7)
    return slot.astimezone(UTC)


def send_due(now: datetime | None = None) -> DigestReport:
    """Every frequency's digests whose slot has passed since their search's last digest."""
    now = now or datetime.now(UTC)
    report = DigestReport()
    for frequency in FREQUENCIES:
        report.add(send_digests(frequency, now, due_only=True))
    return report


def send_digests(frequency: str, now: datetime | None = None, due_only: bool = False) -> DigestReport:
    """Send the ``frequency`` digests now (``due_only``: only searches not served since the last
    slot). Commits each user's digest on its own; returns what was sent."""
    now = now or datetime.now(UTC)
    deliveries = FREQUENCIES[frequency]
    slot = last_slot(frequency, now) if due_only else None
    query = (select(SavedSearch.user_id).distinct().join(User, User.id == SavedSearch.user_id)
             .where(SavedSearch.delivery.in_(deliveries), User.active.is_(True)))
    if slot is not None:
        query = query.where(or_(SavedSearch.last_digest_at.is_(None), SavedSearch.last_digest_at < slot))
    user_ids = list(db.session.scalars(query.order_by(SavedSearch.user_id)))
    db.session.rollback()
    report = DigestReport()
    for user_id in user_ids:
        try:
            one = user_digest(user_id, deliveries, now, slot)
            db.session.commit()
        except IntegrityError:  # another runner sent this digest first
            db.session.rollback()
            log.info("digest for user %d sent by another runner", user_id)
            continue
        report.add(one)
    return report


def _claim(search: SavedSearch, now: datetime) -> bool:
    """Take ``search`` for this run: true unless another run moved its ``last_digest_at`` since we read it."""
    seen = search.last_digest_at
    statement = (update(SavedSearch)
                 .where(SavedSearch.id == search.id,
                        SavedSearch.last_digest_at.is_(None) if seen is None else SavedSearch.last_digest_at == seen)
                 .values(last_digest_at=now, digest_mark=now, updated_at=SavedSearch.updated_at)
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


def user_digest(user_id: int, deliveries: tuple[str, ...], now: datetime, slot: datetime | None) -> DigestReport:
    """One user's digest, in the caller's transaction: the claimed searches' new listings recorded
    as sent, one mail queued for the mailed ones and a notification for each in-app one."""
    report = DigestReport()
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return report
    query = select(SavedSearch).where(SavedSearch.user_id == user_id, SavedSearch.delivery.in_(deliveries))
    if slot is not None:
        query = query.where(or_(SavedSearch.last_digest_at.is_(None), SavedSearch.last_digest_at < slot))
    mailed: list[tuple[SavedSearch, list]] = []
    for search in db.session.scalars(query.order_by(SavedSearch.name, SavedSearch.id)).all():
        found = matching.new_listings(search)
        if not _claim(search, now):
            continue
        for listing in found:
            db.session.add(SavedSearchSent(saved_search_id=search.id, listing_id=listing.id, sent_at=now))
        if not found:
            continue
        report.listings += len(found)
        if search.delivery == "in_app":
            _notify(user, search, len(found))
            report.notifications += 1
        else:
            mailed.append((search, found))
    db.session.flush()
    if mailed:
        _queue_digest(user, mailed)
        report.mails += 1
    report.users = 1 if (mailed or report.notifications) else 0
    return report


def site_context():
    """url_for outside a request: against ``PORTAL_BASE_URL`` (commands and workers)."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["BASE_URL"])


def _locale(user: User) -> str:
    return user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _notify(user: User, search: SavedSearch, count: int) -> None:
    from flask import url_for

    from portal.subscriptions.describe import search_args

    with site_context():
        link = url_for("search.search_page", **search_args(search, sort="newest"))
    db.session.add(Notification(user_id=user.id, kind="saved_search.new",
                                params={"num": count, "name": search.name, "saved_search_id": search.id},
                                link=link))


def _queue_digest(user: User, mailed: list[tuple[SavedSearch, list]]) -> None:
    from portal.urls import external_url

    locale = _locale(user)
    all_ids = [search.id for search, _found in mailed]
    with site_context(), force_locale(locale):
        parts = [mail_part(search, found, locale) for search, found in mailed]
        total = sum(len(found) for _search, found in mailed)
        subject = gettext("[Medical patent licensing] New listings for your saved searches: %(num)d", num=total)
        stop_all = unsubscribe_url(user.id, all_ids)
        body = render_template("subscriptions/digest.txt", parts=parts, total=total, stop_all=stop_all,
                               several=len(parts) > 1, manage=external_url("subscriptions.index"))
    queue_mail(user.email, subject, body, headers={
        "List-Unsubscribe": f"<{stop_all}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    })
