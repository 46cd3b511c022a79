"""The project budget (DOMAIN.md §7, notice §七): two accounts kept apart, the central funds refused
for office equipment, wage-like spending and patent fees (naming the rule) while the matching funds may
pay for them, the matching ratio, the audit workbook, the programme office's view, the CLI, and who
may see and change what. Everything goes through the pages (with CSRF) and the CLI runner."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from tests.conftest import post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _receipt(client, **fields):
    data = {"fund": "grant", "received_on": "2023-03-01", "amount": "500000", "source": "市知识产权局"} | fields
    return post(client, "/budget/receipts", data)


def _expense(client, **fields):
    data = {"fund": "grant", "spent_on": "2023-05-10", "amount": "12000", "payee": "某知识产权服务公司",
            "category": "services", "description": "专利价值评估", "voucher_reference": "记-2023-051"} | fields
    return post(client, "/budget/expenses", data, content_type="multipart/form-data")


def _counts(app):
    from portal.models import BudgetExpense, BudgetReceipt

    with app.app_context():
        return (db.session.query(BudgetReceipt).count(), db.session.query(BudgetExpense).count())


def _show(runner, year=2023, code="ruijin-ip"):
    result = runner.invoke(args=["budget", "show", "--centre", code, "--year", str(year), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def staffed(client, auth, centre_staff):
    auth.login(centre_staff.email)
    return centre_staff


def test_separate_accounts_from_the_pages(client, app, runner, staffed):
    assert _receipt(client).status_code == 302
    assert _receipt(client, fund="matching", amount="300,000.50", source="医院自有科研经费").status_code == 302
    assert _expense(client).status_code == 302
    assert _expense(client, category="training", amount="8000.25").status_code == 302
    voucher = (io.BytesIO(PDF), "voucher.pdf")
    assert _expense(client, fund="matching", category="office_equipment", amount="6000", payee="某电脑公司",
                    voucher=voucher).status_code == 302
    # The year shows each account: received, spent by category, balance; the ratio flagged below 1:1.
    page = client.get("/budget/centres/ruijin-ip?year=2023")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "500,000.00" in text and "479,999.75" in text and "294,000.50" in text
    assert "0.60 : 1" in text and "低于 1 : 1" in text or "below 1 : 1" in text
    data = _show(runner)
    assert data["sources"]["grant"] == {"received": "500000.00", "spent": "20000.25", "balance": "479999.75",
                                        "spent_by_category": {"services": "12000.00", "training": "8000.25"}}
    assert data["sources"]["matching"] == {"received": "300000.50", "spent": "6000.00", "balance": "294000.50",
                                           "spent_by_category": {"office_equipment": "6000.00"}}
    assert data["matching_ratio"] == "0.60" and data["matching_below_1_to_1"] is True
    assert data["grant_expected"] == "500000.00"
    # Another year is empty.
    assert _show(runner, 2024)["sources"]["grant"]["received"] == "0.00"


@pytest.mark.parametrize("category", ["office_equipment", "wages", "patent_fees"])
def test_forbidden_spending_from_the_central_funds_is_refused(client, app, staffed, category):
    response = _expense(client, category=category)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "财建〔2019〕50号" in text and "中央财政资金不得用于" in text
    assert _counts(app) == (0, 0)
    # The same spending from the matching funds is accepted.
    assert _expense(client, category=category, fund="matching").status_code == 302
    assert _counts(app) == (0, 1)


def test_the_refusal_reads_in_english(client, app, staffed):
    client.set_cookie("portal_lang", "en")
    text = _expense(client, category="wages").get_data(as_text=True)
    assert "central funds must not pay staff bonuses" in text and "Cai Jian [2019] No. 50" in text


def test_cli_add_and_show(runner, app, centre):
    ok = runner.invoke(args=["budget", "add", "--centre", "ruijin-ip", "--date", "2023-02-01", "--kind", "grant",
                             "--amount", "500000"])
    assert ok.exit_code == 0, ok.output
    assert runner.invoke(args=["budget", "add", "--centre", "ruijin-ip", "--date", "2023-02-02", "--kind",
                               "matching", "--amount", "600000", "--note", "医院配套"]).exit_code == 0
    refused = runner.invoke(args=["budget", "add", "--centre", "ruijin-ip", "--date", "2023-04-01", "--kind",
                                  "expense", "--amount", "3000", "--category", "patent_fees", "--source", "grant",
                                  "--note", "年费"])
    assert refused.exit_code != 0 and "专利申请维持费" in refused.output and "财建〔2019〕50号" in refused.output
    assert _counts(app) == (2, 0)
    accepted = runner.invoke(args=["budget", "add", "--centre", "ruijin-ip", "--date", "2023-04-01", "--kind",
                                   "expense", "--amount", "3000", "--category", "patent_fees", "--source",
                                   "matching", "--note", "年费"])
    assert accepted.exit_code == 0, accepted.output
    data = _show(runner)
    assert data["sources"]["matching"]["spent_by_category"] == {"patent_fees": "3000.00"}
    assert data["sources"]["matching"]["balance"] == "597000.00"
    assert data["matching_ratio"] == "1.20" and data["matching_below_1_to_1"] is False
    plain = runner.invoke(args=["budget", "show", "--centre", "ruijin-ip", "--year", "2023"])
    assert "matching ratio: 1.20" in plain.output


@pytest.mark.parametrize("args, message", [
    (["--amount", "-5"], "大于零"),
    (["--amount", "0"], "大于零"),
    (["--amount", "1e30"], "过大"),
    (["--amount", "12.345"], "两位小数"),
    (["--amount", "abc"], "不是"),
    (["--date", "2023-02-30"], "YYYY-MM-DD"),
    (["--date", "2999-01-01"], "未来"),
    (["--category", "yachts"], "类别"),
    (["--centre", "nope"], "no centre"),
])
def test_cli_bad_input_saves_nothing(runner, app, centre, args, message):
    base = {"--centre": "ruijin-ip", "--date": "2023-04-01", "--kind": "expense", "--amount": "100",
            "--category": "services", "--source": "matching"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = runner.invoke(args=["budget", "add", *[x for pair in base.items() for x in pair]])
    assert result.exit_code != 0 and message in result.output, result.output
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize("fields", [
    {"amount": "-100"}, {"amount": "99999999999999999999"}, {"amount": "1\x00"}, {"amount": ""},
    {"received_on": "2023-13-01"}, {"received_on": (date.today() + timedelta(days=2)).isoformat()},
    {"fund": "bank"}, {"fund": "matching", "source": ""},
])
def test_bad_receipts_are_refused_with_a_message(client, app, staffed, fields):
    response = _receipt(client, **fields)
    assert response.status_code == 400
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize("voucher, message", [
    ((b"MZ\x90\x00 not a pdf", "invoice.pdf"), "不符"),
    ((b"%PDF-1.4", "invoice.exe"), "PDF"),
    ((b"%PDF-" + b"0" * (100 * 1024), "big.pdf"), "100 KB"),
])
def test_voucher_checked_by_content_and_size(client, app, staffed, voucher, message, monkeypatch):
    # A smaller limit than the real 5 MB: the test client spools a body above 500 KB to a file.
    monkeypatch.setattr("portal.budget.operations.MAX_VOUCHER_BYTES", 100 * 1024)
    content, name = voucher
    response = _expense(client, voucher=(io.BytesIO(content), name))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)


def test_access(client, auth, app, make, staffed, other_centre_staff, organiser, sme_user):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    assert _receipt(client).status_code == 302
    assert _expense(client, voucher=(io.BytesIO(png), "scan.png")).status_code == 302
    from portal.models import BudgetExpense, BudgetReceipt

    with app.app_context():
        expense_id = db.session.scalar(db.select(BudgetExpense.id))
        receipt_id = db.session.scalar(db.select(BudgetReceipt.id))
    assert client.get(f"/budget/vouchers/{expense_id}").data == png
    assert client.get("/budget/").headers["Location"].endswith("/budget/centres/ruijin-ip")
    # Another centre's staff: nothing of this centre's, and their own entries go to their own centre.
    auth.logout()
    auth.login(other_centre_staff.email)
    for url in ("/budget/centres/ruijin-ip", "/budget/centres/ruijin-ip/budget.xlsx", f"/budget/vouchers/{expense_id}"):
        assert client.get(url).status_code == 404, url
    assert post(client, f"/budget/expenses/{expense_id}/delete").status_code == 404
    assert post(client, f"/budget/receipts/{receipt_id}/delete").status_code == 404
    assert client.get("/budget/programme").status_code == 403
    # The organiser reads every centre, changes nothing.
    auth.logout()
    auth.login(organiser.email)
    assert client.get("/budget/").headers["Location"].endswith("/budget/programme")
    page = client.get("/budget/centres/ruijin-ip?year=2023").get_data(as_text=True)
    assert "500,000.00" in page and 'id="expense-form"' not in page and "/delete" not in page
    assert client.get(f"/budget/vouchers/{expense_id}").status_code == 200
    assert _receipt(client).status_code == 404
    assert post(client, f"/budget/expenses/{expense_id}/delete").status_code == 404
    # An enterprise member sees nothing.
    auth.logout()
    auth.login(sme_user.email)
    for url in ("/budget/centres/ruijin-ip", f"/budget/vouchers/{expense_id}", "/budget/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/budget/programme").status_code == 403
    auth.logout()
    assert client.get("/budget/centres/ruijin-ip").status_code == 302  # to the login page
    assert _counts(app) == (1, 1)


def test_removing_an_entry_asks_first_and_is_audited(client, app, staffed):
    _receipt(client)
    page = client.get("/budget/centres/ruijin-ip?year=2023").get_data(as_text=True)
    assert "data-confirm" in page
    from portal.models import AuditEntry, BudgetReceipt

    with app.app_context():
        receipt_id = db.session.scalar(db.select(BudgetReceipt.id))
    assert post(client, f"/budget/receipts/{receipt_id}/delete", {"year": "2023"}).status_code == 302
    assert _counts(app) == (0, 0)
    with app.app_context():
        kinds = set(db.session.scalars(db.select(AuditEntry.kind)))
    assert {"budget.receipt", "budget.receipts.deleted"} <= kinds
    log = client.get("/budget/centres/ruijin-ip?year=2023")
    assert log.status_code == 200


def test_audit_workbook_and_programme_view(client, auth, app, make, staffed, organiser):
    _receipt(client)
    _receipt(client, fund="matching", amount="500000", source="=HYPERLINK(\"http://x\")")
    _expense(client, payee="=cmd|' /C calc'!A0")
    response = client.get("/budget/centres/ruijin-ip/budget.xlsx?year=2023")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["分账核算", "到账明细", "支出明细"]
    summary = [[c.value for c in row] for row in book["分账核算"].iter_rows(min_row=2)]
    assert ["中央财政资金", "支出：知识产权运营服务", 12000] in [[a, b, float(c)] for a, b, c in summary[:-1]]
    assert summary[-1][2] == "1.00:1"
    payee = book["支出明细"]["E2"]
    assert payee.value.startswith("=cmd") and payee.data_type == "s"
    make.org("centre", code="second-ip", name_zh="第二医院知识产权运营中心")
    auth.logout()
    auth.login(organiser.email)
    page = client.get("/budget/programme?year=2023").get_data(as_text=True)
    assert 'id="centre-ruijin-ip"' in page and 'id="centre-second-ip"' in page
    assert "2" in page and "10" in page and "2.4%" in page  # 12,000 of 500,000 spent


def test_categories_are_data(app):
    """The forbidden categories live in a table with a flag: a later round changes rows, not code."""
    from portal.models import BudgetCategory

    with app.app_context():
        rows = {c.key: c.forbidden_from_grant for c in db.session.scalars(db.select(BudgetCategory))}
    assert rows == {"office_equipment": True, "wages": True, "patent_fees": True, "services": False,
                    "navigation": False, "training": False, "events": False, "other": False}
