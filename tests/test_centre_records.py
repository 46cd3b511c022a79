"""The centre records of the notice: the leadership body led by a hospital leader and the working funds
secured, through the centre facts page; bad input saves nothing; others cannot change them."""

from __future__ import annotations

from decimal import Decimal

from portal.extensions import db
from portal.models import FundingSecured, LeadershipBody
from tests.conftest import post

BODY = {"name": "知识产权工作领导小组", "leader": "王院长", "leader_position": "副院长", "members": "张三；李四",
        "established_on": "2022-06-01", "document_reference": "院发〔2022〕12号"}


def test_leadership_and_funding(client, auth, app, centre, centre_staff, other_centre_staff, organiser):
    auth.login(centre_staff.email)
    assert post(client, "/metrics/centre/facts/leadership", BODY).status_code == 302
    assert post(client, "/metrics/centre/facts/leadership", {**BODY, "leader": "李院长"}).status_code == 302
    funds = {"title": "2023年运营经费", "amount": "200,000", "source": "医院自筹", "secured_on": "2023-01-05"}
    assert post(client, "/metrics/centre/facts/funding", funds).status_code == 302
    page = client.get("/metrics/centre/facts").get_data(as_text=True)
    assert "李院长" in page and "2023年运营经费" in page and "200,000.00" in page
    with app.app_context():
        body = db.session.get(LeadershipBody, centre.id)
        assert (body.leader, body.leader_position) == ("李院长", "副院长")
        funding = db.session.scalar(db.select(FundingSecured))
        assert funding.amount_yuan == Decimal("200000.00")
        funding_id = funding.id
    # Bad input: a message, nothing saved.
    for bad in ({"amount": "-1"}, {"amount": "1e40"}, {"secured_on": "2023-02-31"}, {"source": ""}):
        response = post(client, "/metrics/centre/facts/funding",
                        {"title": "x", "amount": "100", "source": "医院", "secured_on": "2023-01-05", **bad})
        assert response.status_code == 400
    assert post(client, "/metrics/centre/facts/leadership", {**BODY, "established_on": "2999-01-01"}).status_code == 400
    with app.app_context():
        assert db.session.query(FundingSecured).count() == 1
        assert db.session.get(LeadershipBody, centre.id).leader == "李院长"
    # Another centre's staff cannot remove it; an organiser has no facts page.
    auth.logout()
    auth.login(other_centre_staff.email)
    assert post(client, f"/metrics/centre/facts/funding/{funding_id}/delete").status_code == 404
    auth.logout()
    auth.login(organiser.email)
    assert client.get("/metrics/centre/facts").status_code == 403
    assert post(client, "/metrics/centre/facts/leadership", BODY).status_code == 403
    auth.logout()
    auth.login(centre_staff.email)
    assert post(client, f"/metrics/centre/facts/funding/{funding_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.query(FundingSecured).count() == 0
