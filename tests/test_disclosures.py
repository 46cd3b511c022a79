"""Pre-filing review (申请前预审): centre staff enter disclosures and record their review; counts per year
on the dashboard; bad input saves nothing; another centre's disclosures answer 404; the programme office
reads them and changes nothing."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Disclosure
from tests.conftest import post

DISCLOSURE = {"title": "一种可降解冠脉支架", "inventors": "张三；李四", "department": "心内科",
              "summary": "支架在植入后两年内降解。", "intended_route": "pct", "received_on": "2023-02-01"}
REVIEW = {"decision": "file", "recommended_protection": "pct", "reasons": "新颖性和创造性较好，海外市场前景明确。",
          "reviewer": "王审查", "reviewed_on": "2023-02-20"}


def _count(app):
    with app.app_context():
        return db.session.query(Disclosure).count()


def test_enter_review_and_count(client, auth, app, centre, centre_staff, other_centre_staff, organiser, sme_user):
    auth.login(centre_staff.email)
    assert client.get("/disclosures/").headers["Location"].endswith("/disclosures/centres/ruijin-ip")
    response = post(client, "/disclosures/new", DISCLOSURE)
    assert response.status_code == 302
    url = response.headers["Location"]
    disclosure_id = int(url.rsplit("/", 1)[1])
    assert "待预审" in client.get(url).get_data(as_text=True)
    # Bad reviews: nothing saved.
    for bad in ({"decision": "maybe"}, {"reviewed_on": "2023-01-01"}, {"reviewed_on": "2999-01-01"},
                {"recommended_protection": "trade_secret"}, {"reasons": ""}, {"reviewed_on": "2023-02-30"}):
        assert post(client, f"/disclosures/{disclosure_id}/review", {**REVIEW, **bad}).status_code == 400
    with app.app_context():
        assert db.session.get(Disclosure, disclosure_id).decision is None
    assert post(client, f"/disclosures/{disclosure_id}/review", REVIEW).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "建议申请" in page and "PCT 国际申请" in page and "王审查" in page
    post(client, "/disclosures/new", {**DISCLOSURE, "title": "另一项", "received_on": "2022-11-01",
                                      "intended_route": "invention"})
    dashboard = client.get("/metrics/centre?year=2023").get_data(as_text=True)
    assert 'id="pre-filing-review"' in dashboard
    assert ('<th scope="row">2023</th><td class="text-end">1</td><td class="text-end">1</td>'
            '<td class="text-end">1</td><td class="text-end">1</td>') in dashboard
    assert '<th scope="row">2022</th><td class="text-end">1</td><td class="text-end">0</td>' in dashboard
    # Bad disclosures: nothing saved.
    for bad in ({"title": ""}, {"intended_route": "moon"}, {"received_on": "2999-01-01"}, {"title": "x" * 400}):
        assert post(client, "/disclosures/new", {**DISCLOSURE, **bad}).status_code == 400
    assert _count(app) == 2
    # Another centre: 404 everywhere; its own list is empty.
    auth.logout()
    auth.login(other_centre_staff.email)
    assert client.get(url).status_code == 404
    assert client.get("/disclosures/centres/ruijin-ip").status_code == 404
    assert post(client, f"/disclosures/{disclosure_id}/review", REVIEW).status_code == 404
    assert "一种可降解冠脉支架" not in client.get("/disclosures/centres/other-ip").get_data(as_text=True)
    # The programme office reads, with no forms.
    auth.logout()
    auth.login(organiser.email)
    page = client.get(url).get_data(as_text=True)
    assert "一种可降解冠脉支架" in page and "/review" not in page
    assert "另一项" in client.get("/disclosures/centres/ruijin-ip").get_data(as_text=True)
    assert post(client, "/disclosures/new", DISCLOSURE).status_code == 404
    assert post(client, f"/disclosures/{disclosure_id}/review", REVIEW).status_code == 404
    auth.logout()
    auth.login(sme_user.email)
    assert client.get(url).status_code == 404 and client.get("/disclosures/").status_code == 404
    assert _count(app) == 2
