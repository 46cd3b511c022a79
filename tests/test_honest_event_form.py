"""The event form shows every problem at once and keeps what the user typed (issue 16, item 4)."""

from __future__ import annotations

import html
import re

from portal.models import Event
from tests.conftest import post
from tests.test_events import FORM, count, english, event_audit, make_event

FOUR_MISTAKES = {"kind": "banquet", "ends_at": "2030-05-10T13:00", "place": "", "online_url": "ftp://x.org/live",
                 "attendance": "ruijin-ip, many\nno-such-org, 3"}


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_every_mistake_is_shown_in_one_round(client, auth, app, centre, organiser):
    english(client)
    auth.login(organiser.email)
    response = post(client, "/events/new", {**FORM, **FOUR_MISTAKES})
    assert response.status_code == 400
    page = _page(response)
    for message in ("Unknown event kind.", "The event must end after it starts.",
                    "The online link must be a web address", "Line 1: the number of people must be",
                    "Line 2: no organisation has the code, credit code or name “no-such-org”."):
        assert message in page, message
    # what was typed stays in the form
    assert 'value="2030-05-10T13:00"' in page and 'value="ftp://x.org/live"' in page
    assert "ruijin-ip, many\nno-such-org, 3" in page and FORM["title"] in page
    assert count(app, Event) == 0 and event_audit(app) == []


def test_form_errors_and_rule_errors_come_together(client, auth, app, centre, organiser):
    """A field WTForms refuses (a date that does not parse, an empty title) and the event rules on
    the fields that did parse (a bad link, a missing place) in the same answer."""
    english(client)
    auth.login(organiser.email)
    response = post(client, "/events/new", {**FORM, "title": "", "starts_at": "2030-02-30T25:00",
                                            "place": "", "online_url": ""})
    assert response.status_code == 400
    page = _page(response)
    assert "This field is required." in page
    assert re.search(r'id="starts_at"[^>]*value="2030-02-30T25:00"', page)
    assert "Give a place or an online link (or both)." in page
    assert "The title is empty." not in page  # one message per field: WTForms' own
    assert count(app, Event) == 0


def test_edit_shows_every_mistake_and_changes_nothing(client, auth, app, organiser):
    from datetime import UTC, datetime

    event_id = make_event(app, organiser.org_id, starts=datetime(2030, 6, 1, 2, tzinfo=UTC), title="原标题")
    english(client)
    auth.login(organiser.email)
    response = post(client, f"/events/{event_id}/edit", {**FORM, "title": "新标题", **FOUR_MISTAKES})
    assert response.status_code == 400
    page = _page(response)
    assert "Unknown event kind." in page and "The event must end after it starts." in page
    assert "新标题" in page
    assert event_audit(app) == ["event.created"]


def test_chinese_messages(client, auth, app, centre, organiser):
    auth.login(organiser.email)
    response = post(client, "/events/new", {**FORM, **FOUR_MISTAKES})
    page = _page(response)
    assert response.status_code == 400
    assert "Unknown event kind." not in page and "must end after" not in page


def test_bad_input_is_refused_plainly(client, auth, app, centre, organiser):
    english(client)
    auth.login(organiser.email)
    for changes in ({"title": "路演\x00"}, {"attendance": f"{centre.code}, 99999999999999999999"},
                    {"starts_at": "99999-01-01T00:00"}, {"listings": ["99999999999999"]}):
        response = post(client, "/events/new", {**FORM, **changes})
        assert response.status_code == 400, changes
    assert count(app, Event) == 0
