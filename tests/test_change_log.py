"""The change log cannot skip a commit: on PostgreSQL ids are handed out at insert, not at commit,
so a transaction holding a lower id can commit after one holding a higher id (portal/indexing/log.py).

Two real connections commit out of id order around a writer run, for a withdrawal and for a
publication; a long import transaction runs beside concurrent edits. ``verify`` must be clean.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from portal import indexing
from portal.extensions import db
from portal.indexing import log
from portal.models import Listing, Organisation, SearchChange
from search import SearchQuery
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="late commits happen on PostgreSQL (SQLite serialises writers)")


def _change(session: Session, listing_id: int, status: str) -> int:
    """Change a listing's status the way an operation does: the row and its change-log row together.
    Returns the change-log row's id."""
    listing = session.get(Listing, listing_id)
    listing.status = status
    if status == "published":
        listing.published_at = datetime.now(UTC)
    change = SearchChange(listing_id=listing_id)
    session.add(change)
    session.flush()
    return change.id


def _found(listing_id: int) -> bool:
    return str(listing_id) in indexing.get_index().search(SearchQuery(per_page=100)).ids


@pytest.mark.parametrize("late", ["withdrawal", "publication"])
def test_a_commit_after_a_later_id_still_reaches_the_index(app, make, centre, late):
    shown = make.listing(centre, [make.patent(centre)], title="可降解支架")
    draft = make.listing(centre, [make.patent(centre)], title="超声导管", publish=False)
    with app.app_context():
        indexing.apply_pending()
        first, second = (shown.id, "withdrawn"), (draft.id, "published")
        if late == "publication":
            first, second = second, first
        with db.engine.connect() as conn_a, db.engine.connect() as conn_b:
            a, b = Session(bind=conn_a), Session(bind=conn_b)
            row_a = _change(a, *first)  # takes id n …
            row_b = _change(b, *second)  # … and this one n + 1
            b.commit()
            assert row_a < row_b  # and they commit out of order
            indexing.apply_pending()  # the writer runs between the two commits
            db.session.rollback()
            a.commit()
        indexing.apply_pending()
        assert indexing.verify().ok
        assert not _found(shown.id) and _found(draft.id)


def test_a_long_import_beside_edits(app, make, centre, centre_staff):
    """An import holds its transaction open while edits commit and the writer runs; both reach
    the index, and nothing waits for the import."""
    others = [make.listing(centre, [make.patent(centre)], title=f"导管{i}型", publish=False) for i in range(6)]
    numbers = [make.number() for _ in range(60)]
    csv = "application_number,title,filing_date,legal_status,grant_date\n" + "".join(
        f"{n},一种康复外骨骼{i}型,2019-03-01,valid,2021-06-01\n" for i, n in enumerate(numbers))
    importing, release, done = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def run_import() -> None:
        from portal.patents.importer import import_patents

        try:
            with app.app_context():
                report = import_patents(db.session.get(Organisation, centre.id), csv.encode(), "p.csv",
                                        publish_mode="ordinary")
                assert report.errors == 0, report.rows
                importing.set()
                release.wait(60)  # the transaction stays open meanwhile
                db.session.commit()
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            importing.set()
        finally:
            done.set()

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert importing.wait(120) and not failures
        with app.app_context():
            for ref in others:
                _change(db.session, ref.id, "published")
                db.session.commit()
                indexing.apply_pending()  # edits are searchable at once, the import still open
                assert _found(ref.id)
    finally:
        release.set()
        thread.join(120)
    assert done.is_set() and not failures, failures
    with app.app_context():
        indexing.apply_pending()
        report = indexing.verify()
        assert report.ok, report
        ids = indexing.get_index().search(SearchQuery(text=numbers[-1], per_page=5)).ids
        assert len(ids) == 1


def test_the_mark_is_a_position_below_every_open_transaction(app, make, centre):
    make.listing(centre, [make.patent(centre)])
    with app.app_context(), db.engine.connect() as conn:
        indexing.apply_pending()
        other = Session(bind=conn)
        _change(other, make.listing(centre, [make.patent(centre)], publish=False).id, "published")
        txid = other.scalar(db.select(SearchChange.txid).order_by(SearchChange.id.desc()).limit(1))
        assert log.horizon() < txid
        indexing.apply_pending()
        assert indexing.get_index().last_applied_id() < txid
        other.rollback()
