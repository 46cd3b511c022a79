"""Saved searches: saved from the search page, listed, renamed, redelivered and deleted on the
account; each user sees only their own; bad input saves nothing and says why."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import SavedSearch
from portal.subscriptions.operations import MAX_PER_USER
from tests.conftest import post


def saved(app, user_id: int | None = None) -> list[SavedSearch]:
    with app.app_context():
        query = select(SavedSearch).order_by(SavedSearch.id)
        if user_id is not None:
            query = query.where(SavedSearch.user_id == user_id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def save(client, **data):
    values = {"q": "支架", "delivery": "daily"}
    values.update(data)
    return post(client, "/account/searches/new", values)


@pytest.mark.parametrize("role", ["sme_member", "centre_staff", "organiser", "exchange_operator", "site_admin"])
def test_every_signed_in_user_saves_a_search_from_the_search_page(client, auth, app, make, role):
    user = make.user(role)
    auth.login(user.email)
    page = client.get("/search?q=支架&field=medical_devices").get_data(as_text=True)
    assert 'id="save-search"' in page and "保存此检索" in page
    response = save(client, field="medical_devices", name="")
    assert response.status_code == 302
    [search] = saved(app, user.id)
    assert (search.query, search.filters, search.delivery) == ("支架", {"field": "medical_devices"}, "daily")
    assert "支架" in search.name and "医疗器械" in search.name  # named after its words and filters
    assert response.headers["Location"] == f"/account/searches/{search.id}"
    listing = client.get("/account/searches").get_data(as_text=True)
    assert search.name in listing and "/feeds/listings.atom?" in listing and "/feeds/listings.rss?" in listing


def test_visitors_are_asked_to_log_in(client, app):
    page = client.get("/search?q=支架").get_data(as_text=True)
    assert 'id="save-search-login"' in page and 'id="save-search"' not in page
    assert client.get("/account/searches").status_code == 302
    assert client.post("/account/searches/new", data={"q": "x", "delivery": "daily"}).status_code in (302, 400)
    assert saved(app) == []


def test_the_named_form_keeps_the_search_and_the_choice(client, auth, app, sme_user):
    auth.login(sme_user.email)
    page = client.get("/account/searches/new?q=手术机器人&mode=ordinary&open=1").get_data(as_text=True)
    assert 'value="手术机器人"' in page and "普通许可" in page and "开放许可" in page
    assert 'name="csrf_token"' in page
    response = save(client, q="手术机器人", mode="ordinary", open="1", name="机器人 开放许可", delivery="weekly")
    assert response.status_code == 302
    [search] = saved(app, sme_user.id)
    assert (search.name, search.delivery) == ("机器人 开放许可", "weekly")
    assert search.filters == {"mode": "ordinary", "open": "1"}


def test_rename_change_delivery_and_delete(client, auth, app, sme_user):
    auth.login(sme_user.email)
    save(client)
    [search] = saved(app)
    response = post(client, f"/account/searches/{search.id}", {"name": "心血管支架", "delivery": "in_app"})
    assert response.status_code == 302
    [search] = saved(app)
    assert (search.name, search.delivery) == ("心血管支架", "in_app")
    page = client.get("/account/searches").get_data(as_text=True)
    assert "站内通知" in page and "data-confirm" in page  # deleting asks first
    assert post(client, f"/account/searches/{search.id}/delete").status_code == 302
    assert saved(app) == []


def test_another_user_cannot_see_or_change_a_saved_search(client, auth, app, sme_user, other_sme, centre_staff):
    auth.login(sme_user.email)
    save(client, name="我的检索")
    [search] = saved(app)
    auth.logout()
    for intruder in (other_sme, centre_staff):
        auth.login(intruder.email)
        assert client.get(f"/account/searches/{search.id}").status_code == 404
        assert post(client, f"/account/searches/{search.id}", {"name": "改名", "delivery": "feed"}).status_code == 404
        assert post(client, f"/account/searches/{search.id}/delete").status_code == 404
        assert "我的检索" not in client.get("/account/searches").get_data(as_text=True)
        auth.logout()
    [still] = saved(app)
    assert (still.name, still.delivery) == ("我的检索", "daily")


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "x" * 10_000}, "名称最多 100 个字符"),
    ({"delivery": "hourly"}, "请选择"),
    ({"delivery": ""}, "请选择"),
    ({"q": "支" * 600}, "500"),
    ({"field": "astrology"}, "astrology"),
    ({"ipc": "99999"}, "A61B"),
])
def test_bad_input_saves_nothing_and_says_why(client, auth, app, sme_user, data, message):
    auth.login(sme_user.email)
    response = save(client, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert saved(app) == []


def test_nul_bytes_are_refused_with_a_message(client, auth, app, sme_user):
    auth.login(sme_user.email)
    response = save(client, name="支架\x00")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert saved(app) == []


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "delivery": "daily"}, "请为已保存的检索命名"),
    ({"name": "   ", "delivery": "daily"}, "请为已保存的检索命名"),
    ({"name": "y" * 10_000, "delivery": "daily"}, "名称最多 100 个字符"),
    ({"name": "好名字", "delivery": "every minute"}, "请选择"),
])
def test_bad_edits_change_nothing(client, auth, app, sme_user, data, message):
    auth.login(sme_user.email)
    save(client, name="原名")
    [search] = saved(app)
    response = post(client, f"/account/searches/{search.id}", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    [after] = saved(app)
    assert (after.name, after.delivery) == ("原名", "daily")


def test_the_cap_per_user_is_explained(client, auth, app, sme_user):
    with app.app_context():
        db.session.add_all([SavedSearch(user_id=sme_user.id, name=f"检索{i}", query=f"词{i}", filters={},
                                        delivery="feed") for i in range(MAX_PER_USER)])
        db.session.commit()
    auth.login(sme_user.email)
    response = save(client, name="再一个")
    assert response.status_code == 400
    assert f"最多只能保存 {MAX_PER_USER} 个" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(SavedSearch.id))) == MAX_PER_USER


def test_english_interface(client, auth, app, sme_user):
    client.set_cookie("portal_lang", "en")
    auth.login(sme_user.email)
    assert "Save this search" in client.get("/search?q=stent").get_data(as_text=True)
    response = save(client, q="stent", name="")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "E-mail, daily" in page and "Saved “" in page


def test_the_account_page_and_the_navigation_link_to_saved_searches(client, auth, sme_user):
    auth.login(sme_user.email)
    assert 'href="/account/searches"' in client.get("/account").get_data(as_text=True)
    assert 'id="nav-saved-searches"' in client.get("/listings").get_data(as_text=True)
