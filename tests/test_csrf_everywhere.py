"""Every state-changing route refuses a request without a CSRF token, and the refusal changes nothing.

The routes are read from the application's URL map when the tests are collected, so a route added
later is walked too. Each one is sent a POST (PUT, PATCH, DELETE) without a token by a signed-in
user of a role that could otherwise use it, on real objects where the URL names one, and must
answer the CSRF refusal (400 with its message), leave every row of every table as it was and
leave the user signed in. The same request with a valid token is then not refused for CSRF,
which shows the refusal seen first was the CSRF one.

The only routes allowed without a token are listed in ``EXEMPT`` with the reason; the test checks
that list against both the app's behaviour and what ``csrf.exempt`` was given, so exempting one
more blueprint or view fails here.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import config, create_app
from tests.conftest import Ref, csrf_token, post

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_MESSAGE = "Your form expired or was sent from another site."

# Endpoints served without CSRF protection, each with the reason it is safe.
EXEMPT = {
    "exchange_api.report_status": "exchange token API: each call carries an `Authorization: Bearer` token and no "
                                  "session cookie, so a forged cross-site request has no credential to ride on",
    "unsubscribe.stop": "a digest's unsubscribe link: the signed token in the URL is the credential (another site "
                        "cannot forge it), and RFC 8058 one-click unsubscribe posts without a session or a form",
}
# What an exempt route answers without its own credential (nothing is done either way).
EXEMPT_STATUS = {"exchange_api.report_status": 401, "unsubscribe.stop": 404}
# Blueprints exempted as a whole (``csrf.exempt(bp)``), with the reason. Their state-changing routes
# must each be in EXEMPT as well.
EXEMPT_BLUEPRINTS = {
    "api": "public read API: GET only, no state-changing route",
    "exchange_api": "exchange token API: bearer token per call, no cookies",
    "unsubscribe": "digest unsubscribe links: a signed token in the URL per call, no session needed",
}

# Who could use a route but for the missing token: by endpoint, else by blueprint, else centre staff.
# None: an anonymous visitor (signing in and registering; the token API, which uses no session).
ROLE_BY_ENDPOINT = {
    "auth.login": None,
    "auth.register": None,
    "requests.new": "sme_member",
    "requests.take": "sme_member",
    "exchange.forward_deal": "centre_staff",
    "exchange.forward_listing": "centre_staff",
}
ROLE_BY_BLUEPRINT = {
    "admin": "site_admin",
    "exchange_admin": "site_admin",
    "programme_admin": "site_admin",
    "exchange": "exchange_operator",
    "events": "organiser",
    "exchange_api": None,
}

VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def _state_changing_routes() -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) of every URL rule accepting a state-changing method, from a fresh app."""
    with tempfile.TemporaryDirectory(prefix="csrf-routes-") as tmp:
        app = create_app(config.TestConfig(Path(tmp) / "instance"))
        return sorted((method, rule.rule, rule.endpoint)
                      for rule in app.url_map.iter_rules()
                      for method in (rule.methods or set()) & STATE_CHANGING)


ROUTES = _state_changing_routes()


def _blueprint(endpoint: str) -> str:
    return endpoint.rpartition(".")[0]


def _role(endpoint: str) -> str | None:
    if endpoint in ROLE_BY_ENDPOINT:
        return ROLE_BY_ENDPOINT[endpoint]
    return ROLE_BY_BLUEPRINT.get(_blueprint(endpoint), "centre_staff")


def fingerprint(app) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order — but the audit log's record of refusals
    (``security.*``), which a refused request is meant to leave."""
    db = app.extensions["sqlalchemy"]
    with app.app_context():
        rows = {table.name: [tuple(map(repr, row)) for row in db.session.execute(
                    select(table).order_by(*table.primary_key.columns))
                    if table.name != "audit_entries" or not str(row.kind).startswith("security.")]
                for table in db.metadata.sorted_tables}
        db.session.remove()
    return rows


def refusals(app) -> int:
    db = app.extensions["sqlalchemy"]
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(db.metadata.tables["audit_entries"])
                                  .where(db.metadata.tables["audit_entries"].c.kind == "security.csrf_refused"))
        db.session.remove()
    return count


def _created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


class World:
    """Real objects for the URL variables, made on demand (ids of made objects, else 1)."""

    def __init__(self, make, client, auth, centre, staff, sme) -> None:
        self.make, self.client, self.auth = make, client, auth
        self.centre, self.staff, self.sme = centre, staff, sme
        self._made: dict[str, int] = {}

    def value(self, converter: str | None, args: str | None, name: str) -> str:
        if converter == "any":
            return sorted(item.strip().strip("'\"") for item in (args or "").split(","))[0]
        maker = getattr(self, f"_make_{name}", None)
        if maker is None:
            return "1"  # a CSRF refusal comes before the view looks anything up
        if name not in self._made:
            self._made[name] = maker()
        return str(self._made[name])

    def _make_patent_id(self) -> int:
        if "patent" not in self._made:
            self._made["patent"] = self.make.patent(self.centre).id
        return self._made["patent"]

    def _make_listing_id(self) -> int:
        return self.make.listing(self.centre, [Ref(id=self._make_patent_id())]).id

    def _make_user_id(self) -> int:
        return self.make.user("sme_member").id

    def _make_deal_id(self) -> int:
        self.auth.login(self.staff.email)
        deal_id = _created_id(post(self.client, "/deals/new", {
            "mode": "ordinary", "licensee": self.sme.org_code, "patents": [str(self._make_patent_id())],
            "effective_date": "2025-03-01", "term_end": "2030-02-28", "contract_amount_yuan": "500000",
            "signed_date": "", "registration_date": "", "gross_income_yuan": "", "deductions_yuan": "",
            "paid_on": "", "paid_amount": ""}))
        self.auth.logout()
        return deal_id

    def _make_request_id(self) -> int:
        listing_id = self.value(None, None, "listing_id")
        self.auth.login(self.sme.email)
        request_id = _created_id(post(self.client, f"/listings/{listing_id}/request",
                                      {"mode": "ordinary", "intended_use": "用于心血管介入器械的研发"}))
        self.auth.logout()
        return request_id

    def url(self, rule: str) -> str:
        return VARIABLE.sub(lambda m: self.value(m["converter"], m["args"], m["name"]), rule)


def _is_csrf_refusal(response) -> bool:
    return response.status_code == 400 and CSRF_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "rule", "endpoint"), ROUTES, ids=[f"{m} {r}" for m, r, _e in ROUTES])
def test_state_changing_route_refuses_a_request_without_csrf_token(
        app, client, auth, make, centre, centre_staff, sme_user, method, rule, endpoint):
    client.set_cookie("portal_lang", "en")  # the refusal message in English, its msgid
    world = World(make, client, auth, centre, centre_staff, sme_user)
    url = world.url(rule)
    role = _role(endpoint)
    if role is not None:
        user = {"centre_staff": centre_staff, "sme_member": sme_user}.get(role) or make.user(role)
        assert auth.login(user.email).status_code == 302
        assert client.get("/account").status_code == 200
    before, refused = fingerprint(app), refusals(app)

    response = client.open(url, method=method, data={"note": "x", "status": "filed"})

    if endpoint in EXEMPT:
        assert not _is_csrf_refusal(response), f"{endpoint} is listed as CSRF-exempt but refused for CSRF"
        # no bearer token, no signed unsubscribe token: nothing done
        assert response.status_code == EXEMPT_STATUS[endpoint], response.get_data(as_text=True)[:500]
    else:
        assert _is_csrf_refusal(response), (
            f"{method} {url} ({endpoint}) answered {response.status_code} without a CSRF token:\n"
            f"{response.get_data(as_text=True)[:500]}")
    assert fingerprint(app) == before, f"{method} {url} changed the database without a CSRF token"
    assert refusals(app) == refused + (0 if endpoint in EXEMPT else 1)  # and the refusal is on record
    assert not [c for c in response.headers.getlist("Set-Cookie") if not c.startswith("session=")]
    if role is not None:
        assert client.get("/account").status_code == 200, "the refused request signed the user out"

    # The same request with a valid token is not refused for CSRF: the 400 above was the CSRF one.
    token = csrf_token(client)
    again = client.open(url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    assert not _is_csrf_refusal(again), f"{method} {url} refused a valid CSRF token"


def test_the_exempt_list_is_what_the_app_exempts(app):
    """EXEMPT names exactly the state-changing routes ``csrf.exempt`` reaches, and nothing else is exempted."""
    csrf = app.extensions["csrf"]
    assert {bp.name for bp in csrf._exempt_blueprints} == set(EXEMPT_BLUEPRINTS)
    assert set(csrf._exempt_views) == set()  # no single view is exempted
    exempted = {endpoint for _m, _r, endpoint in ROUTES if _blueprint(endpoint) in EXEMPT_BLUEPRINTS}
    assert exempted == set(EXEMPT)
    assert {endpoint for _m, _r, endpoint in ROUTES} >= set(EXEMPT)
