"""Issue 16, items 2 and 9: the work page each role lands on after logging in, the home page, and
`flask demo --accounts`.

Sections are found by id (``#work-<key>``) and items by the data they show (titles, e-mails): the
section titles are new strings whose translations may not be in the catalogue yet."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import (
    CompanyClaim,
    Deal,
    Event,
    EventAttendance,
    ExchangeForward,
    JoinRequest,
    LicenceRequest,
    Listing,
    OpenLicenceAcceptance,
    OpenLicenceDeclaration,
    Organisation,
)
from tests.conftest import PASSWORD, Ref, csrf_token, post

NOW = datetime.now(UTC)
TODAY = date.today()


def section(page: str, key: str) -> str:
    """The text of one section of the work page (empty when the page has no such section)."""
    found = re.search(rf'<section[^>]*id="work-{key}".*?</section>', page, re.S)
    return html.unescape(found.group(0)) if found else ""


def count_of(page: str, key: str) -> int:
    found = re.search(rf'id="work-{key}"[^>]*data-count="(\d+)"', page)
    assert found, f"no section {key}"
    return int(found.group(1))


def work_page(client, auth, user: Ref) -> str:
    """Log in as ``user``: the login lands on the work page, which is returned."""
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/work"
    page = client.get("/work")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def add(app, *rows) -> list[int]:
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def request_row(listing: Ref, sme: Ref, days_ago: int, status: str = "submitted") -> LicenceRequest:
    at = NOW - timedelta(days=days_ago)
    return LicenceRequest(listing_id=listing.id, enterprise_id=sme.org_id, created_by_id=sme.id, mode="ordinary",
                          status=status, created_at=at, status_changed_at=at)


def deal_row(centre: Ref, licensee_id: int, due: date, status: str = "not_filed") -> Deal:
    return Deal(licensor_id=centre.id, licensee_id=licensee_id, kind="licence", licence_type="ordinary",
                effective_date=due - timedelta(days=90), recordal_status=status, recordal_due=due)


def exchange_id(app, code: str = "stex") -> int:
    with app.app_context():
        return db.session.scalar(db.select(Organisation.id).where(Organisation.code == code))


# ---------------------------------------------------------------- who lands where

def test_the_work_page_asks_to_log_in(client):
    response = client.get("/work")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_next_still_wins_over_the_work_page(client, sme_user):
    token = csrf_token(client, "/login")
    response = client.post("/login?next=/requests/", data={"email": sme_user.email, "password": PASSWORD,
                                                           "csrf_token": token})
    assert response.headers["Location"] == "/requests/"


def test_the_work_link_comes_first_in_the_navigation(client, auth, centre_staff):
    page = work_page(client, auth, centre_staff)
    nav = page[page.index('<ul class="navbar-nav me-auto">'):]
    links = re.findall(r'id="nav-([a-z-]+)"', nav)
    assert links[0] == "work"
    assert re.search(r'id="nav-work"[^>]*aria-current="page"', nav)


def test_registration_lands_on_the_work_page(client, app):
    from tests.test_auth import register

    response = register(client, app)
    assert response.headers["Location"] == "/work"
    page = client.get("/work").get_data(as_text=True)
    assert 'id="work-requests"' in page and 'id="size-class"' in page


# ---------------------------------------------------------------- centre

@pytest.fixture
def two_centres(app, make, centre, sme_user, other_sme):
    """The centre's and another centre's listings, each with requests, deals, forwards and a draft."""
    other = make.org("centre", code="renji-ip", name_zh="另一医院知识产权运营中心")
    mine = make.listing(centre, [make.patent(centre)], title="我方支架许可")
    theirs = make.listing(other, [make.patent(other)], title="他方导管许可")
    make.listing(centre, [make.patent(centre)], title="我方草稿许可", publish=False)
    make.listing(other, [make.patent(other)], title="他方草稿许可", publish=False)
    stex = exchange_id(app)
    requests = add(app, request_row(mine, sme_user, 2), request_row(mine, other_sme, 9),
                   request_row(mine, sme_user, 30, "agreed"), request_row(theirs, sme_user, 20))
    deals = add(app, deal_row(centre, sme_user.org_id, TODAY - timedelta(days=3)),  # overdue
                deal_row(centre, other_sme.org_id, TODAY + timedelta(days=10)),  # due soon
                deal_row(centre, sme_user.org_id, TODAY + timedelta(days=80)),  # not yet
                deal_row(centre, sme_user.org_id, TODAY - timedelta(days=3), "filed"),  # done
                deal_row(Ref(id=other.id), sme_user.org_id, TODAY - timedelta(days=3)))  # another centre's
    forwards = add(app, ExchangeForward(exchange_id=stex, centre_id=centre.id, deal_id=deals[0]),
                   ExchangeForward(exchange_id=stex, centre_id=centre.id, deal_id=deals[1], status="concluded"),
                   ExchangeForward(exchange_id=stex, centre_id=other.id, deal_id=deals[4]))
    return {"requests": requests, "deals": deals, "forwards": forwards}


def test_centre_work_page(client, auth, centre_staff, two_centres):
    page = work_page(client, auth, centre_staff)
    requests, deals = two_centres["requests"], two_centres["deals"]

    waiting = section(page, "requests")
    assert count_of(page, "requests") == 2  # the agreed one waits for nobody; the other centre's is not ours
    assert f"#{requests[1]} 我方支架许可" in waiting and f"#{requests[0]} 我方支架许可" in waiting
    assert waiting.index(f"#{requests[1]} ") < waiting.index(f"#{requests[0]} ")  # oldest first
    assert "他方导管许可" not in page
    assert 'href="/requests/?status=open"' in waiting

    recordal = section(page, "recordals")
    assert count_of(page, "recordals") == 2
    assert f"/deals/{deals[0]}" in recordal and f"/deals/{deals[1]}" in recordal
    assert recordal.index(f"/deals/{deals[0]}") < recordal.index(f"/deals/{deals[1]}")  # overdue first
    assert all(f"/deals/{d}" not in recordal for d in deals[2:])
    assert 'href="/deals/recordal"' in recordal

    forwards = section(page, "forwards")
    assert count_of(page, "forwards") == 1 and f"/deals/{deals[0]}" in forwards

    drafts = section(page, "drafts")
    assert count_of(page, "drafts") == 1 and "我方草稿许可" in drafts and "他方草稿许可" not in page

    targets = section(page, "targets")
    assert targets.count("<progress") == 9 and 'href="/metrics/centre"' in targets


def test_another_centre_sees_only_its_own(client, auth, make, two_centres):
    with make.app.app_context():
        other_id = db.session.scalar(db.select(Organisation.id).where(Organisation.code == "renji-ip"))
    staff = make.user("centre_staff", org=Ref(id=other_id), email="staff@renji.example.cn")
    page = work_page(client, auth, staff)
    assert "我方" not in page
    assert count_of(page, "requests") == 1 and "他方导管许可" in section(page, "requests")
    assert count_of(page, "recordals") == 1 and f"/deals/{two_centres['deals'][4]}" in section(page, "recordals")
    assert count_of(page, "drafts") == 1


def test_an_empty_section_says_nothing_waits_and_lists_are_bounded(client, auth, app, make, centre, centre_staff,
                                                                   sme_user):
    page = work_page(client, auth, centre_staff)
    for key in ("requests", "recordals", "forwards", "drafts"):
        assert count_of(page, key) == 0
        assert 'class="text-muted mb-0 work-empty"' in section(page, key)
    listing = make.listing(centre, [make.patent(centre)])
    add(app, *(request_row(listing, sme_user, n) for n in range(1, 14)))
    waiting = section(client.get("/work").get_data(as_text=True), "requests")
    assert waiting.count('class="list-group-item px-0 work-item"') == 10
    assert 'data-more="3"' in waiting  # says how many more there are


# ---------------------------------------------------------------- enterprise

def test_enterprise_work_page(client, auth, app, make, centre, sme_user, other_sme):
    patent = make.patent(centre)
    listing = make.listing(centre, [patent], title="留置针固定装置许可")
    other_listing = make.listing(centre, [make.patent(centre)], title="他企申请的许可")
    mine = add(app, request_row(listing, sme_user, 5, "negotiating"), request_row(listing, sme_user, 1, "declined"))
    add(app, request_row(other_listing, other_sme, 1))
    with app.app_context():
        declaration = OpenLicenceDeclaration(patent_id=patent.id, fee_method="lump_sum", term_end=date(2030, 12, 31),
                                             announced_on=date(2024, 1, 2))
        db.session.add(declaration)
        db.session.flush()
        db.session.add(OpenLicenceAcceptance(
            declaration_id=declaration.id, patent_id=patent.id, request_id=mine[0], enterprise_id=sme_user.org_id,
            user_id=sme_user.id, notice_number="OL2024-000042", effective_date=date(2024, 3, 1), fee_method="lump_sum",
            term_end=date(2030, 12, 31), licensee_name="测试企业"))
        db.session.commit()
    page = work_page(client, auth, sme_user)

    requests = section(page, "requests")
    assert count_of(page, "requests") == 2
    assert f"/requests/{mine[0]}" in requests and f"/requests/{mine[1]}" in requests
    assert "他企申请的许可" not in requests  # another company's request (the listing itself is public and new)
    assert "OL2024-000042" in section(page, "notices") and count_of(page, "notices") == 1

    assert "留置针固定装置许可" in section(page, "new-listings")  # published within the last two weeks


def test_new_listings_are_those_since_the_last_visit(client, auth, app, make, centre, sme_user):
    make.listing(centre, [make.patent(centre)], title="上次来过之前的许可")
    work_page(client, auth, sme_user)  # the first visit: the browser keeps when it was
    assert "上次来过之前的许可" in section(client.get("/work").get_data(as_text=True), "new-listings")  # same session
    auth.logout()
    with app.app_context():  # the earlier listing came out a minute before that visit
        db.session.execute(db.update(Listing).values(published_at=NOW - timedelta(minutes=1)))
        db.session.commit()
    later = make.listing(centre, [make.patent(centre)], title="之后发布的许可")
    with app.app_context():
        db.session.get(Listing, later.id).published_at = datetime.now(UTC) + timedelta(minutes=1)
        db.session.commit()
    new = section(work_page(client, auth, sme_user), "new-listings")
    assert "之后发布的许可" in new and "上次来过之前的许可" not in new


# ---------------------------------------------------------------- organiser

def event_row(organiser_id: int, title: str, days: int) -> Event:
    start = NOW + timedelta(days=days)
    return Event(kind="matchmaking", title=title, starts_at=start, ends_at=start + timedelta(hours=3),
                 place="示例路 1 号", organiser_id=organiser_id)


def test_organiser_work_page(client, auth, app, make, organiser, sme_user):
    other = make.user("organiser", email="other.organiser@example.cn")
    ids = add(app, event_row(organiser.org_id, "下月对接会", 30), event_row(organiser.org_id, "上月对接会", -30),
              event_row(organiser.org_id, "有记录的往期路演", -40), event_row(other.org_id, "他方对接会", 10),
              event_row(other.org_id, "他方往期活动", -10))
    add(app, EventAttendance(event_id=ids[2], organisation_id=sme_user.org_id, headcount=3))
    page = work_page(client, auth, organiser)
    assert count_of(page, "upcoming") == 1 and "下月对接会" in section(page, "upcoming")
    past = section(page, "no-outcomes")
    assert count_of(page, "no-outcomes") == 1 and "上月对接会" in past and f"/events/{ids[1]}/edit" in past
    assert "有记录的往期路演" not in page and "他方" not in page


# ---------------------------------------------------------------- exchange operator

def test_exchange_operator_sees_new_forwards_to_its_exchange(client, auth, app, make, centre, sme_user):
    stex, sipe = exchange_id(app, "stex"), exchange_id(app, "sipe")
    deals = add(app, *(deal_row(centre, sme_user.org_id, TODAY) for _ in range(3)))
    forwards = add(app, ExchangeForward(exchange_id=stex, centre_id=centre.id, deal_id=deals[0]),
                   ExchangeForward(exchange_id=stex, centre_id=centre.id, deal_id=deals[1], status="received"),
                   ExchangeForward(exchange_id=sipe, centre_id=centre.id, deal_id=deals[2]))
    operator = make.user("exchange_operator", org=Ref(id=stex), email="operator@stex.example.cn")
    page = work_page(client, auth, operator)
    new = section(page, "forwards")
    assert count_of(page, "forwards") == 1
    assert f"/exchange/{forwards[0]}" in new and f"/exchange/{forwards[1]}" not in page
    assert f"/exchange/{forwards[2]}" not in page


# ---------------------------------------------------------------- site administrator

def test_admin_sees_what_waits_for_a_decision(client, auth, app, make, admin, sme_user):
    company = make.org("enterprise", code="waiting-co", name_zh="待核验医疗器械有限公司")
    verified = make.org("enterprise", code="checked-co", name_zh="已核验医疗器械有限公司", verified=True)
    join, claim = add(app, JoinRequest(organisation_id=company.id, email="joiner@example.cn", password_hash="x"),
                      CompanyClaim(organisation_id=verified.id, email="claimant@example.cn", password_hash="x",
                                   company={}, statement="营业执照附后。" * 3, evidence_filename="a.pdf",
                                   evidence_type="application/pdf", evidence_size=4, evidence=b"%PDF"))
    add(app, JoinRequest(organisation_id=company.id, email="decided@example.cn", password_hash="x",
                         decided_at=NOW, approved=False))
    page = work_page(client, auth, admin)
    joins = section(page, "joins")
    assert count_of(page, "joins") == 1 and "joiner@example.cn" in joins and "decided@example.cn" not in page
    assert f'action="/account/joins/{join}/approve"' in joins and 'name="csrf_token"' in joins
    assert "data-confirm=" in joins  # declining asks first
    assert count_of(page, "claims") == 1 and "claimant@example.cn" in section(page, "claims")
    unverified = section(page, "unverified")
    assert "待核验医疗器械有限公司" in unverified and "已核验医疗器械有限公司" not in unverified

    response = client.post(f"/account/joins/{join}/approve", data={"csrf_token": csrf_token(client, "/work")})
    assert response.status_code == 302
    assert count_of(client.get("/work").get_data(as_text=True), "joins") == 0


# ---------------------------------------------------------------- home page

def test_home_has_a_search_box_latest_listings_and_linked_centres(client, app, make, centre):
    ordinary = make.listing(centre, [make.patent(centre)], title="最新的普通许可")
    patent = make.patent(centre)
    opened = make.listing(centre, [patent], title="最新的开放许可")
    add(app, OpenLicenceDeclaration(patent_id=patent.id, fee_method="lump_sum", term_end=date(2030, 12, 31),
                                    announced_on=date(2024, 1, 2)))
    make.listing(centre, [make.patent(centre)], title="未发布的草稿", publish=False)
    page = html.unescape(client.get("/").get_data(as_text=True))
    main = page[page.index("<main"):]
    form = re.search(r'<form[^>]*id="home-search".*?</form>', main, re.S).group(0)
    assert 'action="/search"' in form and 'name="q"' in form and 'type="submit"' in form
    latest = re.search(r'id="latest-listings".*?</ul>', main, re.S).group(0)
    assert f'href="/listings/{ordinary.id}"' in latest and f'href="/listings/{opened.id}"' in latest
    assert "未发布的草稿" not in page
    open_list = re.search(r'id="open-licence-listings".*?</ul>', main, re.S).group(0)
    assert f'href="/listings/{opened.id}"' in open_list and f'href="/listings/{ordinary.id}"' not in open_list
    centres = re.search(r'id="centres".*?</ul>', main, re.S).group(0)
    assert 'href="/centres/ruijin-ip"' in centres and "示例医院知识产权运营中心" in centres
    assert client.get("/centres/ruijin-ip").status_code == 200


def test_home_headings_do_not_skip_a_level(client, make, centre):
    make.listing(centre, [make.patent(centre)])
    page = client.get("/").get_data(as_text=True)
    main = page[page.index("<main"):]
    levels = [int(n) for n in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


# ---------------------------------------------------------------- flask demo --accounts

def test_demo_accounts_lists_every_account_with_a_new_password_that_works(runner, app):
    from portal.demo import ACCOUNTS
    from tests.test_cli import DEMO_PASSWORD_LINE, flask

    assert flask(runner, app, "demo").exit_code == 0
    first = flask(runner, app, "demo", "--accounts")
    assert first.exit_code == 0, first.output
    shown = {email: (role, password) for role, email, password in DEMO_PASSWORD_LINE.findall(first.output)}
    assert {email: role for email, (role, _p) in shown.items()} == {email: role for email, role, _o in ACCOUNTS}
    assert "demo-ruihe-ip" in first.output and "上海技术交易所" in first.output  # each one's organisation
    second = flask(runner, app, "demo", "--accounts")
    again = {email: password for _r, email, password in DEMO_PASSWORD_LINE.findall(second.output)}
    assert all(again[email] != shown[email][1] for email in shown)  # new ones every time

    for email, password in again.items():
        client = app.test_client()
        response = post(client, "/login", {"email": email, "password": password})
        assert response.status_code == 302 and response.headers["Location"] == "/work", email
        assert client.get("/work").status_code == 200
    stale = app.test_client()
    assert post(stale, "/login", {"email": "admin@demo.portal.local",
                                  "password": shown["admin@demo.portal.local"][1]}).status_code == 401


def test_demo_accounts_without_a_demo_says_so(runner, app):
    from tests.test_cli import flask, refused

    assert "flask --app portal demo" in refused(flask(runner, app, "demo", "--accounts"))
