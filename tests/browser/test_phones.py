"""Issue 16, phones: on a 390 px screen no main page of any role scrolls sideways (in Chinese, and in
English for the roles with the most and widest pages), the deals list shows names whole instead of a
character a line, and a search shows its results before the facets, which open from a button."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, TIMEOUT_MS
from tests.browser.demo_site import ACCOUNTS, demo_site, log_in

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 390, "height": 844}
ROLES = [None, *ACCOUNTS]

# What sticks out past the right edge of the screen (for the failure message).
WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && e.getClientRects().length)
    .filter(e => !e.closest('.table-responsive') || e.classList.contains('table-responsive')
                 || ['absolute', 'fixed'].includes(getComputedStyle(e).position))
    .slice(0, 5).map(e => {
        const id = e.getAttribute('id') ? '#' + e.getAttribute('id') : '';
        return `${e.tagName.toLowerCase()}${id}.${[...e.classList].join('.')}`
            + ` (${Math.round(e.getBoundingClientRect().right)} px)`;
    })"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory.mktemp("phones")) as demo:
        yield demo


def phone(browser, site, lang: str):
    context = browser.new_context(base_url=site.base_url, viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    if lang == "en":
        from portal.extensions import LANGUAGE_COOKIE

        context.add_cookies([{"name": LANGUAGE_COOKIE, "value": "en", "url": site.base_url}])
    return context


# Every role in Chinese; in English (longer labels) the roles with the most pages and the widest tables.
CASES = [(role, "zh_CN") for role in ROLES] + [("centre_staff", "en"), ("site_admin", "en")]


@pytest.mark.parametrize(("role", "lang"), CASES, ids=lambda v: v or "visitor")
def test_no_page_scrolls_sideways(browser, site, role, lang):
    context = phone(browser, site, lang)
    try:
        page = context.new_page()
        if role:
            log_in(page, ACCOUNTS[role])
        wide, failed = {}, {}
        for path in site.pages(role):
            response = page.goto(path)
            if response is None or response.status >= 400:
                failed[path] = response.status if response else "no response"
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[path] = (width, page.evaluate(WIDEST))
        assert failed == {}, f"pages that did not open: {failed}"
        assert wide == {}, "pages wider than the 390 px screen:\n" + "\n".join(
            f"  {path}: {width} px; past the edge: {', '.join(what)}" for path, (width, what) in wide.items())
    finally:
        context.close()


def test_deal_names_are_whole_on_a_phone(browser, site):
    context = phone(browser, site, "zh_CN")
    try:
        page = context.new_page()
        log_in(page, ACCOUNTS["centre_staff"])
        page.goto("/deals/")
        parties = page.locator("table.deals td.deal-party")
        assert parties.count() > 0
        for box in (parties.nth(i).bounding_box() for i in range(parties.count())):
            # the name has a line of its own (a block per deal), not a column a character wide
            assert box["width"] >= 200, box
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # the filters and the export are on the phone too
        expect(page.locator("#deal-filters button[type=submit]")).to_be_visible()
        expect(page.locator("#deal-export a").first).to_be_visible()
    finally:
        context.close()


def test_search_results_come_before_the_facets(browser, site):
    context = phone(browser, site, "zh_CN")
    try:
        page = context.new_page()
        page.goto("/search?q=支架")
        first = page.locator(".listing-card").first
        expect(first).to_be_visible()
        expect(page.locator("#facet-panel")).to_be_hidden()
        toggle = page.locator("#facet-toggle")
        expect(toggle).to_be_visible()
        assert first.bounding_box()["y"] < PHONE["height"], "the first result is not on the first screen"
        # the facets open from the button, with their links
        toggle.click()
        expect(page.locator("#facet-panel")).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        link = page.locator("#facet-panel a").first
        expect(link).to_be_visible()
        link.click()
        page.wait_for_load_state()
        assert "q=" in page.url and page.url != f"{site.base_url}/search?q=支架"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # a laptop shows the facets beside the results, without the button
        page.set_viewport_size({"width": 1366, "height": 900})
        expect(page.locator("#facet-panel")).to_be_visible()
        expect(page.locator("#facet-toggle")).to_be_hidden()
    finally:
        context.close()
