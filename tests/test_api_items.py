"""The API's per-process cache of serialised listings (portal/listings/items.py): served from the
cache while nothing changed, rebuilt as soon as the listing, its patents' declarations or its
centre change, and never showing what is no longer published."""

from __future__ import annotations

from datetime import date

import pytest

from portal import indexing
from portal.extensions import db
from portal.models import Listing, Organisation, Patent
from tests.conftest import post

TERMS = {"fee_method": "lump_sum", "fee_amount_yuan": "50000", "term_end": "2030-12-31",
         "announced_on": date.today().isoformat()}
EDIT = {"title": "可降解镁合金支架", "modes": ["ordinary", "assignment"], "field": "medical_devices",
        "maturity": "prototype", "price_yuan": "800000"}


@pytest.fixture
def cache(app):
    return app.extensions["api_item_cache"]


@pytest.fixture
def listed(app, client, make, centre):
    patent = make.patent(centre, title="一种可降解冠状动脉支架", abstract="镁合金支架在体内逐步降解。")
    listing = make.listing(centre, [patent], title="可降解支架")
    with app.app_context():
        indexing.apply_pending()
    return listing, patent


def items(client, **args) -> list[dict]:
    response = client.get("/api/v1/listings", query_string=args)
    assert response.status_code == 200
    return response.get_json()["items"]


def test_an_unchanged_listing_is_served_from_the_cache(client, cache, listed):
    listing, _ = listed
    first = items(client, q="可降解支架")
    builds, hits = cache.builds, cache.hits
    assert items(client, q="可降解支架") == first
    assert items(client) == [{k: v for k, v in first[0].items() if k != "highlight"}]  # the plain list too
    assert (cache.builds, cache.hits) == (builds, hits + 2)
    assert first[0]["id"] == listing.id and first[0]["title"] == "可降解支架"


def test_changes_through_the_ui_show_at_once(client, auth, cache, centre_staff, listed):
    listing, patent = listed
    assert items(client, q="支架")[0]["open_licence"] is False
    auth.login(centre_staff.email)
    post(client, f"/manage/listings/{listing.id}/edit", EDIT)
    [item] = items(client, q="支架")
    assert (item["title"], item["price_yuan"], item["modes"]) == ("可降解镁合金支架", "800000.00",
                                                                  ["ordinary", "assignment"])
    assert post(client, f"/manage/patents/{patent.id}/open-licence", TERMS).status_code == 302
    [item] = items(client, q="支架")
    assert item["open_licence"] is True
    assert item["patents"][0]["open_licence"]["fee_amount_yuan"] == "50000.00"
    post(client, f"/manage/listings/{listing.id}/withdraw", {"reason": "已转让"})
    assert items(client) == [] and items(client, q="支架") == []


def test_a_renamed_centre_is_seen(app, client, listed):
    listing, _ = listed
    items(client)
    with app.app_context():
        centre = db.session.get(Listing, listing.id).centre
        centre.name_zh = "改名后的运营中心"  # straight in the database: no change-log row
        db.session.commit()
    assert items(client)[0]["centre"]["name"] == "改名后的运营中心"


def test_an_edit_that_bypasses_the_change_log_lives_until_the_cache_age(app, client, cache, listed):
    _, patent = listed
    items(client)
    with app.app_context():
        db.session.get(Patent, patent.id).abstract = "直接改库的摘要"
        db.session.commit()
    assert items(client)[0]["patents"][0]["abstract"] == "镁合金支架在体内逐步降解。"
    cache.max_seconds = 0  # API_ITEM_CACHE_SECONDS bounds it
    assert items(client)[0]["patents"][0]["abstract"] == "直接改库的摘要"


def test_a_listing_unpublished_behind_the_index_is_never_served(app, client, listed):
    listing, _ = listed
    assert len(items(client, q="可降解支架")) == 1
    with app.app_context():
        db.session.get(Listing, listing.id).status = "concluded"  # the index still has it
        db.session.commit()
    assert items(client, q="可降解支架") == []


def test_the_address_follows_the_host_asked(client, listed):
    listing, _ = listed
    assert items(client)[0]["url"] == f"http://localhost/listings/{listing.id}"
    response = client.get("/api/v1/listings", base_url="https://portal.example.cn")
    assert response.get_json()["items"][0]["url"] == f"https://portal.example.cn/listings/{listing.id}"


def test_the_centres_own_row_is_not_shared_between_centres(app, client, make, listed):
    other = make.org("centre", code="renji-ip", name_zh="另一家医院运营中心")
    theirs = make.listing(other, [make.patent(other, title="一种可降解输尿管支架")], title="可降解输尿管支架")
    with app.app_context():
        indexing.apply_pending()
        assert db.session.get(Organisation, other.id).code == "renji-ip"
    by_id = {item["id"]: item["centre"]["code"] for item in items(client, q="可降解")}
    assert by_id == {listed[0].id: "ruijin-ip", theirs.id: "renji-ip"}
