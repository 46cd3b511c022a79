"""Issue 16, final actions ask first: the enterprise's withdrawal is a secondary action of its own,
never preselected; it, a centre's listing withdrawal and a centre's refusal each open the browser's
dialog (static/js/confirm.js, under the CSP); dismissing it changes nothing, accepting it acts. And
the pages this issue changed do not scroll sideways on a 390 px phone.

Controls are found by id: the translations of the texts this issue adds may not be in the catalogue yet."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_navigation import log_in

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect


class Dialogs(list):
    """The questions the page asked; each answered with ``answer`` (accept or dismiss)."""

    def __init__(self, page):
        super().__init__()
        self.answer = "dismiss"
        page.on("dialog", self._handle)

    def _handle(self, dialog) -> None:
        self.append((dialog.type, dialog.message))
        dialog.accept() if self.answer == "accept" else dialog.dismiss()


def request_status(app, request_id: int) -> str:
    from portal.extensions import db
    from portal.models import LicenceRequest

    with app.app_context():
        return db.session.get(LicenceRequest, request_id).status


def listing_status(app, listing_id: int) -> str:
    from portal.extensions import db
    from portal.models import Listing

    with app.app_context():
        return db.session.get(Listing, listing_id).status


@pytest.fixture
def setting(app, make, centre, sme_user):
    """A published listing, an enterprise's request on it, and a deal with the enterprise."""
    from portal.deals.operations import DealData, record_deal
    from portal.extensions import db
    from portal.models import Listing, Organisation, Patent, User
    from portal.requests.operations import RequestData, file_request

    patent = make.patent(centre, title="一种可降解镁合金心血管支架")
    listing = make.listing(centre, [patent], title="可降解镁合金心血管支架普通许可", modes=("ordinary",))
    with app.app_context():
        item = file_request(db.session.get(Listing, listing.id), db.session.get(User, sme_user.id),
                            RequestData(mode="ordinary", intended_use="用于本公司心血管介入产品线。"))
        deal = record_deal(db.session.get(Organisation, centre.id), DealData(
            mode="ordinary", licensee=db.session.get(Organisation, sme_user.org_id),
            patents=[db.session.get(Patent, patent.id)], effective_date=date.today() - timedelta(days=10),
            term_end=date(date.today().year + 3, 12, 31), contract_amount_yuan=Decimal("800000")), None)
        db.session.commit()
        return {"listing": listing.id, "patent": patent.id, "request": item.id, "deal": deal.id}


def test_the_enterprise_is_asked_before_it_withdraws(page, app, setting, sme_user):
    dialogs = Dialogs(page)
    log_in(page, sme_user.email)
    url = f"/requests/{setting['request']}"
    page.goto(url)
    # no status select, nothing preselected: a secondary (outline, danger) button of its own
    expect(page.locator("#status-form")).to_have_count(0)
    expect(page.locator("#withdraw-form select")).to_have_count(0)
    button = page.locator("#withdraw-request")
    expect(button).to_have_class(re.compile(r"\bbtn-outline-danger\b"))
    expect(button).not_to_have_class(re.compile(r"\bbtn-primary\b"))

    button.click()  # dismissed: nothing happens
    expect(page).to_have_url(re.compile(rf"{url}$"))
    assert [kind for kind, _ in dialogs] == ["confirm"]
    assert dialogs[0][1]  # the question is the attribute's text
    assert request_status(app, setting["request"]) == "submitted"
    expect(page.locator("#withdraw-request")).to_be_visible()

    dialogs.answer = "accept"
    page.locator("#withdraw-request").click()
    expect(page.locator("#withdraw-form")).to_have_count(0)
    assert len(dialogs) == 2
    assert request_status(app, setting["request"]) == "withdrawn"
    assert page.problems == []


def test_the_centre_is_asked_before_it_withdraws_a_listing_or_declines(page, app, setting, centre_staff):
    dialogs = Dialogs(page)
    log_in(page, centre_staff.email)

    page.goto(f"/listings/{setting['listing']}")
    page.locator("#withdraw-listing button").click()
    expect(page.locator("#withdraw-listing")).to_be_visible()
    assert len(dialogs) == 1 and listing_status(app, setting["listing"]) == "published"
    dialogs.answer = "accept"
    page.locator("#withdraw-listing button").click()
    expect(page.locator("#withdraw-listing")).to_have_count(0)
    assert len(dialogs) == 2 and listing_status(app, setting["listing"]) == "withdrawn"

    # A move that is not final is not asked about; declining is.
    page.goto(f"/requests/{setting['request']}")
    page.locator("#status").select_option("under_review")
    page.locator("#status-form button[type=submit]").click()
    expect(page.locator("#status")).not_to_have_value("under_review")  # the next moves are offered
    assert len(dialogs) == 2 and request_status(app, setting["request"]) == "under_review"
    dialogs.answer = "dismiss"
    page.locator("#status").select_option("declined")
    page.locator("#reason").fill("许可方式与本中心规划不符")
    page.locator("#status-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_value("declined")  # still on the page, as chosen
    assert len(dialogs) == 3 and request_status(app, setting["request"]) == "under_review"
    dialogs.answer = "accept"
    page.locator("#status-form button[type=submit]").click()
    expect(page.locator("#status-form")).to_have_count(0)
    assert len(dialogs) == 4 and request_status(app, setting["request"]) == "declined"
    assert page.problems == []


def scrolls_sideways(page, path: str) -> int | None:
    page.goto(path)
    expect(page.locator("main")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > 390 else None


def test_changed_pages_fit_a_phone(page, app, setting, centre_staff, sme_user, admin):
    page.set_viewport_size({"width": 390, "height": 844})
    pages = {
        sme_user.email: ["/", f"/requests/{setting['request']}", f"/deals/{setting['deal']}", "/account"],
        centre_staff.email: [f"/requests/{setting['request']}", f"/listings/{setting['listing']}",
                             f"/deals/{setting['deal']}", f"/manage/patents/{setting['patent']}/open-licence",
                             f"/manage/patents/{setting['patent']}/facts", "/metrics/centre/facts", "/account"],
        admin.email: ["/admin/", "/admin/exchange-tokens"],
    }
    wide = {}
    for email, paths in pages.items():
        page.context.clear_cookies()
        log_in(page, email)
        for path in paths:
            width = scrolls_sideways(page, path)
            if width:
                wide[f"{email} {path}"] = width
    assert wide == {}, f"pages wider than the 390 px screen: {wide}"
    assert page.problems == []
