"""Background loops ride out faults: an episode of failures is logged once, waited out with a
growing backoff, reported, and ended by the first pass that succeeds; the loop never exits."""

from __future__ import annotations

import errno
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from portal import indexing
from portal.extensions import db
from portal.indexing import log, registry
from portal.indexing.cli import Follower
from portal.models import SearchChange, SearchIndexState
from portal.worker import FIRST_WAIT, MAX_WAIT, run_forever
from search import SearchQuery


def _flaky(failures: list[BaseException], result: float = 0.25):
    def step() -> float:
        if failures:
            raise failures.pop(0)
        return result
    return step


def test_an_episode_is_logged_once_backed_off_and_reported(caplog):
    waits, reports = [], []
    outage = [OperationalError("SELECT 1", {}, Exception("server closed the connection")) for _ in range(9)]
    with caplog.at_level(logging.DEBUG, logger="portal.worker"):
        run_forever(_flaky(outage), "test loop", on_error=lambda message, at: reports.append(message),
                    sleep=waits.append, passes=11)
    assert waits[:9] == [min(MAX_WAIT, FIRST_WAIT * 2 ** n) for n in range(9)]
    assert waits[9:] == [0.25, 0.25]
    assert len(reports) == 1 and reports[0].startswith("OperationalError")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "test loop failed" in errors[0].getMessage()
    recovered = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(recovered) == 1 and "recovered after 9 failed attempt(s)" in recovered[0].getMessage()


def test_a_report_that_fails_is_made_after_recovery():
    attempts, reports = [], []

    def on_error(message, at):
        attempts.append(message)
        if len(attempts) == 1:
            raise OperationalError("UPDATE", {}, Exception("the database is down too"))
        reports.append((message, at))

    run_forever(_flaky([OSError(errno.ENOSPC, "No space left on device")]), "test loop", on_error=on_error,
                sleep=lambda seconds: None, passes=2)
    assert len(reports) == 1 and "No space left on device" in reports[0][0]


def test_only_a_signal_stops_the_loop():
    with pytest.raises(KeyboardInterrupt):
        run_forever(_flaky([KeyboardInterrupt()]), "test loop", sleep=lambda seconds: None, passes=3)


def test_the_index_writer_waits_out_a_full_disk_and_reports_it(app, make, centre, monkeypatch, runner):
    listing = make.listing(centre, [make.patent(centre)], title="可降解支架")
    with app.app_context():
        index = indexing.get_index()
        follower = Follower(index, batch=100, interval=0.0)
        real_apply, calls = index.apply, []

        def full_disk(*args, **kwargs):
            calls.append(1)
            if len(calls) <= 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_apply(*args, **kwargs)

        monkeypatch.setattr(index, "apply", full_disk)
        run_forever(follower.step, "search index writer", sleep=lambda seconds: None, passes=6,
                    on_error=lambda message, at: indexing.report_error(message, at, index))
        assert indexing.verify().ok
        assert str(listing.id) in index.search(SearchQuery()).ids
        row = db.session.scalars(db.select(SearchIndexState)).one()
        assert "No space left on device" in row.last_error and row.error_at is not None
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0, result.output
    assert "No space left on device" in result.output and "lag 0 row(s)" in result.output


def test_the_log_is_pruned_below_every_live_index(app, make, centre, runner):
    listing = make.listing(centre, [make.patent(centre)])
    with app.app_context():
        app.config.update(SEARCH_LOG_RETENTION_SECONDS=3600, SEARCH_INDEX_SILENT_SECONDS=86400)
        indexing.apply_pending()
        old = datetime.now(UTC) - timedelta(hours=2)
        positions = []
        for _ in range(5):  # one transaction each: five positions on PostgreSQL too
            change = SearchChange(listing_id=listing.id, created_at=old)
            db.session.add(change)
            db.session.commit()
            positions.append(change.txid if log.on_postgresql() else change.id)
        indexing.apply_pending()
        # A second index on another machine, live but behind: it holds the log back.
        mark = indexing.get_index().last_applied_id()
        behind = positions[1]
        db.session.add(SearchIndexState(name="other", host="app2", path="/srv/index", mark=behind))
        db.session.commit()
        assert registry.prune() == db.session.scalar(db.select(db.func.count(SearchChange.id))) - 3
        db.session.commit()
        # Silent for longer than the setting: it no longer holds rows back, and must rebuild.
        db.session.get(SearchIndexState, "other").seen_at = datetime.now(UTC) - timedelta(days=2)
        db.session.commit()
        assert registry.prune() == 3
        db.session.commit()
        assert db.session.get(SearchIndexState, "other").rebuild_required
        assert registry.needs_rebuild("other", behind)
        assert not registry.needs_rebuild(registry.index_name(app.config["INDEX_DIR"]), mark)
    result = runner.invoke(args=["search", "status"])
    assert "(silent: not holding the log back) (must rebuild)" in result.output


def test_the_administrator_sees_each_index(app, client, auth, admin, make, centre):
    make.listing(centre, [make.patent(centre)])
    with app.app_context():
        indexing.apply_pending()
        index = indexing.get_index()
        indexing.report_error("OSError: [Errno 28] No space left on device", datetime.now(UTC), index)
    auth.login(admin.email)
    page = client.get("/admin/").get_data(as_text=True)
    section = page[page.index('id="search-indexes"'):]
    assert app.config["INDEX_DIR"] in section and "No space left on device" in section


def test_a_writer_merges_the_small_segments_a_stopped_writer_left(app, make, centre, monkeypatch):
    from portal.indexing import cli
    from search.merging import MAX_SEGMENTS

    with app.app_context():
        index = indexing.get_index()
        for i in range(MAX_SEGMENTS + 2):  # commits without a merge, as a writer stopped in a burst leaves them
            make.listing(centre, [make.patent(centre, make.number())], title=f"支架 {i}")
            indexing.apply_pending(index, merge=False)
        assert index.segment_count() > MAX_SEGMENTS
        monkeypatch.setattr(cli, "QUIET_SECONDS", 0.0)
        follower = Follower(index, batch=100, interval=0.0)
        follower.step()  # nothing new to apply; quiet: the segments are merged
        assert index.segment_count() <= MAX_SEGMENTS
        assert indexing.verify().ok
