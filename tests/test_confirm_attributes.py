"""Issue 16: every final or destructive action carries the question static/js/confirm.js asks
(``data-confirm``), on its form, its button or its chosen option, and reversible steps do not; the
script is served on every page as a file (the CSP allows no inline script). The browser side is in
tests/browser/test_confirmations.py."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from flask import url_for

from portal.extensions import db
from tests.conftest import Ref, post

CONFIRM = re.compile(r'data-confirm="([^"]+)"')


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def form_with(page_html: str, action: str) -> str:
    """The opening tag of the form that posts to ``action``."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>', page_html)
    assert match, f"no form to {action}"
    return match.group(0)


def option(page_html: str, value: str) -> str:
    match = re.search(rf'<option[^>]*value="{value}"[^>]*>', page_html)
    assert match, f"no option {value}"
    return match.group(0)


def asks(tag: str) -> bool:
    found = CONFIRM.search(tag)
    return bool(found and html.unescape(found.group(1)).strip())


def urls(app, *specs) -> list[str]:
    with app.test_request_context():
        return [url_for(endpoint, **values) for endpoint, values in specs]


@pytest.fixture
def listing(make, centre):
    return make.listing(centre, [make.patent(centre)], modes=("ordinary",))


@pytest.fixture
def request_id(app, listing, sme_user):
    from portal.models import Listing, User
    from portal.requests.operations import RequestData, file_request

    with app.app_context():
        item = file_request(db.session.get(Listing, listing.id), db.session.get(User, sme_user.id),
                            RequestData(mode="ordinary", intended_use="用于研发。"))
        db.session.commit()
        return item.id


def test_the_script_is_on_every_page_as_a_file(client):
    for path in ("/", "/login", "/listings"):
        body = page(client, path)
        assert '<script src="/static/js/confirm.js"></script>' in body
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)  # no inline script
    with client.get("/static/js/confirm.js") as script:
        assert script.status_code == 200 and b"window.confirm" in script.data
    assert "script-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_the_enterprise_withdraws_with_a_button_of_its_own(client, auth, request_id, sme_user):
    auth.login(sme_user.email)
    body = page(client, f"/requests/{request_id}")
    withdraw = re.search(r'<form[^>]*id="withdraw-form".*?</form>', body, re.DOTALL).group(0)
    assert asks(withdraw)
    assert '<select' not in withdraw and 'name="status" value="withdrawn"' in withdraw
    assert 'btn-outline-danger' in withdraw and 'btn-primary' not in withdraw
    assert 'id="status-form"' not in body
    # the button works without JavaScript too: the POST withdraws
    assert post(client, f"/requests/{request_id}/status", {"status": "withdrawn"}).status_code == 302


def test_the_centre_is_asked_before_final_answers(client, auth, request_id, centre_staff):
    auth.login(centre_staff.email)
    assert not asks(option(page(client, f"/requests/{request_id}"), "under_review"))
    post(client, f"/requests/{request_id}/status", {"status": "under_review"})
    body = page(client, f"/requests/{request_id}")
    assert asks(option(body, "agreed")) and asks(option(body, "declined"))
    assert not asks(option(body, "negotiating"))


def test_listing_withdrawal_and_conclusion_ask(client, auth, app, listing, centre_staff):
    auth.login(centre_staff.email)
    body = page(client, f"/listings/{listing.id}")
    withdraw, conclude = urls(app, ("manage.change_status", {"listing_id": listing.id, "action": "withdraw"}),
                              ("manage.change_status", {"listing_id": listing.id, "action": "conclude"}))
    assert asks(form_with(body, withdraw)) and asks(form_with(body, conclude))
    post(client, withdraw)
    publish, = urls(app, ("manage.change_status", {"listing_id": listing.id, "action": "publish"}))
    assert not asks(form_with(page(client, f"/listings/{listing.id}"), publish))  # publishing is not final


def test_open_licence_withdrawal_and_co_owner_removal_ask(client, auth, app, make, centre, centre_staff):
    from portal.models import Patent
    from portal.patents.open_licence import declare_open_licence
    from portal.rules import OpenLicenceTerms

    patent = make.patent(centre, co_owners=[("乙大学", True)])
    with app.app_context():
        terms = OpenLicenceTerms(fee_method="lump_sum", fee_amount_yuan=Decimal("50000"),
                                 term_end=date(date.today().year + 3, 12, 31))
        declaration, _ = declare_open_licence(db.session.get(Patent, patent.id), terms, announced_on=date.today(),
                                              cnipa_reference=None, actor=None)
        db.session.commit()
        declaration_id = declaration.id
    auth.login(centre_staff.email)
    withdraw, = urls(app, ("patents.withdraw_declaration", {"declaration_id": declaration_id}))
    assert asks(form_with(page(client, f"/manage/patents/{patent.id}/open-licence"), withdraw))
    facts = page(client, f"/manage/patents/{patent.id}/facts")
    removes = re.findall(r'<input[^>]*name="co_owner-\d+-remove"[^>]*>', facts)
    assert removes and all(asks(tag) for tag in removes)


def test_account_and_admin_actions_ask(client, auth, app, make, admin, sme_user):
    auth.login(sme_user.email)
    end_sessions, = urls(app, ("auth.end_all_sessions", {}))
    assert asks(form_with(page(client, "/account"), end_sessions))
    auth.logout()

    inactive = make.user("sme_member", email="gone@company.example.cn")
    with app.app_context():
        from portal.models import User

        db.session.get(User, inactive.id).active = False
        db.session.commit()
    auth.login(admin.email)
    body = page(client, "/admin/")
    deactivate, reset, reactivate = urls(app, ("admin.toggle_active", {"user_id": sme_user.id}),
                                         ("admin.reset_password", {"user_id": sme_user.id}),
                                         ("admin.toggle_active", {"user_id": inactive.id}))
    assert asks(form_with(body, deactivate)) and sme_user.email in html.unescape(form_with(body, deactivate))
    assert asks(form_with(body, reset))
    assert not asks(form_with(body, reactivate))  # activating again is not destructive


def test_token_revocation_and_fact_removal_ask(client, auth, app, admin, centre_staff):
    from portal.exchange.operations import create_token
    from portal.models import Organisation

    with app.app_context():
        stex = db.session.scalar(db.select(Organisation).where(Organisation.code == "stex"))
        token, _plain = create_token(stex, "对接系统", None)
        db.session.commit()
        token_id = token.id
    auth.login(admin.email)
    revoke, = urls(app, ("exchange_admin.revoke", {"token_id": token_id}))
    assert asks(form_with(page(client, "/admin/exchange-tokens"), revoke))
    auth.logout()

    auth.login(centre_staff.email)
    add_pct, = urls(app, ("metrics.add_pct", {}))
    assert post(client, add_pct, {"number": "PCT/CN2024/123456", "filing_date": "2024-05-01",
                                  "title": "一种支架"}).status_code == 302
    body = page(client, "/metrics/centre/facts")
    removals = re.findall(r'<form[^>]*action="/metrics/centre/facts/pct/\d+[^"]*"[^>]*>', body)
    assert removals and all(asks(tag) for tag in removals)


def test_final_exchange_steps_and_assignment_registration_ask(client, auth, app, make, centre, centre_staff,
                                                                sme_user):
    from portal.deals.operations import DealData, record_deal
    from portal.exchange.operations import forward_deal
    from portal.models import Organisation, Patent

    patent = make.patent(centre)
    with app.app_context():
        deal = record_deal(db.session.get(Organisation, centre.id), DealData(
            mode="assignment", licensee=db.session.get(Organisation, sme_user.org_id),
            patents=[db.session.get(Patent, patent.id)], effective_date=date(2025, 3, 1),
            contract_amount_yuan=Decimal("500000")), None)
        stex = db.session.scalar(db.select(Organisation).where(Organisation.code == "stex"))
        forward = forward_deal(deal, stex, None)
        db.session.commit()
        deal_id, forward_id, stex_ref = deal.id, forward.id, Ref(id=stex.id)
    auth.login(centre_staff.email)
    register, = urls(app, ("deals.register", {"deal_id": deal_id}))
    assert asks(form_with(page(client, f"/deals/{deal_id}"), register))
    auth.logout()

    operator = make.user("exchange_operator", org=stex_ref, email="op@stex.example.cn")
    auth.login(operator.email)
    body = page(client, f"/exchange/{forward_id}")
    assert asks(option(body, "returned")) and not asks(option(body, "received"))
