"""The recordal watchlist: exactly which deals are overdue and which fall due within 30 days.

A licence contract is to be recorded with CNIPA within three months of taking effect (DOMAIN.md §3);
the due date is the same day three months on, or that month's last day when it has no such day.
The centre's page ``/deals/recordal`` lists the licences not recorded yet (not filed, or refused)
whose due date has passed ("overdue") and those due from today up to 30 days ahead ("due within 30
days"); the deals index shows the two counts. Deals are recorded through the deal form with
effective dates chosen relative to today (Shanghai calendar, set by conftest), so that each one's
due date lands where its name says.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import pytest

from tests.conftest import post

TODAY = date.today()


def three_months_on(day: date) -> date:
    """The recordal due date, computed here independently of the portal."""
    month_index = day.year * 12 + day.month - 1 + 3
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def effective_for_due(target: date, step: int) -> tuple[date, date]:
    """An effective date whose due date is ``target`` or, when no day three months earlier leads there
    (31 May has no 31 February), the nearest reachable due date stepping by ``step`` days: (effective, due)."""
    due = target
    for _ in range(5):
        for offset in range(80, 100):
            effective = due - timedelta(days=offset)
            if three_months_on(effective) == due:
                return effective, due
        due += timedelta(days=step)
    raise AssertionError(f"no effective date leads to a due date near {target}")


# name -> (due date aimed at, direction to move when it cannot be reached, group on the watchlist).
# Moving towards the inside of each band keeps every deal in its group.
PLAN = {
    "overdue_long": (TODAY - timedelta(days=60), -1, "overdue"),
    "overdue_yesterday": (TODAY - timedelta(days=1), -1, "overdue"),
    "due_today": (TODAY, +1, "soon"),
    "due_in_15_days": (TODAY + timedelta(days=15), +1, "soon"),
    "due_in_30_days": (TODAY + timedelta(days=30), -1, "soon"),
    "due_in_31_days": (TODAY + timedelta(days=31), +1, None),
    "due_in_70_days": (TODAY + timedelta(days=70), +1, None),
    # overdue by its date, but filed or recorded with CNIPA: off the watchlist
    "overdue_but_filed": (TODAY - timedelta(days=20), -1, None),
    "overdue_but_recorded": (TODAY - timedelta(days=40), -1, None),
    "due_soon_but_recorded": (TODAY + timedelta(days=10), +1, None),
    # refused by CNIPA: still to be recorded, so still on the watchlist
    "overdue_and_refused": (TODAY - timedelta(days=5), -1, "overdue"),
}
RECORDAL = {  # the recordal steps each deal goes through after it is recorded
    "overdue_but_filed": [{"status": "filed"}],
    "overdue_but_recorded": [{"status": "filed"},
                             {"status": "recorded", "number": "2025310000001", "recorded_on": TODAY.isoformat()}],
    "due_soon_but_recorded": [{"status": "filed"},
                              {"status": "recorded", "number": "2025310000002", "recorded_on": TODAY.isoformat()}],
    "overdue_and_refused": [{"status": "filed"}, {"status": "refused", "reason": "合同缺少双方签章"}],
}


def deal_form(patent_id: int, licensee: str, effective: date) -> dict:
    """An ordinary licence (several may cover one patent) running to the end of 2034."""
    return {"mode": "ordinary", "licensee": licensee, "patents": [str(patent_id)],
            "effective_date": effective.isoformat(), "term_end": "2034-12-31", "contract_amount_yuan": "200000",
            "signed_date": "", "registration_date": "", "gross_income_yuan": "", "deductions_yuan": "",
            "paid_on": "", "paid_amount": ""}


def created(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def watch(client, auth, make, centre, centre_staff, sme_user):
    """The deals of PLAN recorded by the centre, and another centre's overdue licence; name -> deal id."""
    other = make.org("centre", code="other-ip")
    other_staff = make.user("centre_staff", org=other)
    auth.login(other_staff.email)
    effective, _due = effective_for_due(TODAY - timedelta(days=10), -1)
    created(post(client, "/deals/new", deal_form(make.patent(other).id, sme_user.org_code, effective)))
    auth.logout()

    patent = make.patent(centre)
    auth.login(centre_staff.email)
    client.set_cookie("portal_lang", "en")
    ids = {}
    for name, (target, step, _group) in PLAN.items():
        effective, due = effective_for_due(target, step)
        assert (due < TODAY) == (target < TODAY), name  # still on the same side of today
        ids[name] = created(post(client, "/deals/new", deal_form(patent.id, sme_user.org_code, effective)))
        for change in RECORDAL.get(name, []):
            response = post(client, f"/deals/{ids[name]}/recordal", change)
            assert response.status_code == 302, (name, change)
    return ids


def section(page: str, anchor: str, end: str | None) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start:page.index(f'id="{end}"', start)] if end else page[start:]


def deal_ids(fragment: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/deals/(\d+)"', fragment)}


def test_watchlist_lists_exactly_the_overdue_and_the_due_soon(client, watch):
    expected = {group: {watch[name] for name, (_t, _s, g) in PLAN.items() if g == group}
                for group in ("overdue", "soon")}
    assert len(expected["overdue"]) == 3 and len(expected["soon"]) == 3

    page = client.get("/deals/recordal")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    overdue, soon = section(text, "overdue", "due-soon"), section(text, "due-soon", None)
    assert re.search(r'id="overdue">Overdue \(3\)</h2>', text), overdue[:200]
    assert re.search(r'id="due-soon">Due within 30 days \(3\)</h2>', text), soon[:200]
    assert deal_ids(overdue) == expected["overdue"]
    assert deal_ids(soon) == expected["soon"]


def index_counts(client) -> tuple[int, int]:
    """(overdue, due within 30 days) as the deals index shows them."""
    page = client.get("/deals/").get_data(as_text=True)
    found = re.search(r"Recordal due: (\d+) overdue, (\d+) within 30 days", page)
    assert found, "no recordal counts on the deals index"
    return int(found[1]), int(found[2])


def test_deals_index_shows_both_counts(client, watch):
    assert index_counts(client) == (3, 3)


def test_a_deal_recorded_leaves_the_watchlist(client, watch):
    for change in ({"status": "filed"},
                   {"status": "recorded", "number": "2025310000003", "recorded_on": TODAY.isoformat()}):
        assert post(client, f"/deals/{watch['overdue_yesterday']}/recordal", change).status_code == 302
    assert post(client, f"/deals/{watch['due_today']}/recordal", {"status": "filed"}).status_code == 302
    text = client.get("/deals/recordal").get_data(as_text=True)
    assert deal_ids(section(text, "overdue", "due-soon")) == {watch["overdue_long"], watch["overdue_and_refused"]}
    assert deal_ids(section(text, "due-soon", None)) == {watch["due_in_15_days"], watch["due_in_30_days"]}
    assert index_counts(client) == (2, 2)
