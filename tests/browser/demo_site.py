"""The demo world (``flask demo``) served once for a test module, and the main pages of every role in it:
what the phone and accessibility checks walk through.

The site has its own SQLite database and index under a temporary directory (whatever database the rest
of the suite uses: these pages only need to render), every demo account's password is ``PASSWORD``, and
the search index is built, so that ``/search?q=支架`` finds listings."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.serving import make_server

from tests.conftest import PASSWORD

ACCOUNTS = {  # role -> demo account (portal/demo/accounts.py)
    "centre_staff": "centre.staff@demo.portal.local",
    "centre_admin": "centre.admin@demo.portal.local",
    "sme_member": "sme@demo.portal.local",
    "organiser": "organiser@demo.portal.local",
    "exchange_operator": "exchange@demo.portal.local",
    "site_admin": "admin@demo.portal.local",
}


@dataclass
class DemoSite:
    base_url: str
    endpoints: set[str]
    ids: dict[str, int | None] = field(default_factory=dict)

    def pages(self, role: str | None) -> list[str]:
        """The main pages of ``role`` (``None``: a visitor), those the demo data can fill."""
        ids = self.ids
        public = ["/", "/search?q=支架", "/listings", "/listings?sort=price_low", f"/listings/{ids['listing']}",
                  "/events", f"/events/{ids['event']}" if ids["event"] else None]
        if role is None:
            return _present([*public, "/login", "/register", "/password/forgot", "/feeds/"])
        signed_in = [*public, "/account", "/notifications", "/work" if "main.work" in self.endpoints else None]
        per_role = {
            "centre_staff": ["/manage/", "/manage/patents", "/manage/listings/new", "/deals/", "/deals/?state=in_force",
                             f"/deals/{ids['deal']}", "/deals/recordal", "/deals/new", "/deals/import", "/requests/",
                             f"/requests/{ids['request']}" if ids["request"] else None, "/metrics/centre",
                             "/metrics/centre/facts", "/manage/patents/import"],
            "centre_admin": ["/manage/", "/deals/", "/requests/", "/metrics/centre", "/metrics/centre/facts"],
            "sme_member": ["/requests/", f"/requests/{ids['sme_request']}" if ids["sme_request"] else None,
                           "/deals/ours", f"/deals/{ids['sme_deal']}" if ids["sme_deal"] else None],
            "organiser": ["/events/new", "/metrics/programme"],
            "exchange_operator": ["/exchange/", f"/exchange/{ids['forward']}" if ids["forward"] else None],
            "site_admin": ["/admin/", "/admin/?role=sme_member", "/admin/orgs", "/admin/audit", "/admin/claims",
                           "/admin/exchange-tokens", "/admin/programme", "/metrics/programme", "/admin/users/new"],
        }
        return _present([*signed_in, *per_role[role]])


def _present(paths) -> list[str]:
    return [p for p in paths if p]


def _ids() -> dict[str, int | None]:
    from portal.extensions import db
    from portal.models import Deal, Event, ExchangeForward, LicenceRequest, Listing, Organisation, User

    def first(query):
        return db.session.scalar(query.limit(1))

    centre_id = first(db.select(User.organisation_id).where(User.email == ACCOUNTS["centre_staff"]))
    sme_org = first(db.select(User.organisation_id).where(User.email == ACCOUNTS["sme_member"]))
    return {
        "listing": first(db.select(Listing.id).where(Listing.status == "published").order_by(Listing.id)),
        "event": first(db.select(Event.id).order_by(Event.id)),
        "deal": first(db.select(Deal.id).where(Deal.licensor_id == centre_id).order_by(Deal.id)),
        "request": first(db.select(LicenceRequest.id).join(Listing).where(Listing.centre_id == centre_id)
                         .order_by(LicenceRequest.id)),
        "sme_request": first(db.select(LicenceRequest.id).where(LicenceRequest.enterprise_id == sme_org)
                             .order_by(LicenceRequest.id)),
        "sme_deal": first(db.select(Deal.id).where(Deal.licensee_id == sme_org).order_by(Deal.id)),
        "forward": first(db.select(ExchangeForward.id).order_by(ExchangeForward.id)),
        "centre": first(db.select(Organisation.id).where(Organisation.id == centre_id)),
    }


@contextmanager
def demo_site(directory: Path) -> Iterator[DemoSite]:
    from portal import create_app
    from portal.admin.operations import ensure_reference_data
    from portal.config import TestConfig
    from portal.demo import load_demo
    from portal.extensions import db
    from portal.indexing import rebuild
    from portal.models import User

    app = create_app(TestConfig(directory / "instance"))
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        db.session.commit()
        load_demo(echo=lambda _line: None)
        for user in db.session.scalars(db.select(User)):
            user.set_password(PASSWORD)
        db.session.commit()
        rebuild()
        ids = _ids()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log lines in the test output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield DemoSite(f"http://127.0.0.1:{server.server_port}", {r.endpoint for r in app.url_map.iter_rules()}, ids)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def log_in(page, email: str) -> None:
    """Log in through the form (the page then leaves /login)."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile(r"^(登录|Log in)$")).click()
    page.wait_for_url(lambda url: "/login" not in url)
