"""Fixtures in the flaskr shape: app, client, runner, auth, and role fixtures.

Every test gets a fresh database and a fresh index directory. With PORTAL_TEST_DATABASE_URL set
(CI does), the suite runs on that PostgreSQL database: the schema is created once per session
and every table is emptied before each test; otherwise each test gets its own SQLite file, a
copy of one built once per session. On PostgreSQL, the tests of ``search/`` and ``rules/``, which
never open a database, are left out: the SQLite run has them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text

from portal import create_app
from portal.config import TestConfig, sqlalchemy_url
from portal.extensions import db

# The app makes calendar dates Shanghai dates (portal.configure_timezone); do the same before any
# test module computes a module-level date, or tests run between 16:00 and 24:00 UTC disagree.
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

# Deterministic property tests, and no per-example deadline: CI machines are shared and slow.
settings.register_profile("portal", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("portal")

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
# Under pytest-xdist (`make test` runs one worker per core), each worker has a database of its own,
# made beside the given one ("<name>_gw0", …) and dropped when the worker's session ends.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
PASSWORD = "violet-harbour-lantern"
# Whether the PostgreSQL schema is built. Kept in one object shared by every import of this file:
# pytest imports it as ``conftest`` and test modules as ``tests.conftest``, two module objects.
_SCHEMA = sys.modules.setdefault("_portal_test_schema", types.SimpleNamespace(ready=False))

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Tests of the packages that never touch a database: run once, on the SQLite run.
DATABASE_FREE = ("search", "rules")


def pytest_collection_modifyitems(config, items) -> None:
    """On PostgreSQL, leave out the database-free packages' tests (the SQLite run has them)."""
    if not PG_URL:
        return
    here = Path(__file__).resolve().parent
    free = [item for item in items if item.path.resolve().relative_to(here).parts[0] in DATABASE_FREE]
    if free:
        config.hook.pytest_deselected(items=free)
        left_out = set(free)
        items[:] = [item for item in items if item not in left_out]


def _worker_database(url: str, worker: str) -> str:
    """Make (afresh) the worker's own database beside ``url`` and return its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_worker_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    own = make_url(url)
    admin = own.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')


if PG_URL and XDIST_WORKER:
    # Once per process: this file is imported twice (as ``conftest`` and as ``tests.conftest``).
    _OWN = sys.modules.setdefault("_portal_test_database", types.SimpleNamespace(url=None))
    _OWN.url = _OWN.url or _worker_database(PG_URL, XDIST_WORKER)
    PG_URL = _OWN.url


def pytest_sessionfinish(session, exitstatus) -> None:
    if PG_URL and XDIST_WORKER:
        _drop_worker_database(PG_URL)


def reset_schema_flag() -> None:
    _SCHEMA.ready = False


def _empty_tables() -> None:
    """Empty every table and restart every sequence. DELETE with the foreign-key triggers off costs
    about 2 ms on tables a test left small; TRUNCATE of ~70 tables costs about 500 ms, which was most
    of a PostgreSQL run. Without the privilege to switch the triggers off, TRUNCATE it is."""
    tables = db.metadata.sorted_tables
    deletes = "\n".join(f'DELETE FROM "{t.name}";' for t in reversed(tables))  # noqa: S608 - our own tables
    script = ("SET LOCAL session_replication_role = replica;\n" + deletes
              + "\nSELECT setval(c.oid::regclass, 1, false) FROM pg_class c WHERE c.relkind = 'S';")
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(script)
    except Exception:  # noqa: BLE001 - not a superuser: the slow, always-allowed way
        names = ", ".join(f'"{t.name}"' for t in tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _prepare_database() -> None:
    if PG_URL:
        if not _SCHEMA.ready:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            db.create_all()
            _SCHEMA.ready = True
        else:
            _empty_tables()
    else:
        db.create_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path | None:
    """A SQLite database with the schema and reference data, built once per session: each test
    starts from a copy of it (creating ~40 tables costs 0.2 s; copying the file, a millisecond)."""
    if PG_URL:
        return None
    instance = tmp_path_factory.mktemp("template") / "instance"
    template = create_app(TestConfig(instance))
    with template.app_context():
        db.create_all()
        from portal.admin.operations import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return instance / "test.sqlite3"


@pytest.fixture
def app(tmp_path, sqlite_template):
    overrides = {"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(PG_URL)} if PG_URL else {}
    config = TestConfig(tmp_path / "instance", **overrides)
    if sqlite_template is not None:
        target = Path(config.SQLALCHEMY_DATABASE_URI.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sqlite_template, target)
    app = create_app(config)
    if sqlite_template is None:
        with app.app_context():
            _prepare_database()
            from portal.admin.operations import ensure_reference_data

            ensure_reference_data()
            db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/") -> str:
    """A real CSRF token for the client's session, read from a rendered form."""
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form the way a browser does: with the session's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs):
        return post(self.client, "/login", {"email": email, "password": password}, **kwargs)

    def logout(self):
        return post(self.client, "/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@dataclass(frozen=True)
class Ref:
    """What a test needs of a created record, detached from any session."""

    id: int
    code: str | None = None
    email: str | None = None
    role: str | None = None
    org_id: int | None = None
    org_code: str | None = None
    password: str = PASSWORD


@dataclass
class Factory:
    """Creates records in their own app context, so no context stays pushed during a test
    (a pushed context would be shared by every request of the test client)."""

    app: object

    def org(self, kind: str = "enterprise", code: str | None = None, **fields) -> Ref:
        from portal.models import Organisation

        with self.app.app_context():
            n = db.session.query(Organisation).count() + 1
            org = Organisation(kind=kind, code=code or f"{kind}-{n}",
                               name_zh=fields.pop("name_zh", f"测试机构{n}"), **fields)
            if kind == "enterprise":
                org.industry = org.industry or "industry"
                org.employees = org.employees if org.employees is not None else 50
                org.size_class = org.size_class or "small"
            db.session.add(org)
            db.session.commit()
            return Ref(id=org.id, code=org.code)

    def user(self, role: str, org: Ref | None = None, email: str | None = None,
             password: str = PASSWORD) -> Ref:
        from portal.models import User

        if org is None:
            kind = {"centre_staff": "centre", "centre_admin": "centre", "sme_member": "enterprise",
                    "organiser": "organiser", "exchange_operator": "exchange",
                    "site_admin": "organiser"}[role]
            org = self.org(kind)
        with self.app.app_context():
            n = db.session.query(User).count() + 1
            user = User(email=email or f"{role.replace('_', '.')}{n}@example.cn", role=role,
                        organisation_id=org.id)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return Ref(id=user.id, email=user.email, role=role, org_id=org.id, org_code=org.code,
                       password=password)


    _serial = 0

    def number(self, kind_digit: str = "1", year: int = 2019) -> str:
        """A fresh valid application number of the given type digit."""
        from portal.rules import application_check_character

        Factory._serial += 1
        body = f"{year}{kind_digit}{Factory._serial:07d}"
        return f"{body}.{application_check_character(body)}"

    def patent(self, centre: Ref, number: str | None = None, *, granted: bool = True, **fields) -> Ref:
        from datetime import date

        from portal.models import Organisation, Patent, PatentCoOwner
        from portal.patents.operations import PatentData, upsert_patent

        number = number or self.number()
        extra = {k: fields.pop(k) for k in ("suspended", "exclusive_licence_until") if k in fields}
        co_owners = fields.pop("co_owners", ())  # (name, consented) pairs
        data = PatentData(application_number=number, title=fields.pop("title", "一种冠状动脉药物洗脱支架"),
                          filing_date=fields.pop("filing_date", date(2019, 3, 1)),
                          legal_status=fields.pop("legal_status", "valid"),
                          grant_date=fields.pop("grant_date", date(2021, 6, 1) if granted else None),
                          abstract=fields.pop("abstract", "本发明公开了一种支架。"),
                          ipc=fields.pop("ipc", ["A61F 2/82"]), **fields)
        with self.app.app_context():
            patent, _ = upsert_patent(db.session.get(Organisation, centre.id), data, actor=None)
            for k, v in extra.items():
                setattr(patent, k, v)
            for name, consented in co_owners:
                patent.co_owners.append(PatentCoOwner(name=name, consent=consented))
            db.session.commit()
            patent = db.session.get(Patent, patent.id)
            return Ref(id=patent.id, code=patent.application_number)

    def listing(self, centre: Ref, patents: list[Ref], *, modes=("ordinary",), publish: bool = True,
                **fields) -> Ref:
        from portal.listings.operations import ListingData, create_listing, publish_listing
        from portal.models import Organisation, Patent

        with self.app.app_context():
            listing = create_listing(
                db.session.get(Organisation, centre.id), [db.session.get(Patent, p.id) for p in patents],
                ListingData(title=fields.pop("title", "冠状动脉支架许可"), modes=list(modes), **fields), actor=None)
            if publish:
                publish_listing(listing, actor=None)
            db.session.commit()
            return Ref(id=listing.id)


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


@pytest.fixture
def admin(make):
    return make.user("site_admin", email="admin@example.cn")


@pytest.fixture
def centre(make):
    return make.org("centre", code="ruijin-ip", name_zh="示例医院知识产权运营中心")


@pytest.fixture
def centre_staff(make, centre):
    return make.user("centre_staff", org=centre, email="staff@ruijin.example.cn")


@pytest.fixture
def other_centre_staff(make):
    return make.user("centre_staff", org=make.org("centre", code="other-ip"), email="staff@other.example.cn")


@pytest.fixture
def sme_user(make):
    return make.user("sme_member", email="sme@company.example.cn")


@pytest.fixture
def other_sme(make):
    return make.user("sme_member", email="other@company2.example.cn")


@pytest.fixture
def organiser(make):
    return make.user("organiser", email="organiser@example.cn")
