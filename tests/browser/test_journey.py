"""An enterprise's first visit in a real browser: register, log out, log in, switch to English."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM
from tests.conftest import PASSWORD

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect

TITLE_ZH = "上海医疗卫生专利许可对接平台"
EMAIL = "founder@medtech.example.cn"


def fill_registration(page, credit_code: str = "91310115MA1H7GQ2XU") -> None:
    page.locator("#company_name").fill("上海测试医疗器械有限公司")
    page.locator("#credit_code").fill(credit_code)
    page.locator("#industry").select_option("industry")
    page.locator("#employees").fill("80")
    page.locator("#revenue_wan").fill("1500")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="注册", exact=True).click()


def test_register_log_out_log_in_and_switch_to_english(page, app, artifacts):
    nav = page.get_by_role("navigation")

    page.goto("/")
    expect(page).to_have_title(TITLE_ZH)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    nav.get_by_role("link", name="企业注册").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    fill_registration(page)
    expect(page).to_have_url(re.compile(r"/register/sent$"))  # nothing registered before the mailed link
    from tests.test_auth import mailed_link

    page.goto(mailed_link(app, EMAIL))
    page.locator("main").get_by_role("button", name="注册企业").click()

    expect(page).to_have_url(re.compile(r"/work$"))  # registration lands on the work page
    expect(page.locator("#size-class")).to_contain_text("小型企业")
    expect(page.get_by_role("alert")).to_contain_text("小型企业")
    expect(nav).to_contain_text(EMAIL)

    nav.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(nav.get_by_role("link", name="登录")).to_be_visible()
    expect(nav).not_to_contain_text(EMAIL)
    page.goto("/account")  # logged out for real: the account page asks to log in
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faccount$"))

    page.goto("/")
    nav.get_by_role("link", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/work$"))  # login lands on the work page
    page.goto("/account")
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible()

    nav.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/account$"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("#size-class")).to_contain_text("Small enterprise")
    expect(nav.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page).to_have_title(re.compile("Shanghai Medical Patent Licensing Portal$"))
    page.goto("/")
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    page.goto("/account")

    page.screenshot(path=str(artifacts / "journey.png"), full_page=True)
    assert (artifacts / "journey.png").stat().st_size > 10_000
    assert page.problems == []


def test_wrong_credit_code_is_explained(page, app):
    page.goto("/register")
    fill_registration(page, credit_code="91310115MA1H7GQ2XA")
    expect(page).to_have_url(re.compile(r"/register$"))
    error = page.locator("#credit_code ~ .invalid-feedback")
    expect(error).to_contain_text("校验码")
    expect(error).to_contain_text("U")  # names the right check character
    expect(page.locator("#credit_code")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#company_name")).to_have_value("上海测试医疗器械有限公司")  # the form keeps the input
    expect(page.get_by_role("navigation").get_by_role("link", name="登录")).to_be_visible()  # not logged in
    assert page.problems == []

    from portal.extensions import db
    from portal.models import User

    with app.app_context():
        assert db.session.query(User).count() == 0
