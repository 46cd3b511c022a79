"""Mail: queued in the request's transaction, sent after commit by a background sender on a real
SMTP server (aiosmtpd on 127.0.0.1), never blocking the request; failures stay queued and are
retried with a backoff; a mail is claimed before it is sent, so it goes out once however many
senders run."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from portal import mail
from portal.extensions import db
from portal.models import LicenceRequest, OutgoingMail, User
from tests.conftest import post
from tests.mailserver import Blackhole, MailServer, configure_smtp, free_port, wait_until

REQUEST = {"mode": "ordinary", "intended_use": "用于心血管介入器械产品线", "products": "冠脉支架",
           "region": "长三角", "scale": "年产 5 万套", "proposed_terms": "入门费 20 万元 + 3% 提成",
           "message": "希望尽快沟通"}
ZH_PREFIX = "【医疗专利许可对接平台】"
EN_PREFIX = "[Medical patent licensing] "


@pytest.fixture
def listing(make, centre, centre_staff):
    return make.listing(centre, [make.patent(centre)], title="冠状动脉支架许可", modes=("ordinary",))


@pytest.fixture
def server(app):
    server = MailServer().start()
    configure_smtp(app, server.port)
    yield server
    mail.sender(app).stop()
    server.stop()


@pytest.fixture
def stop_sender(app):
    yield
    mail.sender(app).stop()


def file(client, listing_id) -> int:
    response = post(client, f"/listings/{listing_id}/request", REQUEST)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def org_name(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).organisation.name_zh


def rows(app) -> list[OutgoingMail]:
    with app.app_context():
        found = list(db.session.scalars(db.select(OutgoingMail).order_by(OutgoingMail.id)))
        db.session.expunge_all()
        return found


def body(message) -> str:
    return message.get_content()


# ---------------------------------------------------------------- delivery

def test_mail_is_sent_after_commit_to_a_real_smtp_server(client, auth, app, listing, sme_user, centre_staff,
                                                         server):
    auth.login(sme_user.email)
    request_id = file(client, listing.id)
    assert mail.sender(app).drain() and server.wait_for(1)
    assert server.recipients == [[centre_staff.email]]
    message = server.received[0]
    text = f"{org_name(app, sme_user)} 就“冠状动脉支架许可”提交了新的许可申请。"
    assert message["Subject"] == ZH_PREFIX + text
    assert message["To"] == centre_staff.email and message["From"] == "portal@example.cn"
    assert message["Message-ID"].startswith("<outgoing-mail-1.") and message["Date"]
    assert body(message) == f"{text}\n\nhttp://localhost/requests/{request_id}"
    [row] = rows(app)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None


def test_status_changes_and_messages_send_mail_too(client, auth, app, listing, sme_user, centre_staff, server):
    with app.app_context():  # the enterprise reads English, the centre the default Chinese
        db.session.get(User, sme_user.id).locale = "en"
        db.session.commit()
    auth.login(sme_user.email)
    request_id = file(client, listing.id)
    auth.logout()
    auth.login(centre_staff.email)
    assert post(client, f"/requests/{request_id}/status", {"status": "under_review"}).status_code == 302
    assert post(client, f"/requests/{request_id}/messages", {"body": "请提供产品注册计划"}).status_code == 302
    auth.logout()
    auth.login(sme_user.email)
    assert post(client, f"/requests/{request_id}/messages", {"body": "好的"}).status_code == 302
    assert server.wait_for(4)
    assert mail.sender(app).drain()
    link = f"http://localhost/requests/{request_id}"
    got = [(to, m["Subject"], body(m)) for to, m in zip(server.recipients, server.received, strict=True)]
    status = "The licence request on “冠状动脉支架许可” is now: Under review."
    sme_message = "New message on the licence request for “冠状动脉支架许可”."
    centre_message = "关于“冠状动脉支架许可”的许可申请有新消息。"
    assert sorted(got) == sorted([
        ([centre_staff.email], ZH_PREFIX + f"{org_name(app, sme_user)} 就“冠状动脉支架许可”提交了新的许可申请。",
         f"{org_name(app, sme_user)} 就“冠状动脉支架许可”提交了新的许可申请。\n\n{link}"),
        ([sme_user.email], EN_PREFIX + status, f"{status}\n\n{link}"),
        ([sme_user.email], EN_PREFIX + sme_message, f"{sme_message}\n\n{link}"),
        ([centre_staff.email], ZH_PREFIX + centre_message, f"{centre_message}\n\n{link}"),
    ])
    assert all(r.sent_at is not None for r in rows(app))


def test_smtp_down_request_fast_then_up_send_mail_delivers_once(client, auth, app, runner, listing, sme_user,
                                                                 centre_staff, stop_sender):
    hole = Blackhole()  # accepts the connection, never greets: the sender would wait SMTP_TIMEOUT
    configure_smtp(app, hole.port, SMTP_TIMEOUT=5, MAIL_RETRY_SECONDS=0.2, MAIL_POLL_SECONDS=3600)
    auth.login(sme_user.email)
    started = time.monotonic()
    request_id = file(client, listing.id)
    assert time.monotonic() - started < 2.5  # the response did not wait for the server
    with app.app_context():
        assert db.session.get(LicenceRequest, request_id) is not None
    [row] = rows(app)
    assert row.sent_at is None

    hole.close()  # the server goes away: the background sender's attempt fails and is counted
    assert wait_until(lambda: (r := rows(app)[0]).attempts == 1 and (r.last_error or "").startswith("failed at"))
    [row] = rows(app)
    assert row.sent_at is None

    server = MailServer(port=hole.port).start()  # … and comes back
    try:
        time.sleep(0.3)  # past the first backoff
        result = runner.invoke(args=["send-mail"])
        assert result.exit_code == 0 and "sent 1 mail(s)" in result.output
        assert runner.invoke(args=["send-mail"]).output.strip() == "sent 0 mail(s)"
        assert mail.sender(app).drain()  # the background sender finds nothing left either
        time.sleep(0.2)
        assert server.recipients == [[centre_staff.email]]
    finally:
        server.stop()
    [row] = rows(app)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None


def test_unreachable_server_keeps_mail_queued_and_request_saved(client, auth, app, listing, sme_user, stop_sender):
    configure_smtp(app, free_port())  # nothing listens there
    auth.login(sme_user.email)
    file(client, listing.id)
    assert mail.sender(app).drain()
    [row] = rows(app)
    assert row.sent_at is None and row.attempts == 1 and row.last_error.startswith("failed at")
    with app.app_context():
        assert db.session.query(LicenceRequest).count() == 1


def test_a_refused_recipient_stays_queued_and_the_rest_go(app, stop_sender):
    server = MailServer(refuse=("gone@example.cn",)).start()
    configure_smtp(app, server.port)
    try:
        with app.app_context():
            for address in ("a@example.cn", "gone@example.cn", "b@example.cn"):
                db.session.add(OutgoingMail(to_address=address, subject=f"to {address}", body="x"))
            db.session.commit()
            assert mail.send_pending() == 2
            assert mail.send_pending() == 0  # the refused one waits for its backoff
    finally:
        server.stop()
    assert sorted(m["To"] for m in server.received) == ["a@example.cn", "b@example.cn"]
    refused = next(r for r in rows(app) if r.to_address == "gone@example.cn")
    assert refused.sent_at is None and refused.attempts == 1 and "SMTPRecipientsRefused" in refused.last_error


def test_without_the_thread_mail_waits_for_the_worker(client, auth, app, runner, listing, sme_user, server):
    app.config["MAIL_SENDER_THREAD"] = False
    auth.login(sme_user.email)
    file(client, listing.id)
    assert mail.sender(app)._thread is None
    assert rows(app)[0].sent_at is None and server.received == []
    assert "sent 1 mail(s)" in runner.invoke(args=["send-mail"]).output
    assert len(server.received) == 1


# ---------------------------------------------------------------- claims and retries

def test_many_senders_send_each_mail_once(app, stop_sender):
    server = MailServer().start()
    configure_smtp(app, server.port)
    with app.app_context():
        for i in range(40):
            db.session.add(OutgoingMail(to_address=f"u{i}@example.cn", subject=f"mail {i}", body="x"))
        db.session.commit()
    errors = []

    def drain():  # each thread is a separate sender with its own session, like another worker
        try:
            with app.app_context():
                mail.send_pending()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    senders = [threading.Thread(target=drain) for _ in range(4)]
    try:
        for t in senders:
            t.start()
        for t in senders:
            t.join(30)
        with app.app_context():
            mail.send_pending()  # whatever a sender left (none, normally)
    finally:
        server.stop()
    assert errors == []
    subjects = [m["Subject"] for m in server.received]
    assert sorted(subjects) == sorted(f"mail {i}" for i in range(40))  # all of them, none twice
    assert {r.attempts for r in rows(app)} == {1}


def test_a_claim_is_a_compare_and_set(app):
    with app.app_context():
        row = OutgoingMail(to_address="a@example.cn", subject="s", body="b")
        db.session.add(row)
        db.session.commit()
        seen = mail.Queued(row.id, 0, None)
        marker = mail.claim(seen)
        assert marker and marker.startswith("sending since ")
        assert mail.claim(seen) is None  # a second process that read the same row loses
        claimed = db.session.get(OutgoingMail, row.id)
        assert claimed.attempts == 1 and claimed.last_error == marker
        now = datetime.now(UTC)
        assert not mail.is_due(1, marker, now, 60)  # in flight: nobody else takes it …
        assert mail.is_due(1, marker, now + mail.CLAIM_LEASE, 60)  # … unless its sender died
        assert mail.due_rows(10, now) == []


def test_backoff_doubles_and_stops():
    failed = datetime(2026, 1, 1, tzinfo=UTC)
    stamp = f"failed at {failed.isoformat()}: SMTPServerDisconnected: gone"
    assert mail.backoff(1, 60) == timedelta(minutes=1)
    assert mail.backoff(3, 60) == timedelta(minutes=4)
    assert mail.backoff(30, 60) == mail.MAX_BACKOFF
    assert mail.is_due(0, None, failed, 60)
    assert not mail.is_due(2, stamp, failed + timedelta(seconds=119), 60)
    assert mail.is_due(2, stamp, failed + timedelta(seconds=120), 60)
    assert not mail.is_due(mail.MAX_ATTEMPTS, stamp, failed + timedelta(days=1), 60)
    assert mail.is_due(1, "an error written before the stamps existed", failed, 60)
