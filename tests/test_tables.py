"""Issue 16, tables with handles: /listings sorts (newest, expiring soonest, price); the centre's deals
list filters by state, kind, recordal, year and the other party, and exports what it shows; the accounts
page finds accounts by e-mail, organisation, role and status. A bad value is named on the page, never
a server error, and the pages keep the filters."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Deal, Listing, Organisation

# ---------------------------------------------------------------- /listings


def order(page: str, titles) -> list[str]:
    """``titles`` in the order the page shows them."""
    found = {t: page.find(f">{t}<") for t in titles}
    assert all(i >= 0 for i in found.values()), found
    return sorted(found, key=found.get)


@pytest.fixture
def three_listings(app, make, centre):
    """Published oldest to newest: A (price 50,000, invention filed 2019 → expires 2039), B (negotiable,
    utility model filed 2020 → 2030), C (price 9,000, invention filed 2015 → 2035)."""
    a = make.listing(centre, [make.patent(centre, filing_date=date(2019, 3, 1))], title="甲项目",
                     price_yuan=Decimal("50000"))
    b = make.listing(centre, [make.patent(centre, make.number("2", 2020), filing_date=date(2020, 5, 1))],
                     title="乙项目")
    c = make.listing(centre, [make.patent(centre, make.number("1", 2015), filing_date=date(2015, 7, 1)),
                              make.patent(centre, make.number("1", 2021), filing_date=date(2021, 1, 1))],
                     title="丙项目", price_yuan=Decimal("9000"))
    with app.app_context():  # distinct publication times, whatever the clock's resolution
        for n, ref in enumerate((a, b, c)):
            db.session.get(Listing, ref.id).published_at = datetime(2024, 1, 1 + n, tzinfo=UTC)
        db.session.commit()
    return ("甲项目", "乙项目", "丙项目")


@pytest.mark.parametrize(("sort", "expected"), [
    (None, ["丙项目", "乙项目", "甲项目"]),
    ("newest", ["丙项目", "乙项目", "甲项目"]),
    ("expiry", ["乙项目", "丙项目", "甲项目"]),  # 2030, then 2035 (C's earlier patent), then 2039
    ("price_low", ["丙项目", "甲项目", "乙项目"]),  # negotiable last
    ("price_high", ["甲项目", "丙项目", "乙项目"]),
])
def test_listings_sort(client, three_listings, sort, expected):
    response = client.get("/listings", query_string={"sort": sort} if sort else {})
    assert response.status_code == 200
    assert order(response.get_data(as_text=True), three_listings) == expected


def test_listing_sort_keeps_the_filters_and_pages(client, make, centre, three_listings):
    page = client.get("/listings", query_string={"sort": "expiry", "field": "other", "per_page": 1}).get_data(
        as_text=True)
    assert order(page, ["乙项目"]) == ["乙项目"] and "甲项目" not in page
    # the next page keeps the sort and the filter; the sort links keep the filter
    links = [html_unescape(h) for h in re.findall(r'href="(/listings\?[^"]+)"', page)]
    assert any("page=2" in h and "sort=expiry" in h and "field=other" in h for h in links), links
    assert any("sort=price_low" in h and "field=other" in h for h in links), links
    assert 'name="sort" value="expiry"' in page  # the filter form keeps the sort
    page2 = client.get("/listings", query_string={"sort": "expiry", "field": "other", "per_page": 1,
                                                  "page": 2}).get_data(as_text=True)
    assert "丙项目" in page2 and "乙项目" not in page2


def test_bad_listing_sort_is_named_not_an_error(client, three_listings):
    response = client.get("/listings", query_string={"sort": "cheapest", "page": "x"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "cheapest" in page and order(page, three_listings) == ["丙项目", "乙项目", "甲项目"]


def html_unescape(text: str) -> str:
    return text.replace("&amp;", "&")


# ---------------------------------------------------------------- /deals/

TODAY = date.today()


@pytest.fixture
def centre_deals(app, make, centre, centre_staff, auth):
    """Deals of the centre with two licensees, and one of another centre that must never show."""
    first = make.org("enterprise", name_zh="=HYPERLINK(\"x\")康复器械（示例）", credit_code="91310000DEMX000011")
    second = make.org("enterprise", name_zh="明远医疗科技（示例）")
    other = make.org("centre", code="other-ip")
    with app.app_context():
        def deal(licensee, kind="licence", licence_type="ordinary", effective=date(2024, 3, 1), **fields):
            d = Deal(licensor_id=fields.pop("licensor", centre.id), licensee_id=licensee.id, kind=kind,
                     licence_type=licence_type if kind == "licence" else None, effective_date=effective,
                     contract_amount_yuan=Decimal("100000"), recordal_due=effective + timedelta(days=90), **fields)
            db.session.add(d)
            return d

        made = {
            "exclusive_2024": deal(first, licence_type="exclusive", recordal_status="recorded",
                                   term_end=TODAY + timedelta(days=400)),
            "ended_2023": deal(second, effective=date(2023, 2, 1), term_end=TODAY - timedelta(days=1)),
            "open_2025": deal(second, open_licence=True, effective=date(2025, 6, 1), recordal_status="filed"),
            "assignment_pending": deal(first, kind="assignment", effective=date(2025, 1, 10)),
            "assignment_done": deal(second, kind="assignment", effective=date(2024, 5, 1),
                                    registration_date=date(2024, 7, 1)),
            "other_centre": deal(first, licensor=other.id),
        }
        db.session.commit()
        ids = {name: d.id for name, d in made.items()}
    auth.login(centre_staff.email)
    return ids


def shown(client, **args) -> set[int]:
    response = client.get("/deals/", query_string=args)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return {int(i) for i in re.findall(r'href="/deals/(\d+)"', page)}


def test_deals_filters(client, centre_deals):
    ids = centre_deals
    mine = set(ids.values()) - {ids["other_centre"]}
    assert shown(client) == mine
    assert shown(client, state="ended") == {ids["ended_2023"]}
    assert shown(client, state="unregistered") == {ids["assignment_pending"]}
    assert shown(client, state="in_force") == mine - {ids["ended_2023"], ids["assignment_pending"]}
    assert shown(client, mode="exclusive") == {ids["exclusive_2024"]}
    assert shown(client, mode="ordinary") == {ids["ended_2023"]}
    assert shown(client, mode="open") == {ids["open_2025"]}
    assert shown(client, mode="assignment") == {ids["assignment_pending"], ids["assignment_done"]}
    assert shown(client, recordal="filed") == {ids["open_2025"]}
    assert shown(client, recordal="not_filed") == {ids["ended_2023"], ids["assignment_pending"],
                                                   ids["assignment_done"]}
    assert shown(client, year="2025") == {ids["open_2025"], ids["assignment_pending"]}
    assert shown(client, q="明远") == {ids["ended_2023"], ids["open_2025"], ids["assignment_done"]}
    assert shown(client, q="demx000011") == {ids["exclusive_2024"], ids["assignment_pending"]}  # credit code
    assert shown(client, q="%") == set()  # a wildcard is a character like any other
    assert shown(client, q="明远", year="2024") == {ids["assignment_done"]}


def test_bad_deal_filters_are_named_and_left_out(client, centre_deals):
    for args, named in (({"state": "lost"}, "lost"), ({"recordal": "maybe"}, "maybe"), ({"mode": "x"}, "x"),
                        ({"year": "20x4"}, "2"), ({"year": "1066"}, "2"), ({"page": "last"}, "")):
        response = client.get("/deals/", query_string=args)
        assert response.status_code == 200, args
        page = response.get_data(as_text=True)
        assert named in page
        if "page" not in args:
            assert 'class="alert alert-warning' in page, args
        assert len(re.findall(r'href="/deals/(\d+)"', page)) == 5


def test_deal_pages_and_export_links_keep_the_filters(client, app, centre_deals, centre):
    with app.app_context():  # 60 more deals of 2022: two pages
        licensee = db.session.scalar(db.select(Organisation).where(Organisation.kind == "enterprise"))
        for n in range(60):
            db.session.add(Deal(licensor_id=centre.id, licensee_id=licensee.id, kind="licence",
                                licence_type="ordinary", effective_date=date(2022, 1, 1) + timedelta(days=n),
                                contract_amount_yuan=Decimal(1000 + n)))
        db.session.commit()
    page = client.get("/deals/", query_string={"year": "2022", "recordal": "not_filed"}).get_data(as_text=True)
    links = [html_unescape(h) for h in re.findall(r'href="(/deals/[^"]*\?[^"]+)"', page)]
    assert any(h.startswith("/deals/?") and "page=2" in h and "year=2022" in h and "recordal=not_filed" in h
               for h in links), links
    assert "/deals/export.csv?recordal=not_filed&year=2022" in links or \
        "/deals/export.csv?year=2022&recordal=not_filed" in links, links
    assert 'value="2022" selected' in page and "60 笔交易" in page


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_deal_export_is_what_the_list_shows(client, centre_deals):
    ids = centre_deals
    response = client.get("/deals/export.csv", query_string={"mode": "assignment"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][0] == "交易编号" and rows[0][-1] == "备案截止日"
    # newest first, like the list; the unregistered assignment has no date it counts from yet
    assert [int(r[0]) for r in rows[1:]] == [ids["assignment_pending"], ids["assignment_done"]]
    assert rows[1][1] == "" and rows[2][1] == "2024-07-01" and rows[2][2] == "转让"
    # a name that begins like a formula stays text
    assert rows[1][5].startswith("'=HYPERLINK")
    everything = read_csv(client.get("/deals/export.csv"))
    assert {int(r[0]) for r in everything[1:]} == set(ids.values()) - {ids["other_centre"]}
    response = client.get("/deals/export.xlsx", query_string={"q": "HYPERLINK"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [v[0] for v in values[1:]] == [ids["assignment_pending"], ids["exclusive_2024"]]
    assert sheet.cell(row=2, column=6).data_type == "s"  # text, never a formula


def test_deal_list_and_export_are_the_centres_own(client, auth, centre_deals, sme_user):
    auth.logout()
    auth.login(sme_user.email)
    response = client.get("/deals/")  # an enterprise's deals are its own page
    assert response.status_code == 302 and response.headers["Location"].endswith("/deals/ours")
    for url in ("/deals/export.csv", "/deals/export.xlsx"):
        assert client.get(url).status_code in (403, 404), url


# ---------------------------------------------------------------- /admin/


@pytest.fixture
def accounts(make, admin, centre):
    make.user("centre_staff", org=centre, email="wang.li@ruijin.example.cn")
    make.user("centre_admin", org=centre, email="chen@ruijin.example.cn")
    make.user("sme_member", org=make.org("enterprise", name_zh="明远医疗科技（示例）", name_en="Mingyuan Medical"),
              email="buyer@mingyuan.example.cn")
    return admin


def emails(client, **args) -> set[str]:
    response = client.get("/admin/", query_string=args)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return set(re.findall(r'>([\w.-]+@[\w.-]+)</td>', table))


def test_account_search(client, auth, accounts):
    auth.login(accounts.email)
    assert emails(client) == {"admin@example.cn", "wang.li@ruijin.example.cn", "chen@ruijin.example.cn",
                              "buyer@mingyuan.example.cn"}
    assert emails(client, q="RUIJIN") == {"wang.li@ruijin.example.cn", "chen@ruijin.example.cn"}
    assert emails(client, role="centre_admin") == {"chen@ruijin.example.cn"}
    assert emails(client, org="示例医院") == {"wang.li@ruijin.example.cn", "chen@ruijin.example.cn"}
    assert emails(client, org="mingyuan") == {"buyer@mingyuan.example.cn"}  # the English name
    assert emails(client, org="ruijin-ip", q="wang") == {"wang.li@ruijin.example.cn"}  # the code
    assert emails(client, q="_") == set()  # no wildcard
    assert emails(client, status="deactivated") == set()
    assert emails(client, status="active", role="sme_member") == {"buyer@mingyuan.example.cn"}


def test_bad_account_filters_are_named(client, auth, accounts):
    auth.login(accounts.email)
    response = client.get("/admin/", query_string={"role": "king", "status": "asleep", "page": "zz"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "king" in page and "asleep" in page and "buyer@mingyuan.example.cn" in page


def test_account_pages_keep_the_filters(client, auth, app, make, accounts):
    auth.login(accounts.email)
    org = make.org("enterprise", name_zh="大批量企业（示例）")
    for n in range(55):
        make.user("sme_member", org=org, email=f"member{n:02d}@bulk.example.cn")
    page = client.get("/admin/", query_string={"q": "bulk", "role": "sme_member"}).get_data(as_text=True)
    assert re.search(r'id="account-count">[^<]*\b55\b', page)
    links = [html_unescape(h) for h in re.findall(r'href="(/admin/\?[^"]+)"', page)]
    assert any("page=2" in h and "q=bulk" in h and "role=sme_member" in h for h in links), links
    second = client.get("/admin/", query_string={"q": "bulk", "role": "sme_member", "page": 2}).get_data(
        as_text=True)
    assert second.count("@bulk.example.cn</td>") == 5
