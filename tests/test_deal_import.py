"""Import of a centre's past deals: formats, the report, all-or-nothing, the deal rules, counterparties and
their size class at the time, re-imports, the upload page and its templates."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from portal.extensions import db
from portal.models import AuditEntry, Deal, DealPayment, Organisation, Patent
from portal.rules import credit_code_check_character
from tests.conftest import csrf_token


def credit_code(n: int) -> str:
    body = f"91310115MA1K{n:05d}"
    return body + credit_code_check_character(body)


CODE_A, CODE_B = credit_code(1), credit_code(2)
ZH = {"effective_date": "生效日", "kind": "交易类型", "application_numbers": "申请号", "counterparty": "交易对方",
      "counterparty_credit_code": "统一社会信用代码", "counterparty_industry": "所属行业",
      "counterparty_employees": "从业人员", "counterparty_revenue_wan": "营业收入（万元）",
      "counterparty_assets_wan": "资产总额（万元）", "contract_amount": "合同金额（元）", "term_end": "许可期限届满日",
      "received_amount": "实际到账金额（元）", "received_date": "到账日期", "registration_date": "转让登记日",
      "recordal_status": "备案状态", "recordal_number": "备案号", "recordal_date": "备案日",
      "recordal_refusal_reason": "不予备案理由", "exchange": "交易机构"}


@pytest.fixture
def patents(make, centre) -> list[str]:
    """Two inventions of the centre filed 2019-03-01: last day of protection 2039-02-28."""
    return [make.patent(centre).code, make.patent(centre).code]


def deal(number: str, **fields) -> dict:
    values = {"effective_date": "2023-06-01", "kind": "ordinary", "application_numbers": number,
              "counterparty": "上海示例医疗器械有限公司", "counterparty_credit_code": CODE_A,
              "counterparty_industry": "industry", "counterparty_employees": "120", "counterparty_revenue_wan": "3500",
              "contract_amount": "300000", "term_end": "2027-12-31", "received_amount": "100000",
              "received_date": "2023-07-15"}
    values.update(fields)
    return values


def to_csv(rows: list[dict], names: dict | None = None) -> str:
    headings = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([(names or {}).get(h, h) for h in headings])
    for r in rows:
        writer.writerow([r.get(h, "") for h in headings])
    return out.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    def write(content: str | bytes, name: str = "deals.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path
    return write


def run_import(runner, app, path, *args):
    with app.app_context():
        return runner.invoke(args=["deals", "import", str(path), "--centre", "ruijin-ip", *args])


def json_import(runner, app, path, *args) -> tuple[int, dict]:
    result = run_import(runner, app, path, "--json", *args)
    return result.exit_code, json.loads(result.output)


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def all_deals(app) -> list[dict]:
    with app.app_context():
        return [{"id": d.id, "mode": d.mode, "licensee": d.licensee.credit_code, "size": d.licensee_size_class,
                 "patents": [p.application_number for p in d.patents], "effective": d.effective_date,
                 "term_end": d.term_end, "amount": d.contract_amount_yuan, "registration": d.registration_date,
                 "payments": [(p.paid_on, p.amount_yuan) for p in d.payments], "recordal": d.recordal_status,
                 "recordal_number": d.recordal_number, "recordal_date": d.recordal_date}
                for d in db.session.scalars(db.select(Deal).order_by(Deal.id))]


def org(app, code: str) -> Organisation | None:
    with app.app_context():
        found = db.session.scalar(db.select(Organisation).where(Organisation.credit_code == code))
        if found is not None:
            db.session.expunge(found)
        return found


def message(app, text: str, **params) -> str:
    """A message as the command line prints it (in the default language)."""
    from flask_babel import gettext

    with app.app_context():
        return gettext(text, **params)


# --- formats and the report -----------------------------------------------------------------------------

def test_csv_imports_and_reports_exact_json(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0], exchange="stex"),
            deal(f"{patents[0]}; ZL{patents[1]}", kind="assignment", term_end="", counterparty="另一家公司",
                 counterparty_credit_code=CODE_B, counterparty_industry="software_it", counterparty_employees="80",
                 counterparty_revenue_wan="900", registration_date="2023-09-01", received_amount="",
                 received_date="")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 0, report
    assert report == {"rows": [{"row": 2, "application_number": patents[0], "status": "ok", "errors": []},
                               {"row": 3, "application_number": patents[0], "status": "ok", "errors": []}],
                      "ok": 2, "updated": 0, "errors": 0}
    first, second = all_deals(app)
    assert first["mode"] == "ordinary" and first["payments"] == [(date(2023, 7, 15), Decimal("100000"))]
    assert first["term_end"] == date(2027, 12, 31) and first["recordal"] == "not_filed"
    assert second["mode"] == "assignment" and sorted(second["patents"]) == sorted(patents) and second["payments"] == []
    assert second["registration"] == date(2023, 9, 1)
    created = org(app, CODE_A)
    assert created.kind == "enterprise" and created.code == f"e-{CODE_A.lower()}"
    assert created.name_zh == "上海示例医疗器械有限公司"
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        imported = [e for e in entries if e.kind == "deal.imported"]
        assert [e.data["exchange"] for e in imported] == ["stex", None]
        assert imported[0].data["file"] == "deals.csv" and imported[0].data["row"] == 2
        kinds = [e.kind for e in entries]
        assert kinds.count("deal.recorded") == 2 and "deal.registered" in kinds and "deals.imported" in kinds


def test_gbk_csv_with_chinese_headings_and_values(runner, app, centre, patents, csv_file):
    row = deal(patents[0], kind="独占许可", counterparty_industry="工业", recordal_status="已备案",
               recordal_number="2023310000123", recordal_date="2023年8月1日", exchange="上海知识产权交易中心",
               contract_amount="1,200,000元", received_date="2023/07/15")
    code, report = json_import(runner, app, csv_file(to_csv([row], ZH).encode("gbk")))
    assert code == 0, report
    [saved] = all_deals(app)
    assert saved["mode"] == "exclusive" and saved["amount"] == Decimal("1200000")
    assert (saved["recordal"], saved["recordal_number"], saved["recordal_date"]) == (
        "recorded", "2023310000123", date(2023, 8, 1))
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "deal.imported"))
        assert entry.data["exchange"] == "sipe"
        steps = [e.data["to"] for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.kind == "deal.recordal").order_by(AuditEntry.id))]
        assert steps == ["filed", "recorded"]  # through update_recordal, step by step


def test_xlsx_with_typed_cells(runner, app, centre, patents, tmp_path):
    workbook = Workbook()
    workbook.active.append(["生效日", "kind", "申请号", "counterparty", "统一社会信用代码", "counterparty_industry",
                            "从业人员", "营业收入(万元)", "contract_amount", "term_end", "received_amount",
                            "received_date"])
    workbook.active.append([date(2022, 3, 1), "sole", patents[1], "表格公司", CODE_A, "other", 15, None, 50000,
                            date(2026, 2, 28), 20000.0, date(2022, 4, 1)])
    path = tmp_path / "deals.xlsx"
    workbook.save(path)
    code, report = json_import(runner, app, path)
    assert code == 0, report
    [saved] = all_deals(app)
    assert saved["mode"] == "sole" and saved["effective"] == date(2022, 3, 1) and saved["size"] == "small"
    assert saved["payments"] == [(date(2022, 4, 1), Decimal("20000"))]


def test_readable_report(runner, app, centre, patents, csv_file):
    result = run_import(runner, app, csv_file(to_csv([deal(patents[0]), deal(patents[1], kind="licence")])))
    assert result.exit_code == 1
    assert "kind" in result.output and "licence" in result.output and patents[1] in result.output


# --- all or nothing -------------------------------------------------------------------------------------

def test_one_bad_row_saves_nothing_and_names_row_column_problem(runner, app, centre, patents, csv_file):
    bad = deal(patents[1], effective_date="2023-02-30", counterparty_credit_code="91310115MA1K00001X",
               counterparty_employees="many")
    before = count(app, Organisation), count(app, AuditEntry)
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0]), bad,
                                                             deal(patents[0], counterparty_credit_code=CODE_B)])))
    assert code == 1 and (report["ok"], report["updated"], report["errors"]) == (2, 0, 1)
    [errors] = [r["errors"] for r in report["rows"] if r["row"] == 3]
    assert len(errors) == 3  # every problem of the row, not just the first
    for column, value in (("effective_date", "2023-02-30"), ("counterparty_credit_code", ""),
                          ("counterparty_employees", "many")):
        assert any(e.startswith(column) and value in e for e in errors), (column, errors)
    assert count(app, Deal) == 0 and (count(app, Organisation), count(app, AuditEntry)) == before


def test_file_level_problems_are_reported_on_row_1(runner, app, centre, csv_file):
    code, report = json_import(runner, app, csv_file("effective_date,kind,colour\n2023-01-01,ordinary,red\n"))
    assert code == 1 and report["rows"][0]["row"] == 1 and report["rows"][0]["status"] == "error"
    assert "application_numbers" in report["rows"][0]["errors"][0] and "colour" in report["rows"][0]["errors"][1]
    code, report = json_import(runner, app, csv_file(b"\x00\x01", "deals.xls"))
    assert code == 1 and report["errors"] == 1


def test_dry_run_saves_nothing(runner, app, centre, patents, csv_file):
    before = count(app, Organisation), count(app, AuditEntry)
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0]), deal(patents[1])])), "--dry-run")
    assert code == 0 and report["ok"] == 2
    assert count(app, Deal) == 0 and (count(app, Organisation), count(app, AuditEntry)) == before
    result = run_import(runner, app, csv_file(to_csv([deal(patents[0])])), "--dry-run")
    assert result.exit_code == 0 and count(app, Deal) == 0


# --- re-import ------------------------------------------------------------------------------------------

def test_reimport_makes_no_duplicates_and_brings_a_deal_forward(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0]), deal(patents[1], kind="equity", term_end="", received_amount="", received_date="")]
    assert json_import(runner, app, csv_file(to_csv(rows)))[0] == 0
    first = all_deals(app)
    with app.app_context():  # past deals are not announced as recordals falling due
        assert runner.invoke(args=["deals", "remind"]).output.strip() == "reminded about 0 deal(s)"
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 0 and (report["ok"], report["updated"]) == (0, 2)
    assert all_deals(app) == first and count(app, DealPayment) == 1
    # The same deal a year later: a further payment and its recordal completed.
    later = deal(patents[0], received_amount="200000", received_date="2024-07-15", recordal_status="recorded",
                 recordal_number="2023310000999", recordal_date="2023-08-20")
    code, report = json_import(runner, app, csv_file(to_csv([rows[0], later])))
    assert code == 0 and report["updated"] == 2, report
    updated = all_deals(app)[0]
    assert updated["payments"] == [(date(2023, 7, 15), Decimal("100000")), (date(2024, 7, 15), Decimal("200000"))]
    assert (updated["recordal"], updated["recordal_number"]) == ("recorded", "2023310000999")
    assert count(app, Deal) == 2
    # What was agreed is not changed by importing.
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0], contract_amount="999999")])))
    assert code == 1 and report["rows"][0]["errors"][0].startswith("contract_amount")
    assert str(first[0]["id"]) in report["rows"][0]["errors"][0]
    assert all_deals(app)[0]["amount"] == Decimal("300000")


def test_one_deal_on_several_rows_is_one_deal_with_its_payments(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0]), deal(patents[0], received_amount="50000", received_date="2023-12-01")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 0 and [r["status"] for r in report["rows"]] == ["ok", "updated"]
    [saved] = all_deals(app)
    assert len(saved["payments"]) == 2


# --- counterparties and their size class ----------------------------------------------------------------

def test_size_class_from_the_rows_figures_is_snapshotted(runner, app, make, centre, patents, csv_file):
    company = make.org("enterprise", credit_code=CODE_A, name_zh="上海示例医疗器械有限公司", employees=50,
                       revenue_wan=Decimal("800"), size_class="small")
    # Then a large company (industry: ≥1000 staff and ≥40000万 revenue); a year later a medium one.
    rows = [deal(patents[0], counterparty_employees="1500", counterparty_revenue_wan="45000"),
            deal(patents[1], effective_date="2024-01-10", counterparty_employees="400",
                 counterparty_revenue_wan="3000")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 0, report
    assert [d["size"] for d in all_deals(app)] == ["large", "medium"]
    stored = org(app, CODE_A)
    assert stored.id == company.id and (stored.size_class, stored.employees, stored.revenue_wan) == (
        "small", 50, Decimal("800"))
    assert count(app, Organisation) == 4  # two exchanges, the centre, the company: nothing created


def test_new_counterparty_gets_the_latest_figures(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0], effective_date="2024-05-01", counterparty_employees="400",
                 counterparty_revenue_wan="3000"),
            deal(patents[1], effective_date="2021-05-01", counterparty_employees="30", counterparty="旧名称公司",
                 term_end="2025-12-31")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 0, report
    assert [d["size"] for d in all_deals(app)] == ["medium", "small"]
    created = org(app, CODE_A)
    assert (created.name_zh, created.employees, created.size_class) == ("上海示例医疗器械有限公司", 400, "medium")
    assert created.industry == "industry" and created.revenue_wan == Decimal("3000")


def test_counterparty_matched_by_credit_code(runner, app, make, centre, patents, csv_file):
    company = make.org("enterprise", credit_code=CODE_A, name_zh="正式名称有限公司")
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0], counterparty="简称")])))
    assert code == 0
    with app.app_context():
        assert db.session.scalar(db.select(Deal)).licensee_id == company.id
    assert org(app, CODE_A).name_zh == "正式名称有限公司"
    result = run_import(runner, app, csv_file(to_csv([deal(patents[0], counterparty="简称")])))
    assert "正式名称有限公司" in result.output  # the warning that the portal's name is kept


def test_counterparty_must_be_an_enterprise_and_figures_the_industry_needs(runner, app, make, centre, patents,
                                                                           csv_file):
    make.org("centre", code="a-hospital", credit_code=CODE_B)
    rows = [deal(patents[0], counterparty_credit_code=CODE_B),
            deal(patents[1], counterparty_industry="construction", counterparty_revenue_wan="900"),
            deal(patents[1], counterparty_industry="gardening")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 1 and report["errors"] == 3
    assert report["rows"][0]["errors"][0].startswith("counterparty_credit_code")
    assert report["rows"][1]["errors"][0].startswith("counterparty_assets_wan")  # construction needs assets
    assert report["rows"][2]["errors"][0].startswith("counterparty_industry")


# --- the deal rules -------------------------------------------------------------------------------------

def test_patents_must_be_the_centres_own_and_on_the_portal(runner, app, make, centre, patents, csv_file):
    other = make.org("centre", code="other-ip")
    theirs = make.patent(other).code
    unknown = make.number()
    code, report = json_import(runner, app, csv_file(to_csv([deal(theirs), deal(f"{patents[0]};{unknown}")])))
    assert code == 1 and report["errors"] == 2
    assert report["rows"][0]["errors"] == [message(app, "%(column)s: %(problem)s", column="application_numbers",
                                                   problem=message(app, "Patent %(number)s belongs to another "
                                                                        "centre.", number=theirs))]
    assert unknown in report["rows"][1]["errors"][0]
    assert count(app, Deal) == 0


def test_licence_past_expiry_refused_with_the_rule(runner, app, centre, patents, csv_file):
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0], term_end="2039-03-01")])))
    assert code == 1
    with app.app_context():
        patent = db.session.scalar(db.select(Patent).where(Patent.application_number == patents[0]))
        rule = message(app, "The licence may not run past the expiry of patent %(number)s (last day %(day)s).",
                       number=patent.display_number, day="2039-02-28")
    assert report["rows"][0]["errors"] == [message(app, "%(column)s: %(problem)s", column="term_end",
                                                   problem=rule)]
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0], term_end="2039-02-28")])))
    assert code == 0


def test_licence_needs_a_term_end_and_only_a_licence_has_one(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0], term_end=""), deal(patents[1], kind="作价入股")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 1 and report["errors"] == 2
    assert report["rows"][0]["errors"] == [message(app, "%(column)s: %(problem)s", column="term_end",
                                                   problem=message(app, "A licence needs the end of its term."))]
    assert report["rows"][1]["errors"][0].startswith("term_end")


def test_overlapping_exclusive_licences_in_one_file_refused(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0], kind="exclusive"),
            deal(patents[0], kind="排他许可", counterparty_credit_code=CODE_B, effective_date="2025-01-01")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 1 and [r["status"] for r in report["rows"]] == ["ok", "error"]
    assert report["rows"][1]["errors"][0].startswith("kind")
    assert count(app, Deal) == 0


def test_exclusive_licence_refused_under_an_open_licence(runner, app, centre, patents, csv_file):
    from portal.patents.open_licence import declare_open_licence
    from portal.rules import OpenLicenceTerms

    with app.app_context():
        patent = db.session.scalar(db.select(Patent).where(Patent.application_number == patents[0]))
        declare_open_licence(patent, OpenLicenceTerms(fee_method="lump_sum", fee_amount_yuan=Decimal(50000),
                                                      royalty_rate_pct=None, term_end=date(2030, 12, 31)),
                             announced_on=date.today(), cnipa_reference=None, actor=None)
        db.session.commit()
    code, report = json_import(runner, app, csv_file(to_csv([deal(patents[0], kind="exclusive")])))
    assert code == 1 and report["rows"][0]["errors"][0].startswith("kind")


def test_registration_and_recordal_columns_checked(runner, app, centre, patents, csv_file):
    rows = [deal(patents[0], registration_date="2023-09-01"),
            deal(patents[1], kind="assignment", term_end="", registration_date="2023-01-01"),
            deal(patents[1], recordal_status="recorded"),
            deal(patents[1], recordal_status="refused"),
            deal(patents[1], exchange="nasdaq")]
    code, report = json_import(runner, app, csv_file(to_csv(rows)))
    assert code == 1 and report["errors"] == 5
    firsts = [r["errors"][0].split(":")[0].split("：")[0] for r in report["rows"]]
    assert firsts == ["registration_date", "registration_date", "recordal_number", "recordal_refusal_reason",
                      "exchange"]
    assert "sipe" in report["rows"][4]["errors"][0] and "stex" in report["rows"][4]["errors"][0]


# --- the exchange column -------------------------------------------------------------------------------

def forwards(app) -> list[tuple]:
    from portal.models import ExchangeForward

    with app.app_context():
        return [(f.deal_id, f.exchange.code, f.status, [c.to_status for c in f.changes])
                for f in db.session.scalars(db.select(ExchangeForward).order_by(ExchangeForward.id))]


def test_a_row_naming_an_exchange_records_the_deal_as_traded_there(runner, app, client, auth, centre, centre_staff,
                                                                   patents, csv_file):
    rows = [deal(patents[0], exchange="stex"), deal(patents[1], exchange="上海知识产权交易中心"),
            deal(patents[1], effective_date="2023-07-01", counterparty_credit_code=CODE_B, counterparty="另一家公司")]
    path = csv_file(to_csv(rows))
    assert json_import(runner, app, path, "--dry-run")[0] == 0
    assert forwards(app) == []  # a dry run records nothing
    assert json_import(runner, app, path)[0] == 0
    first, second, third = (d["id"] for d in all_deals(app))
    assert forwards(app) == [(first, "stex", "concluded", ["concluded"]), (second, "sipe", "concluded", ["concluded"])]
    with app.app_context():
        recorded = db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind == "exchange.recorded")
                                      .order_by(AuditEntry.id)).all()
        assert [(e.target_type, e.target_id, e.data["exchange"]) for e in recorded] == [
            ("deals", first, "stex"), ("deals", second, "sipe")]
    # importing the file again keeps the one forward each
    assert json_import(runner, app, path)[0] == 0
    assert len(forwards(app)) == 2
    # the centre sees the exchange on the deal's page
    auth.login(centre_staff.email)
    page = client.get(f"/deals/{first}").get_data(as_text=True)
    assert 'data-status="concluded"' in page.split('id="exchange-forwards"')[1]
    assert 'data-status' not in client.get(f"/deals/{third}").get_data(as_text=True).split('id="exchange-forwards"')[1]


# --- the upload page ------------------------------------------------------------------------------------

def upload(client, content: bytes, name: str, **fields):
    data = {"csrf_token": csrf_token(client, "/deals/import"), **fields, "file": (io.BytesIO(content), name)}
    return client.post("/deals/import", data=data, content_type="multipart/form-data")


def test_upload_as_centre_staff(client, auth, app, centre_staff, patents):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    assert "/deals/import" in client.get("/deals/").get_data(as_text=True)
    response = upload(client, to_csv([deal(patents[0]), deal(patents[1], kind="bad")]).encode(), "d.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page and "kind: bad is not a deal kind" in page and count(app, Deal) == 0
    response = upload(client, to_csv([deal(patents[0])]).encode(), "d.csv", dry_run="y")
    assert response.status_code == 200 and "Dry run: nothing was saved." in response.get_data(as_text=True)
    assert count(app, Deal) == 0
    response = upload(client, to_csv([deal(patents[0]), deal(patents[1])]).encode(), "d.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "2 new, 0 updated, 0 with errors. Saved." in page and count(app, Deal) == 2
    with app.app_context():
        assert {d.created_by_id for d in db.session.scalars(db.select(Deal))} == {centre_staff.id}
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "deals.imported"))
        assert entry.actor_id == centre_staff.id and entry.target_id == centre_staff.org_id
    response = upload(client, b"a,b\n", "d.txt")
    assert response.status_code == 400 and count(app, Deal) == 2


def test_upload_forbidden_to_sme_and_anonymous(client, auth, sme_user):
    response = client.get("/deals/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/deals/import/template.csv").status_code == 302
    auth.login(sme_user.email)
    assert client.get("/deals/import").status_code == 403
    assert client.get("/deals/import/template.xlsx").status_code == 403
    assert client.post("/deals/import").status_code in (400, 403)


@pytest.mark.parametrize("url", ["/deals/import/template.csv", "/deals/import/template.xlsx",
                                 "/deals/import/template.csv?headers=zh", "/deals/import/template.xlsx?headers=zh"])
def test_templates_import_cleanly(client, auth, app, centre_staff, patents, tmp_path, runner, url):
    auth.login(centre_staff.email)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    name = "template." + url.split(".")[1].split("?")[0]
    if name.endswith("xlsx"):
        headings = [c.value for c in next(load_workbook(io.BytesIO(response.data)).active.iter_rows())]
        assert headings[0] == ("生效日" if "zh" in url else "effective_date")
    else:
        assert response.data.startswith(b"\xef\xbb\xbf")
    path = tmp_path / name
    path.write_bytes(response.data)
    code, report = json_import(runner, app, path)
    assert code == 0 and report["ok"] == 1, report
    assert report["rows"][0]["application_number"] in patents
    [saved] = all_deals(app)
    assert saved["recordal"] == "recorded" and saved["size"] == "small" and len(saved["payments"]) == 1
    code, report = json_import(runner, app, path)
    assert code == 0 and report["updated"] == 1 and count(app, Deal) == 1


def test_cli_refuses_unknown_centre(runner, app, csv_file):
    result = run_import(runner, app, csv_file(to_csv([deal("201811564288.X")])))
    assert result.exit_code != 0 and "ruijin-ip" in result.output
