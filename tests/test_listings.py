"""Listings: publish, browse, filter, the read API, and who may change what."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

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

# Each route with the form it would need to change something, so that a refusal is a real refusal.
EDIT = {"title": "改过的标题", "modes": ["ordinary"], "field": "other", "maturity": "", "price_yuan": ""}
FACTS = {"pledged": "y", "suspended": "y", "co_owner-0-name": "猜来的共有人", "co_owner-0-consent": "y"}
TERMS = {"fee_method": "lump_sum", "fee_amount_yuan": "50000", "term_end": "2030-12-31",
         "announced_on": date.today().isoformat()}
WITHDRAWAL = {"withdrawn_on": date.today().isoformat(), "reason": "x"}
MANAGE_ROUTES = [
    ("get", "/manage/listings/{listing}/edit", None),
    ("post", "/manage/listings/{listing}/edit", EDIT),
    ("post", "/manage/listings/{draft}/publish", None),
    ("post", "/manage/listings/{listing}/withdraw", {"reason": "x"}),
    ("post", "/manage/listings/{listing}/conclude", None),
    ("get", "/manage/patents/{patent}/open-licence", None),
    ("post", "/manage/patents/{patent}/open-licence", TERMS),
    ("get", "/manage/patents/{patent}/facts", None),
    ("post", "/manage/patents/{patent}/facts", FACTS),
    ("post", "/manage/declarations/{declaration}/withdraw", WITHDRAWAL),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _data in MANAGE_ROUTES]


@pytest.fixture
def owned(app, make, centre):
    """A centre's published and draft listings, a patent with a co-owner, an open-licence declaration."""
    patent = make.patent(centre, co_owners=[("乙大学", True)])
    declared = make.patent(centre)
    with app.app_context():
        from portal.models import Patent
        from portal.patents.open_licence import declare_open_licence
        from portal.rules import OpenLicenceTerms

        declaration, _warnings = declare_open_licence(
            db.session.get(Patent, declared.id), OpenLicenceTerms("lump_sum", Decimal(50000), None, date(2030, 12, 31)),
            announced_on=date.today(), cnipa_reference=None, actor=None)
        db.session.commit()
        declaration_id = declaration.id
    return {"patent": patent.id, "listing": make.listing(centre, [patent]).id, "declaration": declaration_id,
            "draft": make.listing(centre, [patent], publish=False).id}


def snapshot(app) -> dict:
    """Every row a centre's pages can change, and the number of audit and search-outbox entries."""
    from portal.models import OpenLicenceDeclaration, Patent, PatentCoOwner, PatentIPC

    with app.app_context():
        rows = {}
        for model in (Listing, Patent, PatentIPC, PatentCoOwner, OpenLicenceDeclaration):
            columns = model.__table__.columns
            rows[model.__tablename__] = sorted(
                tuple(getattr(r, c.key) for c in columns) for r in db.session.scalars(db.select(model)))
        # (refusals themselves are on record, as security.* entries: tests/test_sessions.py)
        rows["audit"] = db.session.query(AuditEntry).filter(~AuditEntry.kind.like("security.%")).count()
        rows["search"] = db.session.query(SearchChange).count()
        return rows


def request_as(client, method, url, data):
    return client.get(url) if method == "get" else post(client, url, data)


@pytest.mark.parametrize(("method", "path", "data"), MANAGE_ROUTES, ids=ROUTE_IDS)
def test_other_centre_gets_404(client, auth, other_centre_staff, owned, method, path, data, app):
    auth.login(other_centre_staff.email)
    before = snapshot(app)
    response = request_as(client, method, path.format(**owned), data)
    assert response.status_code == 404
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "data"), MANAGE_ROUTES, ids=ROUTE_IDS)
def test_sme_gets_403(client, auth, sme_user, owned, method, path, data, app):
    auth.login(sme_user.email)
    before = snapshot(app)
    response = request_as(client, method, path.format(**owned), data)
    assert response.status_code == 403
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "data"), MANAGE_ROUTES, ids=ROUTE_IDS)
def test_anonymous_is_sent_to_login(client, owned, method, path, data, app):
    before = snapshot(app)
    response = request_as(client, method, path.format(**owned), data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "data"), MANAGE_ROUTES, ids=ROUTE_IDS)
def test_guessed_ids_get_404(client, auth, centre_staff, owned, method, path, data, app):
    auth.login(centre_staff.email)
    before = snapshot(app)
    response = request_as(client, method, path.format(**dict.fromkeys(owned, 999999)), data)
    assert response.status_code == 404
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "data"), [r for r in MANAGE_ROUTES if r[0] == "post"],
                         ids=[i for i in ROUTE_IDS if i.startswith("post")])
def test_owner_changes_what_the_others_cannot(client, auth, centre_staff, owned, method, path, data, app):
    """The control for the refusals above: the same request by the owning centre changes the database."""
    auth.login(centre_staff.email)
    before = snapshot(app)
    assert request_as(client, method, path.format(**owned), data).status_code == 302
    assert snapshot(app) != before


NEW_LISTING = {"title": "x", "modes": ["ordinary"], "field": "other"}


@pytest.mark.parametrize("who", ["sme", "anonymous"])
def test_new_listing_refused_to_sme_and_anonymous(client, auth, app, sme_user, owned, who):
    if who == "sme":
        auth.login(sme_user.email)
    before = snapshot(app)
    assert request_as(client, "get", "/manage/listings/new", None).status_code in {"sme": (403,),
                                                                                  "anonymous": (302,)}[who]
    response = post(client, "/manage/listings/new", {**NEW_LISTING, "patents": [str(owned["patent"])]})
    assert response.status_code == (403 if who == "sme" else 302)
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["sme", "anonymous"])
def test_patent_import_refused_to_sme_and_anonymous(client, auth, app, sme_user, owned, who):
    from portal.rules import application_check_character

    if who == "sme":
        auth.login(sme_user.email)
    body = "201910888801"
    csv = (f"application_number,title,filing_date,legal_status\n{body}.{application_check_character(body)},"
           "一种支架,2019-03-01,valid\n").encode()
    before = snapshot(app)
    response = post(client, "/manage/patents/import", {"file": (io.BytesIO(csv), "p.csv"), "publish": "ordinary"},
                    content_type="multipart/form-data")
    if who == "sme":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert snapshot(app) == before


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


def test_listing_shows_ipc_titles_beyond_the_medical_facet(client, make, centre):
    patent = make.patent(centre, ipc=["A61B 17/00", "A61Q 19/00", "G06T 7/11", "A01B 1/00"])
    listing = make.listing(centre, [patent])
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "诊断；外科" in page  # the medical facet's label
    assert "化妆品或类似梳妆用配制品的特定用途" in page and "图像数据处理或产生" in page
    assert "人类生活必需" in page  # A01B is outside the table: its section's title
    client.set_cookie("portal_lang", "en")
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Image data processing or generation" in page and "Section A: Human necessities" in page


def test_ipc_subclass_title_label(app):
    from portal.labels import ipc_subclass_title

    with app.test_request_context():
        assert ipc_subclass_title("A61Q") == "化妆品或类似梳妆用配制品的特定用途"
        assert "电学" in ipc_subclass_title("H02J")
        assert ipc_subclass_title("") == ""
