"""What any client can send answers 400/404 with a message, never 500: integers past the
database's range in any route, wild page numbers, NUL bytes; and a failure after a commit does
not claim that nothing was saved."""

from __future__ import annotations

import re

import pytest

from portal import config, create_app
from portal.extensions import db
from portal.models import AuditEntry
from tests.conftest import csrf_token, post

HUGE = ("2147483648", "99999999999999999999")


def _integer_routes() -> list[tuple[str, str]]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(config.TestConfig(Path(tmp)))
        return sorted({(rule.rule, method) for rule in app.url_map.iter_rules() if "<int:" in rule.rule
                       for method in rule.methods - {"HEAD", "OPTIONS"}})


@pytest.mark.parametrize(("rule", "method"), _integer_routes())
def test_every_integer_route_answers_404_past_the_range(client, auth, admin, rule, method):
    auth.login(admin.email)
    for value in HUGE:
        path = re.sub(r"<int:\w+>", value, rule)
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", path)  # a fixed choice where the route has one
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        response = client.open(path, method=method)
        assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("path", ["/listings?page=99999999999999999999", "/listings?per_page=0",
                                  "/events?page=-1", "/search?q=支架&page=2147483648",
                                  "/api/v1/listings?page=abc", "/feeds/listings.atom?per_page=99999999999999999999"])
def test_wild_page_numbers_are_refused_with_a_message(client, path):
    response = client.get(path)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "1000000" in body or "1 到" in body or "page" in body


@pytest.mark.parametrize("since", ["99999999999999999999", "2147483648", "-1"])
def test_the_exchange_api_refuses_a_cursor_past_the_range(app, client, since):
    from portal.models import Organisation
    from tests.test_exchange import bearer, new_token

    with app.app_context():
        stex = db.session.scalar(db.select(Organisation.id).where(Organisation.code == "stex"))
    _token_id, plain = new_token(app, stex)
    response = client.get(f"/api/v1/exchange/deals?since={since}", headers=bearer(plain))
    assert response.status_code == 400 and "since" in response.get_json()["error"]
    assert client.get("/api/v1/exchange/deals?since=2147483647", headers=bearer(plain)).status_code == 200


def test_a_nul_byte_in_the_path_is_refused(client):
    response = client.get("/metrics/centres/ruijin%00")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/search?q=%E6%94%AF%00%E6%9E%B6", "/api/v1/listings?q=%00",
                                  "/listings?centre=a%00b"])
def test_a_nul_byte_in_the_query_string_is_dropped(client, path):
    assert client.get(path).status_code == 200


def test_a_nul_byte_in_a_form_is_refused_and_changes_nothing(app, client, sme_user):
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "email": "sme\x00@example.cn", "password": "x"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == before


def test_a_nul_byte_in_a_json_body_is_refused(client):
    response = client.post("/api/v1/exchange/deals/1/status", json={"status": "received\x00"},
                           headers={"Authorization": "Bearer nope"})
    assert response.status_code == 400 and "NUL" in response.get_json()["error"]


def test_a_failure_after_a_commit_says_the_change_may_be_saved(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/fail-after-commit")
    def fail_after_commit():
        db.session.add(AuditEntry(kind="test.saved", summary="saved before the failure"))
        db.session.commit()
        raise RuntimeError("rendering failed")

    @app.get("/_test/fail-before-commit")
    def fail_before_commit():
        db.session.add(AuditEntry(kind="test.unsaved", summary="never saved"))
        raise RuntimeError("the operation failed")

    client = app.test_client()
    after = client.get("/_test/fail-after-commit")
    assert after.status_code == 500
    assert "可能已经保存" in after.get_data(as_text=True) or "may have been saved" in after.get_data(as_text=True)
    before = client.get("/_test/fail-before-commit")
    assert before.status_code == 500 and "may have been saved" not in before.get_data(as_text=True)
    with app.app_context():
        kinds = set(db.session.scalars(db.select(AuditEntry.kind)))
        assert "test.saved" in kinds and "test.unsaved" not in kinds


def test_wtforms_own_messages_are_in_chinese(client, auth, centre_staff, make, centre):
    listing = make.listing(centre, [make.patent(centre)])
    auth.login(centre_staff.email)
    response = post(client, f"/manage/listings/{listing.id}/edit", {"title": "导管", "modes": ["ordinary", "nonsense"],
                                                                   "field": "not-a-field"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "not a valid choice" not in body.lower() and "不在可选项之中" in body and "不是有效的选择" in body


def test_cacheable_documents_link_to_the_base_url_not_the_host_sent(client):
    document = client.get("/api/v1/openapi.json", base_url="https://evil.example").get_json()
    assert [s["url"] for s in document["servers"]] == ["http://localhost/api/v1"]


def test_trusted_hosts_refuse_another_host(tmp_path):
    app = create_app(config.TestConfig(tmp_path / "instance", TRUSTED_HOSTS=["portal.example.cn"]))
    client = app.test_client()
    path = "/static/css/portal.css"  # no database behind it: this app has no schema
    for host, status in (("https://portal.example.cn", 200), ("https://evil.example", 400)):
        response = client.get(path, base_url=host)
        response.close()
        assert response.status_code == status, host


def test_the_openapi_document_promises_no_429_where_no_limit_applies(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "429" not in document["paths"]["/listings"]["get"]["responses"]
    assert "429" in document["paths"]["/exchange/deals"]["get"]["responses"]
