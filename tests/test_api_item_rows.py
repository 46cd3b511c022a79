"""The API's items read with Core queries (portal/listings/item_rows.py) are exactly what the ORM
serialisation gives (``serialize.listing_data``), on every kind of listing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.listings import item_rows
from portal.listings.serialize import listing_data
from portal.models import Listing, OpenLicenceDeclaration

TERMS = {"fee_method": "lump_sum", "term_end": date(2030, 12, 31), "announced_on": date(2024, 5, 6)}


def test_core_items_equal_the_orm_serialisation(app, make, centre):
    other = make.org("centre", code="zhongshan-ip", name_zh="中山医院知识产权运营中心", name_en="Zhongshan IP")
    plain = make.patent(centre, ipc=["A61F 2/82", "A61L 31/02", "A61B 17/00"], inventors="张三；李四",
                        patentee="示例医院", title_en="A stent", abstract_en="An abstract.",
                        values={"technical_value": 4, "market_value": 2})
    pending = make.patent(centre, make.number("1", 2022), granted=False, ipc=[], extension_days=30,
                          filing_date=date(2022, 7, 8))
    design = make.patent(other, make.number("3", 2020), ipc=["A61B 5/00"], filing_date=date(2020, 1, 2))
    utility = make.patent(centre, make.number("2", 2018), filing_date=date(2018, 2, 3),
                          abstract="<b>实用新型</b>：一种导管。")
    listings = [
        make.listing(centre, [plain, pending], modes=("exclusive", "assignment"), price_yuan=Decimal("800000.50"),
                     maturity="prototype", scenarios="心内科", advantages="降解", title_en="Stents",
                     abstract_en="Two stents.", field="medical_devices"),
        make.listing(other, [design], modes=("ordinary", "sole", "equity")),
        make.listing(centre, [utility], modes=("ordinary",)),
        make.listing(centre, [pending], modes=("ordinary",)),
    ]
    draft = make.listing(centre, [utility], publish=False)
    with app.app_context():
        # Declarations: one withdrawn then one in force (the later one counts); two in force; none.
        db.session.add_all([
            OpenLicenceDeclaration(patent_id=plain.id, fee_amount_yuan=Decimal("5000.00"),
                                   withdrawn_on=date(2024, 6, 1), **TERMS),
            OpenLicenceDeclaration(patent_id=plain.id, fee_method="royalty_sales", royalty_rate_pct=Decimal("3.500"),
                                   term_end=date(2031, 1, 1), announced_on=date(2024, 6, 2), cnipa_reference="K1"),
            OpenLicenceDeclaration(patent_id=utility.id, fee_amount_yuan=Decimal("100.00"), **TERMS),
            OpenLicenceDeclaration(patent_id=utility.id, fee_amount_yuan=Decimal("200.00"), cnipa_reference="K2",
                                   **TERMS),
        ])
        db.session.commit()
        ids = [ref.id for ref in listings] + [draft.id]
        got = item_rows.items_by_id(ids)
        expected = {listing.id: listing_data(listing)
                    for listing in db.session.scalars(db.select(Listing).where(Listing.id.in_(ids),
                                                                             Listing.status == "published"))}
    assert set(got) == {ref.id for ref in listings}
    for listing_id, item in expected.items():
        assert json.dumps(got[listing_id], ensure_ascii=False) == json.dumps(item, ensure_ascii=False)
    first = got[listings[0].id]
    assert first["open_licence"] and first["patents"][0]["open_licence"]["cnipa_reference"] == "K1"
    assert got[listings[2].id]["patents"][0]["open_licence"]["fee_amount_yuan"] == "200.00"
    assert not got[listings[1].id]["open_licence"]


def test_nothing_published_asked_is_nothing(app, make, centre):
    draft = make.listing(centre, [make.patent(centre)], publish=False)
    with app.app_context():
        assert item_rows.items_by_id([draft.id, 10**9]) == {}
