"""Licence requests, the centre's inbox, threads, notifications and mail; who sees what."""

from __future__ import annotations

import re

import pytest

from portal import mail
from portal.extensions import db
from portal.models import AuditEntry, LicenceRequest, Notification, OutgoingMail, RequestMessage
from tests.conftest import post
from tests.mailserver import MailServer, configure_smtp

REQUEST = {"mode": "ordinary", "intended_use": "用于心血管介入器械产品线", "products": "冠脉支架",
           "region": "长三角", "scale": "年产 5 万套", "proposed_terms": "入门费 20 万元 + 3% 提成",
           "message": "希望尽快沟通"}


@pytest.fixture
def listing(make, centre, centre_staff):
    return make.listing(centre, [make.patent(centre)], modes=("ordinary", "exclusive"))


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


@pytest.mark.parametrize(("mode", "locale", "refusal"), [
    ("exclusive", "zh_CN", "独占许可"),
    ("sole", "en", "no sole licence may be granted"),
])
def test_no_exclusive_or_sole_request_under_an_open_licence(client, auth, app, make, centre, centre_staff,
                                                             sme_user, mode, locale, refusal):
    patent = make.patent(centre)
    listing = make.listing(centre, [patent], modes=("ordinary", mode))
    auth.login(centre_staff.email)
    post(client, f"/manage/patents/{patent.id}/open-licence", {
        "fee_method": "lump_sum", "fee_amount_yuan": "10000", "term_end": "2030-01-01",
        "announced_on": "2025-01-01"})
    auth.logout()
    auth.login(sme_user.email)
    if locale == "en":
        english(client)
    response = file(client, listing.id, mode=mode)
    assert response.status_code == 400 and refusal in response.get_data(as_text=True)
    assert count(app, LicenceRequest) == 0
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


@pytest.fixture
def mail_server(app):
    server = MailServer().start()
    configure_smtp(app, server.port)
    yield server
    mail.sender(app).stop()
    server.stop()


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.query(model).count()
                for model in (LicenceRequest, RequestMessage, Notification, OutgoingMail, AuditEntry)}


def test_a_failure_half_way_saves_nothing(client, auth, app, listing, sme_user, centre_staff, mail_server,
                                          monkeypatch):
    """Everything is written — request, message, notification, queued mail, audit — then the
    request fails before it ends: nothing of it stays, no mail leaves, the user sees a clean page."""
    import portal.requests.operations as ops

    real_notify = ops.notify
    written = {}

    def notify_then_fail(*args, **kwargs):
        real_notify(*args, **kwargs)
        db.session.flush()
        written.update({model.__name__: db.session.query(model).count()
                        for model in (LicenceRequest, RequestMessage, Notification, OutgoingMail, AuditEntry)})
        raise RuntimeError("the disk filled up after the notifications were written")

    monkeypatch.setattr(ops, "notify", notify_then_fail)
    auth.login(sme_user.email)
    before = counts(app)
    response = file(client, listing.id)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "RuntimeError" not in page and "disk filled" not in page
    assert '<h1 class="h3">500</h1>' in page  # the site's error page, in the site's layout
    # they were really written inside the request's transaction …
    assert all(written[name] > before[name] for name in ("LicenceRequest", "RequestMessage", "Notification",
                                                          "OutgoingMail", "AuditEntry")), (before, written)
    # … and are all gone
    assert counts(app) == before
    assert mail.sender(app).drain()
    assert mail_server.received == []


def test_notifications_page_and_mark_read(client, auth, app, listing, sme_user, centre_staff):
    auth.login(sme_user.email)
    file(client, listing.id)
    auth.logout()
    auth.login(centre_staff.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert "新的许可申请" in page
    post(client, "/notifications/read")
    assert 'id="notification-count"' not in client.get("/").get_data(as_text=True)


# --- issue 6: the matchmaking event a request came from, and refusals ---------------------------------

def english(client) -> None:
    """Messages this issue adds are checked in English: the msgids, whatever the catalogue says."""
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302


def an_event(app, organiser_org_id: int, listing_ids=(), *, days_ago: int = 1, title: str = "心血管器械对接会") -> int:
    from datetime import UTC, datetime, timedelta

    from portal.events.operations import EventData, create_event
    from portal.models import Organisation

    starts = datetime.now(UTC) - timedelta(days=days_ago)
    with app.app_context():
        event = create_event(db.session.get(Organisation, organiser_org_id), EventData(
            kind="matchmaking", title=title, starts_at=starts, ends_at=starts + timedelta(hours=3),
            place="徐汇区示例路 100 号", listing_ids=list(listing_ids)), actor=None)
        db.session.commit()
        return event.id


def test_request_names_the_event_it_came_from(client, auth, app, make, centre, listing, sme_user, organiser):
    shown = an_event(app, organiser.org_id, [listing.id], title="展示了该许可信息的对接会")
    elsewhere = an_event(app, organiser.org_id, [make.listing(centre, [make.patent(centre)]).id], title="别的对接会")
    long_ago = an_event(app, organiser.org_id, [listing.id], days_ago=400, title="很久以前的对接会")
    auth.login(sme_user.email)
    form = client.get(f"/listings/{listing.id}/request").get_data(as_text=True)
    assert f'<option value="{shown}">' in form
    assert f'value="{elsewhere}"' not in form and f'value="{long_ago}"' not in form

    english(client)
    for refused in (elsewhere, long_ago):
        response = file(client, listing.id, event_id=str(refused))
        assert response.status_code == 400
        assert "Choose one of the events that presented this listing." in response.get_data(as_text=True)
    assert file(client, listing.id, event_id="not-a-number").status_code == 400
    assert count(app, LicenceRequest) == 0

    request_id = int(file(client, listing.id, event_id=str(shown)).headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(LicenceRequest, request_id).event_id == shown
    assert f'href="/events/{shown}"' in client.get(f"/requests/{request_id}").get_data(as_text=True)
    # the event page lists the request under "what came of it", for the enterprise and the organiser
    for who in (sme_user, organiser):
        auth.logout()
        auth.login(who.email)
        page = client.get(f"/events/{shown}").get_data(as_text=True)
        rows = page.split('id="event-requests"')[1].split("</ul>")[0]
        assert f"#{request_id}" in rows
    assert "event-requests" not in client.get(f"/events/{elsewhere}").get_data(as_text=True)


def test_request_without_an_event_and_no_event_to_offer(client, auth, app, listing, sme_user):
    auth.login(sme_user.email)
    assert 'name="event_id"' not in client.get(f"/listings/{listing.id}/request").get_data(as_text=True)
    request_id = int(file(client, listing.id).headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(LicenceRequest, request_id).event_id is None


def test_concluded_listing_takes_no_requests(client, auth, app, listing, sme_user, centre_staff):
    from flask_babel import force_locale

    from portal.errors import OperationError
    from portal.models import Listing, User
    from portal.requests.operations import RequestData, file_request

    auth.login(centre_staff.email)
    assert post(client, f"/manage/listings/{listing.id}/conclude").status_code == 302
    auth.logout()
    auth.login(sme_user.email)
    assert client.get(f"/listings/{listing.id}/request").status_code == 404
    assert file(client, listing.id).status_code == 404
    with app.test_request_context():
        concluded = db.session.get(Listing, listing.id)
        assert concluded.status == "concluded"
        with force_locale("en"), pytest.raises(OperationError) as refused:
            file_request(concluded, db.session.get(User, sme_user.id), RequestData(mode="ordinary", intended_use="x"))
        assert refused.value.message == "This listing is no longer open to requests."
        db.session.rollback()
    assert count(app, LicenceRequest) == 0
