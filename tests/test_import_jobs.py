"""Large imports run outside the request: a file of more than IMPORT_INLINE_ROWS rows is queued as a
job (303 to its page, nothing imported), the queue is drained by a claim-before-run runner (the web
process's thread, or `flask imports work`), and the job's page shows its progress, then the same
report as the upload page. Only the job's user and their colleagues may see it."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook

from portal.extensions import db
from portal.imports import jobs, rows
from portal.models import Deal, ImportJob, Organisation, Patent
from portal.rules import application_check_character
from tests.conftest import csrf_token
from tests.test_deal_import import CODE_A

INLINE = 5  # the test app's IMPORT_INLINE_ROWS: six rows or more make a job
PATENT_HEADINGS = ["application_number", "title", "filing_date", "legal_status", "grant_date"]


@pytest.fixture(autouse=True)
def small_inline_limit(app):
    app.config["IMPORT_INLINE_ROWS"] = INLINE


@pytest.fixture
def staff(client, auth, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    return centre_staff


def number(n: int) -> str:
    body = f"2022101{n:05d}"
    return f"{body}.{application_check_character(body)}"


def patent_rows(count: int, start: int = 1, changes: dict[int, dict] | None = None) -> list[list[str]]:
    """``count`` valid patent rows; ``changes`` gives some of them other cells (by row of the file)."""
    values = []
    for n in range(start, start + count):
        row = {"application_number": number(n), "title": f"一种医用导管{n}", "filing_date": "2022-03-01",
               "legal_status": "valid", "grant_date": "2023-05-09", **(changes or {}).get(n + 1, {})}
        values.append([row[h] for h in PATENT_HEADINGS])
    return values


def to_csv(table: list[list[object]], headings: list[str] = PATENT_HEADINGS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(table)
    return out.getvalue().encode("utf-8")


def to_xlsx(table: list[list[object]], headings: list[str] = PATENT_HEADINGS) -> bytes:
    workbook = Workbook()
    workbook.active.append(headings)
    for values in table:
        workbook.active.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data: bytes, filename: str, url: str = "/manage/patents/import", token: str | None = None,
           **fields):
    """POST the file as a browser does, the body built here as bytes (the test client would spool a
    large one to a temporary file it never closes)."""
    boundary = "----portal-jobs-boundary"
    parts = {"csrf_token": token or csrf_token(client, url), **fields}
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
                    for name, value in parts.items())
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def queued_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.startswith("/imports/jobs/")
    return int(location.rsplit("/", 1)[1])


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def job_row(app, job_id: int) -> dict:
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        return {"status": job.status, "attempts": job.attempts, "data": job.data, "report": job.report,
                "rows_total": job.rows_total, "rows_done": job.rows_done, "error": job.error,
                "options": job.options, "user_id": job.user_id}


def drain(app, limit: int | None = None) -> int:
    with app.app_context():
        return jobs.drain(limit)


# ---------------------------------------------------------------- queued, then run

def test_a_large_patent_file_is_queued_then_imported(app, client, staff):
    response = upload(client, to_csv(patent_rows(8)), "patents.csv")
    job_id = queued_id(response)
    assert count(app, Patent) == 0  # nothing imported in the request
    queued = job_row(app, job_id)
    assert (queued["status"], queued["rows_total"], queued["user_id"]) == ("queued", 8, staff.id)
    assert queued["data"].startswith(b"application_number") and queued["options"]["locale"] == "en"

    page = client.get(f"/imports/jobs/{job_id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-status="queued"' in body and "<progress" in body and "patents.csv" in body
    assert f'href="/imports/jobs/{job_id}"' in body  # the refresh link, for a browser without scripts
    assert "/static/js/import_job.js" in body and "<script>" not in body  # the CSP allows no inline script
    assert client.get(f"/imports/jobs/{job_id}.json").get_json() == {
        "id": job_id, "kind": "patents", "filename": "patents.csv", "status": "queued", "rows_total": 8,
        "rows_done": 0, "finished": False, "url": f"/imports/jobs/{job_id}"}
    assert f'href="/imports/jobs/{job_id}"' in client.get("/manage/patents/import").get_data(as_text=True)

    assert drain(app) == 1
    assert count(app, Patent) == 8
    done = job_row(app, job_id)
    assert (done["status"], done["attempts"], done["data"], done["rows_done"]) == ("done", 1, None, 8)
    assert (done["report"]["ok"], done["report"]["errors"], done["report"]["saved"]) == (8, 0, True)
    body = client.get(f"/imports/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status="done"' in body and "8 new, 0 updated, 0 with errors. Saved." in body
    assert body.count("badge text-bg-success") == 8 and "import_job.js" not in body  # finished: no polling
    assert 'href="/manage/patents/import"' in body
    status = client.get(f"/imports/jobs/{job_id}.json").get_json()
    assert status["finished"] and (status["ok"], status["errors"], status["saved"]) == (8, 0, True)
    with app.app_context():
        assert {p.centre_id for p in db.session.scalars(db.select(Patent))} == {staff.org_id}
    assert drain(app) == 0  # nothing left


def test_a_small_file_is_still_imported_in_the_request(app, client, staff):
    response = upload(client, to_csv(patent_rows(INLINE)), "patents.csv")
    assert response.status_code == 200 and "5 new, 0 updated, 0 with errors. Saved." in response.get_data(as_text=True)
    assert count(app, Patent) == INLINE and count(app, ImportJob) == 0


def test_a_file_over_the_row_cap_is_still_refused_in_the_request(app, client, staff):
    app.config["IMPORT_MAX_ROWS"] = 7
    response = upload(client, to_csv(patent_rows(8)), "patents.csv")
    assert response.status_code == 400 and "more than 7 rows" in response.get_data(as_text=True)
    assert count(app, ImportJob) == 0 and count(app, Patent) == 0


def test_a_workbook_is_queued_and_its_options_kept(app, client, staff):
    job_id = queued_id(upload(client, to_xlsx(patent_rows(7)), "patents.xlsx", publish="ordinary", dry_run="y"))
    assert job_row(app, job_id)["rows_total"] == 7
    assert job_row(app, job_id)["options"] == {"dry_run": True, "publish_mode": "ordinary", "locale": "en"}
    assert drain(app) == 1
    body = client.get(f"/imports/jobs/{job_id}").get_data(as_text=True)
    assert "7 new, 0 updated, 0 with errors. Dry run: nothing was saved." in body
    assert count(app, Patent) == 0  # a dry run, rehearsed with the listings and rolled back


def test_a_file_with_errors_saves_nothing_and_shows_them(app, client, staff):
    table = patent_rows(7, changes={4: {"filing_date": "not a date"}})
    job_id = queued_id(upload(client, to_csv(table), "bad.csv"))
    assert drain(app) == 1
    assert count(app, Patent) == 0
    done = job_row(app, job_id)
    assert (done["status"], done["report"]["errors"], done["report"]["saved"], done["data"]) == ("done", 1, False, None)
    body = client.get(f"/imports/jobs/{job_id}").get_data(as_text=True)
    assert "6 new, 0 updated, 1 with errors. Nothing was saved" in body
    assert body.count('class="table-danger"') == 1 and "filing_date: not a date" in body
    assert client.get(f"/imports/jobs/{job_id}.json").get_json()["errors"] == 1


def test_past_deals_are_queued_then_imported(app, client, auth, make, centre, centre_staff):
    patent = make.patent(centre).code
    auth.login(centre_staff.email)
    headings = ["effective_date", "kind", "application_numbers", "counterparty", "counterparty_credit_code",
                "counterparty_industry", "counterparty_employees", "counterparty_revenue_wan", "contract_amount",
                "term_end"]
    table = [[f"2023-06-{day:02d}", "ordinary", patent, "上海示例医疗器械有限公司", CODE_A, "industry", "120", "3500",
              "300000", "2027-12-31"] for day in range(1, 8)]
    job_id = queued_id(upload(client, to_csv(table, headings), "deals.csv", url="/deals/import"))
    assert count(app, Deal) == 0
    assert drain(app) == 1
    assert count(app, Deal) == 7
    body = client.get(f"/imports/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status="done"' in body and 'href="/deals/import"' in body
    assert "新增 7 件" in body  # the uploader's language: Chinese, the default
    assert f'href="/imports/jobs/{job_id}"' in client.get("/deals/import").get_data(as_text=True)


def test_an_importer_that_raises_fails_the_job_and_saves_nothing(app, client, staff, monkeypatch):
    from portal.patents import importer

    def broken(centre, *args, **kwargs):
        db.session.add(Organisation(kind="enterprise", code="half-written", name_zh="写了一半"))
        db.session.flush()
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importer, "import_patents", broken)
    job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))
    assert drain(app) == 1
    failed = job_row(app, job_id)
    assert failed["status"] == "failed" and "the database went away" in failed["error"] and failed["data"] is None
    with app.app_context():
        assert db.session.scalar(db.select(Organisation).where(Organisation.code == "half-written")) is None
    body = client.get(f"/imports/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status="failed"' in body and "the database went away" in body
    assert client.get(f"/imports/jobs/{job_id}.json").get_json()["finished"]


def test_progress_is_committed_while_the_rows_are_read(app, client, staff, monkeypatch):
    monkeypatch.setattr(rows, "PROGRESS_EVERY", 3)
    seen = []
    original = jobs._progress

    def watched(job_id, attempts):
        write = original(job_id, attempts)

        def record(done):
            write(done)
            with db.engine.connect() as other:  # another connection sees it: it is committed
                seen.append(other.scalar(db.select(ImportJob.rows_done).where(ImportJob.id == job_id)))
        return record

    monkeypatch.setattr(jobs, "_progress", watched)
    job_id = queued_id(upload(client, to_csv(patent_rows(7)), "p.csv"))
    assert drain(app) == 1
    assert seen == [3, 6] and job_row(app, job_id)["rows_done"] == 7


# ---------------------------------------------------------------- who sees a job

def test_only_the_centre_sees_its_jobs(app, client, auth, make, centre, staff, other_centre_staff, sme_user):
    job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))
    auth.logout()
    response = client.get(f"/imports/jobs/{job_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for outsider in (other_centre_staff, sme_user):
        auth.login(outsider.email)
        assert client.get(f"/imports/jobs/{job_id}").status_code == 404
        assert client.get(f"/imports/jobs/{job_id}.json").status_code == 404
        auth.logout()
    colleague = make.user("centre_staff", org=centre, email="colleague@ruijin.example.cn")
    auth.login(colleague.email)
    assert client.get(f"/imports/jobs/{job_id}").status_code == 200
    assert client.get(f"/imports/jobs/{job_id + 1}").status_code == 404


# ---------------------------------------------------------------- claims

def test_two_drainers_cannot_both_claim_a_job(app, client, staff):
    job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))
    with app.app_context():
        seen = jobs.claimable()
        assert [job.id for job in seen] == [job_id]
        assert jobs.claim(seen[0]) is True
        assert jobs.claim(seen[0]) is False  # the second drainer read the same row: its update matches nothing
        assert jobs.claimable() == []  # running, within its lease
    assert job_row(app, job_id)["status"] == "running" and job_row(app, job_id)["attempts"] == 1
    assert drain(app) == 0 and count(app, Patent) == 0


def test_a_job_whose_runner_died_is_claimed_again(app, client, staff):
    job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))
    with app.app_context():
        long_ago = datetime.now(UTC) - jobs.LEASE - timedelta(minutes=1)
        assert jobs.claim(jobs.claimable()[0], now=long_ago)  # a runner that then died
        assert [(job.id, job.attempts) for job in jobs.claimable()] == [(job_id, 1)]
    assert drain(app) == 1
    assert job_row(app, job_id)["status"] == "done" and job_row(app, job_id)["attempts"] == 2
    assert count(app, Patent) == 6


def test_a_runner_whose_job_was_taken_over_commits_nothing(app, client, staff):
    job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))
    with app.app_context():
        seen = jobs.claimable()[0]
        assert jobs.claim(seen, now=datetime.now(UTC) - jobs.LEASE - timedelta(minutes=1))
        taken_over = jobs.claimable()[0]
        assert jobs.claim(taken_over)  # another runner took the job over while the first still ran
        assert jobs.run(seen) == "lost"  # the first finishes late: its import is discarded
        assert db.session.scalar(db.select(db.func.count(Patent.id))) == 0
        assert jobs.run(taken_over) == "done"
    assert count(app, Patent) == 6 and job_row(app, job_id)["attempts"] == 2


def test_a_job_that_keeps_killing_its_runner_is_given_up(app, client, staff):
    job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        job.status, job.attempts = "running", jobs.MAX_ATTEMPTS
        job.started_at = datetime.now(UTC) - jobs.LEASE - timedelta(minutes=1)
        db.session.commit()
        assert jobs.claimable() == []
    failed = job_row(app, job_id)
    assert failed["status"] == "failed" and failed["error"] == jobs.GAVE_UP and failed["data"] is None
    body = client.get(f"/imports/jobs/{job_id}").get_data(as_text=True)
    assert 'id="import-job-error"' in body and "split the file into smaller ones" in body


# ---------------------------------------------------------------- the command and the thread

def test_the_imports_work_command_drains_the_queue(app, client, staff, runner):
    queued_id(upload(client, to_csv(patent_rows(6)), "a.csv"))
    queued_id(upload(client, to_csv(patent_rows(6, start=7)), "b.csv"))
    result = runner.invoke(args=["imports", "work"])
    assert result.exit_code == 0, result.output
    assert "ran 2 import job(s)" in result.output
    assert count(app, Patent) == 12
    assert "ran 0 import job(s)" in runner.invoke(args=["imports", "work"]).output


def test_the_background_thread_runs_a_job_after_the_request(app, client, staff):
    from portal.imports.runner import runner

    app.config["IMPORT_JOB_THREAD"] = True
    try:
        job_id = queued_id(upload(client, to_csv(patent_rows(6)), "p.csv"))  # the request nudged the thread
        deadline = time.monotonic() + 30
        while job_row(app, job_id)["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner(app).stop()
    assert job_row(app, job_id)["status"] == "done" and count(app, Patent) == 6


# ---------------------------------------------------------------- queueing is cheap

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_ten_thousand_row_file_is_queued_in_well_under_a_second(app, client, staff, kind):
    app.config["IMPORT_INLINE_ROWS"] = 1000
    table = [[number(n), f"一种可调节角度的腹腔镜手术器械{n}", "2022-03-01", "valid", "2023-05-09"]
             for n in range(1, 10_001)]
    data = to_csv(table) if kind == "csv" else to_xlsx(table)
    token = csrf_token(client, "/manage/patents/import")  # rendering the form is not the upload's cost
    started = time.process_time()
    response = upload(client, data, f"p.{kind}", token=token)
    spent = time.process_time() - started
    assert queued_id(response) and job_row(app, queued_id(response))["rows_total"] == 10_000
    assert spent < 3  # a bound no correct run comes near (about 0.1 s: the rows are counted, not read)
    assert count(app, Patent) == 0
