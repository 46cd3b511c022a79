"""Exchange hand-off: centres forward deals and listings, operators of that exchange (only) report
each step on the site or through the token API, the centre sees and is told; tokens, audit, OpenAPI."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import (
    AuditEntry,
    Deal,
    ExchangeForward,
    ExchangeForwardChange,
    ExchangeToken,
    Notification,
    Organisation,
    Patent,
)
from tests.conftest import Ref, post

# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def exchange_ids(app) -> dict[str, int]:
    with app.app_context():
        return {o.code: o.id for o in db.session.scalars(db.select(Organisation)
                                                         .where(Organisation.kind == "exchange"))}


@pytest.fixture
def stex_operator(make, exchange_ids):
    return make.user("exchange_operator", org=Ref(id=exchange_ids["stex"]), email="op@stex.example.cn")


@pytest.fixture
def sipe_operator(make, exchange_ids):
    return make.user("exchange_operator", org=Ref(id=exchange_ids["sipe"]), email="op@sipe.example.cn")


@pytest.fixture
def deal(app, make, centre, centre_staff, sme_user) -> Ref:
    """An ordinary licence of one of the centre's patents, recorded as the deals page does."""
    from portal.deals.operations import DealData, record_deal

    patent = make.patent(centre)
    with app.app_context(), app.test_request_context():
        licensee = db.session.get(Organisation, sme_user.org_id)
        licensee.credit_code = "91310000MA1FL0A0X1"
        data = DealData(mode="ordinary", licensee=licensee, patents=[db.session.get(Patent, patent.id)],
                        effective_date=date(2025, 3, 1), term_end=date(2030, 2, 28),
                        contract_amount_yuan=Decimal("500000"))
        record = record_deal(db.session.get(Organisation, centre.id), data, actor=None)
        db.session.commit()
        return Ref(id=record.id, code=patent.code)


def forward_via_ui(client, deal_id: int, exchange: str = "stex", note: str = "请办理进场交易"):
    return post(client, f"/exchange/forward/deals/{deal_id}", {"exchange": exchange, "note": note},
                follow_redirects=False)


def forwards(app) -> list[ExchangeForward]:
    with app.app_context():
        rows = db.session.scalars(db.select(ExchangeForward).order_by(ExchangeForward.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def forward_status(app, forward_id: int) -> str:
    with app.app_context():
        return db.session.get(ExchangeForward, forward_id).status


def notifications(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Notification.kind).where(Notification.user_id == user_id)
                                       .order_by(Notification.id)))


def step(client, forward_id: int, status: str, reason: str = "", reference: str = ""):
    return post(client, f"/exchange/{forward_id}/status",
                {"status": status, "reason": reason, "reference": reference})


@pytest.fixture
def forwarded(app, client, auth, deal, centre_staff, exchange_ids) -> int:
    """The deal forwarded to 上海技术交易所 by the centre's staff; nobody stays logged in."""
    auth.login(centre_staff.email)
    assert forward_via_ui(client, deal.id).status_code == 302
    auth.logout()
    return forwards(app)[-1].id


def new_token(app, exchange_id: int, name: str = "STEX system") -> tuple[int, str]:
    from portal.exchange.operations import create_token

    with app.app_context(), app.test_request_context():
        token, plain = create_token(db.session.get(Organisation, exchange_id), name, actor=None)
        db.session.commit()
        return token.id, plain


def bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


# --- forwarding and the operators' pages ------------------------------------------------------


def test_centre_forwards_a_deal_and_only_that_exchange_sees_it(app, client, auth, deal, centre_staff,
                                                                stex_operator, sipe_operator, exchange_ids):
    auth.login(centre_staff.email)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="forward-form"' in page and 'value="stex"' in page and 'value="sipe"' in page
    response = forward_via_ui(client, deal.id)
    assert response.status_code == 302 and response.headers["Location"] == f"/deals/{deal.id}"
    [forward] = forwards(app)
    assert (forward.exchange_id, forward.deal_id, forward.status) == (exchange_ids["stex"], deal.id, "forwarded")
    assert forward.note == "请办理进场交易"
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert f'id="forward-{forward.id}"' in page and 'data-status="forwarded"' in page
    assert notifications(app, stex_operator.id) == ["exchange.forwarded"]
    assert notifications(app, sipe_operator.id) == []
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "exchange.forwarded"))
        assert (entry.target_type, entry.target_id, entry.actor_id) == ("deals", deal.id, centre_staff.id)
        assert entry.data == {"forward": forward.id, "exchange": "stex"}
    # one open forward per deal per exchange; the other exchange may have it too
    assert forward_via_ui(client, deal.id).status_code == 302
    assert len(forwards(app)) == 1
    assert forward_via_ui(client, deal.id, "sipe").status_code == 302
    assert [f.exchange_id for f in forwards(app)] == [exchange_ids["stex"], exchange_ids["sipe"]]
    # centre staff are not exchange operators
    assert client.get("/exchange/").status_code == 403
    auth.logout()

    auth.login(stex_operator.email)
    listing = client.get("/exchange/").get_data(as_text=True)
    assert f'href="/exchange/{forward.id}"' in listing
    assert f'href="/exchange/{forwards(app)[1].id}"' not in listing
    page = client.get(f"/exchange/{forward.id}")
    assert page.status_code == 200 and "91310000MA1FL0A0X1" in page.get_data(as_text=True)
    assert client.get(f"/exchange/{forwards(app)[1].id}").status_code == 404
    assert client.get(f"/deals/{deal.id}").status_code == 404  # the deal page stays the centre's
    auth.logout()

    auth.login(sipe_operator.email)
    assert client.get(f"/exchange/{forward.id}").status_code == 404
    assert step(client, forward.id, "received").status_code == 404
    assert f'href="/exchange/{forward.id}"' not in client.get("/exchange/?status=all").get_data(as_text=True)
    assert forward_status(app, forward.id) == "forwarded"


def test_only_the_deals_own_centre_forwards_it(app, client, auth, deal, other_centre_staff, sme_user):
    auth.login(other_centre_staff.email)
    assert forward_via_ui(client, deal.id).status_code == 404
    auth.logout()
    auth.login(sme_user.email)
    assert forward_via_ui(client, deal.id).status_code == 403
    assert forwards(app) == []


def test_forward_to_an_unknown_exchange_is_refused(app, client, auth, deal, centre_staff, centre):
    auth.login(centre_staff.email)
    response = post(client, f"/exchange/forward/deals/{deal.id}", {"exchange": centre.code})
    assert response.status_code == 302 and forwards(app) == []
    response = post(client, f"/exchange/forward/deals/{deal.id}", {"exchange": "stex", "note": "x" * 1001})
    assert response.status_code == 302 and forwards(app) == []


def test_operator_moves_it_through_its_steps_and_the_centre_sees_each(app, client, auth, forwarded, deal,
                                                                      centre_staff, stex_operator):
    auth.login(stex_operator.email)
    # not allowed: concluded before it is even received
    response = step(client, forwarded, "concluded")
    assert response.status_code == 400 and forward_status(app, forwarded) == "forwarded"
    assert "invalid-feedback" in response.get_data(as_text=True)
    # unknown status
    assert step(client, forwarded, "sold").status_code == 400
    # returned needs a reason
    response = step(client, forwarded, "returned", reason="   ")
    assert response.status_code == 400 and forward_status(app, forwarded) == "forwarded"
    assert step(client, forwarded, "received").status_code == 302
    assert step(client, forwarded, "announced", reference="STEX-2025-0042").status_code == 302
    assert step(client, forwarded, "received").status_code == 400  # no way back
    response = step(client, forwarded, "concluded", reason="成交")
    assert response.status_code == 302 and response.headers["Location"] == f"/exchange/{forwarded}"
    assert forward_status(app, forwarded) == "concluded"
    assert step(client, forwarded, "returned", reason="太晚了").status_code == 400  # concluded is final
    page = client.get(f"/exchange/{forwarded}").get_data(as_text=True)
    assert 'id="status-form"' not in page and 'data-status="concluded"' in page
    auth.logout()

    with app.app_context():
        forward = db.session.get(ExchangeForward, forwarded)
        assert forward.reference == "STEX-2025-0042"
        assert [(c.from_status, c.to_status, c.actor_id) for c in forward.changes] == [
            (None, "forwarded", centre_staff.id), ("forwarded", "received", stex_operator.id),
            ("received", "announced", stex_operator.id), ("announced", "concluded", stex_operator.id)]
        audited = db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind == "exchange.status")
                                     .order_by(AuditEntry.id)).all()
        assert [(e.target_type, e.target_id, e.data["to"]) for e in audited] == [
            ("deals", deal.id, "received"), ("deals", deal.id, "announced"), ("deals", deal.id, "concluded")]
    assert notifications(app, centre_staff.id) == ["exchange.received", "exchange.announced", "exchange.concluded"]

    auth.login(centre_staff.email)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'data-status="concluded"' in page and "STEX-2025-0042" in page and "成交" in page
    block = page[page.index(f'id="forward-{forwarded}"'):]
    assert block[:block.index("</ol>")].count("<li>") == 4  # forwarded, received, announced, concluded
    history = page[page.index('id="deal-history"'):]
    history = history[:history.index("</ul>")]  # the deal's own history has each step too
    assert "→ 交易机构已受理" in history and "→ 公示中" in history and "→ 已进场成交" in history
    notes = client.get("/notifications").get_data(as_text=True)
    assert "上海技术交易所" in notes and f'href="/deals/{deal.id}"' in notes


def test_returned_with_a_reason_and_forwarded_again(app, client, auth, forwarded, deal, centre_staff,
                                                    stex_operator):
    auth.login(stex_operator.email)
    assert step(client, forwarded, "returned", reason="合同缺少附件").status_code == 302
    auth.logout()
    with app.app_context():
        assert db.session.get(ExchangeForward, forwarded).return_reason == "合同缺少附件"
    assert notifications(app, centre_staff.id) == ["exchange.returned"]
    auth.login(centre_staff.email)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "合同缺少附件" in page and 'data-status="returned"' in page
    assert forward_via_ui(client, deal.id).status_code == 302
    assert [f.status for f in forwards(app)] == ["returned", "forwarded"]


def test_forward_a_published_listing_for_public_listing(app, client, auth, make, centre, centre_staff,
                                                        stex_operator, exchange_ids):
    published = make.listing(centre, [make.patent(centre)])
    draft = make.listing(centre, [make.patent(centre)], publish=False)
    auth.login(centre_staff.email)
    page = client.get(f"/listings/{published.id}").get_data(as_text=True)
    assert 'id="exchange-forwards"' in page and 'id="forward-form"' in page
    assert 'id="forward-form"' not in client.get(f"/listings/{draft.id}").get_data(as_text=True)
    response = post(client, f"/exchange/forward/listings/{draft.id}", {"exchange": "stex"})
    assert response.status_code == 302 and forwards(app) == []
    response = post(client, f"/exchange/forward/listings/{published.id}", {"exchange": "stex"})
    assert response.status_code == 302 and response.headers["Location"] == f"/listings/{published.id}"
    [forward] = forwards(app)
    assert (forward.listing_id, forward.deal_id, forward.exchange_id) == (published.id, None, exchange_ids["stex"])
    auth.logout()
    assert 'id="exchange-forwards"' not in client.get(f"/listings/{published.id}").get_data(as_text=True)

    auth.login(stex_operator.email)
    assert step(client, forward.id, "received").status_code == 302
    assert step(client, forward.id, "listed", reference="GP-001").status_code == 302
    auth.logout()
    assert notifications(app, centre_staff.id) == ["exchange.received", "exchange.listed"]
    auth.login(centre_staff.email)
    page = client.get(f"/listings/{published.id}").get_data(as_text=True)
    assert 'data-status="listed"' in page and "GP-001" in page
    with app.app_context():
        kinds = db.session.scalars(db.select(AuditEntry.kind).where(AuditEntry.target_type == "listings",
                                                                   AuditEntry.target_id == published.id)).all()
        assert "exchange.forwarded" in kinds and kinds.count("exchange.status") == 2


# --- the token API ----------------------------------------------------------------------------


def api_list(client, plain: str, since=None):
    url = "/api/v1/exchange/deals" + (f"?since={since}" if since is not None else "")
    return client.get(url, headers=bearer(plain))


def api_status(client, plain: str, forward_id: int, body):
    return client.post(f"/api/v1/exchange/deals/{forward_id}/status", headers=bearer(plain),
                       data=json.dumps(body), content_type="application/json")


def test_api_lists_forwards_with_a_cursor(app, client, forwarded, deal, centre, exchange_ids):
    _id, plain = new_token(app, exchange_ids["stex"])
    response = api_list(client, plain)
    assert response.status_code == 200
    body = response.get_json()
    [item] = body["items"]
    assert item["id"] == forwarded and item["type"] == "deal" and item["status"] == "forwarded"
    assert item["allowed_statuses"] == ["received", "returned"]
    assert item["deal"]["id"] == deal.id and item["deal"]["mode"] == "ordinary" and item["deal"]["kind"] == "licence"
    assert item["deal"]["licensor"] == {"code": centre.code, "name": "示例医院知识产权运营中心"}
    assert item["deal"]["licensee"]["credit_code"] == "91310000MA1FL0A0X1"
    assert item["deal"]["application_numbers"] == [deal.code]
    assert item["deal"]["contract_amount_yuan"] == "500000.00" and item["deal"]["effective_date"] == "2025-03-01"
    assert body["has_more"] is False and body["next_cursor"] == item["cursor"]
    cursor = body["next_cursor"]
    # nothing new since
    again = api_list(client, plain, cursor).get_json()
    assert again == {"items": [], "next_cursor": cursor, "has_more": False}
    # a step by the exchange shows up after the cursor, once
    assert api_status(client, plain, forwarded, {"status": "received", "reference": "STEX-9"}).status_code == 200
    changed = api_list(client, plain, cursor).get_json()
    assert [(i["id"], i["status"], i["reference"]) for i in changed["items"]] == [(forwarded, "received", "STEX-9")]
    assert changed["next_cursor"] > cursor
    assert api_list(client, plain, changed["next_cursor"]).get_json()["items"] == []
    # bad cursors
    assert api_list(client, plain, "abc").status_code == 400
    assert api_list(client, plain, -1).status_code == 400


def test_api_pages_with_limit_and_has_more(app, client, auth, deal, centre_staff, exchange_ids, make, centre):
    listings = [make.listing(centre, [make.patent(centre)]) for _ in range(3)]
    auth.login(centre_staff.email)
    for listing in listings:
        post(client, f"/exchange/forward/listings/{listing.id}", {"exchange": "stex"})
    auth.logout()
    _id, plain = new_token(app, exchange_ids["stex"])
    first = client.get("/api/v1/exchange/deals?since=0&limit=2", headers=bearer(plain)).get_json()
    assert len(first["items"]) == 2 and first["has_more"] is True
    assert first["items"][0]["type"] == "listing" and first["items"][0]["listing"]["id"] == listings[0].id
    rest = client.get(f"/api/v1/exchange/deals?since={first['next_cursor']}&limit=2", headers=bearer(plain))
    rest = rest.get_json()
    assert [i["listing"]["id"] for i in rest["items"]] == [listings[2].id] and rest["has_more"] is False


def test_api_status_update_follows_the_same_rules(app, client, forwarded, deal, centre_staff, exchange_ids):
    token_id, plain = new_token(app, exchange_ids["stex"])
    response = api_status(client, plain, forwarded, {"status": "concluded"})
    assert response.status_code == 400 and response.get_json()["error"]
    response = api_status(client, plain, forwarded, {"status": "returned", "reason": ""})
    assert response.status_code == 400
    assert api_status(client, plain, forwarded, {"status": "bogus"}).status_code == 400
    assert api_status(client, plain, forwarded, {"status": 3}).status_code == 400
    assert api_status(client, plain, forwarded, ["received"]).status_code == 400
    response = client.post(f"/api/v1/exchange/deals/{forwarded}/status", headers=bearer(plain), data="nope",
                           content_type="application/json")
    assert response.status_code == 400
    assert forward_status(app, forwarded) == "forwarded"
    response = api_status(client, plain, forwarded, {"status": "received", "reference": "STEX-1"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "received" and response.get_json()["reference"] == "STEX-1"
    response = api_status(client, plain, forwarded, {"status": "returned", "reason": "非医疗专利", "reference": None})
    assert response.status_code == 200 and response.get_json()["return_reason"] == "非医疗专利"
    assert notifications(app, centre_staff.id) == ["exchange.received", "exchange.returned"]
    with app.app_context():
        changes = db.session.scalars(db.select(ExchangeForwardChange).where(
            ExchangeForwardChange.forward_id == forwarded).order_by(ExchangeForwardChange.id)).all()
        assert [(c.to_status, c.actor_id, c.token_id) for c in changes[1:]] == [
            ("received", None, token_id), ("returned", None, token_id)]
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind == "exchange.status")).all()
        assert [(e.actor_id, e.data["token"], e.target_id) for e in entries] == [
            (None, token_id, deal.id), (None, token_id, deal.id)]


def test_api_refuses_without_a_valid_token(app, client, forwarded, exchange_ids):
    from portal.exchange.operations import revoke_token

    token_id, plain = new_token(app, exchange_ids["stex"])
    for headers in ({}, bearer("garbage-token"), {"Authorization": plain}, {"Authorization": "Bearer "},
                    {"Authorization": f"Basic {plain}"}):
        response = client.get("/api/v1/exchange/deals", headers=headers)
        assert response.status_code == 401 and response.get_json()["status"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api_status(client, "garbage", forwarded, {"status": "received"}).status_code == 401
    assert api_list(client, plain).status_code == 200
    with app.app_context(), app.test_request_context():
        revoke_token(db.session.get(ExchangeToken, token_id), actor=None)
        db.session.commit()
    assert api_list(client, plain).status_code == 401
    assert api_status(client, plain, forwarded, {"status": "received"}).status_code == 401
    assert forward_status(app, forwarded) == "forwarded"


def test_api_token_of_the_other_exchange_gets_404(app, client, forwarded, exchange_ids):
    _id, sipe_plain = new_token(app, exchange_ids["sipe"], "SIPE system")
    assert api_list(client, sipe_plain).get_json()["items"] == []
    response = api_status(client, sipe_plain, forwarded, {"status": "received"})
    assert response.status_code == 404 and response.get_json()["status"] == 404
    assert api_status(client, sipe_plain, 99999, {"status": "received"}).status_code == 404
    assert forward_status(app, forwarded) == "forwarded"


def test_token_is_stored_hashed_and_its_use_audited(app, client, forwarded, exchange_ids):
    token_id, plain = new_token(app, exchange_ids["stex"])
    with app.app_context():
        token = db.session.get(ExchangeToken, token_id)
        assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
        assert token.last_used_at is None
        for table in db.metadata.sorted_tables:  # the plain token is nowhere in the database
            for row in db.session.execute(table.select()):
                assert plain not in repr(tuple(row))
    api_list(client, plain)
    api_status(client, plain, forwarded, {"status": "concluded"})  # refused, still a use of the token
    with app.app_context():
        assert db.session.get(ExchangeToken, token_id).last_used_at is not None
        uses = db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind == "exchange.token_used")
                                  .order_by(AuditEntry.id)).all()
        assert [(e.actor_id, e.data["token"], e.target_type, e.target_id) for e in uses] == [
            (None, token_id, "exchange_tokens", token_id)] * 2
        assert uses[0].data["method"] == "GET" and uses[1].data["method"] == "POST"


def test_api_is_rate_limited(app, client, exchange_ids):
    app.config["EXCHANGE_API_RATE_LIMIT"] = "3 per minute"
    _id, plain = new_token(app, exchange_ids["stex"])
    codes = [api_list(client, plain).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --- administrators' token pages --------------------------------------------------------------


def test_admin_creates_and_revokes_tokens(app, client, auth, admin, exchange_ids):
    auth.login(admin.email)
    assert client.get("/admin/exchange-tokens").status_code == 200
    response = post(client, "/admin/exchange-tokens", {"exchange": "sipe", "name": ""})
    assert response.status_code == 400
    response = post(client, "/admin/exchange-tokens", {"exchange": "sipe", "name": "SIPE 交易系统"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    plain = page.split('id="token-value">', 1)[1].split("<", 1)[0]
    assert len(plain) >= 40
    with app.app_context():
        token = db.session.scalar(db.select(ExchangeToken))
        assert (token.exchange_id, token.name) == (exchange_ids["sipe"], "SIPE 交易系统")
        assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest() and token.token_hash != plain
        token_id = token.id
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "exchange.token_created")
                                 ).actor_id == admin.id
    assert plain not in client.get("/admin/exchange-tokens").get_data(as_text=True)  # shown only once
    assert client.get("/api/v1/exchange/deals", headers=bearer(plain)).status_code == 200
    response = post(client, f"/admin/exchange-tokens/{token_id}/revoke")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ExchangeToken, token_id).revoked_at is not None
    assert client.get("/api/v1/exchange/deals", headers=bearer(plain)).status_code == 401
    assert post(client, "/admin/exchange-tokens/999/revoke").status_code == 404


@pytest.mark.parametrize("role", ["centre_staff", "exchange_operator", "sme_member", "organiser"])
def test_token_pages_are_for_site_administrators_only(app, client, auth, make, role, exchange_ids):
    org = Ref(id=exchange_ids["stex"]) if role == "exchange_operator" else None
    user = make.user(role, org=org)
    auth.login(user.email)
    assert client.get("/admin/exchange-tokens").status_code == 403
    assert post(client, "/admin/exchange-tokens", {"exchange": "stex", "name": "x"}).status_code == 403
    auth.logout()
    assert client.get("/admin/exchange-tokens").status_code == 302  # to the login page
    with app.app_context():
        assert db.session.query(ExchangeToken).count() == 0


# --- OpenAPI ----------------------------------------------------------------------------------


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_description_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = json.loads(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.1")
    assert {"/listings", "/listings/{id}", "/exchange/deals", "/exchange/deals/{id}/status"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/listings"]["get"]["parameters"]}
    assert params == {"centre", "field", "kind", "mode", "open", "ipc", "value", "q", "as_typed", "sort", "page",
                      "per_page"}
    assert spec["components"]["securitySchemes"]["exchangeToken"] == {
        **spec["components"]["securitySchemes"]["exchangeToken"], "type": "http", "scheme": "bearer"}
    for path in ("/exchange/deals", "/exchange/deals/{id}/status"):
        operation = next(iter(spec["paths"][path].values()))
        assert operation["security"] == [{"exchangeToken": []}] and "401" in operation["responses"]
    schemas = spec["components"]["schemas"]
    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas
    assert spec["servers"][0]["url"].endswith("/api/v1")


def test_openapi_description_validates(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").get_json())


def test_historical_deals_are_recorded_as_traded(app, deal, exchange_ids, centre_staff):
    from portal.exchange.operations import record_traded

    with app.app_context(), app.test_request_context():
        record, stex = db.session.get(Deal, deal.id), db.session.get(Organisation, exchange_ids["stex"])
        first = record_traded(record, stex, actor=None, reference="STEX-2023-7")
        assert record_traded(record, stex, actor=None) is first  # a re-import changes nothing
        db.session.commit()
        assert (first.status, first.reference, len(first.changes)) == ("concluded", "STEX-2023-7", 1)
    assert notifications(app, centre_staff.id) == []

