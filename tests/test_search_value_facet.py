"""The "high-value" facet and filter (value=high) of the public search, the list, the API, the feeds and
saved searches: a listing is high-value when one of its patents has all five value scores and their
mean reaches the programme's threshold. Score and threshold changes reach the index through the
search outbox; bad values are refused or ignored as the other filters' are."""

from __future__ import annotations

import pytest

from portal import indexing
from portal.extensions import db
from portal.models import Listing, SavedSearch, SearchChange
from search import SearchIndex
from tests.conftest import post

FIVES = dict.fromkeys(("technical_value", "legal_value", "market_value", "strategic_value", "economic_value"), 5)
FOURS = {"technical_value": 5, "legal_value": 4, "market_value": 4, "strategic_value": 4, "economic_value": 3}
PARAMETERS = {"baseline_year": "2022", "assessment_year": "2023", "growth_target_pct": "20",
              "sme_growth_target_pct": "30", "pct_growth_target_pct": "20", "pct_minimum": "3",
              "navigation_reports_required": "2", "staff_required": "2", "certified_staff_required": "1",
              "min_valid_inventions": "30", "min_operable_patents": "20", "min_deals_window": "5",
              "min_received_window_yuan": "500000", "window_years": "3", "grant_per_centre_yuan": "500000",
              "high_value_min_average": "4", "max_centres": "10"}


@pytest.fixture
def two(app, make, centre):
    """A listing offering a high-value patent (mean 5) and one whose patent has no scores."""
    high = make.listing(centre, [make.patent(centre, title="一种血管内超声导管", values=FIVES)], title="血管内超声导管")
    plain = make.listing(centre, [make.patent(centre, title="一种血管缝合器")], title="血管缝合器")
    with app.app_context():
        indexing.apply_pending()
    return high, plain


def search_ids(client, **args) -> list[int]:
    response = client.get("/api/v1/listings", query_string={"q": "", **args})
    assert response.status_code == 200
    return sorted(item["id"] for item in response.get_json()["items"])


def list_ids(client, **args) -> list[int]:
    response = client.get("/api/v1/listings", query_string=args)
    assert response.status_code == 200
    return sorted(item["id"] for item in response.get_json()["items"])


def value_facet(client, **args) -> list[dict]:
    return client.get("/api/v1/listings", query_string={"q": "", **args}).get_json()["facets"]["value"]


def test_facet_and_filter_on_the_search_page_the_list_and_the_api(client, two):
    high, plain = two
    assert value_facet(client) == [{"value": "high", "count": 1}]
    assert search_ids(client) == [high.id, plain.id]
    assert search_ids(client, value="high") == [high.id]
    assert list_ids(client, value="high") == [high.id]  # without q: the database's filter, same answer
    assert list_ids(client) == [high.id, plain.id]
    page = client.get("/search").get_data(as_text=True)
    assert "专利价值" in page and "高价值专利" in page
    assert "/search?q=&amp;sort=relevance&amp;value=high\">高价值专利</a>" in page  # the facet link sets the filter
    filtered = client.get("/search?value=high").get_data(as_text=True)
    assert "血管内超声导管" in filtered and "血管缝合器" not in filtered
    assert '<a class="fw-bold" href="/search?q=&amp;sort=relevance">✓ 高价值专利</a>' in filtered  # a click removes it
    listed = client.get("/listings?value=high").get_data(as_text=True)
    assert "血管内超声导管" in listed and "血管缝合器" not in listed
    assert 'id="f-value"' in listed and 'value="high" id="f-value" checked' in listed
    client.set_cookie("portal_lang", "en")
    english = client.get("/search").get_data(as_text=True)
    assert "Patent value" in english and "High-value patents</a>" in english
    assert "High-value patents only" in client.get("/listings").get_data(as_text=True)


def test_the_facet_counts_its_alternatives_with_other_filters(client, make, centre, two):
    high, _plain = two
    assert search_ids(client, value="high", field="drugs") == []
    assert search_ids(client, value="high", centre=centre.code) == [high.id]


def test_scores_move_a_listing_in_and_out(client, auth, app, make, centre, centre_staff, two):
    high, plain = two
    with app.app_context():
        plain_patent = db.session.get(Listing, plain.id).patents[0].id
        high_patent = db.session.get(Listing, high.id).patents[0].id
    auth.login(centre_staff.email)
    scores = {k: str(v) for k, v in FOURS.items()}  # mean 4.0: high-value at the default threshold (4)
    assert post(client, f"/manage/patents/{plain_patent}/assessment", scores).status_code == 302
    assert search_ids(client, value="high") == [high.id, plain.id]  # applied after the request (inline)
    assert value_facet(client) == [{"value": "high", "count": 2}]
    # The operation flag alone is not searchable: no change is written for it.
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(SearchChange))
    post(client, f"/manage/patents/{plain_patent}/assessment", {**scores, "operable": "y"})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SearchChange)) == before
    # Clearing a score takes the listing out again.
    assert post(client, f"/manage/patents/{high_patent}/assessment",
                {**{k: "5" for k in FIVES}, "economic_value": ""}).status_code == 302
    assert search_ids(client, value="high") == [plain.id]
    assert list_ids(client, value="high") == [plain.id]


def test_a_threshold_change_reindexes_the_listings_it_moves(client, auth, app, make, centre, centre_staff, admin,
                                                             two):
    high, plain = two
    with app.app_context():
        plain_patent = db.session.get(Listing, plain.id).patents[0].id
    auth.login(centre_staff.email)
    post(client, f"/manage/patents/{plain_patent}/assessment", {k: str(v) for k, v in FOURS.items()})
    assert search_ids(client, value="high") == [high.id, plain.id]
    auth.logout()
    auth.login(admin.email)
    with app.app_context():
        before = db.session.scalar(db.select(db.func.max(SearchChange.id)))
    assert post(client, "/admin/programme", {**PARAMETERS, "high_value_min_average": "4.5"}).status_code == 302
    with app.app_context():  # only the listing the new threshold moves is re-indexed
        assert list(db.session.scalars(db.select(SearchChange.listing_id).where(SearchChange.id > before))) == [
            plain.id]
    assert search_ids(client, value="high") == [high.id]
    assert list_ids(client, value="high") == [high.id]
    assert value_facet(client) == [{"value": "high", "count": 1}]
    post(client, "/admin/programme", {**PARAMETERS, "high_value_min_average": "3"})
    assert search_ids(client, value="high") == [high.id, plain.id]
    # A rebuild from scratch reads the same threshold.
    with app.app_context():
        from portal.indexing.writer import rebuild

        rebuild(indexing.get_index())
    assert search_ids(client, value="high") == [high.id, plain.id]


def test_rebuild_rows_and_orm_objects_make_the_same_documents(app, two):
    from portal.indexing.documents import published_listings

    with app.app_context():
        rows = {int(row.id): indexing.listing_document(row) for row in published_listings()}
        models = {i: indexing.listing_document(m) for i, m in indexing.published_by_ids(list(rows)).items()}
    assert rows == models
    assert sorted(i for i, d in rows.items() if d.value == "high") == [two[0].id]


def test_the_filter_round_trips_through_a_saved_search_and_its_feed(client, auth, app, sme_user, two):
    high, _plain = two
    auth.login(sme_user.email)
    page = client.get("/search?q=血管&value=high").get_data(as_text=True)
    assert 'name="value" value="high"' in page  # the one-click save carries the filter
    form = client.get("/account/searches/new?q=血管&value=high").get_data(as_text=True)
    assert 'value="high"' in form and "高价值专利" in form
    response = post(client, "/account/searches/new", {"q": "血管", "value": "high", "delivery": "daily", "name": ""})
    assert response.status_code == 302
    with app.app_context():
        search = db.session.scalars(db.select(SavedSearch)).one()
        assert (search.query, search.filters) == ("血管", {"value": "high"})
        assert "高价值专利" in search.name
    account = client.get(f"/account/searches/{search.id}").get_data(as_text=True)
    assert "value=high" in account
    for fmt in ("atom", "rss"):
        feed = client.get(f"/feeds/listings.{fmt}?value=high&q=血管")
        assert feed.status_code == 200
        text = feed.get_data(as_text=True)
        assert "血管内超声导管" in text and "血管缝合器" not in text and "高价值专利" in text
    without_q = client.get("/feeds/listings.atom?value=high").get_data(as_text=True)
    assert "血管内超声导管" in without_q and "血管缝合器" not in without_q
    # The saved search's digest finds only the high-value listing.
    from portal.subscriptions.matching import new_listings

    with app.app_context():
        search = db.session.get(SavedSearch, search.id)
        search.created_at = search.digest_mark = search.created_at.replace(year=2000)
        assert [row.id for row in new_listings(search)] == [high.id]


def test_a_nul_in_the_query_string_is_dropped_as_in_every_filter(client, two):
    assert search_ids(client, value="high\x00") == [two[0].id]
    assert client.get("/search", query_string={"value": "hi\x00gh"}).status_code == 200


@pytest.mark.parametrize("bad", ["low", "HIGH ", "1", "yes", "h" * 5000])
def test_bad_values_are_refused_or_ignored_like_the_other_filters(client, auth, app, sme_user, two, bad):
    response = client.get("/api/v1/listings", query_string={"value": bad})
    assert response.status_code == 400 and "value" in response.get_json()["error"]
    assert client.get("/api/v1/listings", query_string={"q": "", "value": bad}).status_code == 400
    for path in ("/search", "/listings"):  # the pages say so and show everything
        page = client.get(path, query_string={"value": bad})
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "参数 value 的值无效" in text and "血管缝合器" in text
    assert client.get("/feeds/listings.atom", query_string={"value": bad}).status_code == 400
    auth.login(sme_user.email)
    assert post(client, "/account/searches/new", {"q": "x", "value": bad, "delivery": "daily"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SavedSearch)) == 0


def test_an_index_made_without_the_value_field_is_rebuilt(tmp_path, monkeypatch):
    import search.index
    import search.storage
    from search import schema

    def old_schema():
        made = schema.make_schema()
        made.remove("value")
        return made

    monkeypatch.setattr(search.storage, "make_schema", old_schema)
    monkeypatch.setattr(search.index, "make_schema", old_schema)
    SearchIndex(str(tmp_path / "old")).close()
    monkeypatch.undo()
    old, new = SearchIndex(str(tmp_path / "old")), SearchIndex(str(tmp_path / "new"))
    assert not old.is_current() and new.is_current()
    old.close()
    new.close()
