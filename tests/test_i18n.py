"""Chinese by default, English on request (remembered), and a complete Chinese catalogue."""

from __future__ import annotations

import re

import pytest

from portal.config import ROOT
from portal.extensions import LANGUAGE_COOKIE, db
from portal.models import User
from tests.conftest import post

TITLE_ZH = "上海医疗卫生专利许可对接平台"
TITLE_EN = "Shanghai Medical Patent Licensing Portal"
PO_FILE = ROOT / "portal" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, "no <html lang>"
    return match.group(1)


def title(page: str) -> str:
    match = TITLE_RE.search(page)
    assert match, "no <title>"
    return match.group(1).strip()


def get(client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def assert_chinese(page: str) -> None:
    assert html_lang(page) == "zh-CN"
    assert title(page).endswith(TITLE_ZH)
    assert TITLE_EN not in page


def assert_english(page: str) -> None:
    assert html_lang(page) == "en"
    assert title(page).endswith(TITLE_EN)
    assert TITLE_ZH not in page


def switch(client, lang: str, next_: str | None = "/", **extra):
    data = {"lang": lang, **extra}
    if next_ is not None:
        data["next"] = next_
    return post(client, "/language", data)


def language_cookie(client) -> str | None:
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    return cookie.value if cookie else None


def test_home_is_chinese_by_default(client):
    page = get(client)
    assert_chinese(page)
    assert f"<title>{TITLE_ZH}</title>" in page
    assert "登录" in page and "企业注册" in page


def test_english_browsers_still_get_chinese_until_they_choose(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert_chinese(page)


def test_switch_to_english_is_remembered(client):
    response = switch(client, "en", "/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert language_cookie(client) == "en"
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age=" in set_cookie
    login_page = get(client, "/login")
    assert_english(login_page)
    assert "Log in" in login_page and "Register a company" in login_page
    # …and on every following request, not only the next one
    for _ in range(2):
        assert_english(get(client, "/"))
    assert_english(get(client, "/register"))


def test_switch_back_to_chinese(client):
    switch(client, "en")
    assert_english(get(client))
    response = switch(client, "zh_CN")
    assert response.status_code == 302
    assert language_cookie(client) == "zh_CN"
    assert_chinese(get(client))
    assert_chinese(get(client, "/login"))


def test_the_current_language_button_is_marked(client):
    page = get(client)
    assert re.search(r'value="zh_CN"[^>]*btn-light[^>]*aria-current="true"', page)
    switch(client, "en")
    page = get(client)
    assert re.search(r'value="en"[^>]*btn-light[^>]*aria-current="true"', page)
    assert not re.search(r'value="zh_CN"[^>]*aria-current', page)


@pytest.mark.parametrize("lang", ["fr", "", "EN", "zh", "zh_Hans_CN", "en; Path=/admin", "../en"])
def test_invalid_language_changes_nothing(client, lang):
    response = switch(client, lang)
    assert response.status_code == 302
    assert LANGUAGE_COOKIE not in response.headers.get("Set-Cookie", "")
    assert language_cookie(client) is None
    assert_chinese(get(client))


def test_invalid_language_keeps_an_earlier_choice(client):
    switch(client, "en")
    switch(client, "de")
    assert language_cookie(client) == "en"
    assert_english(get(client))


def test_language_switch_requires_the_csrf_token(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code in (302, 400)
    assert language_cookie(client) is None
    assert_chinese(get(client))
    response = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": "forged"})
    assert language_cookie(client) is None


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http:/evil.example", " //evil.example",
])  # a NUL byte is refused before any view (tests/test_safe_input.py)
def test_language_next_only_to_local_paths(client, target):
    response = switch(client, "en", target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert language_cookie(client) == "en"  # the switch itself still happens


@pytest.mark.parametrize("target", ["/login", "/register?x=1&y=2", "/account"])
def test_language_next_followed_when_local(client, target):
    response = switch(client, "en", target)
    assert response.headers["Location"] == target


def test_language_next_missing_goes_home(client):
    response = switch(client, "en", None)
    assert response.headers["Location"] == "/"


def test_the_form_sends_visitors_back_where_they_were(client):
    page = get(client, "/register?from=home")
    form = re.search(r'<form[^>]*id="language-switch".*?</form>', page, re.DOTALL).group(0)
    assert 'name="next" value="/register?from=home"' in form.replace("&amp;", "&")
    assert 'name="csrf_token"' in form


def test_logged_in_choice_is_saved_on_the_account(app, client, auth, sme_user):
    auth.login(sme_user.email)
    switch(client, "en")
    with app.app_context():
        assert db.session.get(User, sme_user.id).locale == "en"
    account = get(client, "/account")
    assert_english(account)
    assert "My account" in account and "Log out" in account
    # another browser, no cookie yet: logging in brings the account's language back
    other = app.test_client()
    assert_chinese(get(other))
    post(other, "/login", {"email": sme_user.email, "password": sme_user.password})
    assert_english(get(other, "/account"))


# --- the Chinese catalogue ---------------------------------------------------------------------


def _extracted_messages():
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    # as `make extract-messages` (-k _l -k N_ -k lazy_pgettext:1c,2)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_pgettext": ((1, "c"), 2)}
    return list(extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords))


def _catalogue():
    from babel.messages.pofile import read_po

    with open(PO_FILE, "rb") as fh:
        return read_po(fh)


def test_every_message_has_a_chinese_translation():
    extracted = _extracted_messages()
    # the extraction itself works: templates and Python code both yield messages
    assert len(extracted) > 100
    assert any(fn.startswith("templates/") for fn, *_ in extracted)
    assert any(fn.startswith("portal/") and fn.endswith(".py") for fn, *_ in extracted)
    assert TITLE_EN in {msg for _, _, msg, _, _ in extracted}

    catalogue = _catalogue()
    problems = {}
    for filename, lineno, message, _comments, context in extracted:
        msgid = message if isinstance(message, str) else message[0]
        entry = catalogue.get(msgid, context=context)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None:
            reason = "missing"
        elif not all(s and s.strip() for s in strings):
            reason = "untranslated"
        elif entry.fuzzy:
            reason = "fuzzy"
        else:
            continue
        problems.setdefault((msgid, reason), []).append(f"{filename}:{lineno}")
    report = "\n".join(f"  [{reason}] {msgid!r}  ({', '.join(places)})"
                       for (msgid, reason), places in sorted(problems.items(), key=lambda kv: kv[1][0]))
    assert not problems, (f"{len(problems)} message(s) without a Chinese translation in "
                          f"{PO_FILE.relative_to(ROOT)} (run `make extract-messages`, then translate):\n{report}")


def test_translations_keep_their_placeholders():
    catalogue = _catalogue()
    assert len(catalogue) > 100
    errors = [f"  {message.id!r}: {'; '.join(map(str, errs))}" for message, errs in catalogue.check()]
    named = re.compile(r"%\((\w+)\)[sd]")
    for message in catalogue:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        if set(named.findall(message.id)) != set(named.findall(message.string)):
            errors.append(f"  {message.id!r}: placeholders differ in {message.string!r}")
    assert not errors, "translations whose placeholders do not match:\n" + "\n".join(errors)
