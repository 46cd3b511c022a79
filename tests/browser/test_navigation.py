"""Issue 16, navigation at laptop widths: every role's main links and the unread-notification badge
are in the bar (not behind the collapsed menu) at 1200, 1280 and 1366 px, in Chinese (and in English
for the roles with the most links); the secondary links are under "More"; on a 390 px phone the bar
(brand and menu button) fits the screen.

Links are found by id (#nav-…): their labels are translated, and the translations of the labels this
issue adds may not be in the catalogue yet."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM
from tests.conftest import PASSWORD, Ref

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect

LAPTOPS = (1200, 1280, 1366)
# The links each role has in the bar from 1200 px up; "more" is the dropdown of the others.
MAIN_LINKS = {
    "sme_member": ("listings", "requests", "needs", "our-deals", "more"),
    "centre_staff": ("requests", "centre", "deals", "performance", "more"),
    "centre_admin": ("requests", "centre", "deals", "performance", "more"),
    "organiser": ("events", "programme", "listings"),
    "exchange_operator": ("forwards", "listings", "events"),
    "site_admin": ("accounts", "orgs", "audit", "programme", "more"),
}
MORE_LINKS = {
    "sme_member": ("saved-searches", "events"),
    "centre_staff": ("listings", "events"),
    "centre_admin": ("listings", "events"),
    "site_admin": ("listings", "events", "claims", "tokens", "parameters"),
}


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile(r"^(登录|Log in)$")).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def in_english(page, live_server) -> None:
    from portal.extensions import LANGUAGE_COOKIE

    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": "en", "url": live_server}])


def give_unread_notifications(app, user: Ref, count: int = 2) -> None:
    from portal.extensions import db
    from portal.models import Notification

    with app.app_context():
        for _ in range(count):
            db.session.add(Notification(user_id=user.id, kind="request.message", params={"listing": "示例许可"},
                                        link="/requests/"))
        db.session.commit()


@pytest.fixture
def role_user(request, make, centre):
    """A user of the role the test is parametrised with, in an organisation of the right kind."""
    role = request.param
    if role in ("centre_staff", "centre_admin"):
        return make.user(role, org=centre, email=f"{role.replace('_', '.')}@ruijin.example.cn")
    if role == "exchange_operator":
        from portal.extensions import db
        from portal.models import Organisation

        with make.app.app_context():
            stex = db.session.scalar(db.select(Organisation.id).where(Organisation.code == "stex"))
        return make.user(role, org=Ref(id=stex), email="operator@stex.example.cn")
    return make.user(role)


def assert_one_line_bar(page, width: int) -> None:
    """The bar is expanded (no menu button) and everything in it is on one line, inside the screen."""
    nav = page.get_by_role("navigation")
    expect(nav.locator(".navbar-toggler")).to_be_hidden()
    expect(page.locator("#nav")).to_be_visible()
    box = page.locator("#nav").bounding_box()
    assert box["height"] < 60, f"the navigation wraps onto a second line at {width} px ({box['height']} px high)"
    overflow = page.evaluate("""() => [...document.querySelectorAll('nav a, nav button, nav input')]
        .filter(e => e.offsetParent !== null)
        .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 0.5; })
        .map(e => e.id || e.textContent.trim())""")
    assert overflow == [], f"past the right edge at {width} px: {overflow}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# Every role in Chinese; in English (longer labels) the two roles with the most links in the bar.
CASES = [(role, "zh_CN") for role in MAIN_LINKS] + [("centre_admin", "en"), ("site_admin", "en")]


@pytest.mark.parametrize(("role_user", "lang"), CASES, indirect=["role_user"])
def test_role_links_and_badge_visible_at_laptop_widths(page, app, live_server, role_user, lang):
    give_unread_notifications(app, role_user)
    if lang == "en":
        in_english(page, live_server)
    log_in(page, role_user.email)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")
    nav = page.get_by_role("navigation")
    for width in LAPTOPS:
        page.set_viewport_size({"width": width, "height": 800})
        assert_one_line_bar(page, width)
        for name in MAIN_LINKS[role_user.role]:
            expect(nav.locator(f"#nav-{name}")).to_be_visible()
        expect(nav.locator("#notification-link")).to_be_visible()
        expect(nav.locator("#notification-count")).to_be_visible()
        expect(nav.locator("#notification-count")).to_have_text("2")
        expect(nav.get_by_role("searchbox")).to_be_visible()
        expect(nav.locator("form[action='/logout'] button")).to_be_visible()
    # the secondary links open from "More"
    more = MORE_LINKS.get(role_user.role, ())
    for name in more:
        expect(nav.locator(f"#nav-{name}")).to_be_hidden()
    if more:
        nav.locator("#nav-more").click()
        for name in more:
            expect(nav.locator(f"#nav-{name}")).to_be_visible()
        nav.locator(f"#nav-{more[-1]}").click()
        expect(page).not_to_have_url(re.compile(r"/$"))
    assert page.problems == []


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_bar_fits_a_phone(page, app, live_server, sme_user, lang):
    if lang == "en":
        in_english(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    for signed_in in (False, True):
        if signed_in:
            log_in(page, sme_user.email)
        page.goto("/")
        brand = page.locator(".navbar-brand")
        expect(brand).to_be_visible()
        expect(page.locator(".navbar-toggler")).to_be_visible()
        box, toggler = brand.bounding_box(), page.locator(".navbar-toggler").bounding_box()
        assert box["x"] + box["width"] <= toggler["x"], "the brand runs into the menu button"
        assert toggler["x"] + toggler["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # the menu opens with every link, the search box and the language switch in the screen's width
        page.locator(".navbar-toggler").click()
        expect(page.locator("#nav")).to_be_visible()
        expect(page.locator("#nav").get_by_role("searchbox")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.problems == []
