"""Imports are honest forms (issue 16, item 4): a file with an unknown column reports that and every
row's own problems in one report, and the file of an import that saved nothing is kept so the user
runs it again — after correcting a setting — without choosing it again (portal.imports.held)."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import Deal, HeldUpload, Listing, Patent
from tests.conftest import csrf_token
from tests.test_deal_import import deal
from tests.test_deal_import import to_csv as deals_csv
from tests.test_import import row, to_csv

PATENTS, DEALS = "/manage/patents/import", "/deals/import"


def send(client, url: str, content: bytes | None = None, name: str = "p.csv", **fields):
    data = {"csrf_token": csrf_token(client, url), **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def held_token(page: str) -> str:
    match = re.search(r'name="held"[^>]*value="([^"]*)"', page) or re.search(r'value="([^"]*)"[^>]*name="held"', page)
    assert match is not None, "no held field"
    return match.group(1)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


# ---------------------------------------------------------------- one report

def test_unknown_column_and_row_errors_in_one_report(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    rows = [row(1, colour="red"), row(2, filing_date="bad", colour="blue"), row(3, colour="")]
    response = send(client, PATENTS, to_csv(rows).encode(), publish="")
    assert response.status_code == 400
    page = text(response)
    assert "Unknown columns: colour." in page  # the file's problem, on row 1
    assert "filing_date: bad" in page  # and row 3's own, in the same answer
    assert "has a value but no heading" not in page  # the unknown column's cells are not blamed row by row
    assert count(app, Patent) == 0


def test_cli_json_has_both_too(runner, app, centre, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(to_csv([row(1, colour="red"), row(2, legal_status="sleeping", colour="")]), encoding="utf-8")
    with app.app_context():
        result = runner.invoke(args=["patents", "import", str(path), "--centre", centre.code, "--json"])
    import json

    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["rows"][0]["row"] == 1 and "colour" in report["rows"][0]["errors"][0]
    assert [r["row"] for r in report["rows"]] == [1, 2, 3] and report["rows"][2]["status"] == "error"
    assert report["rows"][1]["status"] == "ok"  # checked, and would import once the column goes
    assert count(app, Patent) == 0


def test_a_missing_required_column_is_the_whole_answer(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    content = "title,filing_date\n导管,2021-01-01\n".encode()
    response = send(client, PATENTS, content, publish="")
    page = text(response)
    assert response.status_code == 400 and "Required columns are missing" in page
    assert "A value is required" not in page


def test_deal_import_reports_both(client, auth, app, make, centre, centre_staff):
    number = make.patent(centre).code
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    content = deals_csv([deal(number, colour="x"), deal(number, effective_date="someday", colour="")]).encode()
    response = send(client, DEALS, content, name="d.csv")
    page = text(response)
    assert response.status_code == 400
    assert "Unknown columns: colour." in page and "someday" in page
    assert count(app, Deal) == 0


# ---------------------------------------------------------------- the kept file

def test_retry_without_choosing_the_file_again(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    content = to_csv([row(11), row(12)]).encode()
    first = send(client, PATENTS, content, name="centre-patents.csv", dry_run="y", publish="")
    page = text(first)
    assert first.status_code == 200 and "Dry run: nothing was saved." in page
    assert 'id="held-file"' in page and "centre-patents.csv" in page
    token = held_token(page)
    assert len(token) >= 40 and count(app, HeldUpload) == 1 and count(app, Patent) == 0
    # the setting changed (no dry run, publish), no file chosen: the kept file is imported
    second = send(client, PATENTS, held=token, publish="ordinary")
    assert second.status_code == 200, text(second)[:3000]
    assert "Saved." in text(second)
    assert count(app, Patent) == 2 and count(app, Listing) == 2
    assert count(app, HeldUpload) == 0  # let go once saved
    # and it cannot be imported a third time
    third = send(client, PATENTS, held=token, publish="")
    assert third.status_code == 400 and "no longer kept: choose the file again" in text(third)


def test_refused_import_keeps_its_file_and_a_new_file_replaces_it(client, auth, app, make, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    first = send(client, PATENTS, to_csv([row(21, filing_date="bad")]).encode(), publish="")
    assert first.status_code == 400
    token = held_token(text(first))
    second = send(client, PATENTS, to_csv([row(22)]).encode(), name="fixed.csv", held=token, publish="")
    assert second.status_code == 200 and count(app, Patent) == 1
    assert count(app, HeldUpload) == 0


def test_deals_keep_their_file_too(client, auth, app, make, centre, centre_staff):
    number = make.patent(centre).code
    auth.login(centre_staff.email)
    first = send(client, DEALS, deals_csv([deal(number)]).encode(), name="d.csv", dry_run="y")
    assert first.status_code == 200 and count(app, Deal) == 0
    second = send(client, DEALS, held=held_token(text(first)))
    assert second.status_code == 200 and count(app, Deal) == 1


def test_a_kept_file_is_its_users_only(client, auth, app, make, centre, centre_staff, other_centre_staff):
    colleague = make.user("centre_staff", centre)
    auth.login(centre_staff.email)
    token = held_token(text(send(client, PATENTS, to_csv([row(31)]).encode(), dry_run="y", publish="")))
    for user in (other_centre_staff, colleague):
        auth.logout()
        auth.login(user.email)
        client.set_cookie("portal_lang", "en")
        response = send(client, PATENTS, held=token, publish="")
        assert response.status_code == 400 and "no longer kept" in text(response)
        assert 'id="held-file"' not in text(response)
    # nor a deal import's
    auth.logout()
    auth.login(centre_staff.email)
    assert send(client, DEALS, held=token).status_code == 400
    assert count(app, Patent) == 0 and count(app, HeldUpload) == 1


def test_a_kept_file_expires(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    token = held_token(text(send(client, PATENTS, to_csv([row(41)]).encode(), dry_run="y", publish="")))
    with app.app_context():
        held = db.session.scalar(db.select(HeldUpload))
        held.created_at = datetime.now(UTC) - timedelta(hours=2)
        db.session.commit()
    response = send(client, PATENTS, held=token, publish="")
    assert response.status_code == 400 and "no longer kept" in text(response)
    # the next file kept clears the expired one
    send(client, PATENTS, to_csv([row(42)]).encode(), dry_run="y", publish="")
    assert count(app, HeldUpload) == 1


def test_no_file_and_nothing_kept(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    response = send(client, PATENTS, publish="")
    assert response.status_code == 400 and "请选择文件。" in text(response)
    response = send(client, PATENTS, held="x" * 200, publish="")  # longer than any token: refused, no error page
    assert response.status_code == 400


def test_a_setting_error_keeps_the_kept_file(client, auth, app, centre_staff):
    """A bad value in the form itself (an unknown publish mode) answers without importing, and the
    page still offers the kept file."""
    auth.login(centre_staff.email)
    token = held_token(text(send(client, PATENTS, to_csv([row(51)]).encode(), dry_run="y", publish="")))
    response = send(client, PATENTS, held=token, publish="everything")
    page = text(response)
    assert response.status_code == 400 and 'id="held-file"' in page and held_token(page) == token
    assert send(client, PATENTS, held=token, publish="").status_code == 200
    assert count(app, Patent) == 1


def test_bad_tokens_answer_plainly(client, auth, app, centre_staff):
    auth.login(centre_staff.email)
    for token in ("abc\x00def", "' OR 1=1 --", "é" * 60):
        response = send(client, PATENTS, held=token, publish="")
        assert response.status_code == 400, token
    assert count(app, Patent) == 0
