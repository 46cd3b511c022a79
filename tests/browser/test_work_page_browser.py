"""Issue 16, item 2: logging in lands on the role's work page; each role's page at 1366 px
(screenshots in /tmp/shots16/work-<role>.png), and neither the work page nor the home page scrolls
sideways on a 390 px phone.

Sections are found by id (#work-…): their titles are new strings whose translations may not be in
the catalogue yet."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_navigation import log_in
from tests.conftest import PASSWORD, Ref
from tests.test_work_pages import TODAY, add, deal_row, event_row, exchange_id, request_row

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect

SHOTS = Path("/tmp/shots16")
# The sections each role's page shows.
SECTIONS = {
    "centre_staff": ("requests", "recordals", "royalties", "forwards", "drafts", "event-signups", "targets"),
    "sme_member": ("requests", "our-recordals", "notices", "recommended", "new-listings", "saved-searches", "joins"),
    "organiser": ("upcoming", "no-outcomes"),
    "exchange_operator": ("forwards",),
    "site_admin": ("joins", "claims", "unverified"),
}
LONG_TITLE = "一种基于多模态医学影像与深度学习的冠状动脉粥样硬化斑块易损性自动评估方法及其系统、设备和存储介质"


@pytest.fixture
def world(app, make, centre, sme_user, organiser, admin):
    """Something waiting for every role: requests, recordals, a forward, a draft, events, a join request."""
    from portal.extensions import db
    from portal.models import ExchangeForward, JoinRequest

    listings = [make.listing(centre, [make.patent(centre)], title=title)
                for title in ("可降解镁合金冠状动脉支架许可", LONG_TITLE, "防脱落静脉留置针固定装置许可")]
    make.listing(centre, [make.patent(centre)], title="新生儿黄疸经皮检测装置（草稿）", publish=False)
    other_sme = make.user("sme_member", email="buyer@kangxu.example.cn")
    add(app, request_row(listings[0], sme_user, 12), request_row(listings[1], other_sme, 4),
        request_row(listings[2], sme_user, 1, "negotiating"))
    deals = add(app, deal_row(centre, sme_user.org_id, TODAY - timedelta(days=6)),
                deal_row(centre, other_sme.org_id, TODAY + timedelta(days=12)))
    stex = exchange_id(app)
    add(app, ExchangeForward(exchange_id=stex, centre_id=centre.id, deal_id=deals[0], note="进场交易"))
    add(app, event_row(organiser.org_id, "心血管器械专利技术对接会", 12), event_row(organiser.org_id, LONG_TITLE, -20))
    with app.app_context():
        db.session.add(JoinRequest(organisation_id=sme_user.org_id, email="colleague@company.example.cn",
                                   password_hash="x"))
        db.session.commit()
    operator = make.user("exchange_operator", org=Ref(id=stex), email="operator@stex.example.cn")
    return {"centre_staff": make.user("centre_staff", org=centre, email="staff@ruijin.example.cn"),
            "sme_member": sme_user, "organiser": organiser, "exchange_operator": operator, "site_admin": admin}


def test_a_centre_user_lands_on_the_work_page(page, world):
    page.goto("/login")
    page.locator("#email").fill(world["centre_staff"].email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile(r"^(登录|Log in)$")).click()
    expect(page).to_have_url(re.compile(r"/work$"))
    expect(page.locator("#nav-work")).to_have_attribute("aria-current", "page")
    waiting = page.locator("#work-requests")
    expect(waiting.locator(".work-count")).to_have_text("2")
    waiting.get_by_role("link", name=re.compile("可降解镁合金冠状动脉支架许可")).click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    assert page.problems == []


@pytest.mark.parametrize("role", list(SECTIONS))
def test_each_role_work_page_fits_a_laptop_and_a_phone(page, world, role):
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, world[role].email)
    expect(page).to_have_url(re.compile(r"/work$"))
    page.set_viewport_size({"width": 1366, "height": 900})
    for key in SECTIONS[role]:
        expect(page.locator(f"#work-{key}")).to_be_visible()
    assert page.locator(".work-section").count() == len(SECTIONS[role])
    page.screenshot(path=str(SHOTS / f"work-{role}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / f"work-{role}-390.png"), full_page=True)
    assert page.problems == []


def test_the_home_page_fits_a_phone(page, world):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.locator("#home-search")).to_be_visible()
    expect(page.locator("#latest-listings")).to_contain_text(LONG_TITLE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "home-390.png"), full_page=True)
    page.locator("#home-q").fill("支架")
    page.locator("#home-search").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/search\?q="))
    assert page.problems == []


def test_the_work_link_fits_the_english_bar(page, live_server, world):
    from tests.browser.test_navigation import in_english

    in_english(page, live_server)
    log_in(page, world["site_admin"].email)
    expect(page).to_have_url(re.compile(r"/work$"))
    for width in (1200, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        link = page.locator("#nav-work")
        expect(link).to_be_visible()  # a checklist from 1200 px up, its word kept for screen readers
        expect(link).to_have_accessible_name("Work")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.problems == []
