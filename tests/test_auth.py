"""Registration, login, logout, password change, the login rate limit."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Organisation, OutgoingMail, PendingRegistration, User
from tests.conftest import PASSWORD, csrf_token, post

VALID_CODE = "91310115MA1H7GQ2XU"


def registration(**overrides):
    data = {
        "company_name": "上海测试医疗器械有限公司",
        "credit_code": VALID_CODE,
        "industry": "industry",
        "employees": "80",
        "revenue_wan": "1500",
        "total_assets_wan": "",
        "email": "founder@medtech.example.cn",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def mailed_link(app, to: str, path: str = "/register/confirm/") -> str:
    """The path of the newest link to ``path…`` mailed to ``to``."""
    with app.app_context():
        bodies = db.session.scalars(db.select(OutgoingMail.body).where(OutgoingMail.to_address == to)
                                    .order_by(OutgoingMail.id.desc())).all()
    for body in bodies:
        found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def register(client, app, action: str = "finish", **overrides):
    """Register the way a person does: the form, the link in the mail, the button on its page."""
    data = registration(**overrides)
    response = post(client, "/register", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    link = mailed_link(app, data["email"])
    assert client.get(link).status_code == 200
    return post(client, f"{link}/{action}")


def count(app, model):
    with app.app_context():
        return db.session.query(model).count()


def test_register_sme_computes_and_shows_size_class(client, app):
    assert post(client, "/register", registration()).status_code == 302
    assert count(app, User) == 0 and count(app, Organisation) == 2  # nothing before the link is followed
    link = mailed_link(app, "founder@medtech.example.cn")
    assert "小型企业" in client.get(link).get_data(as_text=True)
    assert count(app, User) == 0  # opening the link (a mail scanner may) creates nothing
    response = post(client, link + "/finish", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "小型企业" in page  # 80 staff, 1500万 revenue in industry: small
    assert "中小微企业" in page
    with app.app_context():
        org = db.session.scalar(db.select(Organisation).where(Organisation.credit_code == VALID_CODE))
        assert org.size_class == "small" and org.kind == "enterprise"
        user = db.session.scalar(db.select(User).where(User.email == "founder@medtech.example.cn"))
        assert user.role == "sme_member" and user.organisation_id == org.id
        assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
        kinds = db.session.scalars(db.select(AuditEntry.kind)).all()
        assert "account.registered" in kinds


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("credit_code", "91310115MA1H7GQ2XA", "校验码应为 U"),  # wrong check character: says which one
        ("credit_code", "91310115MA1H7GQ2X", "应为 18 位"),  # wrong length
        ("credit_code", "91310115MA1H7GQ2OU", "不能出现 O"),  # forbidden letter
        ("industry", "biotech", "未知的行业：请从列表中选择。"),  # unknown industry: the message, not the label
        ("password", "password", "常见"),  # common password
        ("password", "short", "至少需要 8 个字符"),
        ("employees", "-3", "数值大小必须介于 0 到 10000000 之间"),
    ],
)
def test_bad_registration_is_refused_and_saves_nothing(client, app, field, value, expected):
    data = registration(**{field: value})
    if field == "password":
        data["confirm"] = value
    assert expected not in client.get("/register").get_data(as_text=True)  # only the error says it
    response = post(client, "/register", data)
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert count(app, User) == 0
    assert count(app, Organisation) == 2  # only the two exchange bases


def test_wrong_check_character_message_names_the_right_one(client):
    page = post(client, "/register", registration(credit_code="91310115MA1H7GQ2XA")).get_data(as_text=True)
    assert "校验" in page and "U" in page


def test_total_assets_required_for_construction(client, app):
    response = post(client, "/register", registration(industry="construction"))
    assert response.status_code == 400
    assert "资产总额" in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_a_second_registrant_of_a_company_chooses_to_join_or_claim(client, app, auth):
    register(client, app)
    auth.logout()
    other = app.test_client()
    assert post(other, "/register", registration(email="second@medtech.example.cn")).status_code == 302
    page = other.get(mailed_link(app, "second@medtech.example.cn")).get_data(as_text=True)
    assert "已使用该统一社会信用代码在平台上注册" in page and "申请加入" in page and "申领" in page
    assert count(app, User) == 1 and count(app, Organisation) == 1 + 2  # and the two exchange bases


def test_registration_does_not_say_whether_an_address_has_an_account(client, app, sme_user):
    new = post(client, "/register", registration(email="new@medtech.example.cn"))
    taken = post(app.test_client(), "/register", registration(email=sme_user.email, credit_code="91310000MA1FL7YF3C"))
    assert new.status_code == taken.status_code == 302
    assert new.headers["Location"] == taken.headers["Location"]
    assert client.get(new.headers["Location"]).get_data(as_text=True).count("注册") > 0
    # the owner of the taken address is told instead, and nothing is pending for it
    with app.app_context():
        mail = db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.to_address == sme_user.email))
        assert "已有账号" in mail.subject and "/password/forgot" in mail.body
        assert db.session.scalar(db.select(PendingRegistration.email)) == "new@medtech.example.cn"
    assert count(app, User) == 1


def test_a_registration_link_works_once_and_expires(client, app, monkeypatch):
    assert post(client, "/register", registration()).status_code == 302
    link = mailed_link(app, "founder@medtech.example.cn")
    assert post(client, link + "/finish").status_code == 302
    auth_client = app.test_client()
    assert auth_client.get(link).status_code == 302  # used: back to the form, with a message
    assert post(auth_client, link + "/finish").status_code == 302
    assert count(app, User) == 1
    assert post(auth_client, "/register", registration(email="late@medtech.example.cn",
                                                       credit_code="91310000MA1FL7YF3C")).status_code == 302
    late = mailed_link(app, "late@medtech.example.cn")
    with app.app_context():
        row = db.session.scalar(db.select(PendingRegistration)
                                .where(PendingRegistration.email == "late@medtech.example.cn"))
        row.expires_at = row.created_at
        db.session.commit()
    response = post(auth_client, late + "/finish", follow_redirects=True)
    assert "已过期" in response.get_data(as_text=True)
    assert count(app, User) == 1


def test_login_and_logout(client, auth, sme_user, app):
    response = auth.login(sme_user.email)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    # logging out is a POST; a GET changes nothing
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200
    auth.logout()
    assert client.get("/account").status_code == 302
    with app.app_context():
        kinds = db.session.scalars(db.select(AuditEntry.kind)).all()
        assert "auth.login" in kinds


def test_logout_without_csrf_token_is_refused(client, auth, sme_user):
    auth.login(sme_user.email)
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200


def test_failed_login_is_audited_and_says_so(client, auth, sme_user, app):
    response = auth.login(sme_user.email, "not-the-password")
    assert response.status_code == 401
    assert "密码" in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "auth.login_failed"))
        assert entry is not None and entry.actor_id == sme_user.id


def test_repeated_failed_logins_get_429(client, auth, sme_user):
    statuses = [auth.login(sme_user.email, "wrong-password-x").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # even the right password is refused until the window passes
    assert auth.login(sme_user.email).status_code == 429


def test_successful_logins_do_not_count_toward_the_limit(client, auth, sme_user):
    for _ in range(7):
        assert auth.login(sme_user.email).status_code == 302
        auth.logout()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_next_parameter_only_to_local_paths(client, sme_user, target):
    token = csrf_token(client, "/login")
    response = client.post(f"/login?next={target}",
                           data={"email": sme_user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/work"  # the work page, where login lands


def test_next_parameter_followed_when_local(client, sme_user):
    token = csrf_token(client, "/login")
    response = client.post("/login?next=/account/password",
                           data={"email": sme_user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/account/password"


def test_login_starts_a_new_session(client, sme_user):
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": sme_user.email, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(sme_user.id)


def test_change_password_requires_current(client, auth, sme_user):
    auth.login(sme_user.email)
    new = "quiet-river-stone-42"
    response = post(client, "/account/password", {"current": "wrong", "password": new, "confirm": new})
    assert response.status_code == 400
    assert "当前密码" in response.get_data(as_text=True)
    response = post(client, "/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    auth.logout()
    assert auth.login(sme_user.email, PASSWORD).status_code == 401
    assert auth.login(sme_user.email, new).status_code == 302


def test_inactive_account_cannot_log_in(client, auth, sme_user, app):
    with app.app_context():
        db.session.get(User, sme_user.id).active = False
        db.session.commit()
    assert auth.login(sme_user.email).status_code == 401
