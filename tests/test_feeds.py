"""RSS and Atom feeds: valid documents, stable ids, filters, hostile text, HTTP caching, discovery."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import feedparser
import pytest
from sqlalchemy import event

from portal import indexing
from portal.extensions import db
from portal.feeds import serialize, views
from portal.models import Listing, Patent
from tests.conftest import post

ATOM = "{http://www.w3.org/2005/Atom}"
TAG = "tag:portal.local,2026:listing/{}"
TERMS = {"fee_method": "lump_sum", "fee_amount_yuan": "50000", "royalty_rate_pct": "",
         "term_end": "2030-12-31", "announced_on": date.today().isoformat(), "cnipa_reference": ""}


def xml_root(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own output, parsed to check it


def get_feed(client, url: str, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    kind = "atom" if ".atom" in url else "rss"
    assert response.content_type == f"application/{kind}+xml; charset=utf-8"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    (check_atom if kind == "atom" else check_rss)(response.data)
    return response, parsed


def check_atom(body: bytes) -> None:
    """RFC 4287's required elements, which feedparser does not check."""
    root = xml_root(body)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), f"feed has no {name}"
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published", "summary"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip() or name == "title", f"entry has no {name}"
        assert entry.find(f"{ATOM}title") is not None
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("http")
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        for name in ("updated", "published"):
            assert datetime.fromisoformat(entry.findtext(f"{ATOM}{name}")).utcoffset().total_seconds() == 0


def check_rss(body: bytes) -> None:
    """RSS 2.0's required channel and item elements."""
    root = xml_root(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), f"channel has no {name}"
    assert channel.findtext("language") == "zh-CN"
    for item in channel.findall("item"):
        for name in ("link", "guid", "pubDate", "description"):
            assert (item.findtext(name) or "").strip(), f"item has no {name}"
        assert item.find("title") is not None
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.findtext("pubDate").endswith("+0000")


def atom_ids(client, url: str) -> list[str]:
    _, parsed = get_feed(client, url)
    return [e.id for e in parsed.entries]


def ids_of(*refs) -> list[str]:
    return [TAG.format(r.id) for r in refs]


def apply_index(app) -> None:
    with app.app_context():
        indexing.apply_pending()


@pytest.fixture
def catalogue(app, make, centre):
    """Three listings over two centres: fields, modes, IPC subclasses and one open licence."""
    other = make.org("centre", code="renji-ip", name_zh="仁济医院知识产权运营中心")
    stent = make.listing(centre, [make.patent(centre, title="一种可降解冠状动脉支架", ipc=["A61F 2/82"])],
                         title="可降解冠状动脉支架", modes=("ordinary", "assignment"), field="medical_devices")
    robot = make.listing(centre, [make.patent(centre, title="腹腔镜手术机器人", ipc=["A61B 34/30"])],
                         title="腹腔镜手术机器人", modes=("exclusive",), field="surgery")
    ct_patent = make.patent(other, title="肺部CT图像分割方法", abstract="卷积神经网络自动分割肺结节。",
                            ipc=["G06T 7/11"])
    ct = make.listing(other, [ct_patent], title="CT图像分割", modes=("ordinary",), field="imaging")
    apply_index(app)
    return {"stent": stent, "robot": robot, "ct": ct, "ct_patent": ct_patent, "other": other}


def declare_open_licence(client, auth, staff_email: str, patent_id: int) -> None:
    auth.login(staff_email)
    assert post(client, f"/manage/patents/{patent_id}/open-licence", TERMS).status_code == 302
    auth.logout()


# ---------------------------------------------------------------- documents

FEED_URLS = [
    "/feeds/listings.atom", "/feeds/listings.rss", "/feeds/centres/ruijin-ip.atom", "/feeds/centres/renji-ip.rss",
    "/feeds/listings.atom?field=surgery", "/feeds/listings.rss?mode=ordinary&ipc=g06t",
    "/feeds/listings.atom?q=支架", "/feeds/listings.rss?q=CT", "/feeds/listings.atom?open=1",
    "/feeds/listings.atom?kind=invention&field=ivd",  # empty, still valid
]


@pytest.mark.parametrize("url", FEED_URLS)
def test_every_feed_is_valid(client, catalogue, url):
    get_feed(client, url)


def test_entry_content(client, auth, app, catalogue, centre_staff):
    stent = catalogue["stent"]
    _, parsed = get_feed(client, "/feeds/listings.atom")
    assert parsed.feed.language == "zh-CN"
    assert parsed.feed.title.startswith("上海医疗卫生专利许可对接平台")
    entry = next(e for e in parsed.entries if e.id == TAG.format(stent.id))
    assert entry.title == "可降解冠状动脉支架"
    assert entry.link == f"http://localhost/listings/{stent.id}"
    assert "本发明公开了一种支架。" in entry.summary
    assert "普通许可" in entry.summary and "转让" in entry.summary and "面议" in entry.summary
    assert entry.author == "示例医院知识产权运营中心"
    terms = {t.term for t in entry.tags}
    assert {"medical_devices", "A61F", "ordinary", "assignment"} <= terms
    assert "医疗器械" in {t.label for t in entry.tags}
    assert entry.published_parsed and entry.updated_parsed
    with app.app_context():
        row = db.session.get(Listing, stent.id)
        assert datetime.fromisoformat(entry.published) == row.published_at
    # open-licence terms appear in the summary once declared
    declare_open_licence(client, auth, centre_staff.email, db_patent_of(app, stent.id))
    _, parsed = get_feed(client, "/feeds/listings.rss")
    item = next(e for e in parsed.entries if e.id == TAG.format(stent.id))
    assert "一次性支付" in item.summary and "50,000.00" in item.summary and "2030-12-31" in item.summary
    assert "open" in {t.term for t in next(e for e in get_feed(client, "/feeds/listings.atom")[1].entries
                                          if e.id == TAG.format(stent.id)).tags}


def db_patent_of(app, listing_id: int) -> int:
    with app.app_context():
        return db.session.get(Listing, listing_id).patents[0].id


def test_entries_newest_first_and_capped(client, make, centre, monkeypatch):
    monkeypatch.setattr(views, "FEED_SIZE", 2)
    refs = [make.listing(centre, [make.patent(centre)], title=f"许可 {i}") for i in range(3)]
    assert atom_ids(client, "/feeds/listings.atom") == ids_of(refs[2], refs[1])


def test_feed_updated_comes_from_the_newest_entry(client, app, make, centre):
    _, parsed = get_feed(client, "/feeds/listings.atom")
    assert parsed.feed.updated == serialize.EMPTY_FEED_UPDATED.isoformat()  # empty: a fixed instant
    a = make.listing(centre, [make.patent(centre)])
    response, parsed = get_feed(client, "/feeds/listings.atom")
    with app.app_context():
        newest = max(e.updated for e in [serialize.listing_entry(db.session.get(Listing, a.id), site())])
    assert parsed.feed.updated == newest.isoformat() == parsed.entries[0].updated
    assert response.last_modified == newest.replace(microsecond=0)


def site() -> serialize.Site:
    return serialize.Site("portal.local", lambda i: f"http://x/listings/{i}", lambda c: f"http://x/centres/{c}")


# ---------------------------------------------------------------- ids

def test_ids_are_stable_across_renders_edits_and_hosts(client, auth, app, make, centre, centre_staff):
    listing = make.listing(centre, [make.patent(centre)], title="冠状动脉支架许可")
    first, parsed = get_feed(client, "/feeds/listings.atom")
    assert [e.id for e in parsed.entries] == ids_of(listing)
    _, rss = get_feed(client, "/feeds/listings.rss")
    assert [e.id for e in rss.entries] == ids_of(listing)  # the RSS guid is the same tag URI
    app.extensions["feed_cache"].clear()  # a real second render, as another worker would do it
    second = client.get("/feeds/listings.atom")
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]

    auth.login(centre_staff.email)
    response = post(client, f"/manage/listings/{listing.id}/edit", {
        "title": "冠状动脉支架许可（新标题）", "modes": ["ordinary", "sole"], "field": "medical_devices",
        "maturity": "", "price_yuan": "120000", "scenarios": "", "advantages": "", "contact_name": "",
        "contact_email": "", "contact_phone": ""})
    assert response.status_code == 302
    auth.logout()
    edited, parsed = get_feed(client, "/feeds/listings.atom")
    assert [e.id for e in parsed.entries] == ids_of(listing)
    assert parsed.entries[0].title == "冠状动脉支架许可（新标题）"
    assert "120,000.00" in parsed.entries[0].summary
    assert edited.headers["ETag"] != first.headers["ETag"]
    # asked under another Host: ids stay, and links stay on PORTAL_BASE_URL — a cached feed must
    # not carry whatever host a client sent
    _, elsewhere = get_feed(client, "/feeds/listings.atom", base_url="https://evil.example")
    assert [e.id for e in elsewhere.entries] == ids_of(listing)
    assert elsewhere.entries[0].link == f"http://localhost/listings/{listing.id}"


def test_tag_authority_is_configurable(tmp_path, make, centre):
    from portal import create_app
    from portal.config import TestConfig
    from tests.conftest import Factory

    app = create_app(TestConfig(tmp_path / "other", FEED_TAG_AUTHORITY="ip.example.cn"))
    with app.app_context():
        db.create_all()
    maker = Factory(app)
    org = maker.org("centre", code="ruijin-ip")
    listing = maker.listing(org, [maker.patent(org)])
    assert atom_ids(app.test_client(), "/feeds/listings.atom") == [f"tag:ip.example.cn,2026:listing/{listing.id}"]
    with app.app_context():
        db.engine.dispose()


# ---------------------------------------------------------------- filters

@pytest.mark.parametrize(("query", "expected"), [
    ("", ["ct", "robot", "stent"]),
    ("centre=ruijin-ip", ["robot", "stent"]),
    ("centre=RENJI-IP", ["ct"]),
    ("field=surgery", ["robot"]),
    ("mode=ordinary", ["ct", "stent"]),
    ("mode=exclusive&centre=ruijin-ip", ["robot"]),
    ("ipc=a61f", ["stent"]),
    ("ipc=G06T", ["ct"]),
    ("kind=invention", ["ct", "robot", "stent"]),
    ("kind=design", []),
    ("q=冠状动脉", ["stent"]),
    ("q=肺结节", ["ct"]),
    ("q=支架&centre=renji-ip", []),
    ("page=7&per_page=1&sort=expiry", ["ct", "robot", "stent"]),  # paging and sort do not apply to feeds
])
def test_filters_select_the_right_entries(client, catalogue, query, expected):
    assert atom_ids(client, f"/feeds/listings.atom?{query}") == ids_of(*(catalogue[k] for k in expected))


def test_open_licence_filter_and_centre_feeds(client, auth, app, catalogue, make):
    staff = make.user("centre_staff", org=catalogue["other"])
    assert atom_ids(client, "/feeds/listings.atom?open=1") == []
    declare_open_licence(client, auth, staff.email, catalogue["ct_patent"].id)
    assert atom_ids(client, "/feeds/listings.atom?open=1") == ids_of(catalogue["ct"])
    assert atom_ids(client, "/feeds/listings.atom?mode=open") == ids_of(catalogue["ct"])
    assert atom_ids(client, "/feeds/centres/ruijin-ip.atom") == ids_of(catalogue["robot"], catalogue["stent"])
    assert atom_ids(client, "/feeds/centres/ruijin-ip.atom?field=surgery") == ids_of(catalogue["robot"])
    assert atom_ids(client, "/feeds/centres/ruijin-ip.atom?centre=renji-ip") == ids_of(catalogue["robot"],
                                                                                       catalogue["stent"])
    _, parsed = get_feed(client, "/feeds/centres/renji-ip.rss")
    assert "仁济医院知识产权运营中心" in parsed.feed.title
    assert parsed.feed.link == "http://localhost/centres/renji-ip"


@pytest.mark.parametrize("query", ["kind=robot", "mode=lease", "field=astrology", "ipc=nonsense", "centre=nowhere",
                                   "ipc=A61B&kind=robot"])
def test_bad_filters_get_400_in_plain_text(client, catalogue, query):
    for fmt in ("atom", "rss"):
        response = client.get(f"/feeds/listings.{fmt}?{query}")
        assert response.status_code == 400
        assert response.content_type == "text/plain; charset=utf-8"
        text = response.get_data(as_text=True)
        assert query.split("=")[-1][:6] in text or "IPC" in text.upper()
        assert "/feeds/" in text  # points to the help page


def test_unknown_centre_feed_is_404(client):
    assert client.get("/feeds/centres/nowhere.atom").status_code == 404
    assert client.get("/feeds/listings.json").status_code == 404


# ---------------------------------------------------------------- hostile text

HOSTILE = "<b>\"引号\" & 'apostrophes' \x01支架\x0b</b> ]]> &amp;"


def test_hostile_title_survives_both_formats(client, make, centre):
    # (NUL stays out: PostgreSQL refuses it in text; the serializer test below covers it)
    patent = make.patent(centre, title=HOSTILE, abstract="摘要\x1f<script>x</script>")
    listing = make.listing(centre, [patent], title=HOSTILE)
    expected = "<b>\"引号\" & 'apostrophes' 支架</b> ]]> &amp;"
    for url in ("/feeds/listings.atom", "/feeds/listings.rss"):
        response, parsed = get_feed(client, url)
        assert parsed.entries[0].title == expected
        assert parsed.entries[0].id == TAG.format(listing.id)
        assert "<script>" not in parsed.entries[0].summary
        assert b"\x01" not in response.data and b"\x0b" not in response.data


def test_serializer_drops_what_xml_cannot_carry():
    assert serialize.clean("a\x00b\x01c\x08\x0b\x0c\x1fd\te\nf\rg\ud800h\udfffi\ufffej\uffffk😀") == \
        "abcd\te\nf\rghijk😀"
    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    entry = serialize.Entry(id="tag:portal.local,2026:listing/1", title=serialize.clean("x\ud800<&>\x7f"),
                            link="http://x/listings/1", summary_html="<p>y</p>", author="中心", author_uri=None,
                            categories=(), published=when, updated=when)
    info = serialize.FeedInfo(id="tag:portal.local,2026:feed/listings", title="t\x02", subtitle="s",
                              self_url="http://x/feeds/listings.atom", html_url="http://x/listings", author="a")
    for fmt in serialize.FORMATS:
        body = serialize.render(fmt, info, [entry])
        parsed = feedparser.parse(body)
        assert not parsed.bozo and parsed.entries[0].title == "x<&>\x7f"
        assert body == serialize.render(fmt, info, [entry])  # pure: same input, same bytes


# ---------------------------------------------------------------- HTTP

def test_conditional_requests_get_304(client, make, centre):
    make.listing(centre, [make.patent(centre)])
    first = client.get("/feeds/listings.atom")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)  # strong: no W/
    assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    again = client.get("/feeds/listings.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    since = client.get("/feeds/listings.atom", headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    assert client.get("/feeds/listings.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    earlier = client.get("/feeds/listings.atom", headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert earlier.status_code == 200
    # If-None-Match wins over If-Modified-Since
    both = client.get("/feeds/listings.atom", headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified})
    assert both.status_code == 200
    rss = client.get("/feeds/listings.rss")
    assert rss.headers["ETag"] != etag
    assert client.get("/feeds/listings.rss", headers={"If-None-Match": rss.headers["ETag"]}).status_code == 304


def test_etag_changes_after_a_new_listing(client, make, centre):
    make.listing(centre, [make.patent(centre)])
    etag = client.get("/feeds/listings.atom").headers["ETag"]
    newer = make.listing(centre, [make.patent(centre)], title="新的许可信息")
    response = client.get("/feeds/listings.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert TAG.format(newer.id).encode() in response.data


def test_feed_ignores_the_visitors_language(client, make, centre):
    make.listing(centre, [make.patent(centre)])
    chinese = client.get("/feeds/listings.rss")
    post(client, "/language", {"lang": "en", "next": "/"})
    english = client.get("/feeds/listings.rss")
    assert english.data == chinese.data and english.headers["ETag"] == chinese.headers["ETag"]


def test_withdrawn_listing_leaves_every_feed(client, auth, app, make, centre, centre_staff):
    keep = make.listing(centre, [make.patent(centre)], title="保留的许可")
    gone = make.listing(centre, [make.patent(centre)], title="将撤回的许可")
    with app.app_context():  # both published long ago, so the later withdrawal is a later second
        old = datetime(2025, 1, 1, tzinfo=UTC)
        for row in db.session.scalars(db.select(Listing)):
            row.published_at = row.updated_at = old
        for patent in db.session.scalars(db.select(Patent)):
            patent.updated_at = old
        db.session.commit()
    apply_index(app)
    urls = ["/feeds/listings.atom", "/feeds/listings.rss", "/feeds/centres/ruijin-ip.atom",
            "/feeds/listings.atom?q=许可"]
    before = {url: client.get(url) for url in urls}
    assert before[urls[0]].headers["Last-Modified"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert all(TAG.format(gone.id).encode() in r.data for r in before.values())
    auth.login(centre_staff.email)
    assert post(client, f"/manage/listings/{gone.id}/withdraw", {"reason": "已与企业达成意向"}).status_code == 302
    auth.logout()
    for url in urls:
        response = client.get(url, headers={"If-Modified-Since": before[url].headers["Last-Modified"]})
        assert response.status_code == 200, url  # the feed changed although its newest entry did not
        assert TAG.format(gone.id).encode() not in response.data
        assert TAG.format(keep.id).encode() in response.data
        assert [e.id for e in feedparser.parse(response.data).entries] == ids_of(keep)


# ---------------------------------------------------------------- the cache

@pytest.fixture
def render_calls(monkeypatch):
    """Spy on the serializer: counts renders and lets each one through."""
    calls = []
    real = serialize.render

    def spy(fmt, info, entries):
        calls.append(fmt)
        return real(fmt, info, entries)

    monkeypatch.setattr(serialize, "render", spy)
    return calls


@pytest.fixture
def statements(app):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_unchanged_feed_is_not_rebuilt(client, app, make, centre, render_calls, statements):
    make.listing(centre, [make.patent(centre)])
    first = client.get("/feeds/listings.atom?field=other")
    assert render_calls == ["atom"]
    statements.clear()
    second = client.get("/feeds/listings.atom?field=other")
    assert second.data == first.data and render_calls == ["atom"]
    assert len(statements) == 1 and "search_changes" in statements[0]  # one small query decides
    assert client.get("/feeds/listings.atom?field=other", headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 304
    assert render_calls == ["atom"]
    client.get("/feeds/listings.rss?field=other")  # another format is another feed
    assert render_calls == ["atom", "rss"]
    make.listing(centre, [make.patent(centre)])  # a change in the log: rebuilt once, then cached again
    client.get("/feeds/listings.atom?field=other")
    client.get("/feeds/listings.atom?field=other")
    assert render_calls == ["atom", "rss", "atom"]
    cache = app.extensions["feed_cache"]
    assert cache.builds == 3 and cache.hits == 3


def test_saved_search_feed_follows_the_index(client, app, make, centre, render_calls):
    now = [0.0]
    app.extensions["feed_index_mark"].clock = lambda: now[0]
    first = make.listing(centre, [make.patent(centre)], title="冠状动脉支架")
    apply_index(app)
    assert atom_ids(client, "/feeds/listings.atom?q=支架") == ids_of(first)
    second = make.listing(centre, [make.patent(centre)], title="外周血管支架")
    # the change is committed but the index has not applied it yet: rebuilt, still without it
    assert atom_ids(client, "/feeds/listings.atom?q=支架") == ids_of(first)
    apply_index(app)  # the index caught up …
    assert atom_ids(client, "/feeds/listings.atom?q=支架") == ids_of(first)  # … seen within a second
    now[0] += 1.0
    assert atom_ids(client, "/feeds/listings.atom?q=支架") == ids_of(second, first)  # stale feed rebuilt
    calls = len(render_calls)
    atom_ids(client, "/feeds/listings.atom?q=%20支架%20")  # the same search, normalised
    assert len(render_calls) == calls


def test_cache_key_normalises_filters(client, make, centre, render_calls):
    make.listing(centre, [make.patent(centre, ipc=["A61B 17/00"])])
    for query in ("ipc=A61B&centre=ruijin-ip", "centre=RUIJIN-IP&ipc=a61b", "ipc=a61b&centre=ruijin-ip&page=2"):
        client.get(f"/feeds/listings.atom?{query}")
    assert render_calls == ["atom"]


# ---------------------------------------------------------------- discovery

def alternates(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" type="(application/(?:atom|rss)\+xml)"[^>]*href="([^"]+)"', page)


def test_pages_link_their_feeds(client, catalogue):
    stent = catalogue["stent"]
    pages = {
        "/listings?field=medical_devices": "/feeds/listings.atom?field=medical_devices",
        "/centres/ruijin-ip": "/feeds/centres/ruijin-ip.atom",
        f"/listings/{stent.id}": "/feeds/centres/ruijin-ip.atom",
        "/search?q=支架&mode=ordinary&open=1": "/feeds/listings.atom?mode=ordinary&amp;open=1&amp;q=",
    }
    for page_url, feed_url in pages.items():
        page = client.get(page_url).get_data(as_text=True)
        links = alternates(page)
        assert [t for t, _ in links] == ["application/atom+xml", "application/rss+xml"], page_url
        assert links[0][1].startswith(feed_url), (page_url, links)
        assert 'class="small mb-3 feed-subscribe"' in page and 'href="/feeds/"' in page
        for _, href in links:  # every advertised feed works
            get_feed(client, href.replace("&amp;", "&"))
    search = client.get("/search?q=支架&mode=ordinary").get_data(as_text=True)
    subscribe = re.search(r'feed-subscribe">\s*<a[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', search)
    assert "q=%E6%94%AF%E6%9E%B6" in subscribe.group(1) and "mode=ordinary" in subscribe.group(1)
    assert subscribe.group(2).strip() != ""


def test_help_page(client, catalogue):
    response = client.get("/feeds/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "http://localhost/feeds/listings.atom" in page and "http://localhost/feeds/listings.rss" in page
    assert "/feeds/centres/renji-ip.atom" in page and "/feeds/centres/ruijin-ip.rss" in page
    for name in ("centre", "field", "kind", "mode", "open", "ipc", "q"):
        assert f"<code>{name}</code>" in page
    assert alternates(page)
