"""A company is registered once: a second person registering its credit code asks to join, and a
member of the company (or a site administrator) approves or declines (issue 14, item 4)."""

from __future__ import annotations

from portal.extensions import db
from portal.models import JoinRequest, Notification, User
from tests.conftest import PASSWORD, csrf_token
from tests.test_auth import register


def _decide(client, join_id: int, decision: str):
    return client.post(f"/account/joins/{join_id}/{decision}", data={"csrf_token": csrf_token(client, "/account")})


def _join_id(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(JoinRequest.id).order_by(JoinRequest.id.desc()))


def _can_log_in(app, email: str) -> bool:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    return client.get("/account").status_code == 200


def test_a_second_registrant_asks_to_join_and_a_member_approves(app, client, auth):
    assert register(client, app).status_code == 302  # the founder, signed in
    auth.logout()
    asking = app.test_client()
    response = register(asking, app, action="join", email="second@medtech.example.cn")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _can_log_in(app, "second@medtech.example.cn")  # nothing until a member approves
    with app.app_context():
        founder = db.session.scalar(db.select(User).where(User.email == "founder@medtech.example.cn"))
        assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == founder.id)) \
            == "company.join_requested"
    auth.login("founder@medtech.example.cn")
    page = client.get("/account").get_data(as_text=True)
    assert "second@medtech.example.cn" in page
    assert _decide(client, _join_id(app), "approve").status_code == 302
    assert _can_log_in(app, "second@medtech.example.cn")
    with app.app_context():
        second = db.session.scalar(db.select(User).where(User.email == "second@medtech.example.cn"))
        assert second.organisation_id == founder.organisation_id and second.role == "sme_member"
    assert _decide(client, _join_id(app), "approve").status_code == 302  # answered already: nothing more
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))
                                 .where(User.email == "second@medtech.example.cn")) == 1


def test_a_declined_request_makes_no_account(app, client, auth):
    register(client, app)
    auth.logout()
    register(app.test_client(), app, action="join", email="squatter@evil.example")
    auth.login("founder@medtech.example.cn")
    assert _decide(client, _join_id(app), "decline").status_code == 302
    assert not _can_log_in(app, "squatter@evil.example")


def test_only_the_company_or_an_administrator_decides(app, client, auth, other_sme, admin):
    register(client, app)
    auth.logout()
    register(app.test_client(), app, action="join", email="second@medtech.example.cn")
    auth.login(other_sme.email)  # a member of another company
    assert _decide(client, _join_id(app), "approve").status_code == 404
    auth.logout()
    auth.login(admin.email)
    assert _decide(client, _join_id(app), "approve").status_code == 302
    assert _can_log_in(app, "second@medtech.example.cn")
