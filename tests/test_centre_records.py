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


def test_training_counted_on_the_dashboard_and_programme_view(client, auth, app, make, centre, centre_staff,
                                                              organiser):
    from datetime import UTC, datetime, timedelta

    from portal.events.operations import Attendee, EventData, create_event
    from portal.models import Organisation

    make.org("enterprise", code="kangxu")
    with app.app_context():
        owner = db.session.get(Organisation, centre.id)
        for starts, kind, people in (
                (datetime(2023, 3, 1, 2, tzinfo=UTC), "training", [Attendee("kangxu", 12), Attendee("ruijin-ip", 3)]),
                (datetime(2023, 9, 1, 2, tzinfo=UTC), "training", [Attendee("kangxu", 5)]),
                # 2023-12-31 17:00 UTC is already 2024 in Shanghai
                (datetime(2023, 12, 31, 17, tzinfo=UTC), "training", []),
                (datetime(2023, 5, 1, 2, tzinfo=UTC), "roadshow", [Attendee("kangxu", 40)])):
            create_event(owner, EventData(kind=kind, title="知识产权培训", starts_at=starts,
                                          ends_at=starts + timedelta(hours=2), place="会议室", attendees=people),
                         actor=None)
        db.session.commit()
    from portal.metrics.activity import training_counts

    with app.app_context():
        assert training_counts([centre.id], 2023)[centre.id].__dict__ == {"sessions": 2, "attendees": 20}
        assert training_counts([centre.id], 2024)[centre.id].sessions == 1
    auth.login(centre_staff.email)
    page = client.get("/metrics/centre?year=2023").get_data(as_text=True)
    row = '<th scope="row">2023</th><td class="text-end">2</td><td class="text-end">20</td>'
    assert 'id="training"' in page and row in page
    auth.logout()
    auth.login(organiser.email)
    programme = client.get("/metrics/programme?year=2023").get_data(as_text=True)
    assert "2 / 20" in programme and 'id="centre-count"' in programme
