"""A gunicorn worker warms its search caches after the app is loaded (portal/indexing/prewarm.py)."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

from portal import indexing
from portal.indexing.prewarm import prewarm

ROOT = Path(__file__).resolve().parent.parent


def test_prewarm_searches_the_frequent_title_words(app, make, centre):
    make.listing(centre, [make.patent(centre, title="一种冠状动脉药物洗脱支架")], title="冠状动脉支架")
    make.listing(centre, [make.patent(centre, make.number("2"), title="一种康复外骨骼")], title="康复外骨骼支架")
    with app.app_context():
        indexing.apply_pending()
        words = indexing.get_index().frequent_words("title", 3)
    assert "支架" in words
    assert prewarm(app, terms=3) == 3
    assert prewarm(app, terms=0) == 0
    app.config["SEARCH_PREWARM_TERMS"] = 0
    assert prewarm(app) == 0  # the setting turns it off


def test_prewarm_serves_a_page_of_api_items(app, make, centre):
    listing = make.listing(centre, [make.patent(centre, title="一种冠状动脉药物洗脱支架")], title="冠状动脉支架")
    with app.app_context():
        indexing.apply_pending()
    cache = app.extensions["api_item_cache"]
    builds = cache.builds
    assert prewarm(app, terms=3) >= 1
    assert cache.builds == builds + 1  # the listing's item, built (and its statements compiled) once
    with app.test_request_context():
        from portal.listings import items

        assert [item["id"] for item in items.published_items([listing.id])] == [listing.id]
    assert cache.builds == builds + 1


def test_a_failing_prewarm_never_stops_the_worker(app, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(indexing, "get_index", broken)
    assert prewarm(app, terms=5) == 0
    assert "prewarming the search index" in caplog.text


def test_gunicorn_runs_it_in_each_worker(app, monkeypatch):
    called = []
    monkeypatch.setattr("portal.indexing.prewarm.prewarm", lambda a: called.append(a))
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))
    hooks["post_worker_init"](SimpleNamespace(wsgi=lambda environ, start: []))  # not a Flask app: left alone
    assert called == [app]
