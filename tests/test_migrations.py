"""The migrations build exactly the schema the models describe, and can be undone.

These tests start from an empty database of their own (the ``app`` fixture would create the
tables with ``create_all``). On PostgreSQL they empty the shared test database's public schema,
and make the next test recreate it.
"""

from __future__ import annotations

import logging
from pprint import pformat

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from portal import config as portal_config
from portal import create_app
from portal.extensions import db
from portal.models import EXCHANGE_BASES, Organisation
from tests.conftest import PG_URL, reset_schema_flag

# Flask-Migrate's stock env.py tries the deprecated db.get_engine() before db.engine.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

MIGRATIONS = portal_config.ROOT / "migrations"
VERSION_TABLE = "alembic_version"


def _logging_state():
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    return ([(lg, lg.disabled, lg.level) for lg in loggers if isinstance(lg, logging.Logger)],
            logging.root.level, list(logging.root.handlers))


def _restore_logging(state) -> None:
    """Alembic's env.py runs logging.config.fileConfig, which disables every logger already
    created (the app's included) and replaces the root handlers: undo that for later tests."""
    loggers, root_level, root_handlers = state
    for lg, disabled, level in loggers:
        lg.disabled, lg.level = disabled, level
    logging.root.setLevel(root_level)
    for handler in list(logging.root.handlers):
        if handler not in root_handlers:
            logging.root.removeHandler(handler)
            handler.close()
    for handler in root_handlers:
        if handler not in logging.root.handlers:
            logging.root.addHandler(handler)


@pytest.fixture
def empty_app(tmp_path):
    """An app on an empty database: no tables at all."""
    overrides = {"SQLALCHEMY_DATABASE_URI": portal_config.sqlalchemy_url(PG_URL)} if PG_URL else {}
    app = create_app(portal_config.TestConfig(tmp_path / "inst", **overrides))
    state = _logging_state()
    if PG_URL:
        reset_schema_flag()  # the schema is about to go: whatever happens, the next test rebuilds it
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
    try:
        yield app
    finally:
        _restore_logging(state)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if PG_URL:
            reset_schema_flag()


def schema_differences() -> list:
    """What autogenerate would put in a new migration: empty when migrations and models agree."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def exchange_bases() -> list[tuple[str, str, str | None]]:
    rows = db.session.execute(
        db.select(Organisation.code, Organisation.name_zh, Organisation.name_en)
        .where(Organisation.kind == "exchange").order_by(Organisation.code))
    return [tuple(row) for row in rows]


EXPECTED_BASES = sorted((b["code"], b["name_zh"], b["name_en"]) for b in EXCHANGE_BASES)


def script_directory() -> ScriptDirectory:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_migrations_have_a_single_head():
    heads = script_directory().get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: merge them (flask db merge heads)"


def test_upgrade_on_an_empty_database_matches_the_models(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    with empty_app.app_context():
        assert tables() == {t.name for t in db.metadata.sorted_tables} | {VERSION_TABLE}
        head = script_directory().get_current_head()
        assert current_revision() == head
        differences = schema_differences()
        assert differences == [], (
            "the migrations do not build the schema the models describe; "
            "run `flask db migrate` and review the result:\n" + pformat(differences))
        assert exchange_bases() == EXPECTED_BASES


def test_upgraded_schema_accepts_the_app(empty_app):
    """The app works on a migrated database: seeding is idempotent, registration succeeds."""
    with empty_app.app_context():
        flask_migrate.upgrade()
        from portal.admin.operations import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        assert exchange_bases() == EXPECTED_BASES  # not duplicated by the seeding
    client = empty_app.test_client()
    from tests.test_auth import register

    response = register(client, empty_app)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_downgrade_to_base_and_upgrade_again(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        db.session.remove()
        assert tables() - {VERSION_TABLE} == set()
        assert current_revision() is None

        flask_migrate.upgrade()
        assert schema_differences() == []
        assert exchange_bases() == EXPECTED_BASES  # seeded exactly once again


def test_every_revision_downgrades_one_step(empty_app):
    """Walk down one revision at a time from head, then back up: each step's downgrade works."""
    revisions = list(script_directory().walk_revisions())  # head first
    with empty_app.app_context():
        flask_migrate.upgrade()
        for revision in revisions:
            flask_migrate.downgrade(revision="-1")
            db.session.remove()
            assert current_revision() == revision.down_revision, revision.revision
        assert tables() - {VERSION_TABLE} == set()
        flask_migrate.upgrade()
        assert schema_differences() == []


CO_OWNERS_REVISION = "cecdb277984e"


def _insert_patent(conn, number: str, centre_id: int, co_owned: bool, consent: bool) -> None:
    conn.execute(text(
        "INSERT INTO patents (application_number, kind, centre_id, title, abstract, filing_date, legal_status, "
        "inventors, patentee, pct, pledged, pledgee_consent, annual_fees_paid, suspended, co_owned, "
        "co_owners_consent, extension_days, created_at, updated_at) VALUES (:number, 'invention', :centre, 't', '', "
        "'2019-03-01', 'valid', '', '', :no, :no, :no, :yes, :no, :co_owned, :consent, 0, :now, :now)"),
        {"number": number, "centre": centre_id, "no": False, "yes": True, "co_owned": co_owned, "consent": consent,
         "now": "2024-01-01 00:00:00"})


def test_co_owner_consents_survive_the_migration_both_ways(empty_app):
    """Each patent marked co-owned becomes one placeholder co-owner with the old consent; the downgrade
    folds the co-owner rows back into the two yes/no columns."""
    before = script_directory().get_revision(CO_OWNERS_REVISION).down_revision
    with empty_app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (kind, code, name_zh, is_example, created_at) "
                              "VALUES ('centre', 'c', '中心', :no, :now)"), {"no": False, "now": "2024-01-01"})
            centre_id = conn.execute(text("SELECT id FROM organisations WHERE code = 'c'")).scalar_one()
            for number, co_owned, consent in [("A", False, False), ("B", True, False), ("C", True, True),
                                              ("D", False, True)]:
                _insert_patent(conn, number, centre_id, co_owned, consent)
        flask_migrate.upgrade(revision=CO_OWNERS_REVISION)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT p.application_number, o.consent, o.name FROM patent_co_owners o "
                                     "JOIN patents p ON p.id = o.patent_id ORDER BY p.application_number")).all()
            assert [(number, bool(consent)) for number, consent, _name in rows] == [("B", False), ("C", True)]
            assert all(name for *_rest, name in rows)
            assert "co_owned" not in {c["name"] for c in inspect(conn).get_columns("patents")}
            # C gains a second co-owner who has not consented: the downgrade must not report consent.
            c_id = conn.execute(text("SELECT id FROM patents WHERE application_number = 'C'")).scalar_one()
            conn.execute(text("INSERT INTO patent_co_owners (patent_id, name, consent, reference) "
                              "VALUES (:p, '乙大学', :no, '')"), {"p": c_id, "no": False})
            conn.commit()
        flask_migrate.downgrade(revision=before)
        db.session.remove()
        with db.engine.connect() as conn:
            flags = conn.execute(text("SELECT application_number, co_owned, co_owners_consent FROM patents "
                                      "ORDER BY application_number")).all()
        assert [(n, bool(a), bool(b)) for n, a, b in flags] == [
            ("A", False, False), ("B", True, False), ("C", True, False), ("D", False, False)]
