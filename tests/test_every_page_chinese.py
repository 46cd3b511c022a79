"""Every page, every role, both languages (issue 16, item 5): one app with the demo data; each demo
account logs in and opens every page — each GET route of the app that takes no argument, and, for
each route that takes an object, one object of that kind from the demo data the account may open —
in Chinese and in English. A Chinese page may hold no untranslated English in what a reader sees or
hears (text, placeholders, titles, labels for screen readers), allowing proper names, codes,
numbers, e-mail addresses, web addresses, units and the acronyms the programme itself uses. No page
answers with a server error in either language.

The pages are found from the app's URL map, so a page added later is checked without a change here.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from werkzeug.routing import Rule

from portal import config as portal_config
from portal import create_app
from portal.extensions import db
from tests.conftest import CSRF_RE, PASSWORD, PG_URL, _prepare_database
from tests.test_chinese_throughout import EMAIL, LATIN

# Acronyms, units, formats and names a Chinese page may show as they are.
ALLOWED = {
    "IPC", "PCT", "CNIPA", "SME", "API", "RSS", "Atom", "XLSX", "xlsx", "DOCX", "docx", "CSV", "csv", "JSON",
    "PDF", "JPEG", "PNG", "ICS", "ics",
    "iCalendar", "UTF", "GBK", "Excel", "KB", "MB", "URL", "HTTP", "HTTPS", "http", "https", "ID", "IP", "OK",
    "English", "Ctrl", "Mac", "ZL", "CN", "WO", "pdf", "YYYY-MM-DD", "YYYY", "MM", "DD", "CT", "MRI", "Word",
}
# The example organisation code the forms' help texts use.
NAMES = {"ruijin-ip"}
# On the import pages the stored codes a file may hold are documented as they are typed.
IMPORT_PAGES = re.compile(r"import|legal-status")

# Endpoints that are not pages: files, feeds, machine answers (their own tests check them).
NOT_PAGES = re.compile(r"\.(csv|xlsx|ics|json|pdf|xml|atom|rss|txt)$|/api/|/feeds?/|/static/|robots|sitemap")
# Endpoints with a side effect on GET or that never answer a page for a signed-in user.
SKIP_ENDPOINTS = {"static", "auth.logout"}

# Route arguments and the table whose ids (or codes) fill them.
ARGUMENTS = {
    "listing_id": "listings", "patent_id": "patents", "deal_id": "deals", "request_id": "licence_requests",
    "event_id": "events", "acceptance_id": "open_licence_acceptances", "declaration_id": "open_licence_declarations",
    "user_id": "users", "forward_id": "exchange_forwards", "job_id": "import_jobs", "org_id": "organisations",
    "organisation_id": "organisations", "claim_id": "company_claims", "registration_id": "pending_registrations",
    "code": "organisations.code", "number": "patents.application_number",
}
TRIES = 4  # objects tried per argument before the route is left for this account


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, sqlite_template):
    """One app and one demo dataset for the whole module, every password the test's own."""
    instance = tmp_path_factory.mktemp("every-page") / "instance"
    overrides = {"SQLALCHEMY_DATABASE_URI": portal_config.sqlalchemy_url(PG_URL)} if PG_URL else {}
    config = portal_config.TestConfig(instance, **overrides)
    if sqlite_template is not None:
        target = Path(config.SQLALCHEMY_DATABASE_URI.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sqlite_template, target)
    app = create_app(config)
    with app.app_context():
        if sqlite_template is None:
            _prepare_database()
            from portal.admin.operations import ensure_reference_data

            ensure_reference_data()
            db.session.commit()
        from portal.demo import load_demo
        from portal.models import User

        load_demo(echo=lambda _line: None)
        for user in db.session.scalars(db.select(User)):
            user.set_password(PASSWORD)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _candidates(app, argument: str) -> list[str]:
    source = ARGUMENTS.get(argument)
    if source is None:
        return []
    table, _, column = source.partition(".")
    column = column or "id"
    with app.app_context():
        rows = db.session.execute(db.text(f"SELECT {column} FROM {table} ORDER BY id LIMIT 200")).scalars()  # noqa: S608
        return [str(v) for v in rows]


def _simple_path(rule: Rule, values: dict[str, str]) -> str | None:
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # a converter that refuses the value (an int rule given a code)
        return None


def _pages(app) -> tuple[list[str], list[tuple[Rule, list[str]]]]:
    """(paths of the GET routes without arguments, (rule, its arguments) of those with some)."""
    fixed, objects = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP_ENDPOINTS or NOT_PAGES.search(rule.rule):
            continue
        if not rule.arguments:
            fixed.append(rule.rule)
        elif all(a in ARGUMENTS for a in rule.arguments):
            objects.append((rule, sorted(rule.arguments)))
    return sorted(set(fixed)), objects


def visible(page: str) -> str:
    """What a reader sees or hears of a page: the body's text, and the placeholders, titles,
    screen-reader labels, alternative texts and button values."""
    body = page[page.find("<body"):] if "<body" in page else page
    # code is shown as typed; a text area holds what someone wrote (an English abstract), not the page's words
    body = re.sub(r"<(script|style|code|pre|kbd|samp|textarea)\b.*?</\1>", " ", body, flags=re.S)
    spoken = re.findall(r'\s(?:placeholder|title|aria-label|alt|data-confirm)="([^"]*)"', body)
    spoken += re.findall(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(" ".join([text, *spoken]))


def english_words(text: str, codes: frozenset[str] = frozenset()) -> list[str]:
    """Latin-letter words that are not a code with digits, an e-mail or web address, an allowed
    acronym or name, or one of ``codes`` (organisation codes; on import pages the stored codes)."""
    text = re.sub(r"https?://\S+|www\.\S+", " ", text)
    found = []
    for word in LATIN.findall(text):
        bare = word.strip(".-/_+@")
        if not bare or re.search(r"\d", word) or EMAIL.match(word) or "/" in bare or "_" in bare:
            continue
        if bare in ALLOWED or bare in NAMES or bare in codes:
            continue
        found.append(bare)
    return found


def _codes(app) -> tuple[frozenset[str], frozenset[str]]:
    """(organisation codes, the codes an import file may hold: its column keys and choice keys)."""
    from portal.deals.import_rows import COLUMNS as DEAL_COLUMNS
    from portal.models import (
        DEAL_KINDS,
        LEGAL_STATUSES,
        LICENCE_TYPES,
        MODES,
        PRICINGS,
        RECORDAL_STATUSES,
        STATUS_CODES,
        Organisation,
    )
    from portal.patents.columns import COLUMNS as PATENT_COLUMNS
    from portal.rules import INDUSTRIES

    with app.app_context():
        orgs = frozenset(db.session.scalars(db.select(Organisation.code)))
    stored = {*MODES, *LEGAL_STATUSES, *RECORDAL_STATUSES, *DEAL_KINDS, *LICENCE_TYPES, *INDUSTRIES, "open",
              *PRICINGS, *STATUS_CODES,
              *(c.key for c in (*PATENT_COLUMNS, *DEAL_COLUMNS))}
    return orgs, frozenset(stored)


ROLES = ["site_admin", "centre_admin", "centre_staff", "organiser", "exchange_operator", "sme_member", None]


def _account(role: str | None) -> str | None:
    from portal.demo import ACCOUNTS

    return None if role is None else next(email for email, r, _org in ACCOUNTS if r == role)


def _login(client, email: str) -> None:
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _walk(app, client) -> dict[str, str]:
    """Every page the signed-in client may open, by path: its HTML."""
    fixed, objects = _pages(app)
    pages: dict[str, str] = {}

    def visit(path: str) -> bool:
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[path] = response.get_data(as_text=True)
            return True
        return False

    for path in fixed:
        visit(path)
    for rule, arguments in objects:
        candidates = {a: _candidates(app, a) for a in arguments}
        if len(arguments) == 1:
            combos = [{arguments[0]: v} for v in candidates[arguments[0]]]
        else:  # the first object of each kind with the others: a few pairs at most
            first, second = arguments[0], arguments[1]
            combos = [{first: a, second: b} for a in candidates[first][:TRIES] for b in candidates[second][:TRIES]]
        tried = 0
        for values in combos:
            path = _simple_path(rule, values)
            if path is None:
                continue
            tried += 1
            if visit(path) or tried >= TRIES * (1 if len(arguments) == 1 else 4):
                break
    return pages


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_page_in_chinese_and_english(demo_app, role):
    client = demo_app.test_client()
    email = _account(role)
    if email is not None:
        _login(client, email)
    chinese = _walk(demo_app, client)
    assert len(chinese) >= 8, sorted(chinese)
    orgs, stored = _codes(demo_app)
    problems = {}
    for path, page in chinese.items():
        assert '<html lang="zh' in page, path
        words = english_words(visible(page), orgs | stored if IMPORT_PAGES.search(path) else orgs)
        if words:
            problems[path] = sorted(set(words))
    assert problems == {}, problems
    client.set_cookie("portal_lang", "en")
    for path in chinese:  # the same pages in English
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en' in response.get_data(as_text=True), path


def test_the_checker_finds_what_it_should():
    """The words it flags and the ones it lets through."""
    page = ('<html><head><title>x</title></head><body><nav aria-label="breadcrumb"></nav>'
            '<p>尚有 2 targets not met yet</p><code>flask --app portal search apply</code>'
            '<p>IPC A61B 17/00 · ZL201910000003.8 · CNIPA · staff@ruijin.example.cn · https://x.example/y</p>'
            '<textarea>An English abstract</textarea><input placeholder="Search"></body></html>')
    assert english_words(visible(page)) == ["targets", "not", "met", "yet", "breadcrumb", "Search"]
    assert english_words("示例 demo-ruihe-ip", frozenset({"demo-ruihe-ip"})) == []
