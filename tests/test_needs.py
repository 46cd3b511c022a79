"""Technology needs: posting, the list and feed, proposals, requests from a proposal, matches both
ways, access for each role and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal import indexing
from portal.extensions import db
from portal.models import LicenceRequest, Need, NeedMatch, NeedProposal, Notification
from tests.conftest import post

STENT = dict(title="冠状动脉药物洗脱支架", ipc=["A61F 2/82"],
             abstract="本发明公开了一种冠状动脉药物洗脱支架，支架表面载有雷帕霉素涂层，降低再狭窄。")
GLOVE = dict(title="一种防滑医用手套", abstract="本发明公开了一种医用手套，手掌表面设置防滑纹路，方便手术操作。",
             ipc=["A61B 42/10"])


def future(days: int = 60) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


NEED = {"title": "需要冠状动脉支架药物涂层技术",
        "description": "我司生产心血管介入器械，希望获得药物洗脱支架的涂层技术，降低再狭窄。",
        "field": "medical_devices", "ipc": "a61f2/82", "budget_min_yuan": "100000", "budget_max_yuan": "500000",
        "modes": ["ordinary", "exclusive"], "deadline": future(), "visibility": "public"}


def listing(make, centre, publish=True, **patent):
    kw = dict(patent or STENT)
    title = kw.pop("title")
    return make.listing(centre, [make.patent(centre, title=title, **kw)], modes=("ordinary", "exclusive"),
                        title=title + "许可", field="medical_devices", publish=publish)


def apply_index(app):
    with app.app_context():
        indexing.apply_pending()


def post_need(client, **changes):
    return post(client, "/needs/new", {**NEED, **changes})


def only(app, model, **where):
    with app.app_context():
        rows = db.session.scalars(db.select(model).filter_by(**where)).all()
        return [r.id for r in rows]


def notifications(app, user, kind):
    with app.app_context():
        return db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind=kind)).all()


@pytest.fixture
def stent(make, centre, app):
    ref = listing(make, centre)
    listing(make, centre, **GLOVE)
    apply_index(app)
    return ref


def test_journey_post_propose_request(client, auth, app, make, centre, centre_staff, sme_user, stent):
    auth.login(sme_user.email)
    assert post_need(client).status_code == 302
    [need_id] = only(app, Need)
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "需要冠状动脉支架药物涂层技术" in page
    # The portal recommends the matching listing, says why, and told its centre.
    assert 'id="recommended"' in page and "冠状动脉药物洗脱支架许可" in page
    assert "防滑医用手套" not in page.split('id="recommended"')[1]
    assert "IPC" in page.split('id="recommended"')[1]
    assert notifications(app, centre_staff, "need.matches_yours")
    with app.app_context():
        need = db.session.get(Need, need_id)
        assert need.ipc == "A61F 2/82" and need.modes == ["exclusive", "ordinary"]
    auth.logout()

    auth.login(centre_staff.email)
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert 'id="propose"' in page and 'id="recommended"' not in page
    response = post(client, f"/needs/{need_id}/proposals", {"listings": [stent.id], "message": "可提供独占许可"})
    assert response.status_code == 302
    assert only(app, NeedProposal, need_id=need_id)
    assert notifications(app, sme_user, "need.proposal")
    auth.logout()

    auth.login(sme_user.email)
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "可提供独占许可" in page
    link = f"/listings/{stent.id}/request?via=need&amp;need={need_id}"
    assert link in page
    response = post(client, link.replace("&amp;", "&"), {"mode": "ordinary", "intended_use": "介入器械"})
    assert response.status_code == 302
    with app.app_context():
        request = db.session.scalars(db.select(LicenceRequest)).one()
        assert request.need_id == need_id
    # Both sides of the request see the need it answers.
    assert "对应的技术需求" in client.get(f"/requests/{request_id(app)}").get_data(as_text=True)
    auth.logout()
    auth.login(centre_staff.email)
    assert 'id="request-need"' in client.get(f"/requests/{request_id(app)}").get_data(as_text=True)


def request_id(app) -> int:
    with app.app_context():
        return db.session.scalars(db.select(LicenceRequest.id)).one()


def test_request_ignores_another_organisations_need(client, auth, app, make, centre, sme_user, other_sme, stent):
    auth.login(other_sme.email)
    post_need(client)
    [need_id] = only(app, Need)
    auth.logout()
    auth.login(sme_user.email)
    post(client, f"/listings/{stent.id}/request?via=need&need={need_id}", {"mode": "ordinary", "intended_use": "x"})
    post(client, f"/listings/{stent.id}/request?need=99999999999", {"mode": "ordinary", "intended_use": "y"})
    with app.app_context():
        assert [r.need_id for r in db.session.scalars(db.select(LicenceRequest))] == [None, None]


def test_centres_only_need_is_hidden_from_other_smes_and_visitors(client, auth, app, sme_user, other_sme,
                                                                  centre_staff, organiser):
    auth.login(sme_user.email)
    post_need(client, visibility="centres", title="保密的需求标题")
    [need_id] = only(app, Need)
    assert client.get(f"/needs/{need_id}").status_code == 200
    assert "保密的需求标题" in client.get("/needs").get_data(as_text=True)
    auth.logout()
    for who in (other_sme, None):
        if who:
            auth.login(who.email)
        assert client.get(f"/needs/{need_id}").status_code == 404
        assert "保密的需求标题" not in client.get("/needs").get_data(as_text=True)
        assert "保密的需求标题" not in client.get("/feeds/needs.atom").get_data(as_text=True)
        if who:
            auth.logout()
    for who in (centre_staff, organiser):
        auth.login(who.email)
        assert client.get(f"/needs/{need_id}").status_code == 200
        auth.logout()


def test_only_the_owner_closes(client, auth, app, sme_user, other_sme, centre_staff):
    auth.login(sme_user.email)
    post_need(client)
    [need_id] = only(app, Need)
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert 'id="close-need"' in page and "data-confirm" in page
    auth.logout()
    auth.login(other_sme.email)
    assert post(client, f"/needs/{need_id}/close").status_code == 404
    auth.logout()
    auth.login(centre_staff.email)
    assert post(client, f"/needs/{need_id}/close").status_code == 403
    auth.logout()
    with app.app_context():
        assert db.session.get(Need, need_id).status == "open"
    auth.login(sme_user.email)
    post(client, f"/needs/{need_id}/close")
    with app.app_context():
        assert db.session.get(Need, need_id).status == "closed"
    assert "需要冠状动脉支架" not in client.get("/needs").get_data(as_text=True)
    assert "需要冠状动脉支架" in client.get("/needs?status=closed").get_data(as_text=True)


def test_a_centre_proposes_only_its_own_published_listings(client, auth, app, make, centre, centre_staff,
                                                           other_centre_staff, sme_user, stent):
    draft = listing(make, centre, publish=False)
    auth.login(sme_user.email)
    post_need(client)
    [need_id] = only(app, Need)
    auth.logout()
    auth.login(other_centre_staff.email)
    response = post(client, f"/needs/{need_id}/proposals", {"listings": [stent.id], "message": "试试"})
    assert response.status_code == 400 and "只能推荐本中心" in response.get_data(as_text=True)
    auth.logout()
    auth.login(centre_staff.email)
    assert post(client, f"/needs/{need_id}/proposals", {"listings": [draft.id], "message": "草稿"}).status_code == 400
    assert post(client, f"/needs/{need_id}/proposals", {"listings": [stent.id], "message": ""}).status_code == 400
    auth.logout()
    auth.login(sme_user.email)
    assert post(client, f"/needs/{need_id}/proposals", {"listings": [stent.id], "message": "x"}).status_code == 403
    assert only(app, NeedProposal) == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"budget_min_yuan": "900000", "budget_max_yuan": "100"}, "预算上限低于下限"),
    ({"budget_max_yuan": "1e30"}, "请输入 0 至"),
    ({"budget_min_yuan": "NaN"}, "请输入 0 至"),
    ({"deadline": "2001-01-01"}, "截止日期必须晚于今天"),
    ({"deadline": "2026-02-31"}, ""),
    ({"ipc": "X99"}, "A61B"),
    ({"modes": []}, "请至少选择一种方式"),
    ({"title": ""}, ""),
    ({"field": "astrology"}, ""),
    ({"description": "含有\x00字符"}, "NUL"),
    ({"budget_min_yuan": "9" * 400}, "请输入 0 至"),
])
def test_bad_input_saves_nothing(client, auth, app, sme_user, changes, message):
    auth.login(sme_user.email)
    response = post_need(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert only(app, Need) == []


def test_all_problems_at_once(client, auth, app, sme_user):
    auth.login(sme_user.email)
    page = post_need(client, ipc="Z", budget_max_yuan="-5", deadline="2001-01-01").get_data(as_text=True)
    assert page.count("invalid-feedback") >= 3


def test_only_smes_post(client, auth, centre_staff):
    auth.login(centre_staff.email)
    assert client.get("/needs/new").status_code == 403
    assert post_need(client).status_code == 403


def test_list_filters_and_feed(client, auth, app, sme_user):
    auth.login(sme_user.email)
    post_need(client)
    post_need(client, title="康复训练机器人", description="需要下肢康复外骨骼", field="rehabilitation",
              modes=["assignment"], ipc="")
    auth.logout()
    assert "康复训练机器人" in client.get("/needs?q=外骨骼").get_data(as_text=True)
    assert "康复训练机器人" not in client.get("/needs?q=支架").get_data(as_text=True)
    assert "康复训练机器人" not in client.get("/needs?field=medical_devices").get_data(as_text=True)
    assert "康复训练机器人" in client.get("/needs?mode=assignment").get_data(as_text=True)
    assert client.get("/needs?q=%25%00&field=x&mode=y&status=z").status_code == 200
    feed = client.get("/feeds/needs.atom")
    assert feed.status_code == 200 and feed.content_type.startswith("application/atom+xml")
    assert "康复训练机器人" in feed.get_data(as_text=True)
    assert "<rss" in client.get("/feeds/needs.rss").get_data(as_text=True)


def test_expiry(client, auth, app, runner, sme_user):
    auth.login(sme_user.email)
    post_need(client)
    [need_id] = only(app, Need)
    with app.app_context():
        db.session.get(Need, need_id).deadline = date.today() - timedelta(days=1)
        db.session.commit()
    assert "已过期" in client.get(f"/needs/{need_id}").get_data(as_text=True)
    result = runner.invoke(args=["needs", "expire"])
    assert "1 need(s) expired" in result.output
    with app.app_context():
        assert db.session.get(Need, need_id).status == "expired"


def test_publishing_a_matching_listing_tells_the_sme_once(client, auth, app, make, centre, centre_staff,
                                                          sme_user, runner):
    auth.login(sme_user.email)
    post_need(client)
    [need_id] = only(app, Need)
    auth.logout()
    assert notifications(app, sme_user, "need.new_match") == []
    # A centre publishes through its pages: the index writer applies the listing and the hook tells.
    draft = listing(make, centre, publish=False)
    other = listing(make, centre, publish=False, **GLOVE)
    auth.login(centre_staff.email)
    for ref in (draft, other):
        assert post(client, f"/manage/listings/{ref.id}/publish").status_code in (302, 303)
    told = notifications(app, sme_user, "need.new_match")
    assert len(told) == 1 and told[0].params["listing_id"] == draft.id
    assert only(app, NeedMatch, need_id=need_id, listing_id=draft.id)
    # Another pass (the catch-up command) tells nobody again.
    runner.invoke(args=["needs", "match"])
    apply_index(app)
    assert len(notifications(app, sme_user, "need.new_match")) == 1


def test_a_database_fault_delays_the_announcement_but_never_loses_it(client, auth, app, make, centre,
                                                                   centre_staff, sme_user, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from portal.needs import matching

    auth.login(sme_user.email)
    post_need(client)
    auth.logout()
    real, calls = matching.announce_published, []

    def down_once(listing_ids, today):
        calls.append(list(listing_ids))
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return real(listing_ids, today)

    monkeypatch.setattr(matching, "announce_published", down_once)
    draft = listing(make, centre, publish=False)
    auth.login(centre_staff.email)
    assert post(client, f"/manage/listings/{draft.id}/publish").status_code in (302, 303)
    assert notifications(app, sme_user, "need.new_match") == []  # the hook failed: the pass failed
    apply_index(app)  # the writer's next pass, with nothing new in the log, calls the hook again
    assert calls == [[draft.id], [draft.id]]
    told = notifications(app, sme_user, "need.new_match")
    assert len(told) == 1 and told[0].params["listing_id"] == draft.id
    apply_index(app)
    assert len(calls) == 2  # told: not pending any more


def test_work_page_recommends_from_needs_and_requests(client, auth, app, make, centre, sme_user, stent):
    auth.login(sme_user.email)
    page = client.get("/work").get_data(as_text=True)
    assert 'id="work-recommended"' in page and "暂无推荐" in page
    post_need(client)
    page = client.get("/work").get_data(as_text=True)
    section = page.split('id="work-recommended"')[1].split("</section>")[0]
    assert "冠状动脉药物洗脱支架许可" in section and "与您的需求" in section
    # A listing the enterprise has asked about is not recommended again.
    post(client, f"/listings/{stent.id}/request", {"mode": "ordinary", "intended_use": "介入器械"})
    section = client.get("/work").get_data(as_text=True).split('id="work-recommended"')[1].split("</section>")[0]
    assert "冠状动脉药物洗脱支架许可" not in section
