"""Issue 16: status labels carry a context, so that a status never borrows the translation of the
same English word used elsewhere (the recordal status "Filed" read 提交时间, "time submitted", the
translation of the requests list's column heading); the recordal form starts at the deal's status
and keeps the chosen one when a step is refused."""

from __future__ import annotations

import ast
import html
import re
from datetime import date

import pytest
from flask_babel import force_locale, gettext

from portal.config import ROOT
from portal.extensions import db
from portal.models import Deal
from tests.conftest import post

LABELS = ROOT / "portal" / "labels.py"


def status_dicts() -> dict[str, ast.Dict]:
    tree = ast.parse(LABELS.read_text(encoding="utf-8"))
    return {node.targets[0].id: node.value for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.endswith("STATUS_LABELS") and isinstance(node.value, ast.Dict)}


def test_every_status_label_has_its_own_context():
    """A status label is ``lazy_pgettext(context, msgid)``, one context per kind of status: a bare
    ``_l("Filed")`` would share its msgid, and so its one translation, with the heading "Filed"."""
    found = status_dicts()
    assert {"LEGAL_STATUS_LABELS", "LISTING_STATUS_LABELS", "REQUEST_STATUS_LABELS", "RECORDAL_STATUS_LABELS",
            "FORWARD_STATUS_LABELS"} <= set(found)
    contexts = {}
    for name, mapping in found.items():
        used = set()
        for value in mapping.values:
            assert isinstance(value, ast.Call) and getattr(value.func, "id", None) == "lazy_pgettext", (
                f"{name}: {ast.unparse(value)} has no context (use lazy_pgettext)")
            assert len(value.args) == 2 and all(isinstance(a, ast.Constant) for a in value.args), ast.unparse(value)
            used.add(value.args[0].value)
        assert len(used) == 1, f"{name} mixes contexts: {used}"
        contexts[name] = used.pop()
    assert len(set(contexts.values())) == len(contexts), f"two kinds of status share a context: {contexts}"


# Status words also used elsewhere, without a context, in the same sense: they may read the same.
SAME_MEANING = {"Published": "listing page: “Published 2025-03-01”, the listing's publication"}


def bare_uses() -> dict[str, list[str]]:
    """msgid -> where it is used without a context, outside the label tables (templates and code)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_pgettext": ((1, "c"), 2)}
    uses: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(str(ROOT), method_map, options_map,
                                                                          keywords=keywords):
        if context is None and isinstance(message, str) and filename != "portal/labels.py":
            uses.setdefault(message, []).append(f"{filename}:{lineno}")
    return uses


def test_one_msgid_one_meaning_for_the_status_labels(app):
    """A status word that is also used elsewhere without a context (a column heading, say) must not
    read like it in Chinese, unless it means the same there (SAME_MEANING): one msgid, one meaning."""
    from flask_babel import pgettext

    uses = bare_uses()
    shared = []
    with app.test_request_context(), force_locale("zh_CN"):
        for mapping in status_dicts().values():
            for value in mapping.values:
                context, msgid = (arg.value for arg in value.args)
                if msgid in uses and msgid not in SAME_MEANING and pgettext(context, msgid) == gettext(msgid):
                    shared.append(f"{context} {msgid!r} reads {gettext(msgid)!r} like {', '.join(uses[msgid])}")
        assert shared == []
        # the case that was wrong: the recordal status "Filed" read as the heading 提交时间 ("time submitted")
        assert "Filed" in uses
        filed = pgettext("recordal status", "Filed")
        assert "提交时间" not in filed and "时间" not in filed
        assert gettext("Filed") == "提交时间"  # the heading keeps its own meaning


def test_status_labels_render_their_context(app):
    from portal import labels

    with app.test_request_context():
        with force_locale("en"):
            assert str(labels.RECORDAL_STATUS_LABELS["filed"]) == "Filed"
        with force_locale("zh_CN"):
            assert "提交时间" not in str(labels.RECORDAL_STATUS_LABELS["filed"])


# --- the recordal form ----------------------------------------------------------------------------------


@pytest.fixture
def deal_id(app, make, centre, sme_user, auth, centre_staff):
    from decimal import Decimal

    from portal.deals.operations import DealData, record_deal
    from portal.models import Organisation, Patent

    patent = make.patent(centre)
    with app.app_context():
        deal = record_deal(db.session.get(Organisation, centre.id), DealData(
            mode="ordinary", licensee=db.session.get(Organisation, sme_user.org_id),
            patents=[db.session.get(Patent, patent.id)], effective_date=date(2025, 3, 1),
            term_end=date(2030, 2, 28), contract_amount_yuan=Decimal("500000")), None)
        db.session.commit()
        deal_id = deal.id
    auth.login(centre_staff.email)
    return deal_id


def select_options(page: str) -> list[tuple[str, bool]]:
    """(value, selected) of each option of the recordal form's status select."""
    form = re.search(r'<form[^>]*id="recordal-form".*?</form>', page, re.DOTALL).group(0)
    select = re.search(r'<select[^>]*id="status".*?</select>', form, re.DOTALL).group(0)
    return [(m.group(2), "selected" in m.group(1) + m.group(3))
            for m in re.finditer(r'<option([^>]*)value="([^"]*)"([^>]*)>', select)]


def recordal_status(app, deal_id: int) -> str:
    with app.app_context():
        return db.session.get(Deal, deal_id).recordal_status


def test_the_form_starts_at_the_deals_status(client, app, deal_id):
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert select_options(page) == [("not_filed", True), ("filed", False)]
    assert post(client, f"/deals/{deal_id}/recordal", {"status": "filed"}).status_code == 302
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert select_options(page) == [("filed", True), ("recorded", False), ("refused", False)]
    # the status reads as a status, not as the heading "time submitted"
    status = re.search(r'id="recordal-status">(.*?)<', page, re.DOTALL).group(1)
    assert "提交时间" not in status
    # completing the recordal is final: that choice asks first
    assert re.search(r'<option data-confirm="[^"]+"[^>]*value="recorded"|<option[^>]*value="recorded"[^>]*'
                     r'data-confirm="[^"]+"', page)


def test_the_form_keeps_the_chosen_status_after_an_error(client, app, deal_id):
    post(client, f"/deals/{deal_id}/recordal", {"status": "filed"})
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "recorded", "number": "",
                                                           "recorded_on": date.today().isoformat()})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert select_options(page) == [("filed", False), ("recorded", True), ("refused", False)]
    assert f'value="{date.today().isoformat()}"' in page  # what was typed is kept too
    assert "备案号" in page and 'class="invalid-feedback d-block"' in page  # the missing number, at its field
    assert recordal_status(app, deal_id) == "filed"
    # fixing the number is all it takes now: the status is still "recorded"
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "recorded", "number": "2025310000123",
                                                           "recorded_on": date.today().isoformat()})
    assert response.status_code == 302
    assert recordal_status(app, deal_id) == "recorded"


def test_staying_at_the_same_status_is_refused_at_the_field(client, app, deal_id):
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "not_filed"})
    assert response.status_code == 400
    assert select_options(response.get_data(as_text=True))[0] == ("not_filed", True)
    response = post(client, f"/deals/{deal_id}/recordal", {"status": "recorded"})  # not a step from not filed
    assert response.status_code == 400 and "不能" in response.get_data(as_text=True)
    assert recordal_status(app, deal_id) == "not_filed"
