"""Listing views are kept per process and written together (portal/listings/views_counter.py, issue 18):
none is lost when the batch is written, when the funnel is read, or when the process exits."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.models import ListingViewCount


@pytest.fixture
def listing(make, centre):
    return make.listing(centre, [make.patent(centre)], title="可降解冠状动脉支架许可")


@pytest.fixture
def batched(app):
    app.config.update(VIEW_COUNT_FLUSH_VIEWS=5, VIEW_COUNT_FLUSH_SECONDS=3600)
    yield app
    from portal.listings.views_counter import pending_views

    pending_views(app).take()  # nothing left for the timer or the exit


def stored(app) -> dict[tuple[int, str], int]:
    with app.app_context():
        return {(r.listing_id, r.channel): r.views for r in db.session.scalars(db.select(ListingViewCount))}


def test_views_wait_then_are_written_together(batched, client, listing):
    app = batched
    for _ in range(3):
        client.get(f"/listings/{listing.id}?via=search")
    client.get(f"/listings/{listing.id}")
    assert stored(app) == {}  # four views waiting in this process
    client.get(f"/listings/{listing.id}?via=search")  # the fifth: written now, in one statement
    assert stored(app) == {(listing.id, "search"): 4, (listing.id, "direct"): 1}
    for _ in range(5):
        client.get(f"/listings/{listing.id}")
    assert stored(app) == {(listing.id, "search"): 4, (listing.id, "direct"): 6}  # added to the rows


def test_views_are_written_when_the_oldest_has_waited(batched, client, listing):
    app = batched
    client.get(f"/listings/{listing.id}")
    assert stored(app) == {}
    app.config["VIEW_COUNT_FLUSH_SECONDS"] = 0
    client.get(f"/listings/{listing.id}")
    assert stored(app) == {(listing.id, "direct"): 2}


def test_the_funnel_reads_this_process_views(batched, client, centre, listing):
    from portal.metrics.funnel import funnel
    from portal.models import Organisation

    client.get(f"/listings/{listing.id}?via=search")
    client.get(f"/listings/{listing.id}?via=search")
    with batched.app_context():
        result = funnel([db.session.get(Organisation, centre.id)], date(2020, 1, 1), date(2100, 1, 1))
        assert result.centres[0].channels["search"].views == 2


def test_views_waiting_are_written_at_exit(batched, client, listing):
    from portal.listings.views_counter import flush_all

    client.get(f"/listings/{listing.id}")
    client.get(f"/listings/{listing.id}?via=search")
    assert stored(batched) == {}
    flush_all()  # what atexit (and gunicorn's worker_exit) runs
    assert stored(batched) == {(listing.id, "direct"): 1, (listing.id, "search"): 1}


def test_the_timer_writes_views_when_no_request_comes(batched, client, listing):
    import time

    batched.config["VIEW_COUNT_FLUSH_SECONDS"] = 0.05
    client.get(f"/listings/{listing.id}")
    for _ in range(200):  # the timer's thread writes them; wait for it (at most 10 s)
        if stored(batched):
            break
        time.sleep(0.05)
    assert stored(batched) == {(listing.id, "direct"): 1}


def test_a_batch_that_cannot_be_written_never_fails_a_page(batched, client, listing, monkeypatch):
    from portal.listings import views_counter

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(views_counter, "upsert_statement", broken)
    for _ in range(5):
        assert client.get(f"/listings/{listing.id}").status_code == 200
    assert len(views_counter.pending_views(batched)) == 0  # logged and forgotten
