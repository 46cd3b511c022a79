"""The home page's content and a listing's page are kept per process (issue 18): each reader still sees
exactly what the database holds once a change is committed, and the HTML is what the templates
render without the caches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import Listing, Organisation
from tests.conftest import post


@pytest.fixture
def listing(make, centre):
    return make.listing(centre, [make.patent(centre, title="一种可降解支架")], title="可降解冠状动脉支架许可")


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def without_cache(app, client, path: str, name: str) -> str:
    app.extensions.pop(name, None)
    app.config["LISTING_PAGE_CACHE_SIZE"] = 0
    try:
        return page(client, path)
    finally:
        app.config["LISTING_PAGE_CACHE_SIZE"] = 1024


def csrf_free(html: str) -> str:
    import re

    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", html)


# ---------------------------------------------------------------- the home page

def test_home_content_is_kept_and_the_same_as_rendered(app, client, listing):
    first = page(client, "/")
    assert "可降解冠状动脉支架许可" in first
    cache = app.extensions["home_content_cache"]
    hits = cache.hits
    assert csrf_free(page(client, "/")) == csrf_free(first)
    assert cache.hits == hits + 1  # served from the cache
    app.extensions.pop("home_content_cache")
    assert csrf_free(page(client, "/")) == csrf_free(first)  # rendered afresh: the same HTML


def test_home_shows_a_change_committed_elsewhere_at_the_next_request(app, client, make, centre, listing):
    from portal.listings.operations import withdraw_listing

    assert "可降解冠状动脉支架许可" in page(client, "/")
    # Another worker publishes a listing: its commit appends to the change log, which keys the cache.
    make.listing(centre, [make.patent(centre)], title="新发布的骨科植入物许可")
    assert "新发布的骨科植入物许可" in page(client, "/")
    with app.app_context():
        withdraw_listing(db.session.get(Listing, listing.id), actor=None)
        db.session.commit()
    assert "可降解冠状动脉支架许可" not in page(client, "/")
    with app.app_context():  # a centre renamed straight in the database, outside the change log
        db.session.get(Organisation, centre.id).name_zh = "改名后的运营中心"
        db.session.commit()
    assert "改名后的运营中心" in page(client, "/")


def test_home_content_per_language_and_sign_in(app, client, auth, sme_user, listing):
    chinese = page(client, "/")
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302
    english = page(client, "/")
    assert "Latest listings" in english and "Latest listings" not in chinese
    auth.login(sme_user.email)
    signed_in = page(client, "/")
    assert 'href="/register">Register your company' in english
    assert 'href="/register">Register your company' not in signed_in


# ---------------------------------------------------------------- a listing's page

def test_listing_page_is_kept_and_the_same_as_rendered(app, client, auth, sme_user, listing):
    path = f"/listings/{listing.id}"
    for reader in (None, sme_user):
        if reader is not None:
            auth.login(reader.email)
            page(client, "/account")  # shows the flashed welcome
        first = page(client, path)
        cache = app.extensions["listing_page_cache"]
        hits = cache.hits
        assert csrf_free(page(client, path)) == csrf_free(first)
        assert cache.hits == hits + 1
        assert csrf_free(without_cache(app, client, path, "listing_page_cache")) == csrf_free(first)
    assert "一种可降解支架" in first and "可降解冠状动脉支架许可" in first


def test_listing_page_shows_changes_committed_elsewhere(app, client, make, centre, listing):
    from portal.listings.operations import withdraw_listing
    from portal.models import Patent
    from portal.patents.open_licence import declare_open_licence
    from portal.rules.open_licence import OpenLicenceTerms

    path = f"/listings/{listing.id}"
    assert "一种可降解支架" in page(client, path)
    with app.app_context():  # a patent edited: only the change log tells (the listing's row is untouched)
        number = db.session.get(Listing, listing.id).patents[0].application_number
    make.patent(centre, number, title="一种改进的可降解支架")
    assert "一种改进的可降解支架" in page(client, path)
    with app.app_context():
        patent = db.session.scalar(db.select(Patent).where(Patent.application_number == number))
        terms = OpenLicenceTerms(fee_method="entry_plus_royalty", fee_amount_yuan=Decimal("20000"),
                                 royalty_rate_pct=Decimal("2.5"), term_end=date(2032, 12, 31))
        declare_open_licence(patent, terms, announced_on=date(2025, 1, 1), cnipa_reference=None, actor=None)
        db.session.commit()
    assert 'id="open-badge"' in page(client, path)
    with app.app_context():
        withdraw_listing(db.session.get(Listing, listing.id), actor=None)
        db.session.commit()
    assert client.get(path).status_code == 404


def test_listing_page_for_its_centre_staff_keeps_their_actions(app, client, auth, centre_staff, listing):
    path = f"/listings/{listing.id}"
    page(client, path)  # kept for visitors
    auth.login(centre_staff.email)
    staff = page(client, path)
    assert 'id="manage-actions"' in staff and 'id="withdraw-listing"' in staff
    auth.logout()
    assert 'id="manage-actions"' not in page(client, path)


def test_similar_box_follows_a_withdrawal_before_the_index_does(app, client, make, centre):
    from portal import indexing
    from portal.listings.operations import withdraw_listing

    first = make.listing(centre, [make.patent(centre, title="一种康复外骨骼机器人")], title="康复外骨骼")
    second = make.listing(centre, [make.patent(centre, make.number("2"), title="一种下肢康复外骨骼")],
                          title="下肢康复外骨骼")
    with app.app_context():
        indexing.apply_pending()
    link = f'href="/listings/{second.id}?via=recommendation"'
    assert link in page(client, f"/listings/{first.id}")
    assert link in page(client, f"/listings/{first.id}")  # kept
    with app.app_context():  # withdrawn in another worker; the index has not applied it yet
        withdraw_listing(db.session.get(Listing, second.id), actor=None)
        db.session.commit()
    assert link not in page(client, f"/listings/{first.id}")


# ---------------------------------------------------------------- result cards

def without_cards_kept(app, client, path: str) -> str:
    app.extensions.pop("listing_card_cache", None)
    app.config["LISTING_CARD_CACHE_SIZE"] = 0
    try:
        return page(client, path)
    finally:
        app.config["LISTING_CARD_CACHE_SIZE"] = 4096


def test_result_cards_are_kept_and_the_same_as_rendered(app, client, make, centre, listing):
    from portal import indexing

    with app.app_context():
        indexing.apply_pending()
    search = "/search?q=" + "支架"
    for path in (search, "/listings", f"/centres/{centre.code}"):
        first = page(client, path)
        assert f'href="/listings/{listing.id}' in first
        assert csrf_free(page(client, path)) == csrf_free(first)  # kept
        assert csrf_free(without_cards_kept(app, client, path)) == csrf_free(first)  # rendered afresh
    page(client, "/listings")
    kept = page(client, search)
    assert len(app.extensions["listing_card_cache"]) == 2  # with a snippet (search), without (the lists)
    assert '<p class="mb-2 snippet">' in kept and "<mark>支架</mark>" in kept and "<!--snippet-->" not in kept
    assert f'href="/listings/{listing.id}?via=search"' in kept
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302
    assert "Indicative price" in page(client, "/listings")  # a card per language


def test_result_cards_show_changes_committed_elsewhere(app, client, make, centre, listing):
    from portal.listings.operations import withdraw_listing

    assert "可降解冠状动脉支架许可" in page(client, "/listings")
    with app.app_context():  # another worker changes what the card shows: a new key, never stale
        db.session.get(Listing, listing.id).title = "改名的可降解支架许可"
        db.session.commit()
    assert "改名的可降解支架许可" in page(client, "/listings")
    with app.app_context():
        db.session.get(Listing, listing.id).price_yuan = Decimal("123456")
        db.session.commit()
    assert "123,456.00" in page(client, "/listings")
    with app.app_context():
        db.session.get(Organisation, centre.id).name_zh = "改名后的运营中心"
        db.session.commit()
    shown = page(client, "/listings")
    assert "改名后的运营中心" in shown
    assert "可降解冠状动脉支架许可" not in shown
    with app.app_context():
        withdraw_listing(db.session.get(Listing, listing.id), actor=None)
        db.session.commit()
    assert "改名的可降解支架许可" not in page(client, "/listings")
