"""Issue 17: an SME posts a technology need through the form, sees the portal's recommendation with
its reason, a centre proposes its listing, and the SME files a licence request from the proposal that
remembers the need and counts under the channel "need" on the centre's funnel page — in a real browser,
at a desktop width and on a 390 px phone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_listing_journeys import log_in, log_out

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def stent(app, make, centre):
    from portal import indexing

    ref = make.listing(centre, [make.patent(centre, title="冠状动脉药物洗脱支架", ipc=["A61F 2/82"],
                                                abstract="一种冠状动脉药物洗脱支架，表面载有雷帕霉素涂层，降低再狭窄。")],
                       modes=("ordinary", "exclusive"), title="冠状动脉药物洗脱支架许可", field="medical_devices")
    with app.app_context():
        indexing.apply_pending()
    return ref


def test_need_to_proposal_to_request(app, page, stent, centre_staff, sme_user):
    log_in(page, sme_user.email)
    page.get_by_role("navigation").get_by_role("link", name="技术需求").click()
    page.get_by_role("link", name="发布技术需求").click()
    page.get_by_label("您需要什么技术？（一句话）").fill("需要冠状动脉支架药物涂层技术")
    page.get_by_label("需求描述").fill("我司生产心血管介入器械，希望获得药物洗脱支架的涂层技术。")
    page.get_by_label("技术领域").select_option("medical_devices")
    page.get_by_label("IPC 分类号（选填）").fill("A61F")
    page.get_by_label("普通许可").check()
    page.get_by_label("征集截止日期").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="发布需求").click()
    expect(page).to_have_url(re.compile(r"/needs/\d+$"))
    need_url = page.url
    recommended = page.locator("#recommended")
    expect(recommended.get_by_role("link", name="冠状动脉药物洗脱支架许可")).to_be_visible()
    expect(recommended.locator(".why")).to_contain_text("IPC 小类相同（A61F）")
    log_out(page)

    log_in(page, centre_staff.email)
    page.goto(need_url)
    page.get_by_label("可满足该需求的本中心许可信息").select_option(label="冠状动脉药物洗脱支架许可")
    page.get_by_label("给企业的留言").fill("可提供普通许可，欢迎洽谈。")
    page.get_by_role("button", name="发送推荐").click()
    expect(page.locator("#proposals")).to_contain_text("可提供普通许可，欢迎洽谈。")
    log_out(page)

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, sme_user.email)
    page.goto(need_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.locator("#proposals").get_by_role("link", name="提交许可申请").click()
    expect(page).to_have_url(re.compile(r"via=need&need=\d+"))
    page.get_by_label("拟实施用途").fill("心血管介入器械产品线")
    page.get_by_role("button", name="提交申请").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    with app.app_context():
        from portal.extensions import db
        from portal.models import LicenceRequest

        request = db.session.scalars(db.select(LicenceRequest)).one()
        assert request.need_id == int(need_url.rsplit("/", 1)[1])
        assert request.channel == "need"
    page.set_viewport_size({"width": 1440, "height": 900})  # the signed-in navbar collapses on a phone
    log_out(page)

    log_in(page, centre_staff.email)
    page.goto("/metrics/funnel")  # centre staff are taken to their own centre's funnel
    expect(page).to_have_url(re.compile(r"/metrics/centres/[^/]+/funnel"))
    need_row = page.locator("#channel-need")
    expect(need_row.locator("th")).to_have_text("技术需求")
    expect(need_row.locator("td").nth(1)).to_have_text("1")  # views, then requests
    expect(page.locator("#channel-total td").nth(1)).to_have_text("1")
    assert page.problems == []
