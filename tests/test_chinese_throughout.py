"""Chinese all the way through (issue 16, item 5): the deal history, the notifications and the audit
log are structured events rendered in the reader's language — no English sentence and no internal
code (``not_filed``, ``account.deactivated``, ``None →``, ``stex``) on a Chinese page, the English
renderings on an English one — and English mode names organisations by their English name.
Also the audit log's filters (item 6): person, action, dates, kept across pages."""

from __future__ import annotations

import ast
import html
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from portal.extensions import db
from portal.history import EVENTS, describe, kind_label
from portal.models import AuditEntry, Notification, Organisation
from tests.conftest import Ref, post

ROOT = Path(__file__).resolve().parent.parent
SME_ZH, SME_EN = "上海示例医疗器械有限公司", "Shanghai Example Medical Devices Co., Ltd."
CENTRE_EN = "Example Hospital IP Operation Centre"
REASON = "合同缺少附件"
RECORDAL_NUMBER = "2025310000123"

# Latin runs on a page: a word of letters, or a code, an e-mail address or a number written with them.
LATIN = re.compile(r"[A-Za-z0-9_.@/+-]*[A-Za-z][A-Za-z0-9_.@/+-]*")
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
# Proper names and codes a Chinese page may show: the language switch names English in English.
ALLOWED = {"English"}


def visible_text(page: str, section: str | None = None) -> str:
    """The text a reader sees of the element with id ``section`` (of the page's own content, the
    ``<main>`` element, when none is given: the navigation is checked with every page's own tests)."""
    if section is not None:
        start = page.index(f'id="{section}"')
        page = page[page.rindex("<", 0, start):]
        tag = re.match(r"<(\w+)", page).group(1)
        page = page[:page.index(f"</{tag}>")]
    elif "<main" in page:
        page = page[page.index("<main"):page.index("</main>")]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def english_in(text: str) -> list[str]:
    """Latin runs that are neither a number or code with digits, an e-mail address nor an allowed name."""
    return [w for w in LATIN.findall(text)
            if not re.search(r"\d", w) and not EMAIL.match(w) and w.strip(".-/") not in ALLOWED]


def assert_chinese(page: str, section: str | None = None) -> str:
    text = visible_text(page, section)
    assert english_in(text) == [], english_in(text)
    words = re.sub(r"[\w.+-]+@[\w.-]+", " ", text)  # e-mail addresses may hold any word
    for code in ("not_filed", "account.deactivated", "None →", "forwarded to", "exclusive deal", "stex", "sipe"):
        assert code not in words, code
    assert not re.search(r"\bdeal \d+", words)
    return text


def english(client) -> None:
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# --- a realistic set of events ------------------------------------------------------------------

@pytest.fixture
def world(app, client, auth, make, centre, centre_staff, sme_user, admin):
    """A centre with an English name records an exclusive licence with a company that has one, takes a
    payment, files and completes the CNIPA recordal, forwards the deal to 上海技术交易所, which
    receives it and returns it with a reason; a company files a licence request that the centre
    reviews; the recordal reminder goes out for a second deal; an administrator deactivates an
    account, changes a role and verifies the company; someone fails to log in. Nobody stays logged in."""
    with app.app_context():
        db.session.get(Organisation, centre.id).name_en = CENTRE_EN
        company = db.session.get(Organisation, sme_user.org_id)
        company.name_zh, company.name_en = SME_ZH, SME_EN
        stex = db.session.scalar(db.select(Organisation.id).where(Organisation.code == "stex"))
        db.session.commit()
    operator = make.user("exchange_operator", org=Ref(id=stex), email="op@stex.example.cn")
    patent = make.patent(centre)
    listing = make.listing(centre, [make.patent(centre)], modes=("ordinary",))
    today = date.today()

    auth.login(centre_staff.email)
    deal_form = {"mode": "exclusive", "licensee": sme_user.org_code, "patents": [str(patent.id)],
                 "effective_date": (today - timedelta(days=30)).isoformat(),
                 "term_end": (today + timedelta(days=700)).isoformat(), "contract_amount_yuan": "1200000",
                 "signed_date": "", "registration_date": "", "gross_income_yuan": "", "deductions_yuan": "",
                 "paid_on": "", "paid_amount": ""}
    response = post(client, "/deals/new", deal_form)
    assert response.status_code == 302, response.get_data(as_text=True)
    deal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert post(client, f"/deals/{deal_id}/payments", {"paid_on": today.isoformat(),
                                                       "amount_yuan": "300000"}).status_code == 302
    assert post(client, f"/deals/{deal_id}/recordal", {"status": "filed"}).status_code == 302
    assert post(client, f"/deals/{deal_id}/recordal", {"status": "recorded", "number": RECORDAL_NUMBER,
                                                       "recorded_on": today.isoformat()}).status_code == 302
    assert post(client, f"/exchange/forward/deals/{deal_id}", {"exchange": "stex", "note": "请办理进场交易"}
                ).status_code == 302
    # a second deal, whose recordal falls due within the reminder's window
    second = post(client, "/deals/new", {**deal_form, "mode": "ordinary", "patents": [str(make.patent(centre).id)],
                                          "effective_date": (today - timedelta(days=85)).isoformat()})
    assert second.status_code == 302
    auth.logout()

    with app.app_context():
        forward_id = db.session.scalar(db.text("SELECT id FROM exchange_forwards WHERE deal_id = :d"),
                                       {"d": deal_id})
    auth.login(operator.email)
    for status, reason in (("received", ""), ("returned", REASON)):
        response = post(client, f"/exchange/{forward_id}/status", {"status": status, "reason": reason,
                                                                   "reference": ""})
        assert response.status_code == 302
    auth.logout()

    auth.login(sme_user.email)
    assert post(client, f"/listings/{listing.id}/request", {
        "mode": "ordinary", "intended_use": "用于心血管介入器械产品线", "products": "冠脉支架", "region": "长三角",
        "scale": "年产 5 万套", "proposed_terms": "入门费 20 万元", "message": "希望尽快沟通"}).status_code == 302
    auth.logout()
    with app.app_context():
        request_id = db.session.scalar(db.text("SELECT max(id) FROM licence_requests"))
    auth.login(centre_staff.email)
    assert post(client, f"/requests/{request_id}/status", {"status": "under_review"}).status_code == 302
    auth.logout()
    with app.app_context(), app.test_request_context():
        from portal.deals.operations import send_recordal_reminders

        assert send_recordal_reminders(today) == 1
        db.session.commit()

    leaving = make.user("centre_staff", org=centre, email="leaving@ruijin.example.cn")
    auth.login(admin.email)
    assert post(client, f"/admin/users/{leaving.id}/active", {"active": "0"}).status_code == 302
    assert post(client, f"/admin/users/{leaving.id}/role", {"role": "centre_admin"}).status_code == 302
    assert post(client, f"/admin/orgs/{sme_user.org_id}/verified", {"verified": "1"}).status_code == 302
    auth.logout()
    assert auth.login(centre_staff.email, password="wrong-password-1").status_code == 401
    return {"deal": deal_id, "request": request_id, "staff": centre_staff, "sme": sme_user, "admin": admin}


def test_the_chinese_deal_page_notifications_and_audit_log_hold_no_english(client, auth, world):
    auth.login(world["staff"].email)
    deal = get(client, f"/deals/{world['deal']}")
    assert_chinese(deal)
    history = visible_text(deal, "deal-history")
    for line in (f"登记交易：与{SME_ZH}的独占许可，合同金额 1,200,000.00 元", "到账 300,000.00 元",
                 "备案：未备案 → 已提交备案", f"备案：已提交备案 → 已备案，备案号 {RECORDAL_NUMBER}",
                 "已转交上海技术交易所。", "上海技术交易所：已转交，待受理 → 交易机构已受理",
                 f"上海技术交易所：交易机构已受理 → 已退回运营中心；理由：{REASON}"):
        assert line in history, line

    notes = get(client, "/notifications")
    text = assert_chinese(notes)
    assert "上海技术交易所已受理" in text and REASON in text and "新的许可申请" in text
    with client.application.app_context():
        kinds = set(db.session.scalars(db.select(Notification.kind)
                                       .where(Notification.user_id == world["staff"].id)))
    assert {"request.new", "exchange.received", "exchange.returned", "deal.recordal_due"} <= kinds
    auth.logout()

    auth.login(world["sme"].email)
    assert "审核中" in assert_chinese(get(client, "/notifications"))
    auth.logout()

    auth.login(world["admin"].email)
    audit = get(client, "/admin/audit")
    text = assert_chinese(audit)
    for line in ("停用账号", "账号 leaving@ruijin.example.cn 已停用", "状态：已提交", "状态：已提交 → 审核中",
                 "leaving@ruijin.example.cn 的角色：运营中心工作人员 → 运营中心管理员", f"{SME_ZH} 已标记为已核验",
                 "staff@ruijin.example.cn 登录失败", f"申请 #{world['request']}", f"交易 #{world['deal']}"):
        assert line in text, line


def test_the_same_pages_in_english(client, auth, world):
    english(client)
    auth.login(world["staff"].email)
    history = visible_text(get(client, f"/deals/{world['deal']}"), "deal-history")
    for line in (f"Deal recorded: Exclusive licence with {SME_EN}, contract amount 1,200,000.00 yuan",
                 "Recordal: Not filed → Filed", f"Recordal: Filed → Recorded, recordal number {RECORDAL_NUMBER}",
                 "Forwarded to Shanghai Technology Exchange.",
                 f"Shanghai Technology Exchange: Received by the exchange → Returned to the centre; reason: {REASON}"):
        assert line in history, line
    assert "上海技术交易所" not in history and SME_ZH not in history
    notes = visible_text(get(client, "/notifications"))
    assert "Shanghai Technology Exchange received" in notes and "上海技术交易所" not in notes
    assert f"The CNIPA recordal of the deal with {SME_EN} is due on" in notes
    auth.logout()
    auth.login(world["admin"].email)
    audit = visible_text(get(client, "/admin/audit"))
    for line in ("Account deactivated", "Account leaving@ruijin.example.cn deactivated", "Status: Submitted",
                 "Role of leaving@ruijin.example.cn: Centre staff → Centre administrator", f"{SME_EN} marked verified",
                 f"Request #{world['request']}"):
        assert line in audit, line


def test_english_mode_shows_english_organisation_names(client, auth, world, app, make, centre):
    listing = make.listing(centre, [make.patent(centre)], title="可降解支架许可")
    english(client)
    page = get(client, f"/listings/{listing.id}")
    assert CENTRE_EN in page
    auth.login(world["staff"].email)
    facts = visible_text(get(client, f"/deals/{world['deal']}"), "deal-facts")
    assert CENTRE_EN in facts and SME_EN in facts and SME_ZH not in facts
    assert SME_EN in visible_text(get(client, "/deals/"))
    # Chinese mode keeps the Chinese names
    assert post(client, "/language", {"lang": "zh_CN", "next": "/"}).status_code == 302
    facts = visible_text(get(client, f"/deals/{world['deal']}"), "deal-facts")
    assert SME_ZH in facts and SME_EN not in facts


def test_older_entries_render_from_their_summary_or_fall_back_to_it(app, make, centre):
    """Entries written before their parameters were stored still read in the reader's language."""
    user = make.user("centre_staff", org=centre, email="old@ruijin.example.cn")
    with app.app_context(), app.test_request_context():
        rows = [AuditEntry(kind="account.deactivated", summary="old@ruijin.example.cn deactivated",
                           target_type="users", target_id=user.id, data={}),
                AuditEntry(kind="request.status", summary="request 5: None → submitted",
                           data={"from": None, "to": "submitted", "reason": None}),
                AuditEntry(kind="deal.registered", summary="assignment 3 registered on 2025-05-01", data={}),
                AuditEntry(kind="security.csrf_refused", summary="CSRF check failed: POST /deals/new", data={}),
                AuditEntry(kind="exchange.status", summary="stex forward 2: forwarded → bogus",
                           data={"exchange": "stex", "from": "forwarded", "to": "bogus"}),
                AuditEntry(kind="test.unknown", summary="something else", data={})]
        said = [describe(row) for row in rows]
    assert said[:4] == ["账号 old@ruijin.example.cn 已停用", "状态：已提交", "转让已于 2025-05-01 在国家知识产权局登记",
                        "表单被拒（已过期或来自其他网站）：POST /deals/new"]
    # an unknown status code is never shown as such: the stored summary is
    assert said[4:] == ["stex forward 2: forwarded → bogus", "something else"]


def test_older_notifications_name_the_exchange_in_the_readers_language(app, client, auth, centre_staff):
    with app.app_context():
        db.session.add(Notification(user_id=centre_staff.id, kind="exchange.received",
                                    params={"exchange": "上海技术交易所", "item": "#7 某公司", "reason": ""},
                                    link="/deals/7"))
        db.session.commit()
    english(client)
    auth.login(centre_staff.email)
    assert "Shanghai Technology Exchange received “#7 某公司”." in visible_text(get(client, "/notifications"))


def _recorded_kinds() -> set[str]:
    """Every kind the code writes to the audit log (literal kinds; the metrics deletions by their models)."""
    from portal.metrics.operations import FACT_MODELS

    kinds = {f"metrics.{k}.deleted" for k in FACT_MODELS}
    for path in (ROOT / "portal").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and (
                    (isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                     and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit")
                    or (isinstance(node.func, ast.Name) and node.func.id == "_on_record")):
                kinds.update(n.value for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant)
                             and isinstance(n.value, str) and re.fullmatch(r"\w+(\.\w+)+", n.value))
    return kinds


def test_every_kind_the_code_records_has_a_translated_sentence(app):
    kinds = _recorded_kinds()
    assert {"deal.recordal", "account.deactivated", "exchange.forwarded", "security.csrf_refused"} <= kinds
    assert kinds - set(EVENTS) == set()
    with app.test_request_context():
        assert kind_label("account.deactivated") == "停用账号"


# --- the audit log's filters ----------------------------------------------------------------------

def _entry(kind: str, summary: str, actor_id: int | None, when: datetime, **fields) -> AuditEntry:
    return AuditEntry(kind=kind, summary=summary, actor_id=actor_id, created_at=when, data={}, **fields)


def test_the_audit_log_filters_by_person_action_and_dates(app, client, auth, admin, make, centre):
    staff = make.user("centre_staff", org=centre, email="filter.staff@ruijin.example.cn")
    other = make.user("centre_staff", org=centre, email="someone@else.example.cn")
    with app.app_context():
        db.session.add_all([
            # 2025-03-01 23:30 in Shanghai is 15:30 UTC: a Shanghai date of 1 March
            _entry("auth.login", "x", staff.id, datetime(2025, 3, 1, 15, 30, tzinfo=UTC),
                   target_type="users", target_id=staff.id),
            _entry("auth.login", "x", other.id, datetime(2025, 3, 5, 2, 0, tzinfo=UTC),
                   target_type="users", target_id=other.id),
            _entry("account.deactivated", "x", None, datetime(2025, 3, 10, 2, 0, tzinfo=UTC),
                   target_type="users", target_id=staff.id)])
        db.session.commit()
    auth.login(admin.email)

    def rows(**args) -> list[str]:
        page = client.get("/admin/audit", query_string=args).get_data(as_text=True)
        return re.findall(r'<tr data-kind="([^"]+)"><td class="text-nowrap">(\d{4}-\d\d-\d\d)', page)

    assert rows(person="filter.staff", date_to="2025-12-31") == [("account.deactivated", "2025-03-10"),
                                                                 ("auth.login", "2025-03-01")]
    assert rows(person="FILTER.STAFF", kind="auth.login", date_to="2025-12-31") == [("auth.login", "2025-03-01")]
    assert rows(date_from="2025-03-01", date_to="2025-03-01") == [("auth.login", "2025-03-01")]
    assert rows(date_from="2025-03-02", date_to="2025-03-09") == [("auth.login", "2025-03-05")]
    assert rows(person="%", date_to="2025-12-31") == []  # a wildcard is a character like any other
    page = get(client, "/admin/audit")
    select = page[page.index('id="kind"'):page.index("</select>", page.index('id="kind"'))]
    assert '<option value="account.deactivated">停用账号</option>' in select

    for args in ({"date_from": "2025-02-30"}, {"date_from": "yesterday"}, {"date_from": "2025-03-09",
                                                                           "date_to": "2025-03-01"}):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 400, args
        text = visible_text(response.get_data(as_text=True), "audit-filters")
        assert "请按 YYYY-MM-DD 格式填写日期" in text or "截止日期早于起始日期" in text


def test_the_audit_log_pages_keep_the_filters(app, client, auth, admin):
    with app.app_context():
        start = datetime(2025, 4, 1, 2, 0, tzinfo=UTC)
        db.session.add_all([_entry("listing.updated", f"listing {n} edited", admin.id, start + timedelta(minutes=n))
                            for n in range(60)])
        db.session.commit()
    auth.login(admin.email)
    page = get(client, "/admin/audit?kind=listing.updated&date_from=2025-04-01&person=admin")
    older = re.search(r'href="([^"]+)" id="audit-older"', page).group(1)
    assert all(part in html.unescape(older) for part in ("page=2", "kind=listing.updated", "date_from=2025-04-01",
                                                         "person=admin"))
    second = get(client, html.unescape(older))
    assert second.count('<tr data-kind="listing.updated">') == 10 and "修改许可信息" in second
    assert '<option selected value="listing.updated">' in second
