"""Uploads that cannot stall a worker: a CSV or XLSX over the row cap and a compressed workbook
that unpacks to far too much are refused with a message before their rows are parsed; a file of
odd UTF-16 bytes is refused with a message (issue 14, item 5)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from portal.extensions import db
from portal.models import Patent
from tests.conftest import csrf_token

HEADINGS = "application_number,title,filing_date,legal_status\n"


def _upload(client, data: bytes, filename: str):
    """POST the file as a browser does. The body is built here, as bytes: the test client would
    spool a large one to a temporary file it never closes."""
    token = csrf_token(client, "/manage/patents/import")
    boundary = "----portal-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/manage/patents/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _bomb(rows: int) -> bytes:
    """A real workbook whose first sheet is replaced by ``rows`` identical rows: a few KB zipped."""
    out = io.BytesIO()
    Workbook().save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    row = '<row><c t="inlineStr"><is><t>201811564288.X</t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + row * rows + "</sheetData></worksheet>")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    return bomb.getvalue()


@pytest.fixture
def staff(client, auth, centre_staff):
    auth.login(centre_staff.email)


def test_a_csv_over_the_row_cap_is_refused_before_parsing(app, client, staff):
    data = (HEADINGS + "201811564288.X,一种导管,2018-12-29,valid\n" * 50_000).encode()
    started = time.process_time()
    response = _upload(client, data, "p.csv")
    assert response.status_code == 400
    assert "10000" in response.get_data(as_text=True)
    assert time.process_time() - started < 30  # a bound no correct run comes near (it takes well under 1 s)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Patent.id))) == 0


@pytest.mark.parametrize("rows", [300_000, 20_000])
def test_a_workbook_over_the_cap_or_a_zip_bomb_is_refused(app, client, staff, rows):
    data = _bomb(rows)
    assert len(data) < 200_000
    response = _upload(client, data, "p.xlsx")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "10000" in body or "解压" in body


def test_the_cap_is_a_setting(app, client, staff):
    app.config["IMPORT_MAX_ROWS"] = 2
    data = (HEADINGS + "".join(f"2018115642{n:02d}.X,一种导管,2018-12-29,valid\n" for n in range(3))).encode()
    assert _upload(client, data, "p.csv").status_code == 400


def test_odd_utf16_bytes_are_refused_with_a_message(client, staff):
    response = _upload(client, b"\xff\xfe" + "申请号".encode("utf-16-le") + b"\x00", "p.csv")
    assert response.status_code == 400
    assert "UTF-16" in response.get_data(as_text=True)


def test_an_oversize_upload_gets_the_413_page(app, client, staff):
    app.config.update(MAX_CONTENT_LENGTH=1000, PROPAGATE_EXCEPTIONS=False)
    response = _upload(client, b"x" * 5000, "p.csv")
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)


def test_a_report_is_checked_by_its_content_not_its_name(app, client, auth, centre_staff):
    from tests.conftest import post

    auth.login(centre_staff.email)
    report = {"title": "肿瘤免疫治疗专利导航", "discipline": "肿瘤", "report_date": "2023-04-01"}
    disguised = post(client, "/metrics/centre/facts/reports",
                     {**report, "document": (io.BytesIO(b"<html><script>alert(1)</script>"), "导航.pdf")},
                     content_type="multipart/form-data")
    assert disguised.status_code == 400 and "PDF" in disguised.get_data(as_text=True)
    real = post(client, "/metrics/centre/facts/reports",
                {**report, "document": (io.BytesIO(b"PK\x03\x04 word"), "导航.docx")},
                content_type="multipart/form-data")
    assert real.status_code == 302


def test_reading_stops_after_too_many_rows_with_errors(app, client, staff):
    data = (HEADINGS + "".join(f"not-a-number-{n},一种导管,2018-12-29,valid\n" for n in range(150))).encode()
    response = _upload(client, data, "p.csv")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "读到第 101 行时停止" in body  # rows 2…101: the first hundred rows with errors
    assert body.count('class="table-danger"') == 100
