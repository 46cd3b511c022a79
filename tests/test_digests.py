"""Digests of saved searches, end to end: an SME saves a search, a centre publishes through the
real publish operation, ``flask digests send`` queues one mail that the sender hands to a real
SMTP server on 127.0.0.1; nothing is sent twice; the signed unsubscribe link (no login) stops it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from portal import indexing, mail
from portal.extensions import db
from portal.models import Notification, OutgoingMail, SavedSearch, SavedSearchSent, User
from tests.conftest import post
from tests.mailserver import MailServer, configure_smtp
from tests.test_feeds import TERMS


@pytest.fixture
def mail_server(app):
    server = MailServer().start()
    configure_smtp(app, server.port)
    yield server
    mail.sender(app).stop()
    server.stop()


def save_search(client, auth, user, q="支架", delivery="daily", **filters) -> int:
    auth.login(user.email)
    response = post(client, "/account/searches/new", {"q": q, "delivery": delivery, **filters})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    auth.logout()
    return int(response.headers["Location"].rsplit("/", 1)[1])


def publish(client, auth, app, staff, *listings) -> None:
    """Publish drafts as the centre's staff do, through the page (the real operation), and apply the index."""
    auth.login(staff.email)
    for listing in listings:
        assert post(client, f"/manage/listings/{listing.id}/publish").status_code == 302
    auth.logout()
    with app.app_context():
        indexing.apply_pending()


def draft(make, centre, title: str, patent_title: str, abstract: str, ipc=("A61F 2/82",), **fields):
    patent = make.patent(centre, title=patent_title, abstract=abstract, ipc=list(ipc))
    return make.listing(centre, [patent], title=title, publish=False, **fields)


def stent(make, centre, n: int = 1):
    return draft(make, centre, f"可降解冠状动脉支架{n}", f"一种可降解冠状动脉支架{n}", "本发明公开了一种可降解支架。")


def robot(make, centre):
    return draft(make, centre, "腹腔镜手术机器人", "一种腹腔镜手术机器人", "本发明公开了一种手术机械臂。",
                 ipc=("A61B 34/30",), field="surgery")


def send(runner, *args) -> str:
    result = runner.invoke(args=["digests", "send", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def delivery_of(app, search_id: int) -> str:
    with app.app_context():
        return db.session.get(SavedSearch, search_id).delivery


def test_a_saved_search_brings_one_mail_naming_the_new_listing(app, client, auth, runner, make, centre,
                                                               centre_staff, sme_user, mail_server):
    search_id = save_search(client, auth, sme_user)
    wanted, unwanted = stent(make, centre), robot(make, centre)
    publish(client, auth, app, centre_staff, wanted, unwanted)

    output = send(runner, "--frequency", "daily")
    assert "1 mail(s)" in output and "sent 1 mail(s)" in output
    assert mail_server.wait_for(1)
    [message] = mail_server.received
    assert mail_server.recipients == [[sme_user.email]]
    body = message.get_content()
    assert "可降解冠状动脉支架1" in body and "示例医院知识产权运营中心" in body and "普通许可" in body
    assert f"http://localhost/listings/{wanted.id}?via=digest" in body
    assert "腹腔镜手术机器人" not in body and f"/listings/{unwanted.id}" not in body
    assert "已保存检索有新的许可信息：1 条" in str(message["Subject"])
    assert re.fullmatch(r"<http://localhost/unsubscribe/[\w.-]+>", message["List-Unsubscribe"].strip())  # folded: legal
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # a second run names nothing new: no mail
    assert "0 mail(s)" in send(runner, "--frequency", "daily")
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutgoingMail.id))) == 1
    assert len(mail_server.received) == 1

    # the search's own link, opened without logging in, asks first, then stops the digest
    stop = re.search(r"退订此检索的推送：(\S+)", body).group(1).removeprefix("http://localhost")
    page = client.get(stop)
    assert page.status_code == 200 and "停止推送" in page.get_data(as_text=True)
    assert delivery_of(app, search_id) == "daily"  # opening the link changes nothing
    done = client.post(stop)
    assert done.status_code == 200 and "已退订" in done.get_data(as_text=True)
    assert delivery_of(app, search_id) == "feed"

    publish(client, auth, app, centre_staff, stent(make, centre, 2))
    assert "0 mail(s)" in send(runner, "--frequency", "daily")
    assert len(mail_server.received) == 1


def test_one_click_unsubscribe_from_the_header(app, client, auth, runner, make, centre, centre_staff, sme_user,
                                               mail_server):
    """RFC 8058: the mail program posts ``List-Unsubscribe=One-Click`` with no session and no form."""
    first = save_search(client, auth, sme_user, q="支架")
    second = save_search(client, auth, sme_user, q="可降解")
    publish(client, auth, app, centre_staff, stent(make, centre))
    send(runner, "--frequency", "daily")
    assert mail_server.wait_for(1)
    [message] = mail_server.received
    body = message.get_content()
    assert body.count("可降解冠状动脉支架1") == 2  # one mail, a part per search
    url = message["List-Unsubscribe"].strip().strip("<>").removeprefix("http://localhost")
    fresh = app.test_client()
    response = fresh.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert delivery_of(app, first) == delivery_of(app, second) == "feed"


def test_a_forged_or_mangled_link_does_nothing(app, client, auth, sme_user):
    search_id = save_search(client, auth, sme_user)
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not the secret", salt="saved-search-unsubscribe").dumps({"u": sme_user.id,
                                                                                         "s": [search_id]})
    for token in (forged, "garbage", "x" * 5000):
        assert client.get(f"/unsubscribe/{token}").status_code == 404
        assert client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert delivery_of(app, search_id) == "daily"


def test_a_link_stops_only_its_own_users_searches(app, client, auth, sme_user, other_sme):
    mine = save_search(client, auth, sme_user)
    theirs = save_search(client, auth, other_sme)
    from portal.subscriptions.tokens import unsubscribe_token

    with app.test_request_context():
        token = unsubscribe_token(sme_user.id, [mine, theirs])
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert (delivery_of(app, mine), delivery_of(app, theirs)) == ("feed", "daily")


def test_in_app_delivery_is_a_notification_not_a_mail(app, client, auth, runner, make, centre, centre_staff,
                                                      sme_user, mail_server):
    save_search(client, auth, sme_user, delivery="in_app")
    publish(client, auth, app, centre_staff, stent(make, centre), stent(make, centre, 2))
    assert "1 notification(s)" in send(runner, "--frequency", "daily")
    with app.app_context():
        [note] = db.session.scalars(select(Notification).where(Notification.user_id == sme_user.id)).all()
        assert note.kind == "saved_search.new" and note.params["num"] == 2
        assert db.session.scalar(select(db.func.count(OutgoingMail.id))) == 0
    auth.login(sme_user.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert "有 2 条新的许可信息" in page


def test_a_republished_listing_is_not_sent_again(app, client, auth, runner, make, centre, centre_staff, sme_user,
                                                 mail_server):
    save_search(client, auth, sme_user)
    listing = stent(make, centre)
    publish(client, auth, app, centre_staff, listing)
    send(runner, "--frequency", "daily")
    assert mail_server.wait_for(1)
    auth.login(centre_staff.email)
    assert post(client, f"/manage/listings/{listing.id}/withdraw", {"reason": "修改"}).status_code == 302
    auth.logout()
    publish(client, auth, app, centre_staff, listing)
    assert "0 mail(s)" in send(runner, "--frequency", "daily")
    assert len(mail_server.received) == 1


def test_weekly_searches_wait_for_the_weekly_run(app, client, auth, runner, make, centre, centre_staff, sme_user,
                                                 mail_server):
    save_search(client, auth, sme_user, delivery="weekly")
    publish(client, auth, app, centre_staff, stent(make, centre))
    assert "0 mail(s)" in send(runner, "--frequency", "daily")
    assert "1 mail(s)" in send(runner, "--frequency", "weekly")
    assert mail_server.wait_for(1)


def test_filters_of_the_saved_search_apply(app, client, auth, runner, make, centre, centre_staff, sme_user,
                                           mail_server):
    save_search(client, auth, sme_user, q="", field="surgery")
    publish(client, auth, app, centre_staff, stent(make, centre), robot(make, centre))
    send(runner, "--frequency", "daily")
    assert mail_server.wait_for(1)
    body = mail_server.received[0].get_content()
    assert "腹腔镜手术机器人" in body and "可降解冠状动脉支架" not in body


def test_the_mail_is_in_the_subscribers_language_with_open_licence_terms(app, client, auth, runner, make, centre,
                                                                           centre_staff, sme_user, mail_server):
    with app.app_context():
        db.session.get(User, sme_user.id).locale = "en"
        db.session.commit()
    save_search(client, auth, sme_user)
    listing = stent(make, centre)
    publish(client, auth, app, centre_staff, listing)
    with app.app_context():
        from portal.models import Listing

        patent_id = db.session.get(Listing, listing.id).patents[0].id
    auth.login(centre_staff.email)
    assert post(client, f"/manage/patents/{patent_id}/open-licence", TERMS).status_code == 302
    auth.logout()
    send(runner, "--frequency", "daily")
    assert mail_server.wait_for(1)
    message = mail_server.received[0]
    body = message.get_content()
    assert "New listings for your saved searches" in str(message["Subject"])
    assert "Ordinary licence" in body and "Open licence on" in body and "Lump sum 50,000.00 yuan" in body
    assert "until 2030-12-31" in body and "Stop this digest:" in body


def test_the_schedule_and_the_worker_send_what_is_due(app, client, auth, make, centre, centre_staff, sme_user):
    from portal.subscriptions.digest import last_slot, send_due

    with app.app_context():
        # 2026-12-09 is a Wednesday; 08:00 in Shanghai is 00:00 UTC
        now = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)
        assert last_slot("daily", now) == datetime(2026, 12, 9, 0, 0, tzinfo=UTC)
        assert last_slot("daily", datetime(2026, 12, 8, 23, 0, tzinfo=UTC)) == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
        assert last_slot("weekly", now) == datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    search_id = save_search(client, auth, sme_user)
    publish(client, auth, app, centre_staff, stent(make, centre))
    with app.app_context():
        assert send_due().mails == 1
        assert send_due().mails == 0  # served since the last slot
        db.session.execute(update(SavedSearch).values(last_digest_at=datetime.now(UTC) - timedelta(days=2)))
        db.session.commit()
        assert send_due().mails == 0  # due again, but nothing new
        assert db.session.get(SavedSearch, search_id).last_digest_at > datetime.now(UTC) - timedelta(hours=1)


def test_a_search_claimed_by_another_runner_is_skipped(app, client, auth, make, centre, centre_staff, sme_user):
    from portal.subscriptions.digest import user_digest

    search_id = save_search(client, auth, sme_user)
    publish(client, auth, app, centre_staff, stent(make, centre))
    with app.app_context():
        now = datetime.now(UTC)
        from portal.subscriptions import digest

        real_claim = digest._claim

        def claimed_meanwhile(search, at):
            db.session.execute(update(SavedSearch).where(SavedSearch.id == search.id)
                               .values(last_digest_at=at - timedelta(seconds=1))
                               .execution_options(synchronize_session=False))
            return real_claim(search, at)

        digest._claim = claimed_meanwhile
        try:
            report = user_digest(sme_user.id, ("daily",), now, None)
        finally:
            digest._claim = real_claim
        assert report.mails == 0
        assert db.session.scalar(select(db.func.count()).select_from(SavedSearchSent)
                                 .where(SavedSearchSent.saved_search_id == search_id)) == 0
        db.session.rollback()


def test_the_work_page_counts_new_listings_for_saved_searches(app, client, auth, runner, make, centre,
                                                              centre_staff, sme_user):
    save_search(client, auth, sme_user)
    auth.login(sme_user.email)
    page = client.get("/work").get_data(as_text=True)
    assert 'id="work-saved-searches"' in page and "已保存检索暂无" not in page
    auth.logout()
    publish(client, auth, app, centre_staff, stent(make, centre), stent(make, centre, 2), robot(make, centre))
    auth.login(sme_user.email)
    page = client.get("/work").get_data(as_text=True)
    section = page.split('id="work-saved-searches"', 1)[1].split("</section>", 1)[0]
    assert 'data-count="2"' in page.split('id="work-saved-searches"', 1)[1][:200] or "2 条新" in section
    assert "2 条新" in section and "/search?" in section
    auth.logout()
    send(runner, "--frequency", "daily")  # no SMTP server: queued; the listings count as sent
    auth.login(sme_user.email)
    section = client.get("/work").get_data(as_text=True).split('id="work-saved-searches"', 1)[1]
    assert "已保存的检索暂无新的许可信息" in section.split("</section>", 1)[0]


def test_turning_delivery_on_starts_from_then(app, client, auth, runner, make, centre, centre_staff, sme_user):
    """A feed-only search switched to mail weeks later does not mail the weeks before."""
    search_id = save_search(client, auth, sme_user, delivery="feed")
    publish(client, auth, app, centre_staff, stent(make, centre))
    with app.app_context():
        weeks_ago = datetime.now(UTC) - timedelta(days=21)
        db.session.execute(update(SavedSearch).values(created_at=weeks_ago, digest_mark=weeks_ago))
        from portal.models import Listing

        db.session.execute(update(Listing).values(published_at=datetime.now(UTC) - timedelta(days=14)))
        db.session.commit()
    auth.login(sme_user.email)
    assert post(client, f"/account/searches/{search_id}", {"name": "支架", "delivery": "daily"}).status_code == 302
    assert "0 mail(s)" in send(runner, "--frequency", "daily")


def test_an_inactive_account_gets_no_digest(app, client, auth, runner, make, centre, centre_staff, sme_user,
                                            mail_server):
    save_search(client, auth, sme_user)
    with app.app_context():
        db.session.get(User, sme_user.id).active = False
        db.session.commit()
    publish(client, auth, app, centre_staff, stent(make, centre))
    assert "0 mail(s)" in send(runner, "--frequency", "daily")
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutgoingMail.id))) == 0


def test_the_worker_sends_what_is_due(app, client, auth, runner, make, centre, centre_staff, sme_user, monkeypatch):
    """``digests send --follow`` runs the schedule in the long-lived loop of the other workers."""
    import portal.worker

    passes = []

    def one_pass(step, name, **kwargs):
        passes.append((name, step()))

    monkeypatch.setattr(portal.worker, "run_forever", one_pass)
    save_search(client, auth, sme_user)
    publish(client, auth, app, centre_staff, stent(make, centre))
    result = runner.invoke(args=["digests", "send", "--follow"])
    assert result.exit_code == 0, result.output
    assert passes == [("digests", 60.0)] and "1 mail(s)" in result.output
    refused = runner.invoke(args=["digests", "send", "--follow", "--frequency", "daily"])
    assert refused.exit_code != 0 and "--follow" in refused.output
