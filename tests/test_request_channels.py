"""Where deals come from: the channel a request records from the link that led to it, the listing
view counter, and the funnel per centre and channel (pages and XLSX export)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Deal, LicenceRequest, ListingViewCount, Organisation
from portal.requests.channels import Via
from tests.conftest import post
from tests.test_take_open_licence import open_listing  # noqa: F401, F811  (a fixture)

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
REQUEST = {"mode": "ordinary", "intended_use": "用于心血管器械生产"}


@pytest.fixture
def listing(make, centre):
    return make.listing(centre, [make.patent(centre)], title="可降解冠状动脉支架许可")


def parse_qs_dict(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query.lstrip("?")))


def file_request(client, listing_id: int, query: str = "") -> LicenceRequest:
    # The listing page carries ``via`` on to the form; the form posts back to its own URL.
    page = client.get(f"/listings/{listing_id}{query}").get_data(as_text=True)
    carried = query if "via=" in query and Via.from_args(parse_qs_dict(query)).channel != "direct" else ""
    link = f"/listings/{listing_id}/request{carried}".replace("&", "&amp;")
    assert link in page, [x for x in page.split("\"") if "/request" in x or "login" in x]
    response = post(client, f"/listings/{listing_id}/request{query}", dict(REQUEST))
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def channel_of(app, request_id: int) -> tuple[str, int | None]:
    with app.app_context():
        item = db.session.get(LicenceRequest, request_id)
        return item.channel, item.event_id


@pytest.mark.parametrize("via", ["search", "digest", "need", "recommendation", "direct"])
def test_each_via_is_recorded(client, auth, app, sme_user, listing, via):
    auth.login(sme_user.email)
    request_id = file_request(client, listing.id, f"?via={via}")
    assert channel_of(app, request_id) == (via, None)


@pytest.mark.parametrize("query", ["", "?via=", "?via=facebook", "?via=search%00x", "?via=" + "x" * 5000,
                                   "?via=event&event=99999999999999999999"])
def test_missing_or_unknown_via_is_direct(client, auth, app, sme_user, listing, query):
    auth.login(sme_user.email)
    request_id = file_request(client, listing.id, query) if "event" not in query else None
    if request_id is None:  # an event that does not exist: the channel stays, the event is not named
        response = post(client, f"/listings/{listing.id}/request{query}", dict(REQUEST))
        request_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert channel_of(app, request_id) == ("event", None)
        return
    assert channel_of(app, request_id) == ("direct", None)


def test_event_link_names_the_event(client, auth, app, sme_user, organiser, listing):
    from tests.test_events import make_event

    event_id = make_event(app, organiser.org_id, starts=datetime.now(UTC) - timedelta(days=2),
                          listing_ids=[listing.id], kind="matchmaking")
    auth.login(sme_user.email)
    form = client.get(f"/listings/{listing.id}/request?via=event&event={event_id}").get_data(as_text=True)
    assert f'<option selected value="{event_id}">' in form
    response = post(client, f"/listings/{listing.id}/request?via=event&event={event_id}",
                    {**REQUEST, "event_id": str(event_id)})
    assert channel_of(app, int(response.headers["Location"].rsplit("/", 1)[1])) == ("event", event_id)


def test_naming_an_event_without_a_link_counts_as_event(client, auth, app, sme_user, organiser, listing):
    from tests.test_events import make_event

    event_id = make_event(app, organiser.org_id, starts=datetime.now(UTC) - timedelta(days=2),
                          listing_ids=[listing.id])
    auth.login(sme_user.email)
    response = post(client, f"/listings/{listing.id}/request", {**REQUEST, "event_id": str(event_id)})
    assert channel_of(app, int(response.headers["Location"].rsplit("/", 1)[1])) == ("event", event_id)


def test_search_results_link_with_via_search(client, app, listing):
    from portal.indexing import get_index

    with app.app_context():
        get_index().rebuild_if_needed() if hasattr(get_index(), "rebuild_if_needed") else None
    page = client.get("/search?q=支架").get_data(as_text=True)
    if f"/listings/{listing.id}" in page:  # the index answered: every result carries the channel
        assert f"/listings/{listing.id}?via=search" in page


def test_open_licence_take_records_the_channel(client, auth, app, open_listing, sme_user):  # noqa: F811
    from tests.test_take_open_licence import DETAILS

    auth.login(sme_user.email)
    page = client.get(f"/listings/{open_listing['listing']}?via=digest").get_data(as_text=True)
    url = f"/listings/{open_listing['listing']}/patents/{open_listing['patent']}/take-open-licence?via=digest"
    assert url in page
    assert post(client, url, DETAILS).status_code == 302
    with app.app_context():
        item = db.session.scalar(db.select(LicenceRequest).where(LicenceRequest.mode == "open"))
        assert item.channel == "digest" and item.status == "agreed"


def views(app) -> dict[tuple[int, str], int]:
    with app.app_context():
        return {(r.listing_id, r.channel): r.views for r in db.session.scalars(db.select(ListingViewCount))}


def test_views_are_counted_per_channel_not_bots_head_or_own_staff(client, auth, app, listing, centre_staff,
                                                                   sme_user):
    client.get(f"/listings/{listing.id}")
    client.get(f"/listings/{listing.id}?via=search")
    client.get(f"/listings/{listing.id}?via=search")
    client.head(f"/listings/{listing.id}")
    client.get(f"/listings/{listing.id}", headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    client.get(f"/listings/{listing.id}", headers={"User-Agent": ""})
    auth.login(centre_staff.email)
    client.get(f"/listings/{listing.id}")
    assert views(app) == {(listing.id, "direct"): 1, (listing.id, "search"): 2}


def test_a_counter_failure_never_fails_the_page(client, app, listing, monkeypatch):
    from portal.listings import views_counter

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(views_counter, "upsert_statement", broken)
    response = client.get(f"/listings/{listing.id}")
    assert response.status_code == 200 and "可降解冠状动脉支架许可" in response.get_data(as_text=True)


# ---------------------------------------------------------------- the funnel

@pytest.fixture
def funnel_data(app, make, centre, sme_user, listing):
    """Two centres; requests through search and need in the period, one agreed with a deal; one
    request before the period; views through search and direct."""
    other = make.org("centre", code="renji-ip", name_zh="仁济")
    other_listing = make.listing(other, [make.patent(other)], title="黄疸检测")
    with app.app_context():
        def add(listing_id, channel, status="submitted", when=datetime(2026, 3, 10, 2, tzinfo=UTC)):
            item = LicenceRequest(listing_id=listing_id, enterprise_id=sme_user.org_id, created_by_id=sme_user.id,
                                  mode="ordinary", channel=channel, status=status, created_at=when)
            db.session.add(item)
            db.session.flush()
            return item
        add(listing.id, "search")
        agreed = add(listing.id, "search", "agreed")
        add(listing.id, "need", "agreed")
        add(listing.id, "search", when=datetime(2025, 12, 31, 15, tzinfo=UTC))  # 2025-12-31 23:00 Shanghai
        add(other_listing.id, "direct")
        db.session.add(Deal(listing_id=listing.id, licensor_id=centre.id, licensee_id=sme_user.org_id,
                            kind="licence", licence_type="ordinary", contract_amount_yuan=100000,
                            effective_date=date(2026, 4, 1), licensee_size_class="small",
                            source_request_id=agreed.id, recordal_status="not_filed"))
        for listing_id, channel, day, n in ((listing.id, "search", date(2026, 3, 1), 7),
                                            (listing.id, "direct", date(2026, 3, 2), 3),
                                            (listing.id, "search", date(2025, 12, 31), 50),
                                            (other_listing.id, "direct", date(2026, 3, 2), 4)):
            db.session.add(ListingViewCount(listing_id=listing_id, channel=channel, day=day, views=n))
        db.session.commit()
    return other


def test_funnel_counts_per_channel_and_centre(app, centre, funnel_data):
    from portal.metrics.funnel import funnel

    with app.app_context():
        centres = [db.session.get(Organisation, centre.id), db.session.get(Organisation, funnel_data.id)]
        result = funnel(centres, date(2026, 1, 1), date(2026, 12, 31))
        mine, other = result.centres
        s = mine.channels["search"]
        assert (s.views, s.requests, s.agreements, s.deals) == (7, 2, 1, 1)
        n = mine.channels["need"]
        assert (n.views, n.requests, n.agreements, n.deals) == (0, 1, 1, 0)
        assert (mine.channels["direct"].views, mine.channels["direct"].requests) == (3, 0)
        assert (other.total.views, other.total.requests) == (4, 1)
        assert (result.total.views, result.total.requests, result.total.agreements, result.total.deals) == (14, 4, 2, 1)
        # The request of 2025-12-31 23:00 Shanghai time belongs to 2025, though 2026 in no zone.
        earlier = funnel(centres[:1], date(2025, 12, 31), date(2025, 12, 31))
        assert (earlier.total.views, earlier.total.requests) == (50, 1)


def test_centre_sees_its_funnel_organiser_all(client, auth, centre_staff, organiser, sme_user, other_centre_staff,
                                              funnel_data):
    auth.login(centre_staff.email)
    assert client.get("/metrics/funnel?from=2026-01-01&to=2026-12-31").status_code == 302
    page = client.get("/metrics/centres/ruijin-ip/funnel?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="channel-search"' in html and "by-centre" not in html
    assert client.get("/metrics/centres/renji-ip/funnel").status_code == 403
    assert client.get("/metrics/centres/renji-ip/funnel.xlsx").status_code == 403
    assert client.get("/metrics/funnel.xlsx").status_code == 403
    auth.logout()
    auth.login(sme_user.email)
    assert client.get("/metrics/funnel").status_code == 403
    assert client.get("/metrics/centres/ruijin-ip/funnel").status_code == 403
    auth.logout()
    auth.login(organiser.email)
    html = client.get("/metrics/funnel?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert 'id="centre-ruijin-ip"' in html and 'id="centre-renji-ip"' in html
    response = client.get("/metrics/funnel.xlsx?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:7] == ["运营中心", "代码", "渠道", "浏览次数", "许可申请", "达成一致", "成交"]
    search = next(r for r in rows if r[1] == "ruijin-ip" and r[2] == "站内检索")
    assert search[3:7] == [7, 2, 1, 1]


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=abc", "to=99999-01-01", "from=2026-05-01&to=2026-01-01",
                                   "from=1900-01-01", "from=" + "9" * 400])
def test_bad_period_gets_a_message_not_a_500(client, auth, organiser, query):
    auth.login(organiser.email)
    response = client.get(f"/metrics/funnel?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    assert client.get(f"/metrics/funnel.xlsx?{query}").status_code == 400
