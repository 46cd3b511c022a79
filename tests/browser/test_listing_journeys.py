"""Listing journeys in a real browser: a centre's spreadsheet becomes published listings (issue 3),
and an enterprise's request is agreed while an open licence is taken at once (issue 5)."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal

import pytest

from tests.browser.conftest import CHROMIUM
from tests.conftest import PASSWORD

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect

TERM_END = date(date.today().year + 3, 12, 31)  # a few years ahead, well before the patents expire


def application_number(body: str) -> str:
    from portal.rules import application_check_character

    return f"{body}.{application_check_character(body)}"


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/work$"))


def log_out(page) -> None:
    page.get_by_role("navigation").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation").get_by_role("link", name="登录")).to_be_visible()


# --- issue 3: spreadsheet to published listings ---------------------------------------------------------

HEADINGS = ["application_number", "title", "filing_date", "legal_status", "abstract", "ipc", "grant_date",
            "patentee", "open_fee_method", "open_fee_amount", "open_term_end"]
PLAIN = {"application_number": application_number("202010345678"), "title": "一种可视化气管插管装置",
         "filing_date": "2020-04-10", "legal_status": "valid", "abstract": "本发明公开了一种可视化气管插管装置。",
         "ipc": "A61M 16/04", "grant_date": "2022-08-16", "patentee": "示例医院"}
OPEN = {"application_number": application_number("202110567890"), "title": "一种智能输液监测系统",
        "filing_date": "2021-05-20", "legal_status": "valid", "abstract": "本发明公开了一种智能输液监测系统。",
        "ipc": "A61M 5/168", "grant_date": "2023-02-14", "patentee": "示例医院",
        "open_fee_method": "lump_sum", "open_fee_amount": "30000", "open_term_end": TERM_END.isoformat()}


def write_csv(path, rows: list[dict]):
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADINGS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def upload(page, path, publish: str, summary: str) -> None:
    page.locator("#file").set_input_files(str(path))
    page.locator("#publish").select_option(publish)
    page.locator("main").get_by_role("button", name="导入", exact=True).click()
    expect(page.locator("#import-summary")).to_contain_text(summary)
    expect(page.locator("#import-summary")).to_contain_text("已保存")
    expect(page.locator("#import-report tbody tr")).not_to_have_count(0)
    expect(page.locator("#import-report tr.table-danger")).to_have_count(0)


def test_spreadsheet_to_published_listings_with_an_open_licence(page, centre_staff, artifacts, tmp_path):
    log_in(page, centre_staff.email)
    page.goto("/manage/patents/import")
    expect(page.get_by_role("heading", name="批量导入专利")).to_be_visible()

    # The centre's sheet of two granted inventions, listed for ordinary licences ...
    upload(page, write_csv(tmp_path / "patents.csv", [PLAIN, OPEN]), "ordinary", "新增 2 件，更新 0 件，出错 0 件")
    # ... then the row with open-licence terms again, published as an open licence.
    upload(page, write_csv(tmp_path / "open.csv", [OPEN]), "open", "新增 0 件，更新 1 件，出错 0 件")
    log_out(page)

    page.get_by_role("navigation").get_by_role("link", name="许可信息").click()
    expect(page).to_have_url(re.compile(r"/listings$"))
    cards = page.locator(".listing-card")
    expect(cards).to_have_count(2)
    plain_card = cards.filter(has_text=PLAIN["title"])
    open_card = cards.filter(has_text=OPEN["title"])
    expect(open_card.get_by_text("开放许可", exact=True)).to_be_visible()
    expect(plain_card.get_by_text("开放许可", exact=True)).to_have_count(0)
    expect(plain_card.get_by_text("普通许可", exact=True)).to_be_visible()

    open_card.get_by_role("link", name=OPEN["title"]).click()
    expect(page).to_have_url(re.compile(r"/listings/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN["title"])
    expect(page.locator("#open-badge")).to_have_text("开放许可")
    terms = page.locator(".open-terms")
    expect(terms).to_contain_text("开放许可条件")
    expect(terms).to_contain_text("一次性支付")
    expect(terms).to_contain_text("30,000.00 元")
    expect(terms).to_contain_text(f"许可期限至 {TERM_END.isoformat()}")
    expect(page.locator("#request-actions")).to_contain_text("以企业身份登录后申请许可")  # anonymous visitor

    page.screenshot(path=str(artifacts / "import_publish.png"), full_page=True)
    assert (artifacts / "import_publish.png").stat().st_size > 10_000
    assert page.problems == []


# --- issue 5: request to agreed, and taking an open licence ---------------------------------------------

ORDINARY_TITLE = "可降解镁合金心血管支架普通许可"
OPEN_TITLE = "手术机器人力反馈装置开放许可"
MESSAGE = "同意按普通许可条件签约，请于下周来中心签署合同。"


def declare_open(app, patent_id: int) -> None:
    from portal.extensions import db
    from portal.models import Patent
    from portal.patents.open_licence import declare_open_licence
    from portal.rules import OpenLicenceTerms

    with app.app_context():
        terms = OpenLicenceTerms(fee_method="lump_sum", fee_amount_yuan=Decimal("50000"), term_end=TERM_END)
        declare_open_licence(db.session.get(Patent, patent_id), terms, announced_on=date.today(),
                             cnipa_reference=None, actor=None)
        db.session.commit()


@pytest.fixture
def listings(app, make, centre):
    """A published listing offering an ordinary licence, and one whose patent carries an open licence."""
    from portal.indexing import apply_pending

    stent = make.patent(centre, title="一种可降解镁合金心血管支架", abstract="本发明公开了一种可降解镁合金心血管支架。")
    ordinary = make.listing(centre, [stent], title=ORDINARY_TITLE, modes=("ordinary",))
    robot = make.patent(centre, title="一种手术机器人力反馈装置", ipc=["A61B 34/30"],
                        abstract="本发明公开了一种手术机器人力反馈装置。")
    declare_open(app, robot.id)
    open_listing = make.listing(centre, [robot], title=OPEN_TITLE, modes=())
    with app.app_context():
        apply_pending()
    return {"ordinary": ordinary.id, "open": open_listing.id}


def test_request_to_agreed_and_taking_an_open_licence(page, app, listings, centre_staff, sme_user, artifacts):
    nav = page.get_by_role("navigation")
    questions = []  # agreeing is final: it asks first (issue 16)
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))

    # The enterprise finds the listing with the navbar search and asks for a licence.
    log_in(page, sme_user.email)
    search = nav.get_by_role("searchbox", name="检索专利")
    search.fill("镁合金")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    page.locator(".listing-card").get_by_role("link", name=ORDINARY_TITLE).click()
    expect(page).to_have_url(re.compile(rf"/listings/{listings['ordinary']}\?via=search$"))  # the channel goes on
    page.locator("#request-actions").get_by_role("link", name="申请许可").click()
    expect(page).to_have_url(re.compile(rf"/listings/{listings['ordinary']}/request\?via=search$"))
    page.locator("#mode").select_option("ordinary")
    page.locator("#intended_use").fill("用于本公司心血管介入产品线的研发与生产。")
    page.locator("#products").fill("可降解冠脉支架")
    page.locator("#region").fill("中国大陆")
    page.locator("#scale").fill("年产 5 万套")
    page.locator("#proposed_terms").fill("一次性支付许可费 80 万元")
    page.locator("#message").fill("希望尽快沟通。")
    page.locator("main").get_by_role("button", name="提交申请").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_url = page.url
    with app.app_context():  # found through the search: the request says so (issue 17, channels)
        from portal.extensions import db
        from portal.models import LicenceRequest

        assert db.session.get(LicenceRequest, int(request_url.rsplit("/", 1)[1])).channel == "search"
    expect(page.locator("#request-status")).to_have_text("已提交")
    expect(page.get_by_role("alert")).to_contain_text("您的申请已发送给运营中心")
    log_out(page)

    # The centre reviews it, agrees and writes back.
    log_in(page, centre_staff.email)
    nav.get_by_role("link", name="申请收件箱").click()
    expect(page).to_have_url(re.compile(r"/requests/$"))
    page.locator("#requests").get_by_role("link", name=ORDINARY_TITLE).click()
    expect(page).to_have_url(request_url)
    for label in ("审核中", "已同意"):
        page.locator("#status").select_option(label=label)
        page.locator("#status-form").get_by_role("button", name="变更状态").click()
        expect(page.locator("#request-status")).to_have_text(label)
        expect(page.get_by_role("alert")).to_contain_text("状态已变更")
    expect(page.locator("#status-form")).to_have_count(0)  # agreed is final
    assert len(questions) == 1 and questions[0]
    page.locator("#body").fill(MESSAGE)
    page.get_by_role("button", name="发送消息").click()
    expect(page.locator("#messages")).to_contain_text(MESSAGE)
    log_out(page)

    # The enterprise sees the news: two status changes and a message.
    log_in(page, sme_user.email)
    expect(nav.locator("#notification-count")).to_have_text("3")
    nav.get_by_role("link", name="我的申请").click()
    page.locator("#requests").get_by_role("link", name=ORDINARY_TITLE).click()
    expect(page).to_have_url(request_url)
    expect(page.locator("#request-status")).to_have_text("已同意")
    expect(page.locator("#messages")).to_contain_text(MESSAGE)
    expect(page.locator("#history")).to_contain_text("审核中")

    # It takes the open licence on the other listing: no negotiation, a written notice.
    nav.get_by_role("link", name="许可信息").click()
    page.locator(".listing-card").get_by_role("link", name=OPEN_TITLE).click()
    expect(page).to_have_url(re.compile(rf"/listings/{listings['open']}(\?via=\w+)?$"))
    actions = page.locator("#request-actions")
    expect(actions.get_by_role("link", name="申请许可")).to_have_count(0)  # the open listing offers no other mode
    actions.get_by_role("link", name=re.compile(r"^获得 ZL\S+ 的开放许可$")).click()
    expect(page).to_have_url(re.compile(r"/take-open-licence(\?via=\w+)?$"))
    expect(page.locator("#published-terms")).to_contain_text("50,000.00 元")
    expect(page.locator("#name")).not_to_have_value("")  # the company's name, filled in
    page.locator("#address").fill("上海市浦东新区张江路 1 号")
    page.locator("#contact").fill("李经理 021-12345678")
    page.locator("#confirm").select_option(label="是")
    page.get_by_role("button", name="发出书面通知并获得许可").click()
    expect(page).to_have_url(re.compile(r"/open-licences/\d+/notice$"))
    expect(page.get_by_role("heading", name="专利开放许可实施通知书")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("上海市浦东新区张江路 1 号")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")

    page.screenshot(path=str(artifacts / "request_journey.png"), full_page=True)
    assert (artifacts / "request_journey.png").stat().st_size > 10_000
    # Chromium ends a navigation that turns into a download with net::ERR_ABORTED: not a fault of the page.
    aborted = f"failed: {download.value.url} net::ERR_ABORTED"
    page.problems[:] = [p for p in page.problems if p != aborted]
    assert page.problems == []
