"""A large import in a real browser: the upload lands on the job's page, whose script (no inline
script: the CSP forbids it) polls the job and reloads the page with the report once the queue has
been drained. Strings this adds are not in the catalogue yet, so the test finds them by id."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.imports import jobs
from portal.models import Patent
from tests.browser.conftest import CHROMIUM
from tests.browser.test_deal_journey import log_in
from tests.test_import_jobs import patent_rows, to_csv

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)", allow_module_level=True)
expect = pytest.importorskip("playwright.sync_api").expect


def test_the_job_page_follows_the_import_and_shows_its_report(app, page, centre_staff, artifacts, tmp_path):
    app.config["IMPORT_INLINE_ROWS"] = 5
    path = tmp_path / "patents.csv"
    path.write_bytes(to_csv(patent_rows(12)))
    log_in(page, centre_staff.email)
    page.goto("/manage/patents/import")
    page.locator("#file").set_input_files(str(path))
    page.locator("main").get_by_role("button", name="导入", exact=True).click()

    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+$"))
    expect(page.locator("#import-job")).to_have_attribute("data-status", "queued")
    expect(page.locator("progress#import-progress")).to_be_visible()
    page.screenshot(path=str(artifacts / "import_job_queued.png"), full_page=True)

    with app.app_context():  # the worker's turn; the page, polling, reloads itself
        assert jobs.drain() == 1
        assert db.session.scalar(db.select(db.func.count(Patent.id))) == 12
    expect(page.locator("#import-job")).to_have_attribute("data-status", "done")
    expect(page.locator("#import-summary")).to_contain_text("新增 12 件，更新 0 件，出错 0 件")
    expect(page.locator("#import-report tbody tr")).to_have_count(12)
    page.screenshot(path=str(artifacts / "import_job_done.png"), full_page=True)

    page.locator("#import-job-back").click()
    expect(page).to_have_url(re.compile(r"/manage/patents/import$"))
    expect(page.locator("#import-jobs a")).to_have_text("patents.csv")
    assert page.problems == []
