"""A listing card shows what /listings sorts by: the indicative price (or 面议) and the first patent
expiry (issue 16)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal


def card(page: str, title: str) -> str:
    start = page.index(f">{title}<")
    return page[start:page.index("</article>", start)]


def test_cards_show_price_and_expiry(client, make, centre):
    make.listing(centre, [make.patent(centre, filing_date=date(2019, 3, 1))], title="甲项目",
                 price_yuan=Decimal("50000"))
    make.listing(centre, [make.patent(centre, make.number("2", 2020), filing_date=date(2020, 5, 1))], title="乙项目")
    make.listing(centre, [make.patent(centre, make.number("1", 2015), filing_date=date(2015, 7, 1)),
                          make.patent(centre, make.number("1", 2021), filing_date=date(2021, 1, 1))],
                 title="丙项目", price_yuan=Decimal("9000"))
    page = client.get("/listings").get_data(as_text=True)
    a, b, c = card(page, "甲项目"), card(page, "乙项目"), card(page, "丙项目")
    assert "50,000.00" in a and "期满终止日: 2039-03-01" in re.sub(r"<[^>]+>", "", a)
    assert "面议" in b and "2030-05-01" in b  # a utility model: ten years
    assert "9,000.00" in c and "最早期满终止日" in c and "2035-07-01" in c
