"""Outgoing mail: the ``outgoing_mail`` queue, drained after commit and never inside a request.

``notify`` adds an :class:`OutgoingMail` row in the caller's transaction, so a request that rolls
back queues nothing. After a request that queued mail, this process's **background sender** (a
daemon thread, started on first use) is woken and drains the queue while the response leaves; it
also wakes every ``MAIL_POLL_SECONDS`` to retry what failed. ``flask --app portal send-mail
--follow`` is the production sender (set ``PORTAL_MAIL_SENDER_THREAD=0`` in the web workers to
leave all sending to it); both may run at once.

Claims
------
Any number of processes may drain the same queue (gunicorn workers, send-mail workers, machines).
A row is **claimed** before it is sent, by a compare-and-set::

    UPDATE outgoing_mail SET attempts = attempts + 1, last_error = 'sending since …'
    WHERE id = :id AND attempts = :seen AND sent_at IS NULL

Every claim increments ``attempts``, so of two processes that read the same row only one update
matches; the other skips the row. This is plain SQL: atomic on SQLite (one writer at a time) and
on PostgreSQL (the second UPDATE waits for the first and re-checks its WHERE).

The table has no status or claim-time columns, so the state of a row that is not sent lives in a
machine-readable prefix of ``last_error`` (a migration adding ``claimed_at`` / ``next_attempt_at``
would make this explicit):

* ``NULL`` — never tried;
* ``sending since <UTC ISO time> by <host>:<pid>`` — claimed, in flight; after ``CLAIM_LEASE`` the
  sender is taken to have died and another may claim the row again;
* ``failed at <UTC ISO time>: <error>`` — the last attempt failed; due again after a backoff that
  doubles with each attempt (``MAIL_RETRY_SECONDS``, 2×, 4×, … at most ``MAX_BACKOFF``), given up
  after ``MAX_ATTEMPTS`` (the row stays, with its error, for an administrator to see).

Nothing holds a database transaction open while talking to the SMTP server.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import formatdate

from flask import Flask, current_app, g
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import OutgoingMail
from portal.worker import BackgroundThread

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=10)  # far longer than any SMTP timeout
SCAN = 500  # rows looked at per pass to find the due ones
SENDING = "sending since "
FAILED = "failed at "
# Headers a queued mail may carry besides the standard ones (``OutgoingMail.headers``).
EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Auto-Submitted")


# ---------------------------------------------------------------- the state of a queued row

def backoff(attempts: int, base_seconds: float) -> timedelta:
    """How long a row that failed ``attempts`` times waits before the next try."""
    return min(timedelta(seconds=base_seconds) * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _stamp(last_error: str | None, prefix: str) -> datetime | None:
    if not last_error or not last_error.startswith(prefix):
        return None
    text = last_error[len(prefix):].split(" ", 1)[0].rstrip(":")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def is_due(attempts: int, last_error: str | None, now: datetime, base_seconds: float) -> bool:
    """Whether an unsent row may be claimed now (claims and backoff as in the module doc)."""
    if attempts >= MAX_ATTEMPTS:
        return False
    claimed = _stamp(last_error, SENDING)
    if claimed is not None:
        return now - claimed >= CLAIM_LEASE
    failed = _stamp(last_error, FAILED)
    return failed is None or now - failed >= backoff(attempts, base_seconds)


def _failure(now: datetime, exc: BaseException) -> str:
    return f"{FAILED}{now.isoformat()}: {type(exc).__name__}: {exc}"[:500]


@dataclass(frozen=True)
class Queued:
    id: int
    attempts: int
    last_error: str | None


def _update(mail_id: int, **where):
    """An UPDATE of one row, as Core (the rows are not in the session)."""
    statement = update(OutgoingMail).where(OutgoingMail.id == mail_id)
    for name, value in where.items():
        column = getattr(OutgoingMail, name)
        statement = statement.where(column.is_(None) if value is None else column == value)
    return statement.execution_options(synchronize_session=False)


def claim(row: Queued, now: datetime | None = None) -> str | None:
    """Claim ``row`` as seen; the claim marker when this process won it, else None. Commits the
    session: senders run in their own app context, never inside a request's transaction."""
    now = now or datetime.now(UTC)
    marker = f"{SENDING}{now.isoformat()} by {socket.gethostname()}:{os.getpid()}"[:500]
    result = db.session.execute(_update(row.id, attempts=row.attempts, sent_at=None)
                                .values(attempts=OutgoingMail.attempts + 1, last_error=marker))
    db.session.commit()
    return marker if result.rowcount == 1 else None


def _mark_sent(mail_id: int) -> None:
    db.session.execute(_update(mail_id, sent_at=None).values(sent_at=datetime.now(UTC), last_error=None))
    db.session.commit()


def _mark_failed(mail_id: int, attempts: int, marker: str, exc: BaseException) -> None:
    """Release our claim with the error; a row someone took over in the meantime is left alone."""
    db.session.execute(_update(mail_id, attempts=attempts, last_error=marker, sent_at=None)
                       .values(last_error=_failure(datetime.now(UTC), exc)))
    db.session.commit()


def _count_failed_connection(rows: list[Queued], exc: BaseException) -> None:
    """The server could not be reached: one failed attempt for each row we meant to send."""
    now = datetime.now(UTC)
    for row in rows:
        db.session.execute(_update(row.id, attempts=row.attempts, sent_at=None)
                           .values(attempts=OutgoingMail.attempts + 1, last_error=_failure(now, exc)))
    db.session.commit()


# ---------------------------------------------------------------- sending

def due_rows(limit: int, now: datetime | None = None, base_seconds: float | None = None) -> list[Queued]:
    now = now or datetime.now(UTC)
    base = current_app.config.get("MAIL_RETRY_SECONDS", 60) if base_seconds is None else base_seconds
    found = db.session.execute(
        select(OutgoingMail.id, OutgoingMail.attempts, OutgoingMail.last_error)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.attempts, OutgoingMail.id).limit(SCAN)).all()
    db.session.rollback()  # end the read: no transaction stays open while we talk to SMTP
    return [Queued(*r) for r in found if is_due(r.attempts, r.last_error, now, base)][:limit]


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config.get("SMTP_TIMEOUT", 10))
    try:
        if config.get("SMTP_USER"):
            smtp.starttls()
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(mail: OutgoingMail) -> Message:
    """The mail as sent. The subject is all RFC 2047 encoded-words (the newer ``EmailMessage``
    folding leaves a space at the fold between plain and encoded text, which readers then show
    doubled). The Message-ID is the row's: a mail sent again after a crash can be recognised."""
    sender = current_app.config["SMTP_SENDER"]
    message = MIMEText(mail.body, "plain", "utf-8")
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = Header(mail.subject, "utf-8")
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<outgoing-mail-{mail.id}.{mail.created_at:%Y%m%d%H%M%S}@{sender.rpartition('@')[2]}>"
    for name, value in (mail.headers or {}).items():
        if name in EXTRA_HEADERS and isinstance(value, str) and "\r" not in value and "\n" not in value:
            message[name] = value
    return message


def send_pending(limit: int = 100) -> int:
    """Send the queued mail that is due; returns how many were sent.

    Each row is claimed just before it is sent and its outcome committed at once: a failure stays
    queued with its attempt count and error, to be retried after the backoff.
    """
    if not current_app.config.get("SMTP_HOST"):
        return 0
    rows = due_rows(limit)
    if not rows:
        return 0
    try:
        smtp = _connect()
    except OSError as exc:  # smtplib's errors are OSErrors too
        _count_failed_connection(rows, exc)
        log.warning("SMTP server unreachable (%d mail(s) stay queued): %s", len(rows), exc)
        return 0
    sent = 0
    try:
        for row in rows:
            marker = claim(row)
            if marker is None:
                continue  # another process has it
            attempts = row.attempts + 1
            mail = db.session.get(OutgoingMail, row.id)
            to_address = mail.to_address
            try:
                message = _message(mail)
                db.session.rollback()
                smtp.send_message(message)
            except (OSError, ValueError) as exc:  # ValueError: a header smtplib will not send
                db.session.rollback()
                _mark_failed(row.id, attempts, marker, exc)
                if attempts >= MAX_ATTEMPTS:
                    log.error("giving up mail %d to %s after %d attempts: %s", row.id, to_address, attempts, exc)
                if isinstance(exc, OSError) and not isinstance(
                        exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                    log.warning("SMTP connection lost: %s", exc)
                    break  # the rest stay queued, unclaimed, for the next pass
            else:
                _mark_sent(row.id)
                sent += 1
    finally:
        try:
            smtp.quit()
        except OSError:
            smtp.close()
    return sent


# ---------------------------------------------------------------- the background sender

def sender(app: Flask | None = None) -> BackgroundThread:
    app = app or current_app._get_current_object()
    return app.extensions["mail_sender"]


def configure(app: Flask) -> None:
    """Hand the mail a request queued to the background sender once the request is over."""
    app.extensions["mail_sender"] = BackgroundThread(app, send_pending, "portal-mail-sender",
                                                     lambda: app.config.get("MAIL_POLL_SECONDS", 30),
                                                     "sending queued mail failed")

    @app.after_request
    def wake_sender(response):
        # The view has committed (or rolled back: the sender then finds nothing new). Waking the
        # thread costs nothing; the response does not wait for SMTP.
        if g.pop("mail_queued", False) and app.config.get("SMTP_HOST") and app.config.get("MAIL_SENDER_THREAD", True):
            sender(app).nudge()
        return response
