"""Documents (issue 20, item 1): a file store checked by content, downloads checked per role, documents
on listings, request threads and deals, the exchange forward's dossier (web and API), `files verify`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Document, LicenceRequest, Listing, Notification, Organisation, User
from tests.conftest import Ref, post
from tests.test_exchange import (  # noqa: F401  (fixtures)
    bearer,
    deal,
    exchange_ids,
    forward_via_ui,
    forwards,
    new_token,
    sipe_operator,
    stex_operator,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


DOCX = docx_bytes()


def zip_of(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name.replace("_", "."), data)
    return out.getvalue()


def upload(client, url: str, data: bytes, name: str, **fields):
    return post(client, url, {"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def documents(app) -> list[Document]:
    with app.app_context():
        rows = db.session.scalars(db.select(Document).order_by(Document.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def stored_objects(app) -> list[Path]:
    root = Path(app.config["FILES_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def thread(app, make, centre, centre_staff, sme_user) -> Ref:
    """A request of the SME on a published listing of the centre."""
    from portal.requests.operations import RequestData, file_request

    listing = make.listing(centre, [make.patent(centre)])
    with app.app_context(), app.test_request_context():
        request = file_request(db.session.get(Listing, listing.id), db.session.get(User, sme_user.id),
                               RequestData(mode="ordinary", intended_use="生产心血管支架"))
        db.session.commit()
        return Ref(id=request.id, code=str(listing.id))


def send_message(client, request_id: int, data: bytes | None, name: str = "保密协议.pdf", body: str = "请看附件"):
    fields = {"body": body}
    if data is not None:
        fields["file"] = (io.BytesIO(data), name)
    return post(client, f"/requests/{request_id}/messages", fields, content_type="multipart/form-data")


# --- request threads: the two parties, and 404 to every other role ----------------------------------


def test_thread_document_reaches_the_two_parties_only(app, client, auth, make, thread, centre, centre_staff,
                                                      sme_user, other_sme, other_centre_staff, organiser, admin,
                                                      stex_operator):  # noqa: F811
    auth.login(sme_user.email)
    assert send_message(client, thread.id, PDF).status_code == 302
    [document] = documents(app)
    assert (document.subject, document.request_id, document.filename) == ("request", thread.id, "保密协议.pdf")
    assert document.message_id is not None and document.size == len(PDF)
    page = client.get(f"/requests/{thread.id}").get_data(as_text=True)
    assert f"/documents/{document.id}" in page
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E4%BF%9D%E5%AF%86%E5%8D%8F%E8%AE%AE.pdf" in disposition
    auth.logout()
    colleague = make.user("sme_member", org=Ref(id=sme_user.org_id))
    centre_admin = make.user("centre_admin", org=centre)
    for reader in (centre_staff, colleague, centre_admin):
        auth.login(reader.email)
        assert client.get(f"/documents/{document.id}").data == PDF, reader.role
        auth.logout()
    for intruder in (other_sme, other_centre_staff, organiser, admin, stex_operator):
        auth.login(intruder.email)
        assert client.get(f"/documents/{document.id}").status_code == 404, intruder.role
        auth.logout()
    assert client.get(f"/documents/{document.id}").status_code == 404  # a visitor
    with app.app_context():  # the centre was told of the message
        assert db.session.scalar(db.select(Notification).where(Notification.user_id == centre_staff.id,
                                                               Notification.kind == "request.message"))


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"MZ\x90\x00 this is a program", "合同.pdf", "accepted kinds"),
    (PDF, "../../etc/passwd.pdf", "folder path"),
    (PDF, "..\\合同.pdf", "folder path"),
    (PDF, "合同\x07.pdf", "control characters"),
    (PNG, "合同.pdf", "content is PNG"),
    (zip_of(a_pdf=PDF, run_exe=b"MZ\x90\x00"), "材料.zip", "not an accepted kind"),
    (zip_of(inner_zip=zip_of(a_pdf=PDF)), "材料.zip", "not an accepted kind"),
    (b"PK\x03\x04 broken", "材料.zip", "damaged"),
    (b"", "空.pdf", "empty"),
])
def test_bad_files_are_refused_and_nothing_is_stored(app, client, auth, thread, sme_user, data, name, says):
    auth.login(sme_user.email)
    response = send_message(client, thread.id, data, name=name)
    assert response.status_code == 302
    page = client.get(f"/requests/{thread.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert documents(app) == [] and stored_objects(app) == []
    with app.app_context():  # the message did not go either: nothing half-sent
        assert db.session.get(LicenceRequest, thread.id).messages == []
    assert "alert-danger" in page, page


def test_too_large_is_refused_with_the_limit(app, client, auth, thread, sme_user):
    app.config["FILES_MAX_BYTES"] = 1024
    auth.login(sme_user.email)
    send_message(client, thread.id, PDF + b"0" * 2000)
    page = client.get(f"/requests/{thread.id}").get_data(as_text=True)
    assert "1.00 MB" not in page and documents(app) == [] and stored_objects(app) == []
    assert "alert-danger" in page


def test_accepted_kinds(app, client, auth, thread, sme_user):
    auth.login(sme_user.email)
    for data, name, kind in ((PDF, "说明书.pdf", "application/pdf"), (PNG, "附图", "image/png"),
                             (docx_bytes(), "合同草案.docx", "officedocument.wordprocessingml"),
                             (zip_of(a_pdf=PDF, b_png=PNG, c_docx=docx_bytes()), "材料.zip", "application/zip")):
        send_message(client, thread.id, data, name=name)
        assert kind in documents(app)[-1].content_type, name
    assert documents(app)[1].filename == "附图.png"  # a name without extension gets its content's
    assert len(stored_objects(app)) == 4


# --- listings: public, or only for enterprises that filed a request --------------------------------


def test_listing_documents_public_and_for_requesters(app, client, auth, thread, centre_staff, sme_user, other_sme):
    listing_id = int(thread.code)
    auth.login(centre_staff.email)
    assert upload(client, f"/manage/listings/{listing_id}/documents", PDF, "技术手册.pdf",
                  visibility="public").status_code == 302
    upload(client, f"/manage/listings/{listing_id}/documents", PDF, "权利要求书.pdf", visibility="requesters")
    page = client.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "技术手册.pdf" in page and "权利要求书.pdf" in page and "data-confirm" in page
    auth.logout()
    public, private = documents(app)
    assert client.get(f"/documents/{public.id}").status_code == 200  # anyone
    assert client.get(f"/documents/{private.id}").status_code == 404
    assert "权利要求书.pdf" not in client.get(f"/listings/{listing_id}").get_data(as_text=True)
    auth.login(other_sme.email)
    assert client.get(f"/documents/{private.id}").status_code == 404
    auth.logout()
    auth.login(sme_user.email)  # filed a request on it
    assert client.get(f"/documents/{private.id}").status_code == 200
    assert "权利要求书.pdf" in client.get(f"/listings/{listing_id}").get_data(as_text=True)
    # An enterprise cannot add to a listing, nor delete the centre's document
    assert upload(client, f"/manage/listings/{listing_id}/documents", PDF, "x.pdf",
                  visibility="public").status_code == 403
    post(client, f"/documents/{public.id}/delete")
    assert len(documents(app)) == 2


def test_delete_is_audited_and_removes_the_object(app, client, auth, thread, centre_staff, other_centre_staff):
    listing_id = int(thread.code)
    auth.login(centre_staff.email)
    upload(client, f"/manage/listings/{listing_id}/documents", PDF, "技术手册.pdf", visibility="public")
    [document] = documents(app)
    auth.logout()
    auth.login(other_centre_staff.email)
    post(client, f"/documents/{document.id}/delete")
    assert len(documents(app)) == 1
    auth.logout()
    auth.login(centre_staff.email)
    assert post(client, f"/documents/{document.id}/delete").status_code == 302
    assert documents(app) == [] and stored_objects(app) == []
    with app.app_context():
        kinds = db.session.scalars(db.select(AuditEntry.kind).where(AuditEntry.kind.like("document.%"))).all()
        assert kinds == ["document.added", "document.deleted"]


# --- deals and the forward's dossier ----------------------------------------------------------------


def test_deal_documents_and_the_dossier_reach_its_exchange_only(app, client, auth, deal, centre_staff, sme_user,  # noqa: F811
                                                                 other_sme, stex_operator, sipe_operator,  # noqa: F811
                                                                 exchange_ids):  # noqa: F811
    auth.login(sme_user.email)  # either party adds documents
    assert upload(client, f"/deals/{deal.id}/documents", PDF, "签署合同.pdf").status_code == 302
    auth.logout()
    auth.login(centre_staff.email)
    upload(client, f"/deals/{deal.id}/documents", DOCX, "评估报告.docx")
    contract, report = documents(app)
    assert "签署合同.pdf" in client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert client.get(f"/documents/{contract.id}").status_code == 200
    forward_via_ui(client, deal.id)
    forward_id = forwards(app)[-1].id
    assert post(client, f"/exchange/forwards/{forward_id}/dossier", {"documents": [report.id]}).status_code == 302
    auth.logout()
    with app.app_context():  # the other party was told of each document; the exchange of the dossier
        kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == stex_operator.id))
        assert "exchange.dossier" in list(kinds)
    auth.login(stex_operator.email)
    page = client.get(f"/exchange/{forward_id}").get_data(as_text=True)
    assert "评估报告.docx" in page and "签署合同.pdf" not in page
    assert client.get(f"/documents/{report.id}").status_code == 200
    assert client.get(f"/documents/{contract.id}").status_code == 404  # not in the dossier
    auth.logout()
    for intruder in (sipe_operator, other_sme):
        auth.login(intruder.email)
        assert client.get(f"/documents/{report.id}").status_code == 404
        assert client.get(f"/exchange/{forward_id}").status_code in (403, 404)
        auth.logout()
    # the API, with the exchange's token only
    _, stex_token = new_token(app, exchange_ids["stex"])
    _, sipe_token = new_token(app, exchange_ids["sipe"], "SIPE system")
    feed = client.get("/api/v1/exchange/deals?since=0", headers=bearer(stex_token)).get_json()
    assert feed["items"][0]["documents_url"].endswith(f"/api/v1/exchange/deals/{forward_id}/documents")
    listed = client.get(f"/api/v1/exchange/deals/{forward_id}/documents", headers=bearer(stex_token)).get_json()
    [item] = listed["items"]
    assert (item["id"], item["filename"], item["sha256"]) == (report.id, "评估报告.docx", report.sha256)
    fetched = client.get(item["url"].removeprefix("http://localhost"), headers=bearer(stex_token))
    assert fetched.status_code == 200 and fetched.data == DOCX
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/api/v1/exchange/deals/{forward_id}/documents/{contract.id}",
                      headers=bearer(stex_token)).status_code == 404
    assert client.get(f"/api/v1/exchange/deals/{forward_id}/documents", headers=bearer(sipe_token)).status_code == 404
    assert client.get(item["url"].removeprefix("http://localhost"), headers=bearer(sipe_token)).status_code == 404
    assert client.get(item["url"].removeprefix("http://localhost")).status_code == 401


def test_dossier_takes_only_the_deals_documents(app, client, auth, deal, thread, centre_staff):  # noqa: F811
    auth.login(centre_staff.email)
    send_message(client, thread.id, PDF)  # a thread document: never for an exchange
    forward_via_ui(client, deal.id)
    forward_id = forwards(app)[-1].id
    [thread_document] = documents(app)
    post(client, f"/exchange/forwards/{forward_id}/dossier", {"documents": [thread_document.id]})
    with app.app_context():
        from portal.models import forward_documents

        assert db.session.execute(db.select(forward_documents)).all() == []


# --- files verify -----------------------------------------------------------------------------------


def test_files_verify_reports_missing_and_orphaned(app, client, auth, runner, thread, sme_user):
    auth.login(sme_user.email)
    send_message(client, thread.id, PDF)
    result = runner.invoke(args=["files", "verify"])
    assert result.exit_code == 0, result.output
    assert "0 missing, 0 orphaned" in result.output
    [document] = documents(app)
    [path] = stored_objects(app)
    path.unlink()
    result = runner.invoke(args=["files", "verify"])
    assert result.exit_code == 1
    assert f"missing: document {document.id} (保密协议.pdf)" in result.output
    assert client.get(f"/documents/{document.id}").status_code == 404  # not a 500
    orphan = Path(app.config["FILES_DIR"]) / "ab" / ("ab" + "0" * 30)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF)
    result = runner.invoke(args=["files", "verify"])
    assert result.exit_code == 1 and f"orphaned: object {orphan.name}" in result.output


# --- the S3-compatible backend (moto, in process: no network) -------------------------------------


@pytest.fixture
def s3_app(app, monkeypatch):
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        import boto3

        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="portal-docs")
        app.config.update(FILES_BACKEND="s3", FILES_S3_BUCKET="portal-docs", FILES_S3_REGION="us-east-1")
        app.extensions.pop("portal_files", None)
        yield app


def test_s3_backend_stores_serves_and_verifies(s3_app, client, auth, runner, thread, sme_user, centre_staff):
    import boto3

    auth.login(sme_user.email)
    send_message(client, thread.id, PDF, name="保密协议.pdf")
    [document] = documents(s3_app)
    s3 = boto3.client("s3", region_name="us-east-1")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="portal-docs")["Contents"]]
    assert keys == [f"documents/{document.storage_key}"] and stored_objects(s3_app) == []
    auth.logout()
    auth.login(centre_staff.email)
    assert client.get(f"/documents/{document.id}").data == PDF
    assert runner.invoke(args=["files", "verify"]).exit_code == 0
    s3.delete_object(Bucket="portal-docs", Key=keys[0])
    result = runner.invoke(args=["files", "verify"])
    assert result.exit_code == 1 and "missing: document" in result.output
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_store_keys_cannot_leave_the_directory(tmp_path):
    from portal.files.backends import LocalStore

    store = LocalStore(tmp_path)
    for key in ("../../etc/passwd", "ab/../../x", "A" * 32, ""):
        with pytest.raises(ValueError):
            store.put(key, io.BytesIO(PDF), "application/pdf")


def test_organisation_fixture_is_an_enterprise(app, sme_user):
    with app.app_context():
        assert db.session.get(Organisation, sme_user.org_id).kind == "enterprise"


def test_nul_in_the_name_and_an_oversize_body(app, client, auth, thread, sme_user):
    auth.login(sme_user.email)
    send_message(client, thread.id, PDF, name="合同\x00.pdf")
    assert documents(app) == []
    app.config["MAX_CONTENT_LENGTH"] = 4096  # the server refuses the body before reading it
    response = send_message(client, thread.id, PDF + b"0" * 8000)
    assert response.status_code == 413 and "Traceback" not in response.get_data(as_text=True)
    assert documents(app) == [] and stored_objects(app) == []


def test_a_zip_member_past_the_limit_is_refused(app, client, auth, thread, sme_user):
    app.config["FILES_MAX_BYTES"] = 4096
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.pdf", PDF + b"0" * 100_000)  # compresses to well under the limit
    assert len(bomb.getvalue()) < 4096
    auth.login(sme_user.email)
    send_message(client, thread.id, bomb.getvalue(), name="材料.zip")
    assert documents(app) == [] and stored_objects(app) == []


def test_refusals_read_in_english(app, client, auth, thread, sme_user):
    auth.login(sme_user.email)
    post(client, "/language", {"lang": "en", "next": "/"})
    send_message(client, thread.id, b"<html><script>alert(1)</script>", name="page.pdf")
    page = client.get(f"/requests/{thread.id}").get_data(as_text=True)
    assert "This file is not one of the accepted kinds" in page


def test_the_other_party_is_told_of_a_deal_document(app, client, auth, deal, centre_staff, sme_user):  # noqa: F811
    auth.login(centre_staff.email)
    upload(client, f"/deals/{deal.id}/documents", PDF, "合同.pdf")
    with app.app_context():
        kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == sme_user.id)).all()
        assert "document.added" in kinds
    auth.logout()
    auth.login(sme_user.email)
    assert "合同.pdf" in client.get("/notifications").get_data(as_text=True)
    assert "合同.pdf" in client.get(f"/deals/{deal.id}").get_data(as_text=True)
