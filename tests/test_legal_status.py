"""Legal status kept true: `patents refresh` and the upload page record each change; a lapsed patent's
listing leaves search and the feeds, its open licence is withdrawn, its centre and the SMEs with open
requests on it are told; annual-fee reminders before the grace period ends."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest

from portal import indexing
from portal.extensions import db
from portal.models import (
    AnnualFee,
    AuditEntry,
    LegalStatusChange,
    Listing,
    Notification,
    OpenLicenceDeclaration,
    Patent,
)
from tests.conftest import post

TERMS = {"fee_method": "lump_sum", "fee_amount_yuan": "50000", "royalty_rate_pct": "",
         "term_end": "2030-12-31", "announced_on": date(2025, 1, 10).isoformat(), "cnipa_reference": ""}


@pytest.fixture
def world(client, auth, app, make, centre, centre_staff, sme_user):
    lapsing = make.patent(centre, title="一种可降解止血夹")
    staying = make.patent(centre, title="一种骨科导航定位装置")
    lapsing_listing = make.listing(centre, [lapsing], title="可降解止血夹许可")
    staying_listing = make.listing(centre, [staying], title="骨科导航定位装置许可")
    auth.login(centre_staff.email)
    assert post(client, f"/manage/patents/{lapsing.id}/open-licence", TERMS).status_code == 302
    auth.logout()
    auth.login(sme_user.email)
    post(client, f"/listings/{lapsing_listing.id}/request", {"mode": "ordinary", "intended_use": "生产"})
    auth.logout()
    with app.app_context():
        indexing.apply_pending()
    return {"lapsing": lapsing, "staying": staying, "lapsing_listing": lapsing_listing,
            "staying_listing": staying_listing}


def api_ids(client, query: str) -> list[int]:
    return [item["id"] for item in client.get("/api/v1/listings", query_string={"q": query}).get_json()["items"]]


def export(tmp_path, rows, name="status.csv"):
    path = tmp_path / name
    lines = ["申请号,法律状态,法律状态公告日,年费缴纳截止日", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_refresh_withdraws_listing_and_open_licence(client, app, runner, tmp_path, world, centre, centre_staff,
                                                    sme_user):
    assert api_ids(client, "可降解止血夹") == [world["lapsing_listing"].id]
    path = export(tmp_path, [(world["lapsing"].code, "未缴年费专利权终止", "2026-03-15", ""),
                             (world["staying"].code, "专利权维持", "2026-03-15", "2027-03-01")])
    result = runner.invoke(args=["patents", "refresh", str(path), "--centre", centre.code])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Listing, world["lapsing_listing"].id).status == "withdrawn"
        assert db.session.get(Listing, world["staying_listing"].id).status == "published"
        declaration = db.session.scalar(db.select(OpenLicenceDeclaration))
        assert declaration.withdrawn_on == date(2026, 3, 15) and "未缴年费专利权终止" in declaration.withdrawal_reason
        patent = db.session.get(Patent, world["lapsing"].id)
        assert patent.legal_status == "lapsed"
        change = db.session.scalar(db.select(LegalStatusChange))
        assert (change.status, change.changed_on, change.wording) == ("lapsed", date(2026, 3, 15), "未缴年费专利权终止")
        kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
        assert (centre_staff.id, "patent.ended") in kinds and (sme_user.id, "patent.ended_request") in kinds
        assert db.session.get(AnnualFee, world["staying"].id).due_on == date(2027, 3, 1)
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "patents.status_refreshed"))
        indexing.apply_pending()
    assert api_ids(client, "可降解止血夹") == []
    assert "可降解止血夹许可" not in client.get("/search", query_string={"q": "止血夹"}).get_data(as_text=True)
    for feed in ("/feeds/listings.atom", "/feeds/listings.rss", "/feeds/listings.atom?open=1"):
        body = client.get(feed).get_data(as_text=True)
        assert "可降解止血夹许可" not in body and ("骨科导航定位装置许可" in body or "open=1" in feed)
    # the same file again changes nothing
    result = runner.invoke(args=["patents", "refresh", str(path), "--centre", centre.code])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LegalStatusChange.id))) == 1


@pytest.mark.parametrize("row", [
    ("{lapsing}", "也许失效了", "2026-03-15", ""),  # unknown wording
    ("{lapsing}", "期限届满", "2026-02-30", ""),  # no such day
    ("{lapsing}", "期限届满", (date.today() + timedelta(days=5)).isoformat(), ""),
    ("201811564288.X", "期限届满", "2026-03-15", ""),  # not the centre's patent
    ("202310123456.7", "期限届满", "2026-03-15", ""),  # invalid check character
    ("{lapsing}\x00", "期限届满", "2026-03-15", ""),
])
def test_a_bad_row_saves_nothing(app, runner, tmp_path, world, centre, row):
    good = (world["staying"].code, "全部无效", "2026-03-15", "")
    bad = tuple(v.format(lapsing=world["lapsing"].code) for v in row)
    result = runner.invoke(args=["patents", "refresh", str(export(tmp_path, [good, bad])), "--centre", centre.code])
    assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LegalStatusChange.id))) == 0
        assert db.session.get(Listing, world["staying_listing"].id).status == "published"


def test_upload_page_and_access(client, auth, app, tmp_path, world, centre_staff, other_centre_staff, sme_user):
    data = export(tmp_path, [(world["lapsing"].code, "expired", "2026-04-01", "")]).read_bytes()
    for user in (sme_user,):
        auth.login(user.email)
        assert client.get("/manage/patents/legal-status").status_code == 403
        auth.logout()
    assert client.get("/manage/patents/legal-status").status_code == 302
    auth.login(other_centre_staff.email)  # another centre's patent: an error row, nothing saved
    response = post(client, "/manage/patents/legal-status", {"file": (BytesIO(data), "status.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 400
    auth.logout()
    auth.login(centre_staff.email)
    response = post(client, "/manage/patents/legal-status", {"file": (BytesIO(b"%PDF-1.4"), "status.pdf")},
                    content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LegalStatusChange.id))) == 0
    response = post(client, "/manage/patents/legal-status", {"file": (BytesIO(data), "status.csv"), "dry_run": "y"},
                    content_type="multipart/form-data")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LegalStatusChange.id))) == 0
    response = post(client, "/manage/patents/legal-status", {"file": (BytesIO(data), "status.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Listing, world["lapsing_listing"].id).status == "withdrawn"
        assert db.session.scalar(db.select(LegalStatusChange.status)) == "expired"
    page = client.get("/manage/patents/legal-status").get_data(as_text=True)
    assert "期限届满" in page and "status.csv" in page  # the recorded change, in the history
    assert 'id="refresh-legal-status"' in client.get("/manage/patents").get_data(as_text=True)


def test_xlsx_export(app, runner, tmp_path, world, centre):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["application_number", "status", "date"])
    sheet.append([world["lapsing"].code, "全部无效", date(2026, 5, 1)])
    path = tmp_path / "status.xlsx"
    book.save(path)
    result = runner.invoke(args=["patents", "refresh", str(path), "--centre", centre.code, "--json"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(LegalStatusChange.status)) == "invalidated"
        assert db.session.get(Listing, world["lapsing_listing"].id).status == "withdrawn"


def test_annual_fee_reminder_once_before_grace_ends(app, runner, tmp_path, world, centre, centre_staff):
    due = date.today() - timedelta(days=150)  # grace period ends in about a month
    path = export(tmp_path, [(world["staying"].code, "等年费滞纳金", date.today().isoformat(), due.isoformat())])
    assert runner.invoke(args=["patents", "refresh", str(path), "--centre", centre.code]).exit_code == 0
    result = runner.invoke(args=["patents", "fee-remind"])
    assert "reminded about 1" in result.output
    assert "reminded about 0" in runner.invoke(args=["patents", "fee-remind"]).output
    with app.app_context():
        kinds = [n.kind for n in db.session.scalars(db.select(Notification).where(
            Notification.user_id == centre_staff.id))]
        assert kinds.count("patent.fee_due") == 1
        assert db.session.get(Patent, world["staying"].id).annual_fees_paid is False
