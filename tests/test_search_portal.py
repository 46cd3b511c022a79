"""The portal's use of the index: outbox → writer → index → ranked ids → rows from the database."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import indexing
from portal.extensions import db
from portal.models import Listing
from tests.conftest import post


def api_ids(client, query: str) -> list[int]:
    response = client.get("/api/v1/listings", query_string={"q": query})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["items"]]


def test_published_listing_is_searchable_at_once(client, make, centre):
    listing = make.listing(centre, [make.patent(centre, title="一种冠状动脉药物洗脱支架")], title="冠状动脉支架")
    # make.listing commits outside a request; the writer applies on the next change or command
    with client.application.app_context():
        indexing.apply_pending()
    assert api_ids(client, "冠状动脉支架") == [listing.id]
    assert api_ids(client, "冠狀動脈支架") == [listing.id]  # traditional characters


def test_publish_through_ui_then_search_then_withdraw(client, auth, make, centre, centre_staff):
    patent = make.patent(centre, title="基于深度学习的肺部CT图像分割方法", abstract="卷积神经网络自动分割肺结节。",
                         ipc=["G06T 7/11"])
    listing = make.listing(centre, [patent], title="CT图像分割", publish=False)
    auth.login(centre_staff.email)
    post(client, f"/manage/listings/{listing.id}/publish")
    assert api_ids(client, "CT 图像分割") == [listing.id]  # inline apply after the request
    page = client.get("/search", query_string={"q": "肺结节"}).get_data(as_text=True)
    assert "<mark>" in page and "CT图像分割" in page
    post(client, f"/manage/listings/{listing.id}/withdraw", {"reason": ""})
    assert api_ids(client, "CT 图像分割") == []


def test_lagging_index_never_shows_a_withdrawn_listing(app, client, make, centre):
    listing = make.listing(centre, [make.patent(centre, title="一种康复外骨骼")], title="康复外骨骼")
    with app.app_context():
        indexing.apply_pending()
        row = db.session.get(Listing, listing.id)
        row.status = "withdrawn"  # bypasses the outbox on purpose: the index now lags
        db.session.commit()
    assert api_ids(client, "康复外骨骼") == []


def test_application_number_in_typed_forms(client, make, centre):
    number = make.number()
    listing = make.listing(centre, [make.patent(centre, number)])
    with client.application.app_context():
        indexing.apply_pending()
    body, check = number.split(".")
    for typed in (number, f"ZL{number}", f"CN {body[:4]} {body[4]} {body[5:]}.{check}", body + check):
        assert api_ids(client, typed) == [listing.id], typed


def test_facets_and_filters_in_api(client, make, centre):
    other = make.org("centre", code="renji-ip")
    a = make.listing(centre, [make.patent(centre, title="一种血管支架")], title="血管支架", modes=("exclusive",))
    make.listing(other, [make.patent(other, title="一种支架输送导管")], title="支架导管", modes=("ordinary",))
    with client.application.app_context():
        indexing.apply_pending()
    data = client.get("/api/v1/listings?q=支架").get_json()
    assert data["total"] == 2
    centres = {f["value"]: f["count"] for f in data["facets"]["centre"]}
    assert centres == {"ruijin-ip": 1, "renji-ip": 1}
    assert [i["id"] for i in client.get("/api/v1/listings?q=支架&centre=ruijin-ip").get_json()["items"]] == [a.id]
    assert client.get("/api/v1/listings?q=支架&sort=sideways").status_code == 400


def test_search_commands(app, runner, make, centre):
    make.listing(centre, [make.patent(centre)])
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "missing 1" in result.output
    assert runner.invoke(args=["search", "apply"]).exit_code == 0
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0 and "missing 0 extra 0 stale 0" in result.output
    with app.app_context():
        db.session.get(Listing, 1).title = "改过的标题"  # changed without the outbox: stale
        db.session.commit()
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "stale 1" in result.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_damaged_index_is_moved_aside_and_rebuilt(app, client, make, centre):
    listing = make.listing(centre, [make.patent(centre, title="一种儿童雾化面罩")], title="儿童雾化面罩")
    with app.app_context():
        indexing.apply_pending()
        indexing.get_index().close()
        app.extensions.pop("search_index")
    index_dir = app.config["INDEX_DIR"]
    for folder, _dirs, files in os.walk(index_dir):
        for name in files:
            if name.endswith((".toc", ".seg")):
                with open(os.path.join(folder, name), "wb") as fh:
                    fh.write(b"garbage")
    assert api_ids(client, "雾化面罩") == [listing.id]
    assert any(n.startswith(os.path.basename(index_dir)) and n != os.path.basename(index_dir)
               for n in os.listdir(os.path.dirname(index_dir)))


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80))
def test_any_text_is_answered_without_error(client, text):
    for path in ("/search", "/api/v1/listings"):
        response = client.get(path, query_string={"q": text})
        assert response.status_code == 200, (path, text)


def test_rebuild_rows_make_the_same_documents_as_the_models(app, client, auth, make, centre, centre_staff):
    """Rebuild and verify read listings as plain rows (portal/indexing/documents.py); the documents
    and their versions must equal those made from the ORM objects that the writer uses."""
    from portal.indexing.documents import published_listings
    from portal.listings.queries import with_details
    from tests.test_open_licence import declare

    first = make.patent(centre, title="一种可降解冠状动脉支架", ipc=["A61F 2/82", "A61L 31/14"],
                        inventors="张三;李四", patentee="示例医院")
    second = make.patent(centre, title="一种支架输送系统", ipc=["A61F 2/95"], extension_days=30)
    make.listing(centre, [second, first], title="支架组合", modes=("exclusive", "ordinary"),
                 scenarios="心内科", advantages="降解可控")
    make.listing(centre, [make.patent(centre, title="一种导管", ipc=[])], title="导管")
    make.listing(centre, [make.patent(centre)], publish=False)  # a draft is not indexed
    auth.login(centre_staff.email)
    assert declare(client, first.id).status_code == 302  # an open licence in force
    with app.app_context():
        models = db.session.scalars(with_details(db.select(Listing).where(Listing.status == "published")
                                                 .order_by(Listing.id))).all()
        expected = [indexing.listing_document(listing) for listing in models]
        rows = [indexing.listing_document(row) for row in published_listings()]
    assert rows == expected and len(rows) == 2
    assert expected[0].open_licence and not expected[1].open_licence


def test_a_typo_is_answered_for_its_correction_on_the_page_and_in_the_api(client, make, centre):
    listing = make.listing(centre, [make.patent(centre, title="一种钙钛矿太阳能电池", abstract="钙钛矿薄膜。")],
                           title="钙钛矿电池")
    with client.application.app_context():
        indexing.apply_pending()
    answer = client.get("/api/v1/listings", query_string={"q": "钙太矿"}).get_json()
    assert (answer["corrected"], answer["suggestion"]) == ("钙钛矿", None)
    assert [item["id"] for item in answer["items"]] == [listing.id]
    typed = client.get("/api/v1/listings", query_string={"q": "钙太矿", "as_typed": "1"}).get_json()
    assert (typed["corrected"], typed["suggestion"]) == (None, "钙钛矿")

    page = client.get("/search", query_string={"q": "钙太矿"}).get_data(as_text=True)
    assert "以下是“钙钛矿”的搜索结果。" in page and "钙钛矿电池" in page
    assert "仍然搜索“钙太矿”" in page and "as_typed=1" in page
    page = client.get("/search", query_string={"q": "钙太矿", "as_typed": "1"}).get_data(as_text=True)
    assert 'id="corrected"' not in page and '您是不是要找<a href="/search?q=%E9%92%99%E9%92%9B%E7%9F%BF' in page
    assert 'name="as_typed" value="1"' in page  # kept when the sort changes
