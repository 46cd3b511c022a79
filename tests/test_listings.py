"""Listings: publish, browse, filter, the read API, and who may change what."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Listing, SearchChange
from tests.conftest import post


def test_publish_through_the_ui_and_anonymous_sees_it(client, auth, app, make, centre, centre_staff):
    patent = make.patent(centre, title="一种可降解冠状动脉支架")
    auth.login(centre_staff.email)
    response = post(client, "/manage/listings/new", {
        "title": "可降解冠状动脉支架 许可", "patents": [str(patent.id)], "modes": ["ordinary", "assignment"],
        "field": "medical_devices", "maturity": "prototype", "price_yuan": "", "scenarios": "心内科介入治疗",
        "advantages": "", "contact_name": "王老师", "contact_email": "ip@ruijin.example.cn", "contact_phone": ""})
    assert response.status_code == 302
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/api/v1/listings/{listing_id}").status_code == 404  # a draft is not public
    assert post(client, f"/manage/listings/{listing_id}/publish").status_code == 302
    auth.logout()
    page = client.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "可降解冠状动脉支架" in page and "ZL" in page and "普通许可" in page and "面议" in page
    assert "2039-03-01" in page  # expiry: 20 years from the 2019-03-01 filing date
    assert "A61F" in page
    assert "可降解冠状动脉支架 许可" in client.get("/listings").get_data(as_text=True)
    with app.app_context():
        kinds = db.session.scalars(db.select(AuditEntry.kind).where(AuditEntry.target_type == "listings")).all()
        assert kinds == ["listing.created", "listing.published"]
        assert db.session.query(SearchChange).filter_by(listing_id=listing_id).count() == 2


def test_withdrawn_listing_leaves_list_and_api(client, make, centre, auth, centre_staff):
    listing = make.listing(centre, [make.patent(centre)])
    assert client.get(f"/api/v1/listings/{listing.id}").status_code == 200
    auth.login(centre_staff.email)
    post(client, f"/manage/listings/{listing.id}/withdraw", {"reason": "已与企业达成意向"})
    auth.logout()
    assert client.get(f"/listings/{listing.id}").status_code == 404
    assert client.get(f"/api/v1/listings/{listing.id}").status_code == 404
    assert client.get("/api/v1/listings").get_json()["total"] == 0


def test_api_filters(client, make, centre):
    other = make.org("centre", code="renji-ip")
    a = make.listing(centre, [make.patent(centre, ipc=["A61B 17/00"])], modes=("exclusive",), field="surgery")
    b = make.listing(other, [make.patent(other, make.number("2"), ipc=["A61F 2/82"],
                                         evaluation_report="PJ2021001")], modes=("ordinary",))

    def ids(query):
        return {item["id"] for item in client.get(f"/api/v1/listings?{query}").get_json()["items"]}

    assert ids("") == {a.id, b.id}
    assert ids("centre=ruijin-ip") == {a.id}
    assert ids("field=surgery") == {a.id}
    assert ids("kind=utility_model") == {b.id}
    assert ids("mode=ordinary") == {b.id}
    assert ids("ipc=A61B") == {a.id}
    assert ids("ipc=a61f") == {b.id}
    assert ids("open=1") == set()
    item = client.get(f"/api/v1/listings/{a.id}").get_json()
    assert item["application_numbers"] and item["patents"][0]["expiry"]
    assert client.get("/api/v1/listings?per_page=1").get_json()["pages"] == 2


@pytest.mark.parametrize("query", ["kind=robot", "mode=lease", "ipc=nonsense", "page=-1", "per_page=abc"])
def test_api_bad_filters_get_400(client, query):
    response = client.get(f"/api/v1/listings?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_html_list_bad_filter_is_explained_not_500(client):
    response = client.get("/listings?kind=robot&page=x")
    assert response.status_code == 200
    assert "kind" in response.get_data(as_text=True)


def test_listing_needs_a_mode_to_publish(client, auth, make, centre, centre_staff, app):
    listing = make.listing(centre, [make.patent(centre)], modes=(), publish=False)
    auth.login(centre_staff.email)
    response = post(client, f"/manage/listings/{listing.id}/publish", follow_redirects=True)
    assert "至少" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Listing, listing.id).status == "draft"


def test_lapsed_patent_cannot_be_published(client, auth, make, centre, centre_staff, app):
    listing = make.listing(centre, [make.patent(centre, legal_status="lapsed")], publish=False)
    auth.login(centre_staff.email)
    post(client, f"/manage/listings/{listing.id}/publish")
    with app.app_context():
        assert db.session.get(Listing, listing.id).status == "draft"


# ---------------------------------------------------------------- access

MANAGE_ROUTES = [
    ("get", "/manage/listings/{listing}/edit"),
    ("post", "/manage/listings/{listing}/publish"),
    ("post", "/manage/listings/{listing}/withdraw"),
    ("post", "/manage/listings/{listing}/conclude"),
    ("get", "/manage/patents/{patent}/open-licence"),
    ("post", "/manage/patents/{patent}/open-licence"),
]


@pytest.fixture
def owned(make, centre):
    patent = make.patent(centre)
    return {"patent": patent.id, "listing": make.listing(centre, [patent]).id}


@pytest.mark.parametrize(("method", "path"), MANAGE_ROUTES)
def test_other_centre_gets_404(client, auth, other_centre_staff, owned, method, path, app):
    auth.login(other_centre_staff.email)
    url = path.format(**owned)
    response = client.get(url) if method == "get" else post(client, url, {"reason": "x"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Listing, owned["listing"]).status == "published"


@pytest.mark.parametrize(("method", "path"), MANAGE_ROUTES)
def test_sme_gets_403(client, auth, sme_user, owned, method, path):
    auth.login(sme_user.email)
    url = path.format(**owned)
    response = client.get(url) if method == "get" else post(client, url)
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), MANAGE_ROUTES)
def test_guessed_ids_get_404(client, auth, centre_staff, method, path):
    auth.login(centre_staff.email)
    url = path.format(listing=999999, patent=999999)
    response = client.get(url) if method == "get" else post(client, url)
    assert response.status_code == 404


def test_new_listing_cannot_take_another_centres_patent(client, auth, make, centre_staff):
    other = make.org("centre", code="third-ip")
    foreign = make.patent(other)
    auth.login(centre_staff.email)
    response = post(client, "/manage/listings/new", {"title": "x", "patents": [str(foreign.id)],
                                                     "modes": ["ordinary"], "field": "other"})
    assert response.status_code == 400  # not among the choices offered to this centre


def test_draft_visible_only_to_its_centre(client, auth, make, centre, centre_staff, other_centre_staff):
    draft = make.listing(centre, [make.patent(centre)], publish=False)
    assert client.get(f"/listings/{draft.id}").status_code == 404
    auth.login(other_centre_staff.email)
    assert client.get(f"/listings/{draft.id}").status_code == 404
    auth.logout()
    auth.login(centre_staff.email)
    assert client.get(f"/listings/{draft.id}").status_code == 200


def test_centre_page_and_dashboard(client, auth, make, centre, centre_staff):
    make.listing(centre, [make.patent(centre)], title="公开的许可")
    make.listing(centre, [make.patent(centre)], title="草稿许可", publish=False)
    page = client.get("/centres/ruijin-ip").get_data(as_text=True)
    assert "公开的许可" in page and "草稿许可" not in page
    assert client.get("/centres/nope").status_code == 404
    auth.login(centre_staff.email)
    page = client.get("/manage/").get_data(as_text=True)
    assert "公开的许可" in page and "草稿许可" in page


def test_expiry_shown_for_design_filed_after_2021(client, make, centre):
    design = make.patent(centre, make.number("3", 2022), filing_date=date(2022, 1, 10),
                         grant_date=date(2022, 9, 1), ipc=[],
                         evaluation_report="PJ1")
    listing = make.listing(centre, [design])
    assert "2037-01-10" in client.get(f"/listings/{listing.id}").get_data(as_text=True)


def test_reimport_keeping_some_ipc_symbols_updates_in_place(app, make, centre):
    number = make.number()
    make.patent(centre, number, ipc=["A61B 17/00", "A61F 2/82"])
    make.patent(centre, number, ipc=["A61F 2/82", "A61M 25/01"])
    with app.app_context():
        from portal.models import Patent

        patent = db.session.scalar(db.select(Patent).where(Patent.application_number == number))
        assert patent.ipc == ["A61F 2/82", "A61M 25/01"]
