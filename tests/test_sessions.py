"""Sessions that end: a session cookie copied before logout, a password change or deactivation
is refused afterwards; sessions expire when idle and after their lifetime; "log out everywhere";
client-supplied forwarding headers are not believed (issue 14, item 2)."""

from __future__ import annotations

import re

import pytest

from portal.auth import sessions
from portal.extensions import db
from portal.models import User
from tests.conftest import PASSWORD, csrf_token, post

NEW_PASSWORD = "amber-orchard-telescope-91"


def _copy(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
    return thief


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def signed_in(app, client, auth, sme_user):
    auth.login(sme_user.email)
    assert _signed_in(client)
    return sme_user


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, auth, signed_in):
    copy = _copy(app, client)
    assert _signed_in(copy)
    auth.logout()
    assert not _signed_in(client) and not _signed_in(copy)


def test_a_cookie_copied_before_a_password_change_is_refused_after_it(app, client, signed_in):
    copy = _copy(app, client)
    response = post(client, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert _signed_in(client)  # the session that changed it carries on
    assert not _signed_in(copy)


def test_log_out_everywhere(app, client, auth, signed_in):
    copy = _copy(app, client)
    response = client.post("/account/sessions/end", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert not _signed_in(client) and not _signed_in(copy)
    auth.login(signed_in.email)
    assert _signed_in(client)


def test_deactivation_ends_the_accounts_sessions(app, client, signed_in, admin):
    admin_client = app.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(admin_client, "/login")})
    response = admin_client.post(f"/admin/users/{signed_in.id}/active",
                                 data={"active": "0", "csrf_token": csrf_token(admin_client, "/admin/")})
    assert response.status_code == 302
    assert not _signed_in(client)


def test_an_active_session_still_ends_after_its_lifetime(app, client, signed_in, monkeypatch):
    started, step = sessions.now(), (app.config["SESSION_IDLE_MINUTES"] - 1) * 60
    moment = started
    while moment + step < started + app.config["SESSION_MAX_HOURS"] * 3600:
        moment += step  # a request just within the idle time each time
        monkeypatch.setattr(sessions, "now", lambda m=moment: m)
        assert _signed_in(client)
    monkeypatch.setattr(sessions, "now", lambda: started + app.config["SESSION_MAX_HOURS"] * 3600 + 1)
    assert not _signed_in(client)  # past the lifetime, however active


def test_idle_for_too_long(app, client, signed_in, monkeypatch):
    started = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: started + app.config["SESSION_IDLE_MINUTES"] * 60 + 61)
    assert not _signed_in(client)


def test_a_forged_forwarding_header_does_not_pass_strong_protection(app, client, signed_in):
    # The session was made from 127.0.0.1; a request from another address claiming, in
    # X-Forwarded-For, to come from 127.0.0.1 must not be believed (no trusted proxy configured).
    response = client.get("/account", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                          headers={"X-Forwarded-For": "127.0.0.1"})
    assert response.status_code != 200


def test_a_trusted_proxy_reports_the_client():
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from portal import config, create_app

    with TemporaryDirectory() as tmp:
        app = create_app(config.TestConfig(Path(tmp), TRUSTED_PROXIES=1))

        @app.get("/_test/addr")
        def addr():
            from flask import request

            return request.remote_addr or ""

        client = app.test_client()
        assert client.get("/_test/addr", headers={"X-Forwarded-For": "198.51.100.7"}).get_data(as_text=True) \
            == "198.51.100.7"


def test_the_epoch_is_stored(app, signed_in, client):
    with app.app_context():
        before = db.session.get(User, signed_in.id).session_epoch
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    with app.app_context():
        assert db.session.get(User, signed_in.id).session_epoch == before + 1


def test_the_command_line_sets_a_password_and_ends_the_sessions(app, client, runner, signed_in):
    result = runner.invoke(args=["users", "set-password", "--email", signed_in.email],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "sessions have ended" in result.output
    assert not _signed_in(client)
    fresh = app.test_client()
    fresh.post("/login", data={"email": signed_in.email, "password": NEW_PASSWORD,
                               "csrf_token": csrf_token(fresh, "/login")})
    assert _signed_in(fresh)
    weak = runner.invoke(args=["users", "set-password", "--email", signed_in.email, "--password", "12345678"])
    assert weak.exit_code != 0


def test_an_administrator_resets_a_password(app, client, signed_in, admin):
    admin_client = app.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(admin_client, "/login")})
    response = admin_client.post(f"/admin/users/{signed_in.id}/password",
                                 data={"csrf_token": csrf_token(admin_client, "/admin/")})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = response.get_data(as_text=True).split('id="initial-password">')[1].split("<")[0]
    assert not _signed_in(client)
    fresh = app.test_client()
    fresh.post("/login", data={"email": signed_in.email, "password": password,
                               "csrf_token": csrf_token(fresh, "/login")})
    assert _signed_in(fresh)


def test_failed_logins_are_limited_per_account_across_addresses(app, client, sme_user):
    statuses = []
    for n in range(7):  # each guess from another address
        statuses.append(client.post("/login", data={"email": sme_user.email.upper(), "password": f"wrong-{n}",
                                                    "csrf_token": csrf_token(client, "/login")},
                                    environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"}).status_code)
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_the_exchange_api_limits_per_token_whatever_its_spelling(app, client):
    from portal.models import Organisation
    from tests.test_exchange import new_token

    app.config["EXCHANGE_API_RATE_LIMIT"] = "3 per minute"
    with app.app_context():
        stex = db.session.scalar(db.select(Organisation.id).where(Organisation.code == "stex"))
    _token_id, plain = new_token(app, stex)
    spellings = [f"Bearer {plain}", f"bearer {plain}", f"Bearer  {plain}", f"BEARER {plain} "]
    statuses = [client.get("/api/v1/exchange/deals", headers={"Authorization": h}).status_code for h in spellings]
    assert statuses == [200, 200, 200, 429]


def test_limits_kept_in_memory_under_several_workers_are_reported_at_start(monkeypatch, caplog, tmp_path):
    import logging

    from portal import config, create_app

    monkeypatch.setattr("sys.argv", ["gunicorn", "--workers", "4", "portal:create_app()"])
    with caplog.at_level(logging.ERROR):
        create_app(config.TestConfig(tmp_path / "instance"))
    assert any("counted in memory" in r.getMessage() for r in caplog.records)


def test_signed_in_pages_are_not_stored_and_https_is_kept_to(app, client, signed_in):
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in client.get("/").headers  # HTTP in development
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")


def test_public_pages_stay_cacheable_when_signed_out(client):
    assert client.get("/listings").headers.get("Cache-Control") != "no-store"


def test_an_unknown_address_costs_a_login_as_much_as_a_known_one(app, monkeypatch):
    from werkzeug import security

    from portal.auth import operations

    checked = []
    real = security.check_password_hash
    monkeypatch.setattr("portal.models.users.check_password_hash",
                        lambda stored, password: checked.append(stored.split("$")[0]) or real(stored, password))
    with app.test_request_context():
        assert operations.authenticate("nobody@example.cn", "whatever-password") is None
        assert checked == [app.config.get("PASSWORD_HASH_METHOD", "scrypt")]  # one hash check, as for a real account


def test_refusals_are_on_record(app, client, auth, sme_user):
    from portal.models import AuditEntry

    auth.login(sme_user.email)
    assert client.get("/admin/").status_code == 403
    auth.logout()
    for _ in range(6):
        auth.login(sme_user.email, "wrong-password-x")
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind.like("security.%")))]
    assert "security.forbidden" in kinds and "security.rate_limited" in kinds


def _ask_reset(client, email):
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_token(client, "/password/forgot")})


def _mails(app):
    from portal.models import OutgoingMail

    with app.app_context():
        return [(m.to_address, m.body) for m in db.session.scalars(db.select(OutgoingMail))]


def test_a_password_reset_by_mail_works_once_and_ends_the_sessions(app, client, sme_user):
    victim = app.test_client()
    victim.post("/login", data={"email": sme_user.email, "password": PASSWORD,
                                "csrf_token": csrf_token(victim, "/login")})
    assert _signed_in(victim)
    known, unknown = _ask_reset(client, sme_user.email), _ask_reset(client, "nobody@example.cn")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    mails = _mails(app)
    assert [to for to, _ in mails] == [sme_user.email]  # only the account's own address gets a link
    link = re.search(r"http://localhost(/password/reset/\S+)", mails[0][1]).group(1)
    with app.app_context():
        from portal.models import PasswordReset

        assert link.rsplit("/", 1)[1] not in {r.token_hash for r in db.session.scalars(db.select(PasswordReset))}
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(link, data={**form, "csrf_token": csrf_token(client, link)}).status_code == 302
    assert not _signed_in(victim)  # every session ended
    again = client.get(link)
    assert again.status_code == 302 and "forgot" in again.headers["Location"]  # used up
    fresh = app.test_client()
    fresh.post("/login", data={"email": sme_user.email, "password": NEW_PASSWORD,
                               "csrf_token": csrf_token(fresh, "/login")})
    assert _signed_in(fresh)


def test_an_expired_reset_link_is_refused(app, client, sme_user, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from portal.models import PasswordReset

    _ask_reset(client, sme_user.email)
    link = re.search(r"http://localhost(/password/reset/\S+)", _mails(app)[0][1]).group(1)
    with app.app_context():
        reset = db.session.scalars(db.select(PasswordReset)).one()
        reset.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    assert client.get(link).status_code == 302
    assert client.get("/password/reset/not-a-token").status_code == 302


def test_an_administrator_verifies_an_enterprise_and_centres_see_it(app, client, auth, admin, centre, centre_staff,
                                                                      sme_user, make):
    from tests.test_deals import deal_form

    patent = make.patent(centre)
    auth.login(centre_staff.email)
    assert post(client, "/deals/new", deal_form(patent.id, sme_user.org_code)).status_code == 302
    deal_page = client.get("/deals/1").get_data(as_text=True)
    assert "未核验" in deal_page
    year = 2025
    drill = client.get(f"/metrics/centres/{centre.code}/deals?year={year}").get_data(as_text=True)
    assert "（自报）" in drill
    auth.logout()
    auth.login(admin.email)
    with app.app_context():
        from portal.models import Organisation

        org_id = db.session.scalar(db.select(Organisation.id).where(Organisation.code == sme_user.org_code))
    response = client.post(f"/admin/orgs/{org_id}/verified",
                           data={"verified": "1", "csrf_token": csrf_token(client, "/admin/orgs")})
    assert response.status_code == 302
    auth.logout()
    auth.login(centre_staff.email)
    assert "已核验" in client.get("/deals/1").get_data(as_text=True)
    assert "（自报）" not in client.get(f"/metrics/centres/{centre.code}/deals?year={year}").get_data(as_text=True)
