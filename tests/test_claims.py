"""A company whose credit code others registered is claimed with evidence; a site administrator
decides and may transfer the company to the claimant (issue 14, item 4)."""

from __future__ import annotations

import io

import pytest

from portal.extensions import db
from portal.models import AuditEntry, CompanyClaim, Notification, Organisation, User
from tests.conftest import PASSWORD, csrf_token, post
from tests.test_auth import VALID_CODE, mailed_link, register, registration

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OWNER = "owner@real-medtech.example.cn"


def _claim_link(app) -> str:
    """The squatter registered the code first; the real owner follows its own registration link."""
    squatter = app.test_client()
    register(squatter, app, email="squatter@evil.example", company_name="冒名医疗器械有限公司",
             employees="5", revenue_wan="50")
    owner = app.test_client()
    assert post(owner, "/register", registration(email=OWNER, employees="500", revenue_wan="30000")).status_code == 302
    return mailed_link(app, OWNER)


def _send_claim(app, link: str, content: bytes = PDF, filename: str = "营业执照.pdf",
                statement: str = "我们是该统一社会信用代码的持有人，营业执照附后。"):
    client = app.test_client()
    return client.post(f"{link}/claim", data={
        "csrf_token": csrf_token(client, link), "statement": statement,
        "evidence": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _can_log_in(app, email: str) -> bool:
    client = app.test_client()
    post(client, "/login", {"email": email, "password": PASSWORD})
    return client.get("/account").status_code == 200


def _decide(client, claim_id: int, **data):
    return client.post(f"/admin/claims/{claim_id}", data={"csrf_token": csrf_token(client, "/admin/claims"), **data})


def _claim(app) -> CompanyClaim:
    with app.app_context():
        return db.session.scalar(db.select(CompanyClaim).order_by(CompanyClaim.id.desc()))


def test_a_claim_with_evidence_is_transferred_by_an_administrator(app, client, auth, admin):
    link = _claim_link(app)
    response = _send_claim(app, link)
    assert response.status_code == 302
    claim = _claim(app)
    assert claim.email == OWNER and claim.evidence_type == "application/pdf"
    assert not _can_log_in(app, OWNER)  # nothing until an administrator decides
    with app.app_context():
        assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == admin.id)) \
            == "company.claimed"
    auth.login(admin.email)
    page = client.get("/admin/claims").get_data(as_text=True)
    assert OWNER in page and "squatter@evil.example" in page and "营业执照.pdf" in page
    evidence = client.get(f"/admin/claims/{claim.id}/evidence")
    assert evidence.data == PDF and evidence.headers["Content-Type"] == "application/pdf"
    assert evidence.headers["Content-Disposition"].startswith("attachment")

    squatter = app.test_client()
    post(squatter, "/login", {"email": "squatter@evil.example", "password": PASSWORD})
    assert _decide(client, claim.id, decision="approve", transfer="y").status_code == 302
    assert squatter.get("/account").status_code == 302  # its session ended with the transfer
    assert not _can_log_in(app, "squatter@evil.example")
    assert _can_log_in(app, OWNER)
    with app.app_context():
        org = db.session.scalar(db.select(Organisation).where(Organisation.credit_code == VALID_CODE))
        owner = db.session.scalar(db.select(User).where(User.email == OWNER))
        assert owner.organisation_id == org.id and org.verified
        assert org.name_zh == "上海测试医疗器械有限公司" and org.size_class == "medium"  # the claimant's figures
        kinds = db.session.scalars(db.select(AuditEntry.kind)).all()
        assert "company.claimed" in kinds and "company.claim_approved" in kinds
    assert _decide(client, claim.id, decision="approve", transfer="y").status_code == 302  # decided: no change
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == OWNER)) == 1


def test_a_declined_claim_needs_a_reason_and_makes_no_account(app, client, auth, admin):
    _send_claim(app, _claim_link(app))
    claim = _claim(app)
    auth.login(admin.email)
    _decide(client, claim.id, decision="decline")
    assert _claim(app).decided_at is None  # no reason: nothing decided
    _decide(client, claim.id, decision="decline", note="营业执照上的名称与代码不符。")
    assert _claim(app).approved is False
    assert not _can_log_in(app, OWNER) and _can_log_in(app, "squatter@evil.example")


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("licence.exe", PDF, "PDF、PNG 或 JPEG"),
    ("licence.pdf", b"MZ\x90\x00 not a pdf", "不符"),
    ("licence.png", PDF, "不符"),
    ("licence.pdf", b"", "空"),
])
def test_evidence_must_be_what_its_name_says(app, filename, content, message):
    link = _claim_link(app)
    response = _send_claim(app, link, content=content, filename=filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _claim(app) is None
    assert _send_claim(app, link).status_code == 302  # the link still works for a good file


def test_only_site_administrators_see_claims(app, client, auth, sme_user, centre_staff):
    _send_claim(app, _claim_link(app))
    claim = _claim(app)
    for email in (sme_user.email, centre_staff.email):
        auth.login(email)
        assert client.get("/admin/claims").status_code in (403, 404)
        assert client.get(f"/admin/claims/{claim.id}/evidence").status_code in (403, 404)
        auth.logout()
