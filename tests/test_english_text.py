"""Optional English title and abstract on listings and patents: the forms, the import columns, the
API, the English interface and English search."""

from __future__ import annotations

import csv
import io

from portal import indexing
from portal.extensions import db
from portal.models import Listing, Patent
from tests.conftest import csrf_token, post

TITLE_ZH = "可降解镁合金冠状动脉支架"
TITLE_EN = "Bioresorbable magnesium coronary stent"
ABSTRACT_EN = "A biodegradable magnesium scaffold that dissolves within a year of implantation."


def listing_form(patent_id: int | None = None, **fields) -> dict:
    data = {"title": TITLE_ZH, "title_en": TITLE_EN, "abstract_en": ABSTRACT_EN, "modes": ["ordinary"],
            "field": "medical_devices", "maturity": "", "price_yuan": "", "scenarios": "心内科介入治疗",
            "advantages": "", "contact_name": "", "contact_email": "", "contact_phone": ""}
    if patent_id is not None:
        data["patents"] = [str(patent_id)]
    return {**data, **fields}


def new_listing(client, patent_id: int, **fields) -> int:
    response = post(client, "/manage/listings/new", listing_form(patent_id, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert post(client, f"/manage/listings/{listing_id}/publish").status_code == 302
    return listing_id


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def english(client) -> None:
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302


def api_ids(client, query: str) -> list[int]:
    response = client.get("/api/v1/listings", query_string={"q": query})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["items"]]


def test_a_centre_saves_english_text_and_the_english_interface_shows_it(client, auth, app, make, centre,
                                                                       centre_staff):
    patent = make.patent(centre, title="一种可降解镁合金冠状动脉药物洗脱支架")
    make.listing(centre, [make.patent(centre, title="一种导管")], title="医用导管许可")
    auth.login(centre_staff.email)
    listing_id = new_listing(client, patent.id)
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert (listing.title, listing.title_en, listing.abstract_en) == (TITLE_ZH, TITLE_EN, ABSTRACT_EN)
    auth.logout()

    chinese_detail = page(client, f"/listings/{listing_id}")
    assert f'<h1 class="h3 mb-1">{TITLE_ZH}' in chinese_detail
    assert TITLE_EN not in chinese_detail and ABSTRACT_EN not in chinese_detail
    chinese_list = page(client, "/listings")
    assert TITLE_ZH in chinese_list and TITLE_EN not in chinese_list

    english(client)
    english_detail = page(client, f"/listings/{listing_id}")
    assert f'<h1 class="h3 mb-1">{TITLE_EN}' in english_detail
    assert f"<title>{TITLE_EN} ·" in english_detail and ABSTRACT_EN in english_detail
    english_list = page(client, "/listings")
    assert f">{TITLE_EN}</a>" in english_list and f">{TITLE_ZH}</a>" not in english_list
    assert ">医用导管许可</a>" in english_list  # no English title: the Chinese one

    # The edit form shows what was saved; a blank English field is stored as none.
    auth.login(centre_staff.email)
    assert f'value="{TITLE_EN}"' in page(client, f"/manage/listings/{listing_id}/edit")
    response = post(client, f"/manage/listings/{listing_id}/edit", listing_form(title_en="  ", abstract_en=""))
    assert response.status_code == 302
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert listing.title_en is None and listing.abstract_en is None
    assert f'<h1 class="h3 mb-1">{TITLE_ZH}' in page(client, f"/listings/{listing_id}")


def test_the_api_gives_the_english_text_and_null_without_it(client, auth, make, centre, centre_staff):
    auth.login(centre_staff.email)
    listing_id = new_listing(client, make.patent(centre).id)
    plain = make.listing(centre, [make.patent(centre)])
    item = client.get(f"/api/v1/listings/{listing_id}").get_json()
    assert (item["title"], item["title_en"], item["abstract_en"]) == (TITLE_ZH, TITLE_EN, ABSTRACT_EN)
    assert item["patents"][0]["title_en"] is None and item["patents"][0]["abstract_en"] is None
    other = client.get(f"/api/v1/listings/{plain.id}").get_json()
    assert other["title_en"] is None and other["abstract_en"] is None
    listed = {i["id"]: i for i in client.get("/api/v1/listings").get_json()["items"]}
    assert listed[listing_id]["title_en"] == TITLE_EN and listed[plain.id]["title_en"] is None
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("Listing", "Patent"):
        assert {"title_en", "abstract_en"} <= set(schema[name]["properties"])


def test_an_english_word_only_in_the_english_abstract_finds_the_listing_first(client, auth, app, make, centre,
                                                                               centre_staff):
    # Two stents in Chinese; only one says "biodegradable", and only in English.
    make.listing(centre, [make.patent(centre, title="一种可降解冠状动脉支架", abstract="可降解支架。")],
                 title="可降解冠状动脉支架")
    make.listing(centre, [make.patent(centre, title="一种支架输送系统")], title="支架输送系统")
    auth.login(centre_staff.email)
    listing_id = new_listing(client, make.patent(centre, title="一种镁合金支架").id)
    with app.app_context():
        indexing.apply_pending()
    assert api_ids(client, "biodegradable") == [listing_id]  # the Chinese stents hold no such word
    assert api_ids(client, "Biodegradable scaffolds")[0] == listing_id  # case folded, stemmed
    assert api_ids(client, "bioresorbable")[0] == listing_id  # the English title


def test_a_patent_english_page_saves_text_that_listings_show_and_search_finds(client, auth, app, make, centre,
                                                                              centre_staff, other_centre_staff):
    patent = make.patent(centre, title="一种上肢康复外骨骼", abstract="电机驱动肘关节屈伸。")
    listing = make.listing(centre, [patent], title="上肢康复外骨骼")
    auth.login(centre_staff.email)
    assert "一种上肢康复外骨骼" in page(client, f"/manage/patents/{patent.id}/english")
    assert f"/manage/patents/{patent.id}/english" in page(client, "/manage/patents")
    response = post(client, f"/manage/patents/{patent.id}/english", {
        "title_en": "Powered upper-limb exoskeleton", "abstract_en": "A motorised elbow orthosis for stroke rehab."})
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(Patent, patent.id)
        assert stored.title_en == "Powered upper-limb exoskeleton"
        assert stored.abstract_en == "A motorised elbow orthosis for stroke rehab."
    assert api_ids(client, "orthosis") == [listing.id]  # the change log re-indexed the listing
    english(client)
    detail = page(client, f"/listings/{listing.id}")
    assert '<h2 class="h5">Powered upper-limb exoskeleton</h2>' in detail
    assert "A motorised elbow orthosis for stroke rehab." in detail and "电机驱动肘关节屈伸。" not in detail
    auth.logout()
    auth.login(other_centre_staff.email)
    assert client.get(f"/manage/patents/{patent.id}/english").status_code == 404


def _rows(*rows: dict) -> bytes:
    out = io.StringIO()
    headings = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.writer(out)
    writer.writerow(headings)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headings])
    return out.getvalue().encode()


def upload(client, content: bytes, **fields):
    data = {"csrf_token": csrf_token(client, "/manage/patents/import"), "publish": "", **fields,
            "file": (io.BytesIO(content), "patents.csv")}
    return client.post("/manage/patents/import", data=data, content_type="multipart/form-data")


def _imported(app, number: str) -> tuple[str | None, str | None]:
    with app.app_context():
        patent = db.session.scalar(db.select(Patent).where(Patent.application_number == number))
        return patent.title_en, patent.abstract_en


def test_the_patent_import_reads_the_english_columns(client, auth, app, make, centre, centre_staff):
    number = make.number()
    base = {"申请号": number, "名称": "一种脓毒症早期诊断试剂盒", "申请日": "2019-03-01", "法律状态": "有效"}
    auth.login(centre_staff.email)
    response = upload(client, _rows({**base, "英文名称": "Early sepsis test kit",
                                     "英文摘要": "Measures procalcitonin and IL-6."}), publish="ordinary")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _imported(app, number) == ("Early sepsis test kit", "Measures procalcitonin and IL-6.")
    with app.app_context():
        listing = db.session.scalar(db.select(Listing))
        assert listing.title_en == "Early sepsis test kit"  # the published listing takes the English title
    # A file without the English columns leaves them; an empty cell removes them.
    assert upload(client, _rows({**base, "摘要": "新摘要"})).status_code == 200
    assert _imported(app, number) == ("Early sepsis test kit", "Measures procalcitonin and IL-6.")
    assert upload(client, _rows({**base, "title_en": "", "abstract_en": "Kept."})).status_code == 200
    assert _imported(app, number) == (None, "Kept.")
    # The templates carry the columns, in English and in Chinese.
    assert "title_en" in page(client, "/help/import/patents-template.csv")
    assert "英文摘要" in page(client, "/help/import/patents-template.csv?headers=zh")


def test_an_over_long_english_title_is_refused_and_saves_nothing(client, auth, app, make, centre, centre_staff):
    patent = make.patent(centre)
    auth.login(centre_staff.email)
    english(client)
    response = post(client, "/manage/listings/new", listing_form(patent.id, title_en="x" * 301))
    assert response.status_code == 400
    assert "longer than 300 characters" in response.get_data(as_text=True)
    response = post(client, f"/manage/patents/{patent.id}/english", {"title_en": "y" * 501, "abstract_en": ""})
    assert response.status_code == 400 and "longer than 500 characters" in response.get_data(as_text=True)
    number = make.number()
    response = upload(client, _rows({"application_number": number, "title": "一种导管", "filing_date": "2019-03-01",
                                     "legal_status": "valid", "title_en": "z" * 501}))
    assert response.status_code == 400 and "Longer than 500 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Listing).count() == 0
        assert db.session.get(Patent, patent.id).title_en is None
        assert db.session.scalar(db.select(Patent).where(Patent.application_number == number)) is None


def test_a_nul_character_in_english_text_is_refused(client, auth, app, make, centre, centre_staff):
    patent = make.patent(centre)
    auth.login(centre_staff.email)
    response = post(client, "/manage/listings/new", listing_form(patent.id, abstract_en="bio\x00degradable"))
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    response = post(client, f"/manage/patents/{patent.id}/english", {"title_en": "a\x00b", "abstract_en": ""})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Listing).count() == 0 and db.session.get(Patent, patent.id).title_en is None


def test_rebuild_rows_carry_the_english_text_as_the_models_do(app, make, centre):
    from portal.indexing.documents import published_listings
    from portal.listings.queries import with_details

    first = make.patent(centre, title="一种可降解支架", title_en="Biodegradable stent", abstract_en="Dissolves.")
    second = make.patent(centre, title="一种输送系统", title_en="Delivery system", abstract_en="Places it.")
    make.listing(centre, [first, second], title="支架组合", abstract_en="A bundle of two.")
    make.listing(centre, [make.patent(centre)], title="无英文")
    with app.app_context():
        models = db.session.scalars(with_details(db.select(Listing).order_by(Listing.id))).all()
        expected = [indexing.listing_document(listing) for listing in models]
        rows = [indexing.listing_document(row) for row in published_listings()]
    assert rows == expected
    bundle, plain = expected
    assert bundle.title_en == "Biodegradable stent"  # no title of its own: the first patent's
    assert bundle.body_en.split("\n") == ["A bundle of two.", "Delivery system", "Dissolves.", "Places it."]
    assert (plain.title_en, plain.body_en) == ("", "")
