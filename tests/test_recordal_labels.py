"""Recordal statuses read the same on the screens and in every export (issue 16): the exports,
which are Chinese by rule, take their words from ``portal.labels`` — 已提交备案, never 已提交."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from portal.extensions import db
from portal.labels import RECORDAL_STATUS_LABELS, SIZE_CLASS_LABELS, in_chinese
from portal.metrics.export import SIZE_ZH, recordal_zh
from portal.models import RECORDAL_STATUSES, Deal
from portal.rules.licensing import RECORDAL_STATUSES as RULE_LABELS


def test_every_place_uses_the_screen_labels(app):
    with app.test_request_context():
        with force_locale("zh_CN"):
            screens = {k: str(RECORDAL_STATUS_LABELS[k]) for k in RECORDAL_STATUSES}
        assert screens["filed"] == "已提交备案"
        assert recordal_zh() == screens
        # the pure rules' own Chinese names (read by the deal import) say the same
        assert {k: RULE_LABELS[k][0] for k in RECORDAL_STATUSES} == screens
        with force_locale("en"):  # the export stays Chinese whatever the reader's language
            assert recordal_zh() == screens
        # the exports' other fixed words agree with the screens too
        assert in_chinese(SIZE_CLASS_LABELS) == SIZE_ZH


@pytest.fixture
def filed_deal(app, make, centre, centre_staff, auth):
    licensee = make.org("enterprise", name_zh="明远医疗科技（示例）")
    with app.app_context():
        deal = Deal(licensor_id=centre.id, licensee_id=licensee.id, kind="licence", licence_type="ordinary",
                    effective_date=date(2025, 6, 1), contract_amount_yuan=Decimal("100000"),
                    recordal_due=date(2025, 6, 1) + timedelta(days=90), recordal_status="filed")
        db.session.add(deal)
        db.session.commit()
        deal_id = deal.id
    auth.login(centre_staff.email)
    return deal_id


def _cells(body: bytes) -> set[object]:
    book = load_workbook(io.BytesIO(body))
    return {cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}


def test_exports_and_page_say_the_same(client, centre, filed_deal):
    page = client.get(f"/deals/{filed_deal}").get_data(as_text=True)
    assert "已提交备案" in page
    deals_export = client.get("/deals/export.xlsx")
    assert deals_export.status_code == 200
    cells = _cells(deals_export.data)
    assert "已提交备案" in cells and "已提交" not in cells
    metrics_export = client.get(f"/metrics/centres/{centre.code}/figures.xlsx?year=2025")
    assert metrics_export.status_code == 200
    cells = _cells(metrics_export.data)
    assert "已提交备案" in cells and "已提交" not in cells
    csv_text = client.get(f"/metrics/centres/{centre.code}/deals.csv?year=2025").get_data().decode("utf-8-sig")
    assert "已提交备案" in csv_text
