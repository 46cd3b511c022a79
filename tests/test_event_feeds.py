"""The matchmaking events feed: valid documents, entry content, the window, stable ids, hostile
text, HTTP caching and invalidation, discovery."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from portal.extensions import db
from portal.feeds import events as events_feed
from portal.feeds import serialize
from portal.models import Event
from tests.conftest import post
from tests.test_events import FORM, make_event
from tests.test_feeds import alternates, get_feed

TAG = "tag:portal.local,2026:event/{}"
URLS = ("/feeds/events.atom", "/feeds/events.rss")


def ids(client, url: str = "/feeds/events.atom") -> list[str]:
    _, parsed = get_feed(client, url)
    return [e.id for e in parsed.entries]


def tags(*event_ids: int) -> list[str]:
    return [TAG.format(i) for i in event_ids]


def ago(**delta) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


@pytest.fixture
def render_calls(monkeypatch):
    calls = []
    real = serialize.render

    def spy(fmt, info, entries):
        calls.append(fmt)
        return real(fmt, info, entries)

    monkeypatch.setattr(serialize, "render", spy)
    return calls


# ---------------------------------------------------------------- documents and entries

@pytest.mark.parametrize("url", URLS)
def test_events_feeds_are_valid_even_empty(client, app, organiser, centre, url):
    get_feed(client, url)  # empty, still valid
    make_event(app, organiser.org_id, starts=ago(days=-3), online_url="https://live.example.org/fair")
    make_event(app, centre.id, starts=ago(days=10), kind="training", notes="第一行\n第二行")
    _, parsed = get_feed(client, url)
    assert len(parsed.entries) == 2


def test_entry_content(client, app, organiser, centre):
    event_id = make_event(app, centre.id, starts=datetime(2030, 5, 10, 6, 0, tzinfo=UTC), title="心血管器械专利对接会",
                          kind="matchmaking", place="徐汇区示例路 100 号", online_url="https://live.example.org/fair",
                          notes="现场交流")
    for url in URLS:
        _, parsed = get_feed(client, url)
        [entry] = parsed.entries
        assert entry.id == TAG.format(event_id)
        assert entry.title == "心血管器械专利对接会"
        assert entry.link == f"http://localhost/events/{event_id}"
        assert entry.author == "示例医院知识产权运营中心"
        summary = entry.summary
        assert "2030-05-10 14:00–17:00" in summary  # Shanghai time, one date for a one-day event
        assert "徐汇区示例路 100 号" in summary and 'href="https://live.example.org/fair"' in summary
        assert "示例医院知识产权运营中心" in summary and "现场交流" in summary
        with app.app_context():
            label = str(serialize.EVENT_KIND_LABELS["matchmaking"])
        assert label in summary
        # category = kind: Atom has the term and its label, RSS 2.0 only the label
        assert [(t.term, t.get("label") or t.term) for t in entry.tags] == [
            ("matchmaking" if url.endswith("atom") else label, label)]
        assert entry.published_parsed
    _, parsed = get_feed(client, URLS[0])
    with app.app_context():
        row = db.session.get(Event, event_id)
        assert datetime.fromisoformat(parsed.entries[0].published) == row.created_at
        assert datetime.fromisoformat(parsed.entries[0].updated) == row.updated_at
    assert parsed.feed.link == "http://localhost/events"
    assert parsed.feed.language == "zh-CN"


def test_upcoming_and_recent_only_newest_announced_first_capped(client, app, organiser, monkeypatch):
    upcoming = make_event(app, organiser.org_id, starts=ago(days=-30), title="下月路演")
    recent = make_event(app, organiser.org_id, starts=ago(days=80), title="八十天前")
    make_event(app, organiser.org_id, starts=ago(days=100), title="一百天前")  # over for more than 90 days
    running = make_event(app, organiser.org_id, starts=ago(hours=1), title="进行中")
    assert ids(client) == tags(running, recent, upcoming)
    monkeypatch.setattr(events_feed, "FEED_SIZE", 2)
    app.extensions["feed_cache"].clear()
    assert ids(client) == tags(running, recent)


# ---------------------------------------------------------------- ids

def test_ids_are_stable_across_renders_edits_and_hosts(client, auth, app, organiser):
    auth.login(organiser.email)
    response = post(client, "/events/new", FORM)
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    auth.logout()
    first, parsed = get_feed(client, URLS[0])
    assert [e.id for e in parsed.entries] == tags(event_id)
    assert ids(client, URLS[1]) == tags(event_id)  # the RSS guid is the same tag URI
    app.extensions["feed_cache"].clear()  # a real second render, as another worker would do it
    second = client.get(URLS[0])
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]

    auth.login(organiser.email)
    assert post(client, f"/events/{event_id}/edit", {**FORM, "title": "心血管器械专利对接会（改期）",
                                                     "starts_at": "2030-05-11T09:00",
                                                     "ends_at": "2030-05-11T12:00"}).status_code == 302
    auth.logout()
    edited, parsed = get_feed(client, URLS[0])  # the cache saw the edit
    assert [e.id for e in parsed.entries] == tags(event_id)
    assert parsed.entries[0].title == "心血管器械专利对接会（改期）"
    assert "2030-05-11 09:00–12:00" in parsed.entries[0].summary
    assert edited.headers["ETag"] != first.headers["ETag"]
    assert parsed.entries[0].updated > parsed.entries[0].published
    _, elsewhere = get_feed(client, URLS[0], base_url="https://evil.example")
    assert [e.id for e in elsewhere.entries] == tags(event_id)
    assert elsewhere.entries[0].link == f"http://localhost/events/{event_id}"  # PORTAL_BASE_URL, not the Host


# ---------------------------------------------------------------- hostile text

def test_hostile_title_survives_both_formats(client, app, organiser):
    hostile = "<b>\"引号\" & 'apostrophes' \x01对接会\x0b</b> ]]> &amp;"
    event_id = make_event(app, organiser.org_id, starts=ago(days=-3), title=hostile,
                          place="<i>会场</i>\x1f", notes="<script>alert(1)</script>\x02")
    for url in URLS:
        response, parsed = get_feed(client, url)
        assert parsed.entries[0].title == "<b>\"引号\" & 'apostrophes' 对接会</b> ]]> &amp;"
        assert parsed.entries[0].id == TAG.format(event_id)
        assert "<script>" not in parsed.entries[0].summary and "<i>" not in parsed.entries[0].summary
        assert b"\x01" not in response.data and b"\x0b" not in response.data and b"\x1f" not in response.data


# ---------------------------------------------------------------- HTTP and the cache

def test_conditional_requests_get_304(client, app, organiser):
    make_event(app, organiser.org_id, starts=ago(days=-3))
    for url in URLS:
        first = client.get(url)
        etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
        assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_cache_follows_the_events(client, app, organiser, render_calls):
    event_id = make_event(app, organiser.org_id, starts=ago(days=-3), title="路演一")
    etag = client.get(URLS[0]).headers["ETag"]
    assert client.get(URLS[0], headers={"If-None-Match": etag}).status_code == 304
    assert render_calls == ["atom"]  # served from the cache
    newer = make_event(app, organiser.org_id, starts=ago(days=-5), title="路演二")
    response = client.get(URLS[0], headers={"If-None-Match": etag})
    assert response.status_code == 200 and TAG.format(newer).encode() in response.data
    assert render_calls == ["atom", "atom"]

    from portal.events.operations import EventData, update_event

    with app.app_context():  # an edit committed straight through the operation
        event = db.session.get(Event, event_id)
        update_event(event, EventData(kind=event.kind, title="路演一（新地点）", starts_at=event.starts_at,
                                      ends_at=event.ends_at, place="张江会议中心"), actor=None)
        db.session.commit()
    assert "路演一（新地点）" in client.get(URLS[0]).get_data(as_text=True)
    client.get(URLS[0])
    assert render_calls == ["atom", "atom", "atom"]


def test_an_event_leaving_the_window_changes_the_feed(client, app, organiser, monkeypatch):
    keep = make_event(app, organiser.org_id, starts=ago(days=-3))
    leaving = make_event(app, organiser.org_id, starts=ago(days=89))
    with app.app_context():  # announced long ago, so only the departure can move the feed's date
        for row in db.session.scalars(db.select(Event)):
            row.created_at = row.updated_at = datetime(2025, 1, 1, tzinfo=UTC)
        db.session.commit()
    before = client.get(URLS[0])
    assert ids(client) == tags(leaving, keep)  # same announcement time: the higher id first

    real = events_feed.datetime

    class Later(real):
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + timedelta(days=3)

    monkeypatch.setattr(events_feed, "datetime", Later)
    response = client.get(URLS[0], headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert response.status_code == 200
    assert [e.id for e in feedparser.parse(response.data).entries] == tags(keep)
    assert response.last_modified > before.last_modified


# ---------------------------------------------------------------- discovery

def test_events_page_links_its_feed(client, app, organiser):
    make_event(app, organiser.org_id, starts=ago(days=-3))
    page = client.get("/events").get_data(as_text=True)
    links = alternates(page)
    assert links == [("application/atom+xml", "/feeds/events.atom"), ("application/rss+xml", "/feeds/events.rss")]
    assert 'class="small mb-3 feed-subscribe"' in page and 'href="/feeds/"' in page
    assert re.search(r'feed-subscribe">\s*<a[^>]*href="/feeds/events.atom"', page)
    for _, href in links:
        get_feed(client, href)
    help_page = client.get("/feeds/").get_data(as_text=True)
    assert "http://localhost/feeds/events.atom" in help_page and "http://localhost/feeds/events.rss" in help_page
