"""Issue 17, saved searches in a browser: an enterprise saves the search it is looking at with the
keyboard, renames it and turns it to weekly mail, and deleting it asks first (dismissed: kept;
accepted: gone). The pages do not scroll sideways at 1366 px or on a 390 px phone."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_confirmations import Dialogs
from tests.browser.test_navigation import log_in

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect


def saved(app) -> list[tuple[str, str]]:
    from portal.extensions import db
    from portal.models import SavedSearch

    with app.app_context():
        return [(s.name, s.delivery) for s in db.session.scalars(db.select(SavedSearch))]


def fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_save_rename_and_delete_a_search(page, app, sme_user):
    dialogs = Dialogs(page)
    log_in(page, sme_user.email)
    page.goto("/search?q=冠状动脉支架&field=medical_devices")
    button = page.locator("#save-search button")
    button.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account/searches/\d+$"))
    assert saved(app) == [("“冠状动脉支架” · 医疗器械", "daily")]
    for width in (1366, 390):
        fits(page, width)
    page.locator("#name").fill("心血管支架")
    page.get_by_label("每周邮件").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/account/searches$"))
    expect(page.locator("#saved-searches")).to_contain_text("心血管支架")
    expect(page.locator("#saved-searches")).to_contain_text("每周邮件")
    for width in (1366, 390):
        fits(page, width)
    page.locator("#saved-searches form[data-confirm] button").click()
    assert dialogs and dialogs[-1][0] == "confirm"
    assert saved(app) == [("心血管支架", "weekly")]
    dialogs.answer = "accept"
    page.locator("#saved-searches form[data-confirm] button").click()
    expect(page.locator("#no-saved-searches")).to_be_visible()
    assert saved(app) == []
    assert page.problems == []
