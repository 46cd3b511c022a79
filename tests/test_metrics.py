"""Performance figures on a hand-built scenario: every figure asserted, who sees what, CLI = API.

Baseline 2022 and assessment 2023 (the default parameters). The centre's deals:

| deal | kind (mode) | licensee (size at the deal) | counts from | amount | received (paid on) |
|---|---|---|---|---|---|
| B1 | licence (ordinary) | sme_a (small) | 2022-03-10 | 100,000.00 | 60,000 (2022-04-01) + 40,000 (2023-02-01) |
| B2 | assignment | big (large) | registered 2022-08-15 | 300,000.00 | 300,000 (2022-09-01) |
| B3 | equity | grower (small then) | 2022-11-20 | 200,000.00 | 50,000 (2022-12-01) |
| A1 | assignment signed 2022-12-01 | sme_b (micro) | registered 2023-01-10 | 80,000.00 | 80,000 (2023-01-20) |
| A2 | licence (open) | med (medium) | 2023-03-05 | 50,000.00 | 50,000 (2023-03-05) |
| A3 | licence (exclusive) | big (large) | 2023-06-01 | 400,000.50 | 100,000.25 (2023-07-01) |
| A4 | equity | grower (large by now) | 2023-09-09 | 250,000.00 | none yet |
| A5 | licence (sole) | sme_a (small) | 2023-12-31 | 120,000.00 | 20,000 (2024-01-15) |
| X1 | assignment signed 2023-11-01, not registered | sme_b | never | 90,000.00 | — |
| X2 | licence (ordinary) | sme_a | 2024-01-01 | 10,000.00 | — |

and another centre's 2023 deal that must never show up in this centre's figures.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import Organisation, Patent
from tests.conftest import post

D = Decimal


def _record(centre_id, licensee_id, patent_id, mode, effective, amount, payments=(), registration=None):
    from portal.deals.operations import DealData, record_deal

    centre = db.session.get(Organisation, centre_id)
    licence = mode in ("exclusive", "sole", "ordinary", "open")
    data = DealData(mode=mode, licensee=db.session.get(Organisation, licensee_id),
                    patents=[db.session.get(Patent, patent_id)], effective_date=effective,
                    contract_amount_yuan=D(amount), term_end=date(2030, 12, 31) if licence else None,
                    registration_date=registration,
                    payments=[(day, D(paid)) for day, paid in payments])
    return record_deal(centre, data, actor=None).id


@pytest.fixture
def scenario(app, make, centre):
    """The deals above, the centre's patents, listings and facts; returns the references."""
    other = make.org("centre", code="second-ip")
    orgs = {name: make.org("enterprise", code=name, size_class=size) for name, size in (
        ("sme_a", "small"), ("sme_b", "micro"), ("med", "medium"), ("big", "large"), ("grower", "small"))}
    # Operable (可投入运营): flagged by the centre, valid, not suspended; publication is not required.
    p1 = make.patent(centre, operable=True)
    p2 = make.patent(centre)
    p3 = make.patent(centre, make.number("8"), operable=True)  # PCT invention entering China
    make.patent(centre, legal_status="lapsed", operable=True)
    p5 = make.patent(centre, make.number("2"), operable=True)  # utility model
    make.patent(centre, grant_date=date(2024, 2, 1))  # valid, but granted after the end of 2023
    make.patent(centre, granted=False, legal_status="pending")
    other_patent = make.patent(other)
    make.listing(centre, [p1, p5])
    make.listing(centre, [p1, p3], title="第二个许可信息")  # p1 on two published listings counts once
    make.listing(centre, [p2], publish=False)
    make.listing(other, [other_patent])
    with app.app_context():
        c, o = centre.id, {k: v.id for k, v in orgs.items()}
        deals = {
            "B1": _record(c, o["sme_a"], p1.id, "ordinary", date(2022, 3, 10), "100000",
                          [(date(2022, 4, 1), "60000"), (date(2023, 2, 1), "40000")]),
            "B2": _record(c, o["big"], p1.id, "assignment", date(2022, 5, 1), "300000", [(date(2022, 9, 1), "300000")],
                          registration=date(2022, 8, 15)),
            "B3": _record(c, o["grower"], p2.id, "equity", date(2022, 11, 20), "200000",
                          [(date(2022, 12, 1), "50000")]),
            "A1": _record(c, o["sme_b"], p2.id, "assignment", date(2022, 12, 1), "80000",
                          [(date(2023, 1, 20), "80000")], registration=date(2023, 1, 10)),
            "A2": _record(c, o["med"], p3.id, "open", date(2023, 3, 5), "50000", [(date(2023, 3, 5), "50000")]),
            "A3": _record(c, o["big"], p1.id, "exclusive", date(2023, 6, 1), "400000.50",
                          [(date(2023, 7, 1), "100000.25")]),
        }
        db.session.get(Organisation, o["grower"]).size_class = "large"  # the company grew
        deals["A4"] = _record(c, o["grower"], p3.id, "equity", date(2023, 9, 9), "250000")
        deals["A5"] = _record(c, o["sme_a"], p2.id, "sole", date(2023, 12, 31), "120000",
                              [(date(2024, 1, 15), "20000")])
        deals["X1"] = _record(c, o["sme_b"], p5.id, "assignment", date(2023, 11, 1), "90000")
        deals["X2"] = _record(c, o["sme_a"], p3.id, "ordinary", date(2024, 1, 1), "10000")
        _record(other.id, o["sme_a"], other_patent.id, "ordinary", date(2023, 5, 5), "999999",
                [(date(2023, 5, 5), "999999")])
        db.session.commit()
    return {"deals": deals, "other": other, "orgs": orgs}


@pytest.fixture
def facts(app, centre, scenario):
    """Staff, PCT applications, navigation reports, a rules document and an award, recorded directly."""
    from portal.metrics import operations as ops

    with app.app_context():
        c = db.session.get(Organisation, centre.id)
        ops.update_staffing(c, has_ip_department=True, full_time=2, certified=1, actor=None)
        for number, filed in (("PCT/CN2022/000101", date(2022, 4, 1)), ("PCT/CN2023/000202", date(2023, 2, 2)),
                              ("pct/cn2023/000303", date(2023, 9, 3))):
            ops.add_pct_application(c, number, filed, "一种支架", actor=None)
        ops.add_pct_application(db.session.get(Organisation, scenario["other"].id), "PCT/CN2023/000909",
                                date(2023, 1, 9), "另一中心", actor=None)
        for day in (date(2022, 12, 15), date(2023, 5, 1)):  # the 2022 one is before the programme period
            ops.add_navigation_report(c, title="心血管介入器械专利导航", discipline="心血管", report_date=day,
                                      filename="导航报告.pdf", content=b"%PDF-1.4 report", actor=None)
        ops.add_rules_document(c, title="知识产权管理办法", reference="院发〔2021〕3号", adopted_on=date(2021, 6, 1),
                               actor=None)
        ops.add_award(c, kind="china_patent_award", title="第二十四届中国专利奖优秀奖", year=2023, actor=None)
        db.session.commit()


def figures_json(app, code="ruijin-ip", year=2023, as_of=None):
    from portal.metrics.figures import centre_figures, default_as_of
    from portal.metrics.serialize import figures_to_dict
    from portal.models import current_parameters

    with app.app_context():
        centre = db.session.scalar(db.select(Organisation).where(Organisation.code == code))
        return figures_to_dict(centre_figures(current_parameters(), centre, year, as_of or default_as_of(year)))


def tally(count, amount, received):
    return {"count": count, "amount": amount, "received": received}


def test_every_figure_of_the_scenario(app, scenario, facts):
    data = figures_json(app)
    assert (data["centre"], data["year"], data["baseline_year"]) == ("ruijin-ip", 2023, 2022)
    assert data["baseline"] == {
        **tally(3, "600000.00", "450000.00"),
        "by_kind": {"licence": tally(1, "100000.00", "100000.00"), "assignment": tally(1, "300000.00", "300000.00"),
                    "equity": tally(1, "200000.00", "50000.00")},
        "sme": tally(2, "300000.00", "150000.00"),  # B1 and B3: the grower was small then
    }
    assert data["deals"] == {
        **tally(5, "900000.50", "250000.25"),
        "by_kind": {"licence": tally(3, "570000.50", "170000.25"), "assignment": tally(1, "80000.00", "80000.00"),
                    "equity": tally(1, "250000.00", "0.00")},
        "sme": tally(3, "250000.00", "150000.00"),  # A1, A2, A5; not A4: the grower was large by then
    }
    t = data["targets"]
    assert t["count"] == {"required": 4, "actual": 5, "met": True, "baseline": 3, "growth_pct": "66.7"}
    assert t["amount"] == {"required": "720000.00", "actual": "900000.50", "met": True, "baseline": "600000.00",
                           "growth_pct": "50.0"}
    # 2 × 1.3 = 2.6: three deals are needed, and three are exactly enough
    assert t["sme_count"] == {"required": 3, "actual": 3, "met": True, "baseline": 2, "growth_pct": "50.0"}
    assert t["sme_amount"] == {"required": "390000.00", "actual": "250000.00", "met": False,
                               "baseline": "300000.00", "growth_pct": "-16.7"}
    # 1 × 1.2 → 2, but at least 3: two are not enough
    assert t["pct"] == {"required": 3, "actual": 2, "met": False, "baseline": 1, "growth_pct": "100.0"}
    assert t["navigation_reports"] == {"required": 2, "actual": 1, "met": False}
    assert t["staff"] == {"required": 2, "actual": 2, "met": True}
    assert t["certified_staff"] == {"required": 1, "actual": 1, "met": True}
    assert t["rules_documents"] == {"required": 1, "actual": 1, "met": True}
    assert data["eligibility"] == {
        "as_of": "2023-12-31", "window_years": 3, "valid_inventions": 3, "operable_patents": 3,
        "deals_3y": 8, "received_3y": "680000.25",  # A5's payment of 2024 is outside
        "ip_department": True, "management_rules": True, "eligible": False,
        "unmet": ["valid_inventions", "operable_patents"],
    }


def test_eligibility_moves_with_its_date(app, scenario, facts):
    e = figures_json(app, year=2022, as_of=date(2022, 6, 30))["eligibility"]
    assert (e["deals_3y"], e["received_3y"], e["valid_inventions"]) == (1, "60000.00", 3)
    assert e["unmet"] == ["valid_inventions", "operable_patents", "deals_or_received"]
    today = figures_json(app, year=2024, as_of=date(2024, 3, 1))
    assert today["eligibility"]["valid_inventions"] == 4  # granted on 2024-02-01
    assert today["deals"]["count"] == 1 and today["deals"]["by_kind"]["licence"]["amount"] == "10000.00"


def test_a_baseline_of_zero_needs_at_least_one(app, centre, scenario):
    data = figures_json(app, year=2025)  # nothing in 2025, baseline still 2022
    assert data["targets"]["count"] == {"required": 4, "actual": 0, "met": False, "baseline": 3, "growth_pct": "-100.0"}
    from portal.rules.targets import growth_target

    assert growth_target(0, 0, D(20)).required == 1
    assert not growth_target(0, 0, D(20)).met and growth_target(1, 0, D(20)).met
    assert growth_target(D("0.00"), D("0.00"), D(30)).required == D("0.01")
    assert growth_target(D("100.00"), D("100.00"), D(0)).required == D("100.01")  # more than the baseline
    assert growth_target(10, 10, D(0)).required == 11


def test_parameters_are_stored_and_change_the_figures(client, auth, app, admin, scenario, facts):
    auth.login(admin.email)
    page = client.get("/admin/programme")
    assert page.status_code == 200 and 'value="2022"' in page.get_data(as_text=True)
    fields = {"baseline_year": "2022", "assessment_year": "2023", "growth_target_pct": "20",
              "sme_growth_target_pct": "30", "pct_growth_target_pct": "20", "pct_minimum": "2",
              "navigation_reports_required": "1", "staff_required": "2", "certified_staff_required": "1",
              "min_valid_inventions": "3", "min_operable_patents": "3", "min_deals_window": "5",
              "min_received_window_yuan": "500000", "window_years": "3", "grant_per_centre_yuan": "500000",
              "high_value_min_average": "4", "max_centres": "10"}
    assert post(client, "/admin/programme", {**fields, "assessment_year": "2021"}).status_code == 400
    assert post(client, "/admin/programme", {**fields, "certified_staff_required": "3"}).status_code == 400
    assert post(client, "/admin/programme", fields).status_code == 302
    data = figures_json(app)
    assert data["targets"]["pct"]["required"] == 2 and data["targets"]["pct"]["met"]
    assert data["targets"]["navigation_reports"]["met"]
    assert data["eligibility"]["eligible"] and data["eligibility"]["unmet"] == []
    with app.app_context():
        from portal.models import AuditEntry

        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "metrics.parameters"))
        assert entry.data["pct_minimum"] == ["3", "2"]


def test_the_dashboard_shows_each_figure_and_drills_down(client, auth, centre_staff, scenario, facts):
    auth.login(centre_staff.email)
    page = client.get("/metrics/centre")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "900,000.50" in html and "600,000.00" in html and "720,000.00" in html
    assert 'id="metrics-charts"' in html and "chart.umd.min.js" in html and "<script>" not in html
    assert "第二十四届中国专利奖优秀奖" in html
    charts = json.loads(html.split('id="metrics-charts">', 1)[1].split("</script>", 1)[0])
    assert charts["months"]["datasets"][0] == {"label": "2023", "data": [1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]}
    assert charts["months"]["datasets"][1]["data"] == [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0]
    assert charts["kinds"]["datasets"][0]["data"] == [3, 1, 1]
    assert charts["sme"]["datasets"][0]["data"] == [3, 2]
    assert "/metrics/centres/ruijin-ip/deals?year=2023&amp;sme=1" in html
    for query, expected in (("year=2023", (5, "900,000.50", "250,000.25")),
                            ("year=2023&sme=1", (3, "250,000.00", "150,000.00")),
                            ("year=2022&kind=equity", (1, "200,000.00", "50,000.00")),
                            ("year=2023&month=1", (1, "80,000.00", "80,000.00")),
                            ("as_of=2023-12-31", (8, "1,500,000.50", "700,000.25")),
                            ("as_of=2023-12-31&received=1", (6, "1,130,000.50", "680,000.25"))):
        drill = client.get(f"/metrics/centres/ruijin-ip/deals?{query}").get_data(as_text=True)
        count, amount, received = expected
        assert f'class="total-count">{count}<' in drill, query
        assert f'class="total-amount">{amount}<' in drill and f'class="total-received">{received}<' in drill, query
    assert client.get("/metrics/centres/ruijin-ip/deals?kind=nonsense").status_code == 400
    assert client.get("/metrics/centres/ruijin-ip/deals?year=2023&month=13").status_code == 400
    assert client.get("/metrics/centres/ruijin-ip?year=abc").status_code == 400


def test_exports_have_chinese_headings(client, auth, centre_staff, scenario, facts):
    from openpyxl import load_workbook

    auth.login(centre_staff.email)
    response = client.get("/metrics/centres/ruijin-ip/figures.csv?year=2023")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("指标,基准年,基准年数值,考核年")
    assert "专利许可、转让、作价入股次数,2022,3,2023,5,4,66.7,是" in text
    assert "向中小微企业许可、转让、作价入股金额（元）,2022,300000.00,2023,250000.00,390000.00,-16.7,否" in text
    deals_csv = client.get("/metrics/centres/ruijin-ip/deals.csv?year=2023&sme=1").get_data().decode("utf-8-sig")
    assert deals_csv.splitlines()[0].startswith("交易编号,计入日期,交易类型")
    assert len(deals_csv.splitlines()) == 4 and "开放许可" in deals_csv.splitlines()[0]
    workbook = load_workbook(io.BytesIO(client.get("/metrics/centres/ruijin-ip/figures.xlsx?year=2023").data))
    assert workbook.sheetnames == ["绩效指标", "交易明细"]
    deals = list(workbook["交易明细"].iter_rows(values_only=True))
    assert deals[0][0] == "交易编号" and len(deals) == 1 + 8  # the deals of 2022 and 2023
    assert sum(row[9] for row in deals[1:]) == 1500000.5


def test_cli_json_equals_api_json(runner, client, auth, organiser, scenario, facts):
    result = runner.invoke(args=["metrics", "show", "--centre", "ruijin-ip", "--year", "2023", "--json"])
    assert result.exit_code == 0, result.output
    auth.login(organiser.email)
    response = client.get("/api/v1/metrics/centres/ruijin-ip?year=2023")
    assert response.status_code == 200 and response.is_json
    assert json.loads(result.output) == response.get_json()
    assert response.get_json()["deals"]["amount"] == "900000.50"
    plain = runner.invoke(args=["metrics", "show", "--centre", "ruijin-ip", "--year", "2023"])
    assert "count" in plain.output and "not eligible" in plain.output
    assert runner.invoke(args=["metrics", "show", "--centre", "nope", "--json"]).exit_code != 0


def test_centre_staff_see_their_own_centre_only(client, auth, centre_staff, other_centre_staff, scenario):
    assert client.get("/metrics/centre").status_code == 302  # to the login page
    assert client.get("/api/v1/metrics/centres/ruijin-ip").status_code == 401
    auth.login(centre_staff.email)
    for url in ("/metrics/centre", "/metrics/centres/ruijin-ip", "/metrics/centres/ruijin-ip/deals?year=2023",
                "/metrics/centres/ruijin-ip/figures.xlsx", "/metrics/centres/ruijin-ip/deals.csv",
                "/api/v1/metrics/centres/ruijin-ip?year=2023", "/metrics/centre/facts"):
        assert client.get(url).status_code == 200, url
    for url in ("/metrics/programme", "/metrics/centres/second-ip", "/metrics/centres/no-such-centre",
                "/api/v1/metrics/centres/second-ip", "/admin/programme"):
        assert client.get(url).status_code == 403, url
    auth.logout()
    auth.login(other_centre_staff.email)
    for url in ("/metrics/centres/ruijin-ip", "/metrics/centres/ruijin-ip/deals?year=2023",
                "/metrics/centres/ruijin-ip/figures.csv", "/api/v1/metrics/centres/ruijin-ip"):
        assert client.get(url).status_code == 403, url
    own = client.get("/api/v1/metrics/centres/other-ip?year=2023").get_json()
    assert own["centre"] == "other-ip" and own["deals"]["count"] == 0


def test_an_sme_sees_none_of_it(client, auth, sme_user, scenario):
    auth.login(sme_user.email)
    for url in ("/metrics/", "/metrics/centre", "/metrics/centres/ruijin-ip", "/metrics/programme",
                "/metrics/centres/ruijin-ip/deals", "/metrics/centres/ruijin-ip/figures.csv",
                "/api/v1/metrics/centres/ruijin-ip", "/metrics/centre/facts"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 403, url
    assert "/metrics/" not in client.get("/").get_data(as_text=True)


def test_the_organiser_sees_every_centre(client, auth, organiser, scenario, facts):
    auth.login(organiser.email)
    page = client.get("/metrics/programme?year=2023")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="centre-ruijin-ip"' in html and 'id="centre-second-ip"' in html
    assert "900,000.50" in html and "999,999.00" in html
    assert client.get("/metrics/centres/ruijin-ip").status_code == 200
    assert client.get("/metrics/centres/second-ip/deals?year=2023").status_code == 200
    assert client.get("/metrics/centres/no-such-centre").status_code == 404
    assert client.get("/api/v1/metrics/centres/no-such-centre").status_code == 404
    assert client.get("/metrics/").headers["Location"].endswith("/metrics/programme")
    book = client.get("/metrics/programme.xlsx?year=2023")
    assert book.status_code == 200 and book.mimetype.endswith("spreadsheetml.sheet")


def test_a_site_administrator_sees_the_programme_too(client, auth, admin, scenario):
    auth.login(admin.email)
    page = client.get("/metrics/programme?year=2023")
    assert page.status_code == 200 and 'id="centre-ruijin-ip"' in page.get_data(as_text=True)
    api = client.get("/api/v1/metrics/centres/ruijin-ip?year=2023")
    assert api.status_code == 200 and api.get_json()["centre"] == "ruijin-ip"


def test_centre_facts_are_recorded_through_the_pages(client, auth, app, centre, centre_staff, organiser,
                                                     other_centre_staff):
    auth.login(centre_staff.email)
    assert client.get("/metrics/centre/facts").status_code == 200
    bad = post(client, "/metrics/centre/facts/pct", {"number": "PCT/CN23/123456", "filing_date": "2023-02-02",
                                                     "title": "一种导管"})
    assert bad.status_code == 400 and "PCT/CN2023/123456" in bad.get_data(as_text=True)
    wrong_year = post(client, "/metrics/centre/facts/pct", {"number": "PCT/CN2023/123456",
                                                            "filing_date": "2022-02-02", "title": "一种导管"})
    assert wrong_year.status_code == 400
    good = {"number": " pct／cn2023／123456 ", "filing_date": "2023-02-02", "title": "一种导管"}
    assert post(client, "/metrics/centre/facts/pct", good).status_code == 302
    assert post(client, "/metrics/centre/facts/pct", good).status_code == 400  # already recorded
    assert post(client, "/metrics/centre/facts/staffing", {"full_time_ip_staff": "1",
                                                           "certified_staff": "2"}).status_code == 400
    assert post(client, "/metrics/centre/facts/staffing", {"has_ip_department": "y", "full_time_ip_staff": "3",
                                                           "certified_staff": "1"}).status_code == 302
    report = {"title": "肿瘤免疫治疗专利导航", "discipline": "肿瘤", "report_date": "2023-04-01"}
    refused = post(client, "/metrics/centre/facts/reports", {**report, "document": (io.BytesIO(b"x"), "a.exe")},
                   content_type="multipart/form-data")
    assert refused.status_code == 400
    assert post(client, "/metrics/centre/facts/reports", {**report, "document": (io.BytesIO(b"%PDF-1.4"), "导航.pdf")},
                content_type="multipart/form-data").status_code == 302
    assert post(client, "/metrics/centre/facts/rules", {"title": "专利管理办法", "reference": "",
                                                        "adopted_on": "2022-01-01"}).status_code == 302
    award = {"kind": "shanghai_ip_innovation_award", "title": "上海知识产权创新奖", "year": "2023"}
    assert post(client, "/metrics/centre/facts/awards", award).status_code == 302
    with app.app_context():
        from portal.models import CentreProfile, NavigationReport, PctApplication

        assert db.session.scalar(db.select(PctApplication.number)) == "PCT/CN2023/123456"
        assert db.session.get(CentreProfile, centre.id).full_time_ip_staff == 3
        report_id = db.session.scalar(db.select(NavigationReport.id))
        pct_id = db.session.scalar(db.select(PctApplication.id))
    document = client.get(f"/metrics/reports/{report_id}/document")
    assert document.status_code == 200 and document.data == b"%PDF-1.4" and document.mimetype == "application/pdf"
    data = figures_json(app)
    assert data["targets"]["pct"]["actual"] == 1 and data["targets"]["navigation_reports"]["actual"] == 1
    assert data["eligibility"]["ip_department"] and data["eligibility"]["management_rules"]
    auth.logout()
    auth.login(other_centre_staff.email)
    assert client.get(f"/metrics/reports/{report_id}/document").status_code == 404
    assert post(client, f"/metrics/centre/facts/pct/{pct_id}/delete").status_code == 404
    auth.logout()
    auth.login(organiser.email)
    assert client.get(f"/metrics/reports/{report_id}/document").status_code == 200
    assert client.get("/metrics/centre/facts").status_code == 403
    auth.logout()
    auth.login(centre_staff.email)
    assert post(client, f"/metrics/centre/facts/pct/{pct_id}/delete").status_code == 302
    assert figures_json(app)["targets"]["pct"]["actual"] == 0


def test_parameters_are_seeded_once(app):
    from portal.models import ProgrammeParameters, current_parameters

    with app.app_context():
        first = current_parameters()
        assert (first.baseline_year, first.assessment_year, first.sme_growth_target_pct) == (2022, 2023, 30)
        db.session.commit()
        assert current_parameters() is first
        assert db.session.scalar(db.select(db.func.count()).select_from(ProgrammeParameters)) == 1
