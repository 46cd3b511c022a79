"""The SME deal target is +30 % over the baseline year, not the +20 % of the other deal targets.

With 4 SME deals in the baseline year the two rates need different counts: 4 × 1.2 = 4.8 → 5 deals,
4 × 1.3 = 5.2 → 6 deals (a count target rounds up to a whole deal). The centre below has 5 SME
deals in the assessment year, 25 % growth: enough at 20 %, short at 30 %. The amounts tell the
rates apart too: 400,000 yuan of baseline SME deals needs 520,000.00 at 30 % (480,000.00 at 20 %).

Deals are recorded through the deal form and the figures read from the metrics JSON API, with the
programme parameters as seeded (baseline 2022, assessment 2023, SME growth 30 %).
"""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import post

# (licensee, effective date, contract amount) of the centre's licences.
BASELINE_2022 = [("sme-small", "2022-02-10", "100000"), ("sme-micro", "2022-04-01", "100000"),
                 ("sme-medium", "2022-06-15", "100000"), ("sme-small", "2022-09-30", "100000"),
                 ("bigco", "2022-05-05", "300000"), ("bigco", "2022-11-11", "300000")]
ASSESSMENT_2023 = [("sme-small", "2023-01-16", "100000"), ("sme-micro", "2023-03-01", "100000"),
                   ("sme-medium", "2023-05-20", "100000"), ("sme-small", "2023-08-08", "100000"),
                   ("sme-micro", "2023-12-31", "100000"), ("bigco", "2023-07-07", "300000")]
# A licence of 2024 counts in neither year.
LATER = [("sme-small", "2024-01-01", "100000")]


@pytest.fixture
def deals(client, auth, make, centre, centre_staff):
    for code, size in (("sme-small", "small"), ("sme-micro", "micro"), ("sme-medium", "medium"),
                       ("bigco", "large")):
        make.org("enterprise", code=code, size_class=size)
    patent = make.patent(centre)
    auth.login(centre_staff.email)
    for licensee, effective, amount in BASELINE_2022 + ASSESSMENT_2023 + LATER:
        response = post(client, "/deals/new", {
            "mode": "ordinary", "licensee": licensee, "patents": [str(patent.id)], "effective_date": effective,
            "term_end": "2030-02-28", "contract_amount_yuan": amount, "signed_date": "", "registration_date": "",
            "gross_income_yuan": "", "deductions_yuan": "", "paid_on": "", "paid_amount": ""})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def figures(client) -> dict:
    response = client.get("/api/v1/metrics/centres/ruijin-ip?year=2023")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def target_row(client, key: str) -> list[str]:
    """The cells of a target's row on the centre dashboard, as text: label, baseline, required, actual, …"""
    page = client.get("/metrics/centres/ruijin-ip?year=2023")
    assert page.status_code == 200
    row = re.search(rf'<tr id="target-{key}">(.*?)</tr>', page.get_data(as_text=True), re.S)
    assert row, f"no row for the {key} target"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


def test_sme_count_target_is_thirty_per_cent_over_the_baseline(client, deals):
    data = figures(client)
    assert (data["year"], data["baseline_year"]) == (2023, 2022)
    targets = data["targets"]
    # 4 SME deals in 2022: ceil(4 × 1.30) = 6 (at 20 % it would be ceil(4.8) = 5, and 5 would meet it).
    assert targets["sme_count"] == {"required": 6, "actual": 5, "met": False, "baseline": 4, "growth_pct": "25.0"}
    assert targets["sme_amount"] == {"required": "520000.00", "actual": "500000.00", "met": False,
                                     "baseline": "400000.00", "growth_pct": "25.0"}
    # The other deal targets stay at +20 %: 6 deals in 2022 need ceil(7.2) = 8.
    assert targets["count"] == {"required": 8, "actual": 6, "met": False, "baseline": 6, "growth_pct": "0.0"}
    assert targets["amount"]["required"] == "1200000.00"


def test_the_dashboard_shows_six_sme_deals_required(client, deals):
    _label, baseline, required, actual, *_rest = target_row(client, "sme_count")
    assert (baseline, required) == ("4", "6")
    assert actual.startswith("5 ")  # "5 25.0% over the baseline"


def test_one_more_sme_deal_meets_the_target(client, auth, make, centre, deals):
    patent = make.patent(centre)
    response = post(client, "/deals/new", {
        "mode": "ordinary", "licensee": "sme-medium", "patents": [str(patent.id)], "effective_date": "2023-10-10",
        "term_end": "2030-02-28", "contract_amount_yuan": "20000", "signed_date": "", "registration_date": "",
        "gross_income_yuan": "", "deductions_yuan": "", "paid_on": "", "paid_amount": ""})
    assert response.status_code == 302
    sme = figures(client)["targets"]["sme_count"]
    assert (sme["required"], sme["actual"], sme["met"]) == (6, 6, True)
