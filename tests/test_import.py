"""Bulk import of a centre's patents: file formats, the report, all-or-nothing, publishing, the web page."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from portal.extensions import db
from portal.models import AuditEntry, Listing, OpenLicenceDeclaration, Organisation, Patent
from portal.rules import PatentStanding, application_check_character, open_licence_problems
from tests.conftest import csrf_token

HEADINGS = ["application_number", "title", "filing_date", "legal_status", "grant_date", "ipc", "abstract"]
ZH = {"application_number": "申请号", "title": "名称", "filing_date": "申请日", "legal_status": "法律状态",
      "grant_date": "授权日", "ipc": "分类号", "abstract": "摘要", "evaluation_report": "评价报告编号",
      "pledged": "质押", "pledgee_consent": "质权人同意", "annual_fees_paid": "年费已缴"}
OPEN = {"open_fee_method": "lump_sum", "open_fee_amount": "50000", "open_term_end": "2030-12-31"}


def number(n: int, kind: str = "1") -> str:
    """A valid application number: invention bodies 2021101nnnnn, utility models 2021201nnnnn."""
    body = f"2021{kind}01{n:05d}"
    return f"{body}.{application_check_character(body)}"


def row(n: int, kind: str = "1", **fields) -> dict:
    values = {"application_number": number(n, kind), "title": f"一种医用导管{n}", "filing_date": "2021-03-01",
              "legal_status": "valid", "grant_date": "2023-05-09", "ipc": "A61M 25/00; A61M25/01(2006.01)",
              "abstract": "本发明公开了一种医用导管。"}
    values.update(fields)
    return values


def to_csv(rows: list[dict], headings: list[str] | None = None, names: dict | None = None) -> str:
    headings = headings or list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([(names or {}).get(h, h) for h in headings])
    for r in rows:
        writer.writerow([r.get(h, "") for h in headings])
    return out.getvalue()


def to_xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for r in rows:
        workbook.active.append(r)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(runner, app, path, *args):
    with app.app_context():
        return runner.invoke(args=["patents", "import", str(path), "--centre", "ruijin-ip", *args])


def json_import(runner, app, path, *args) -> tuple[int, dict]:
    result = run_import(runner, app, path, "--json", *args)
    return result.exit_code, json.loads(result.output)


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def patent(app, n: int, kind: str = "1") -> dict:
    with app.app_context():
        p = db.session.scalar(db.select(Patent).where(Patent.application_number == number(n, kind)))
        return None if p is None else {"title": p.title, "ipc": p.ipc, "kind": p.kind, "status": p.legal_status,
                                       "filing_date": p.filing_date, "grant_date": p.grant_date, "id": p.id}


def rule_text(app, **standing) -> str:
    """The open-licence rule's own message, in the language the CLI speaks."""
    with app.app_context():
        from portal.errors import rule_message

        [problem] = open_licence_problems(PatentStanding(kind=standing.pop("kind", "invention"), granted=True,
                                                         valid=True, **standing))
        return rule_message(problem)


@pytest.fixture
def csv_file(tmp_path):
    def write(content: str | bytes, name: str = "patents.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path
    return write


# --- formats --------------------------------------------------------------------------------------------

def test_csv_utf8_imports_and_reports_exact_json(runner, app, centre, csv_file):
    code, report = json_import(runner, app, csv_file(to_csv([row(1), row(2, "2")])))
    assert code == 0
    assert report == {"rows": [{"row": 2, "application_number": number(1), "status": "ok", "errors": []},
                               {"row": 3, "application_number": number(2, "2"), "status": "ok", "errors": []}],
                      "ok": 2, "updated": 0, "errors": 0}
    saved = patent(app, 1)
    assert saved["ipc"] == ["A61M 25/00", "A61M 25/01"] and saved["kind"] == "invention"
    assert patent(app, 2, "2")["kind"] == "utility_model"
    with app.app_context():
        kinds = db.session.scalars(db.select(AuditEntry.kind)).all()
    assert kinds.count("patent.created") == 2 and "patents.imported" in kinds


def test_csv_with_bom_any_order_and_loose_headings(runner, app, centre, csv_file):
    headings = ["  Title ", "LEGAL_STATUS", "Application Number", "filing_date"]
    content = "\ufeff" + "\n".join([",".join(headings), f"一种支架,有效,ZL {number(3)},2021/03/01"]) + "\n"
    code, report = json_import(runner, app, csv_file(content))
    assert code == 0, report
    assert report["rows"][0]["application_number"] == number(3)
    assert patent(app, 3)["title"] == "一种支架"


def test_gbk_csv_with_chinese_headings(runner, app, centre, csv_file):
    content = to_csv([row(4, legal_status="审中", grant_date="")], names=ZH).encode("gbk")
    code, report = json_import(runner, app, csv_file(content))
    assert code == 0, report
    assert patent(app, 4) | {"id": 0} == {"title": "一种医用导管4", "ipc": ["A61M 25/00", "A61M 25/01"],
                                          "kind": "invention", "status": "pending",
                                          "filing_date": date(2021, 3, 1), "grant_date": None, "id": 0}


def test_xlsx_with_date_cells_and_numbers(runner, app, centre, tmp_path):
    path = tmp_path / "patents.xlsx"
    path.write_bytes(to_xlsx([
        ["filing_date", "申请号", "title", "legal_status", "grant_date", "technical_value", "pct"],
        [date(2021, 3, 1), number(5), "一种超声探头", "valid", "2022.07.01", 4.0, False],
    ]))
    code, report = json_import(runner, app, path)
    assert code == 0, report
    saved = patent(app, 5)
    assert saved["filing_date"] == date(2021, 3, 1) and saved["grant_date"] == date(2022, 7, 1)


def test_xlsx_percentage_cell_is_the_rate_the_user_sees(runner, app, centre, tmp_path):
    workbook = Workbook()
    workbook.active.append(["application_number", "title", "filing_date", "legal_status", "grant_date",
                            "open_fee_method", "open_royalty_rate", "open_term_end"])
    workbook.active.append([number(27), "一种输液泵", "2021-03-01", "有效", date(2023, 5, 9), "按销售额提成", 0.05,
                            date(2030, 6, 30)])
    workbook.active["G2"].number_format = "0%"
    path = tmp_path / "open.xlsx"
    workbook.save(path)
    code, report = json_import(runner, app, path, "--publish", "open")
    assert code == 0, report
    with app.app_context():
        [declaration] = db.session.scalars(db.select(OpenLicenceDeclaration)).all()
        assert declaration.fee_method == "royalty_sales" and declaration.royalty_rate_pct == 5


def test_readable_report(runner, app, centre, csv_file):
    result = run_import(runner, app, csv_file(to_csv([row(28), row(29, legal_status="")])), "--dry-run")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert number(29) in lines[0] and lines[1].startswith("  - legal_status")
    assert "Nothing was saved" in lines[-1] or "未保存" in lines[-1]


# --- errors and all-or-nothing ----------------------------------------------------------------------------

def test_one_bad_row_saves_nothing_and_names_row_column_problem(runner, app, centre, csv_file):
    bad = row(7, filing_date="2021-02-30", legal_status="maybe")
    bad["application_number"] = number(7)[:-1] + ("1" if number(7)[-1] != "1" else "2")
    before = count(app, Patent)
    result = run_import(runner, app, csv_file(to_csv([row(6), bad, row(8)])))
    assert result.exit_code == 1
    assert count(app, Patent) == before
    assert "3" in result.output
    for column, value in (("filing_date", "2021-02-30"), ("legal_status", "maybe"), ("application_number", "")):
        assert re.search(rf"{column}[:：] ?{value}", result.output), column
    code, report = json_import(runner, app, csv_file(to_csv([row(6), bad, row(8)])))
    assert code == 1 and report["errors"] == 1 and report["ok"] == 2
    [errors] = [r["errors"] for r in report["rows"] if r["row"] == 3]
    assert len(errors) == 3  # every problem of the row, not just the first


def test_file_level_problems_are_reported_on_row_1(runner, app, centre, csv_file):
    code, report = json_import(runner, app, csv_file("application_number,title,filing_date,colour\n1,2,3,4\n"))
    assert code == 1 and report["rows"][0]["row"] == 1 and report["rows"][0]["status"] == "error"
    assert "legal_status" in report["rows"][0]["errors"][0] and "colour" in report["rows"][0]["errors"][1]
    code, report = json_import(runner, app, csv_file(b"\x00\x01", "patents.xls"))
    assert code == 1 and report["errors"] == 1


def test_duplicate_in_file_and_other_centres_patent(runner, app, centre, make, csv_file):
    other = make.org("centre", code="other-ip")
    make.patent(other, number(9))
    code, report = json_import(runner, app, csv_file(to_csv([row(10), row(10), row(9)])))
    assert code == 1
    assert [r["status"] for r in report["rows"]] == ["ok", "error", "error"]
    assert "2" in report["rows"][1]["errors"][0]  # names the row it repeats
    assert count(app, Patent) == 1


def test_dry_run_saves_nothing(runner, app, centre, csv_file):
    result = run_import(runner, app, csv_file(to_csv([row(11)])), "--dry-run")
    assert result.exit_code == 0, result.output
    assert count(app, Patent) == 0
    code, report = json_import(runner, app, csv_file(to_csv([row(11)])), "--dry-run", "--publish", "ordinary")
    assert code == 0 and report["ok"] == 1
    assert count(app, Patent) == 0 and count(app, Listing) == 0 and count(app, AuditEntry) == 0


def test_reimport_updates_in_place(runner, app, centre, csv_file):
    json_import(runner, app, csv_file(to_csv([row(12), row(13)])))
    first = patent(app, 12)
    code, report = json_import(runner, app, csv_file(to_csv([row(12, title="新名称", ipc="A61M 25/01; A61B 17/34"),
                                                             row(14)])))
    assert code == 0, report
    assert [r["status"] for r in report["rows"]] == ["updated", "ok"]
    assert report["updated"] == 1 and report["ok"] == 1
    assert count(app, Patent) == 3
    again = patent(app, 12)
    assert again["id"] == first["id"] and again["title"] == "新名称"
    assert again["ipc"] == ["A61M 25/01", "A61B 17/34"]


# --- publishing -------------------------------------------------------------------------------------------

def test_publish_ordinary_creates_published_listings_once(runner, app, centre, csv_file):
    path = csv_file(to_csv([row(15), row(16)]))
    code, report = json_import(runner, app, path, "--publish", "ordinary")
    assert code == 0, report
    with app.app_context():
        listings = db.session.scalars(db.select(Listing)).all()
        assert [(x.status, x.modes, x.field) for x in listings] == [("published", ["ordinary"], "other")] * 2
        assert {x.title for x in listings} == {"一种医用导管15", "一种医用导管16"}
    code, report = json_import(runner, app, path, "--publish", "ordinary")
    assert code == 0 and report["updated"] == 2
    assert count(app, Listing) == 2  # a patent already on a published listing keeps it


def test_publish_refuses_a_lapsed_patent(runner, app, centre, csv_file):
    code, report = json_import(runner, app, csv_file(to_csv([row(17, legal_status="lapsed")])), "--publish", "sole")
    assert code == 1 and count(app, Patent) == 0
    assert number(17) in report["rows"][0]["errors"][0]


def test_publish_open_declares_and_lists(runner, app, centre, csv_file):
    code, report = json_import(runner, app, csv_file(to_csv([row(18, **OPEN)])), "--publish", "open")
    assert code == 0, report
    with app.app_context():
        [declaration] = db.session.scalars(db.select(OpenLicenceDeclaration)).all()
        assert (declaration.fee_method, declaration.fee_amount_yuan, declaration.term_end,
                declaration.announced_on) == ("lump_sum", 50000, date(2030, 12, 31), date.today())
        [listing] = db.session.scalars(db.select(Listing)).all()
        assert listing.status == "published" and listing.modes == [] and listing.is_open_licence


@pytest.mark.parametrize(("fields", "standing"), [
    ({"evaluation_report": ""}, {"kind": "utility_model"}),
    ({"pledged": "是", "pledgee_consent": "否"}, {"pledged_without_consent": True}),
    ({"annual_fees_paid": "no"}, {"annual_fees_unpaid": True}),
])
def test_publish_open_refuses_by_the_rules(runner, app, centre, csv_file, fields, standing):
    kind = "2" if standing.get("kind") == "utility_model" else "1"
    rows = [row(19, **OPEN), row(20, kind, **OPEN, **fields)]
    code, report = json_import(runner, app, csv_file(to_csv(rows)), "--publish", "open")
    assert code == 1
    assert report["rows"][0]["status"] == "ok"
    assert report["rows"][1]["errors"] == [rule_text(app, **standing)]
    assert count(app, Patent) == 0 and count(app, OpenLicenceDeclaration) == 0


def test_publish_open_refuses_bad_terms(runner, app, centre, csv_file):
    rows = [row(21), row(22, **(OPEN | {"open_term_end": "2045-01-01"})), row(23, **(OPEN | {"open_fee_amount": ""}))]
    code, report = json_import(runner, app, csv_file(to_csv(rows)), "--publish", "open")
    assert code == 1 and [r["status"] for r in report["rows"]] == ["error"] * 3
    assert "2041-02-28" in report["rows"][1]["errors"][0]  # the last day of protection


# --- the upload page --------------------------------------------------------------------------------------

def upload(client, content: bytes, name: str, **fields):
    data = {"csrf_token": csrf_token(client, "/manage/patents/import"), "publish": "", **fields,
            "file": (io.BytesIO(content), name)}
    return client.post("/manage/patents/import", data=data, content_type="multipart/form-data")


def test_upload_as_centre_staff(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    response = upload(client, to_csv([row(24), row(25, filing_date="bad")]).encode(), "p.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page and "filing_date: bad" in page and count(app, Patent) == 0
    response = upload(client, to_csv([row(24), row(25)]).encode(), "p.csv", publish="ordinary")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "2 new, 0 updated, 0 with errors. Saved." in page
    assert count(app, Patent) == 2 and count(app, Listing) == 2
    with app.app_context():
        assert {p.centre_id for p in db.session.scalars(db.select(Patent))} == {centre_staff.org_id}
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "patents.imported"))
        assert entry.actor_id == centre_staff.id
    response = upload(client, to_csv([row(30)]).encode(), "p.csv", dry_run="y")
    assert response.status_code == 200 and "Dry run: nothing was saved." in response.get_data(as_text=True)
    assert count(app, Patent) == 2
    response = upload(client, b"a,b\n", "p.txt")
    assert response.status_code == 400 and count(app, Patent) == 2


def test_upload_forbidden_to_sme_and_anonymous(client, auth, sme_user):
    response = client.get("/manage/patents/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(sme_user.email)
    assert client.get("/manage/patents/import").status_code == 403


TEMPLATE_URLS = ["/help/import/patents-template.csv", "/help/import/patents-template.xlsx",
                 "/help/import/patents-template.csv?headers=zh", "/help/import/patents-template.xlsx?headers=zh"]


@pytest.mark.parametrize("url", TEMPLATE_URLS)
def test_templates_import_cleanly(client, app, centre, tmp_path, runner, url):
    response = client.get(url)  # public: no login
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    name = "template." + url.split(".")[1].split("?")[0]
    if name.endswith("xlsx"):
        headings = [c.value for c in next(load_workbook(io.BytesIO(response.data)).active.iter_rows())]
        assert headings[0] == ("申请号" if "zh" in url else "application_number")
    else:
        assert response.data.startswith(b"\xef\xbb\xbf")
    path = tmp_path / name
    path.write_bytes(response.data)
    code, report = json_import(runner, app, path, "--dry-run", "--publish", "open")
    assert code == 0 and report["errors"] == 0 and report["ok"] == 1
    assert re.fullmatch(r"201811564288\.X", report["rows"][0]["application_number"])


@pytest.mark.parametrize(("old", "new"), [
    ("/manage/patents/template.csv", "/help/import/patents-template.csv"),
    ("/manage/patents/template.xlsx?headers=zh", "/help/import/patents-template.xlsx?headers=zh"),
])
def test_old_template_addresses_redirect_without_login(client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response.headers["Location"] == new
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "sme", "centre"])
def test_import_help_page_is_public_and_links_the_templates(client, auth, sme_user, centre_staff, who):
    if who != "anonymous":
        auth.login({"sme": sme_user, "centre": centre_staff}[who].email)
    response = client.get("/help/import/patents")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert all(f'href="{url.replace("&", "&amp;")}"' in page for url in TEMPLATE_URLS)
    assert "application_number" in page and "open_term_end" in page and "申请号" in page
    assert ('href="/manage/patents/import"' in page) == (who == "centre")


def test_import_page_links_the_public_templates(client, auth, centre_staff):
    auth.login(centre_staff.email)
    page = client.get("/manage/patents/import").get_data(as_text=True)
    assert all(f'href="{url}"' in page for url in TEMPLATE_URLS)


def test_cli_refuses_unknown_centre(runner, app, csv_file):
    with app.app_context():
        assert db.session.query(Organisation).filter_by(code="ruijin-ip").count() == 0
    result = run_import(runner, app, csv_file(to_csv([row(26)])))
    assert result.exit_code != 0 and "ruijin-ip" in result.output
