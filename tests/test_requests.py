"""Licence requests, the centre's inbox, threads, notifications and mail; who sees what."""

from __future__ import annotations

import re
import socket

import pytest

from portal.extensions import db
from portal.models import LicenceRequest, Notification, OutgoingMail, RequestMessage
from tests.conftest import post

REQUEST = {"mode": "ordinary", "intended_use": "用于心血管介入器械产品线", "products": "冠脉支架",
           "region": "长三角", "scale": "年产 5 万套", "proposed_terms": "入门费 20 万元 + 3% 提成",
           "message": "希望尽快沟通"}


@pytest.fixture
def listing(make, centre, centre_staff):
    return make.listing(centre, [make.patent(centre)], modes=("ordinary", "exclusive"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def file(client, listing_id, **changes):
    return post(client, f"/listings/{listing_id}/request", {**REQUEST, **changes})


def count(app, model, **where):
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def test_request_journey(client, auth, app, listing, sme_user, centre_staff):
    auth.login(sme_user.email)
    response = file(client, listing.id)
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert count(app, Notification, user_id=centre_staff.id) == 1
    assert count(app, RequestMessage, request_id=request_id) == 1
    auth.logout()

    auth.login(centre_staff.email)
    inbox = client.get("/requests/").get_data(as_text=True)
    assert re.search(r'id="waiting-count"[^>]*>1<', inbox) and "测试机构" in inbox
    assert 'id="notification-count">1<' in client.get("/").get_data(as_text=True)
    for status in ("under_review", "negotiating"):
        assert post(client, f"/requests/{request_id}/status", {"status": status}).status_code == 302
    post(client, f"/requests/{request_id}/messages", {"body": "请提供产品注册计划"})
    post(client, f"/requests/{request_id}/status", {"status": "agreed"})
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "已同意" in page and "请提供产品注册计划" in page
    auth.logout()

    auth.login(sme_user.email)
    with app.app_context():
        item = db.session.get(LicenceRequest, request_id)
        assert item.status == "agreed"
        assert [h.to_status for h in item.history] == ["submitted", "under_review", "negotiating", "agreed"]
    # one notification per status change and one for the message
    assert count(app, Notification, user_id=sme_user.id) == 4
    page = client.get("/requests/").get_data(as_text=True)
    assert "已同意" in page


def test_decline_needs_a_reason_and_sme_may_withdraw(client, auth, app, listing, sme_user, centre_staff):
    auth.login(sme_user.email)
    request_id = int(file(client, listing.id).headers["Location"].rsplit("/", 1)[1])
    auth.logout()
    auth.login(centre_staff.email)
    response = post(client, f"/requests/{request_id}/status", {"status": "declined", "reason": ""},
                    follow_redirects=True)
    assert "请填写拒绝理由" in response.get_data(as_text=True)
    auth.logout()
    auth.login(sme_user.email)
    post(client, f"/requests/{request_id}/status", {"status": "withdrawn"})
    with app.app_context():
        assert db.session.get(LicenceRequest, request_id).status == "withdrawn"
    # a withdrawn request cannot be moved again
    post(client, f"/requests/{request_id}/status", {"status": "withdrawn"})
    with app.app_context():
        assert len(db.session.get(LicenceRequest, request_id).history) == 2


def test_sme_cannot_answer_its_own_request(client, auth, app, listing, sme_user):
    auth.login(sme_user.email)
    request_id = int(file(client, listing.id).headers["Location"].rsplit("/", 1)[1])
    post(client, f"/requests/{request_id}/status", {"status": "agreed"})
    with app.app_context():
        assert db.session.get(LicenceRequest, request_id).status == "submitted"


def test_only_offered_modes(client, auth, app, listing, sme_user):
    auth.login(sme_user.email)
    response = file(client, listing.id, mode="assignment")
    assert response.status_code == 400 and "不提供" in response.get_data(as_text=True)
    assert count(app, LicenceRequest) == 0


def test_no_exclusive_request_under_an_open_licence(client, auth, app, make, centre, centre_staff, sme_user):
    patent = make.patent(centre)
    listing = make.listing(centre, [patent], modes=("ordinary", "exclusive"))
    auth.login(centre_staff.email)
    post(client, f"/manage/patents/{patent.id}/open-licence", {
        "fee_method": "lump_sum", "fee_amount_yuan": "10000", "term_end": "2030-01-01",
        "announced_on": "2025-01-01"})
    auth.logout()
    auth.login(sme_user.email)
    response = file(client, listing.id, mode="exclusive")
    assert response.status_code == 400 and "独占许可" in response.get_data(as_text=True)
    assert file(client, listing.id, mode="ordinary").status_code == 302


def test_withdrawn_listing_takes_no_requests(client, auth, app, listing, sme_user, centre_staff):
    auth.login(centre_staff.email)
    post(client, f"/manage/listings/{listing.id}/withdraw", {"reason": ""})
    auth.logout()
    auth.login(sme_user.email)
    assert client.get(f"/listings/{listing.id}/request").status_code == 404
    assert file(client, listing.id).status_code == 404


def test_other_parties_cannot_see_or_change_a_request(client, auth, app, make, listing, sme_user, other_sme,
                                                      other_centre_staff, centre_staff):
    auth.login(sme_user.email)
    request_id = int(file(client, listing.id).headers["Location"].rsplit("/", 1)[1])
    auth.logout()
    for intruder in (other_sme, other_centre_staff):
        auth.login(intruder.email)
        assert client.get(f"/requests/{request_id}").status_code == 404
        assert post(client, f"/requests/{request_id}/messages", {"body": "hi"}).status_code == 404
        assert post(client, f"/requests/{request_id}/status", {"status": "withdrawn"}).status_code == 404
        assert str(request_id) not in client.get("/requests/").get_data(as_text=True).split('id="requests"')[1]
        auth.logout()
    auth.login(centre_staff.email)
    assert client.get("/requests/999999").status_code == 404
    assert client.get(f"/listings/{listing.id}/request").status_code == 403  # centres do not file requests
    with app.app_context():
        item = db.session.get(LicenceRequest, request_id)
        assert item.status == "submitted" and len(item.messages) == 1


def test_inbox_filters(client, auth, app, make, centre, centre_staff, sme_user):
    a = make.listing(centre, [make.patent(centre)], title="甲")
    b = make.listing(centre, [make.patent(centre)], title="乙")
    auth.login(sme_user.email)
    file(client, a.id)
    file(client, b.id)
    auth.logout()
    auth.login(centre_staff.email)

    def rows(query):
        return len(set(re.findall(r'href="/requests/(\d+)"', client.get(f"/requests/?{query}").get_data(as_text=True))))

    assert rows(f"listing={a.id}") == 1
    assert rows("status=agreed") == 0
    assert rows("older_than=1") == 0
    assert rows("older_than=0") == 2
    assert rows("status=open") == 2


def test_a_failure_half_way_saves_nothing(client, auth, app, listing, sme_user, monkeypatch):
    import portal.requests.operations as ops

    def broken(*args, **kwargs):
        raise RuntimeError("mail system exploded")

    monkeypatch.setattr(ops, "notify", broken)
    auth.login(sme_user.email)
    response = file(client, listing.id)
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert count(app, LicenceRequest) == 0
    assert count(app, RequestMessage) == 0
    assert count(app, Notification) == 0


def test_notifications_page_and_mark_read(client, auth, app, listing, sme_user, centre_staff):
    auth.login(sme_user.email)
    file(client, listing.id)
    auth.logout()
    auth.login(centre_staff.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert "新的许可申请" in page
    post(client, "/notifications/read")
    assert 'id="notification-count"' not in client.get("/").get_data(as_text=True)


def test_mail_is_sent_after_commit_to_a_real_smtp_server(client, auth, app, listing, sme_user, centre_staff):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        auth.login(sme_user.email)
        assert file(client, listing.id).status_code == 302
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in received] == [[centre_staff.email]]
    assert "许可申请" in received[0].content.decode("utf-8", "replace") or received[0].content
    with app.app_context():
        assert db.session.query(OutgoingMail).filter(OutgoingMail.sent_at.isnot(None)).count() == 1


def test_unreachable_smtp_keeps_mail_queued_and_request_saved(client, auth, app, listing, sme_user):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
    auth.login(sme_user.email)
    assert file(client, listing.id).status_code == 302
    with app.app_context():
        mail = db.session.scalar(db.select(OutgoingMail))
        assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
        assert db.session.query(LicenceRequest).count() == 1
