"""``flask --app portal orgs|users|demo``: what an operator types on the server."""

from __future__ import annotations

import json
import re

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Organisation, User
from tests.conftest import PASSWORD

VALID_CODE = "91310115MA1H7GQ2XU"
DEMO_PASSWORD_LINE = re.compile(r"^(\S+)\s+(\S+)\s+password: (\S+)$", re.MULTILINE)


def flask(runner, app, *args):
    """Run a command the way ``flask --app portal …`` does: FlaskGroup pushes an app context
    before it runs any of the app's commands (plain click commands such as ``demo`` included)."""
    with app.app_context():
        return runner.invoke(args=list(args))


def refused(result, exit_code: int = 1) -> str:
    """The command stopped with a message for the operator (click's "Error: …"), not a crash."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error:" in result.output
    return result.output


def orgs(app) -> dict[str, Organisation]:
    with app.app_context():
        found = db.session.scalars(db.select(Organisation)).all()
        db.session.expunge_all()
        return {o.code: o for o in found}


def emails(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(User.email)))


def audit_kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.kind)))


# --- orgs create ------------------------------------------------------------------------------


def test_orgs_create(runner, app):
    result = flask(runner, app, "orgs", "create", "--kind", "centre", "--code", "Ruijin-IP",
                   "--name", " 瑞金医院知识产权运营中心 ", "--name-en", "Ruijin IP Centre")
    assert result.exit_code == 0, result.output
    assert "created centre ruijin-ip" in result.output
    org = orgs(app)["ruijin-ip"]  # the code is normalised to lower case
    assert (org.kind, org.name_zh, org.name_en, org.credit_code) == (
        "centre", "瑞金医院知识产权运营中心", "Ruijin IP Centre", None)
    assert "org.created" in audit_kinds(app)


def test_orgs_create_enterprise_normalises_credit_code(runner, app):
    result = flask(runner, app, "orgs", "create", "--kind", "enterprise", "--code", "medtech",
                   "--name", "上海测试医疗器械有限公司", "--credit-code", VALID_CODE.lower())
    assert result.exit_code == 0, result.output
    assert orgs(app)["medtech"].credit_code == VALID_CODE


@pytest.mark.parametrize("code", ["ruijin-ip", "RUIJIN-IP", "sipe"])
def test_orgs_create_refuses_a_taken_code(runner, app, make, code):
    make.org("centre", code="ruijin-ip", name_zh="瑞金医院知识产权运营中心")
    before = orgs(app)
    result = flask(runner, app, "orgs", "create", "--kind", "centre", "--code", code, "--name", "另一个中心")
    refused(result)
    assert f"代码 {code.lower()} 已被占用" in result.output  # the operation's own message, not a crash
    after = orgs(app)
    assert after.keys() == before.keys()
    assert after[code.lower()].name_zh == before[code.lower()].name_zh


def test_orgs_create_refuses_a_duplicate_credit_code(runner, app):
    args = ["orgs", "create", "--kind", "enterprise", "--name", "上海测试医疗器械有限公司", "--credit-code", VALID_CODE]
    assert flask(runner, app, *args, "--code", "first").exit_code == 0
    result = flask(runner, app, *args, "--code", "second")
    refused(result)
    assert "统一社会信用代码" in result.output
    assert "second" not in orgs(app)


@pytest.mark.parametrize(("credit_code", "expected"), [
    ("91310115MA1H7GQ2XA", "校验码应为 U"),  # wrong check character: names the right one
    ("91310115MA1H7GQ2X", "18"),  # too short
])
def test_orgs_create_refuses_a_bad_credit_code(runner, app, credit_code, expected):
    result = flask(runner, app, "orgs", "create", "--kind", "enterprise", "--code", "acme",
                   "--name", "某医疗科技有限公司", "--credit-code", credit_code)
    refused(result)
    assert expected in result.output
    assert "acme" not in orgs(app)
    assert "org.created" not in audit_kinds(app)


def test_orgs_create_refuses_an_unknown_kind(runner, app):
    result = flask(runner, app, "orgs", "create", "--kind", "hospital", "--code", "x-hospital", "--name", "某医院")
    refused(result, 2)
    assert "--kind" in result.output and "hospital" in result.output
    assert "x-hospital" not in orgs(app)


@pytest.mark.parametrize("code", ["bad code", "-leading", "double--hyphen", "中文"])
def test_orgs_create_refuses_a_malformed_code(runner, app, code):
    result = flask(runner, app, "orgs", "create", "--kind", "centre", "--code", code, "--name", "某中心")
    refused(result)
    assert set(orgs(app)) == {"sipe", "stex"}


# --- orgs list --------------------------------------------------------------------------------


def test_orgs_list_json(runner, app, make):
    make.org("centre", code="ruijin-ip", name_zh="瑞金医院知识产权运营中心")
    result = flask(runner, app, "orgs", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert isinstance(rows, list)
    assert all({"code", "kind", "name"} <= row.keys() for row in rows)
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == {"sipe", "stex", "ruijin-ip"}
    assert by_code["sipe"]["kind"] == by_code["stex"]["kind"] == "exchange"
    assert by_code["stex"]["name"] == "上海技术交易所"  # Chinese kept as is, not \u-escaped
    assert "上海技术交易所" in result.output
    assert by_code["ruijin-ip"] == {**by_code["ruijin-ip"], "kind": "centre", "name": "瑞金医院知识产权运营中心"}


def test_orgs_list_filters_by_kind(runner, app, make):
    make.org("centre", code="ruijin-ip")
    rows = json.loads(flask(runner, app, "orgs", "list", "--json", "--kind", "exchange").output)
    assert sorted(row["code"] for row in rows) == ["sipe", "stex"]


def test_orgs_list_plain(runner, app):
    result = flask(runner, app, "orgs", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[0].split()[:2] == ["sipe", "exchange"]


# --- users create -----------------------------------------------------------------------------


def test_users_create_with_password(runner, app, make, client, auth):
    centre = make.org("centre", code="ruijin-ip")
    result = flask(runner, app, "users", "create", "--email", " Staff@Ruijin.Example.CN ", "--role", "centre_staff",
                   "--org", centre.code, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "created centre_staff staff@ruijin.example.cn for ruijin-ip" in result.output
    assert "password" not in result.output  # the operator's own password is never echoed
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "staff@ruijin.example.cn"))
        assert user.role == "centre_staff" and user.organisation_id == centre.id
        assert user.password_hash != PASSWORD
    assert "account.created" in audit_kinds(app)
    assert auth.login("staff@ruijin.example.cn").status_code == 302
    assert client.get("/account").status_code == 200


def test_users_create_generates_a_password_shown_once(runner, app, make, client, auth):
    centre = make.org("centre", code="ruijin-ip")
    result = flask(runner, app, "users", "create", "--email", "admin@ruijin.example.cn", "--role", "centre_admin",
                   "--org", centre.code)
    assert result.exit_code == 0, result.output
    shown = re.findall(r"password \(shown once\): (\S+)", result.output)
    assert len(shown) == 1
    password = shown[0]
    assert len(password) >= 12
    assert result.output.count(password) == 1
    assert auth.login("admin@ruijin.example.cn", "not-" + password).status_code == 401
    assert auth.login("admin@ruijin.example.cn", password).status_code == 302
    assert "admin@ruijin.example.cn" in client.get("/account").get_data(as_text=True)


def test_generated_passwords_differ(runner, app, make):
    centre = make.org("centre", code="ruijin-ip")
    outputs = [flask(runner, app, "users", "create", "--email", f"s{n}@ruijin.example.cn", "--role",
                     "centre_staff", "--org", centre.code).output for n in range(2)]
    first, second = (re.search(r"shown once\): (\S+)", out).group(1) for out in outputs)
    assert first != second


def test_users_create_unknown_org(runner, app):
    result = flask(runner, app, "users", "create", "--email", "x@example.cn", "--role", "centre_staff",
                   "--org", "no-such-centre", "--password", PASSWORD)
    refused(result)
    assert "no-such-centre" in result.output and "orgs list" in result.output
    assert emails(app) == set()


@pytest.mark.parametrize(("role", "kind"), [
    ("sme_member", "centre"),
    ("centre_staff", "enterprise"),
    ("exchange_operator", "centre"),
    ("centre_admin", "exchange"),
])
def test_users_create_refuses_a_role_the_org_kind_cannot_have(runner, app, make, role, kind):
    org = make.org(kind, code=f"{kind}-x")
    result = flask(runner, app, "users", "create", "--email", "x@example.cn", "--role", role,
                   "--org", org.code, "--password", PASSWORD)
    refused(result)
    assert role in result.output and kind in result.output
    assert emails(app) == set()
    assert "account.created" not in audit_kinds(app)


def test_users_create_refuses_a_duplicate_email(runner, app, make, sme_user):
    centre = make.org("centre", code="ruijin-ip")
    result = flask(runner, app, "users", "create", "--email", sme_user.email.upper(), "--role", "centre_staff",
                   "--org", centre.code, "--password", PASSWORD)
    refused(result)
    assert "该电子邮箱已注册账号" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_users_create_refuses_a_weak_password(runner, app, make):
    centre = make.org("centre", code="ruijin-ip")
    result = flask(runner, app, "users", "create", "--email", "x@example.cn", "--role", "centre_staff",
                   "--org", centre.code, "--password", "password")
    refused(result)
    assert emails(app) == set()


def test_users_create_unknown_role(runner, app, make):
    centre = make.org("centre", code="ruijin-ip")
    result = flask(runner, app, "users", "create", "--email", "x@example.cn", "--role", "superuser",
                   "--org", centre.code, "--password", PASSWORD)
    refused(result, 2)
    assert emails(app) == set()


# --- demo -------------------------------------------------------------------------------------


def test_demo_runs_twice_safely(runner, app, client, auth):
    from portal.demo import ACCOUNTS, CENTRES, ENTERPRISES

    first = flask(runner, app, "demo")
    assert first.exit_code == 0, first.output
    shown = {email: password for _role, email, password in DEMO_PASSWORD_LINE.findall(first.output)}
    assert set(shown) == {email for email, _role, _org in ACCOUNTS}
    orgs_after_first, emails_after_first = orgs(app), emails(app)
    assert len(orgs_after_first) == 2 + len(CENTRES) + 1 + len(ENTERPRISES)
    assert emails_after_first == set(shown)
    assert all(o.is_example for o in orgs_after_first.values() if o.kind != "exchange")

    second = flask(runner, app, "demo")
    assert second.exit_code == 0, second.output
    assert "password" not in second.output
    assert not any(password in second.output for password in shown.values())
    assert orgs(app).keys() == orgs_after_first.keys()
    assert emails(app) == emails_after_first

    # the passwords printed the first time are still the ones that work
    assert auth.login("admin@demo.portal.local", shown["admin@demo.portal.local"]).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_accounts_have_matching_roles_and_orgs(runner, app):
    assert flask(runner, app, "demo").exit_code == 0
    from portal.models import ROLE_ORG_KINDS

    with app.app_context():
        for user in db.session.scalars(db.select(User)):
            assert user.organisation.kind in ROLE_ORG_KINDS[user.role], user.email
        sme_orgs = {u.organisation_id for u in db.session.scalars(db.select(User).where(User.role == "sme_member"))}
        assert len(sme_orgs) == 2  # each demo enterprise member has an enterprise of its own


def test_demo_if_empty_does_nothing_when_accounts_exist(runner, app, sme_user):
    before_orgs, before_emails = orgs(app).keys(), emails(app)
    result = flask(runner, app, "demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "accounts exist" in result.output
    assert "password" not in result.output
    assert orgs(app).keys() == before_orgs
    assert emails(app) == before_emails == {sme_user.email}


def test_demo_if_empty_loads_an_empty_database(runner, app):
    result = flask(runner, app, "demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "admin@demo.portal.local" in emails(app)
    assert len(DEMO_PASSWORD_LINE.findall(result.output)) == len(emails(app))
