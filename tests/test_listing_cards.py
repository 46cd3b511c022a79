"""Result cards (portal/listings/cards.py): the search page, the list, a centre's page, the home page and
a listing's similar listings show what the ORM listing showed, from one query shaped for the card."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import url_for

from portal import indexing
from portal.extensions import db
from portal.listings import cards
from portal.models import Listing, OpenLicenceDeclaration, Organisation


def _declare(app, patent_id: int) -> None:
    with app.app_context():
        db.session.add(OpenLicenceDeclaration(patent_id=patent_id, fee_method="lump_sum", term_end=date(2030, 12, 31),
                                              announced_on=date(2024, 1, 1), fee_amount_yuan=Decimal("50000")))
        db.session.commit()


def test_a_card_holds_what_the_listing_shows(app, make, centre):
    granted = make.patent(centre, make.number("1"), filing_date=date(2019, 3, 1))
    pending = make.patent(centre, make.number("2", 2020), granted=False, filing_date=date(2020, 5, 6))
    listing = make.listing(centre, [granted, pending], modes=("exclusive", "assignment"), price_yuan=Decimal("80000"),
                           field="surgery")
    negotiable = make.listing(centre, [make.patent(centre, make.number("1", 2019))], title="面议的许可")
    draft = make.listing(centre, [make.patent(centre, make.number("3", 2019))], publish=False)
    _declare(app, pending.id)
    with app.test_request_context():
        found = cards.cards_in_order([negotiable.id, draft.id, listing.id, 999999])
        assert [c.id for c in found] == [negotiable.id, listing.id]  # published ones, in the order asked
        card, row = found[1], db.session.get(Listing, listing.id)
        assert card.title == row.title and card.field == "surgery" and card.modes == row.modes
        assert card.price_yuan == Decimal("80000") and not card.negotiable and found[0].negotiable
        assert card.published_at == row.published_at
        assert card.centre.code == row.centre.code and card.centre.display_name("en") == row.centre.display_name("en")
        assert [p.display_number for p in card.patents] == [p.display_number for p in row.patents]
        assert card.patents[0].display_number.startswith("ZL") and not card.patents[1].granted
        assert [p.expiry for p in card.patents] == [p.expiry for p in row.patents]
        assert [p.last_day for p in card.patents] == [p.last_day for p in row.patents]
        assert [p.legal_status for p in card.patents] == [p.legal_status for p in row.patents]
        assert card.is_open_licence and row.is_open_licence and not found[0].is_open_licence
        assert cards.cards_in_order([]) == []


def test_a_renamed_centre_shows_at_the_next_request(app, client, make, centre):
    make.listing(centre, [make.patent(centre)], title="可降解支架许可")
    assert "Example Hospital" not in client.get("/listings").get_data(as_text=True)
    with app.app_context():
        org = db.session.get(Organisation, centre.id)
        old = org.name_zh
        org.name_zh = "改名后的医院知识产权运营中心"
        db.session.commit()
    for path in ("/listings", "/", f"/centres/{centre.code}"):
        page = client.get(path).get_data(as_text=True)
        assert "改名后的医院知识产权运营中心" in page and old not in page, path


def test_pages_of_cards_link_listings_and_centres(app, client, make, centre):
    listing = make.listing(centre, [make.patent(centre)], title="可降解支架许可")
    with app.app_context():
        indexing.apply_pending()
    for path in ("/listings", "/listings?sort=expiry", "/listings?sort=price_low", "/", f"/centres/{centre.code}",
                 "/search?q=支架"):
        page = client.get(path).get_data(as_text=True)
        via = "?via=search" if path.startswith("/search") else ""  # search results carry their channel on
        link = f'href="/listings/{listing.id}{via}"'
        assert link in page and f'href="/centres/{centre.code}"' in page, path
        assert "可降解支架许可" in page


def test_withdrawn_listing_leaves_every_list_of_cards(app, client, make, centre):
    listing = make.listing(centre, [make.patent(centre)], title="康复外骨骼许可")
    with app.app_context():
        indexing.apply_pending()
        db.session.get(Listing, listing.id).status = "withdrawn"  # the index now lags behind
        db.session.commit()
    for path in ("/listings", "/", f"/centres/{centre.code}", "/search?q=康复外骨骼"):
        assert "康复外骨骼许可" not in client.get(path).get_data(as_text=True), path


def test_facet_links_are_what_url_for_writes(app, client, make, centre):
    other = make.org("centre", code="renji-ip")
    make.listing(centre, [make.patent(centre, ipc=["A61B 17/00"])], title="支架许可", field="surgery")
    make.listing(other, [make.patent(other, make.number("2"))], title="支架许可二", modes=("exclusive",))
    with app.app_context():
        indexing.apply_pending()
    page = client.get("/search", query_string={"q": "支架 & <b>", "field": "surgery", "sort": "newest"})
    assert page.status_code == 200
    hrefs = set(re.findall(r'<aside.*?</aside>', page.get_data(as_text=True), re.S)[0].split('href="')[1:])
    hrefs = {h.split('"', 1)[0].replace("&amp;", "&") for h in hrefs}
    with app.test_request_context():
        expected = {
            url_for("search.search_page", q="支架 & <b>", sort="newest", centre="ruijin-ip", field="surgery"),
            url_for("search.search_page", q="支架 & <b>", sort="newest"),  # the active field, removed
            url_for("search.search_page", q="支架 & <b>", sort="newest", field="surgery", ipc="A61B"),
        }
    assert expected <= hrefs
    text = page.get_data(as_text=True)
    assert "✓ 外科与介入治疗" in text  # the active value is marked, by its label


def test_similar_listings_follow_the_index(app, client, make, centre):
    first = make.listing(centre, [make.patent(centre, title="一种康复外骨骼机器人")], title="康复外骨骼")
    with app.app_context():
        indexing.apply_pending()
    assert 'id="similar"' not in client.get(f"/listings/{first.id}").get_data(as_text=True)
    second = make.listing(centre, [make.patent(centre, make.number("2"), title="一种下肢康复外骨骼")],
                          title="下肢康复外骨骼")
    with app.app_context():
        indexing.apply_pending()
    page = client.get(f"/listings/{first.id}").get_data(as_text=True)  # the cached answer was for the old index
    assert 'id="similar"' in page and f'href="/listings/{second.id}?via=recommendation"' in page


def test_bad_arguments_on_card_pages_are_answered(client, make, centre):
    make.listing(centre, [make.patent(centre)])
    for path in ("/listings?page=99999999999999999999", "/listings?page=-1&per_page=100000", "/listings?sort=%00",
                 "/search?q=%00&page=5000000", "/search?q=x&centre=%00", "/centres/%00", "/listings?ipc=A61B%00"):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), path  # answered, never a 500


def test_the_list_count_follows_every_change(app, client, auth, make, centre, centre_staff):
    first = make.listing(centre, [make.patent(centre)], field="surgery")
    assert "共 1 条许可信息" in client.get("/listings").get_data(as_text=True)
    assert "共 1 条许可信息" in client.get("/listings?field=surgery").get_data(as_text=True)
    make.listing(centre, [make.patent(centre, make.number("2"))], field="imaging")
    assert "共 2 条许可信息" in client.get("/listings").get_data(as_text=True)  # cached count, new state
    assert "共 1 条许可信息" in client.get("/listings?field=surgery").get_data(as_text=True)
    auth.login(centre_staff.email)
    client.post(f"/manage/listings/{first.id}/withdraw", data={"reason": "", "csrf_token": _token(client)})
    auth.logout()
    assert "共 1 条许可信息" in client.get("/listings").get_data(as_text=True)
    assert "共 0 条许可信息" in client.get("/listings?field=surgery").get_data(as_text=True)


def _token(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/listings")


def test_the_list_works_when_the_index_cannot_be_read(app, client, make, centre, caplog):
    make.listing(centre, [make.patent(centre)])

    def broken():
        raise OSError("index disk gone")

    app.extensions["feed_index_mark"] = broken
    page = client.get("/listings")
    assert page.status_code == 200 and "共 1 条许可信息" in page.get_data(as_text=True)
    assert "the list's count" in caplog.text
