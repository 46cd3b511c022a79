"""Demo deals: created once, through the real operations, and enough for the dashboard and the watchlist."""

from __future__ import annotations

import json
import re

from portal.extensions import db
from portal.models import AuditEntry, Deal, ExchangeForward, Organisation, User
from tests.conftest import PASSWORD

DEAL_TARGETS = ("count", "amount", "sme_count", "sme_amount")


def flask(runner, app, *args):
    with app.app_context():
        result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def deal_count(app) -> int:
    with app.app_context():
        return db.session.query(Deal).count()


def test_demo_twice_records_the_deals_once(runner, app):
    first = flask(runner, app, "demo")
    assert "demo deals recorded" in first.output
    count = deal_count(app)
    assert count > 0
    second = flask(runner, app, "demo")
    assert "demo deals recorded" not in second.output
    assert deal_count(app) == count
    with app.app_context():
        deals = db.session.scalars(db.select(Deal)).all()
        assert {d.mode for d in deals} == {"exclusive", "sole", "ordinary", "open", "assignment", "equity"}
        assert {d.licensor.code for d in deals} == {"demo-ruihe-ip", "demo-dongfang-ip"}
        assert all(d.licensor.is_example and d.licensee.is_example for d in deals)
        assert all(p.centre_id == d.licensor_id for d in deals for p in d.patents)
        assert {d.licensee_size_class for d in deals} >= {"large", "medium", "small", "micro"}
        assert any(d.received_yuan > 0 for d in deals) and any(d.received_yuan == 0 for d in deals)
        assert {d.recordal_status for d in deals} == {"not_filed", "filed", "recorded"}
        assert all(d.recordal_number and d.recordal_date for d in deals if d.recordal_status == "recorded")
        assignment = next(d for d in deals if d.kind == "assignment")
        assert assignment.registration_date.year == assignment.effective_date.year + 1
        # every deal went through record_deal (or the open-licence acceptance): each has its audit entry
        recorded = db.session.scalars(db.select(AuditEntry.target_id).where(AuditEntry.kind == "deal.recorded"))
        assert sorted(recorded) == sorted(d.id for d in deals)
        forward = db.session.scalar(db.select(ExchangeForward))
        assert forward is not None and forward.deal_id == assignment.id and forward.status == "forwarded"


def test_ruihe_dashboard_has_both_years_and_a_mix_of_targets(runner, app):
    flask(runner, app, "demo")
    data = json.loads(flask(runner, app, "metrics", "show", "--centre", "demo-ruihe-ip", "--json").output)
    assert data["year"] > data["baseline_year"]
    assert data["deals"]["count"] > 0 and data["baseline"]["count"] > 0
    assert data["deals"]["sme"]["count"] > 0 and data["baseline"]["sme"]["count"] > 0
    met = {name: data["targets"][name]["met"] for name in DEAL_TARGETS}
    assert any(met.values()) and not all(met.values()), met
    assert met["count"] and not met["sme_amount"]


def test_demo_deals_follow_the_stored_programme_years(runner, app):
    from portal.models import current_parameters

    with app.app_context():
        params = current_parameters()
        params.baseline_year, params.assessment_year = 2023, 2024
        db.session.commit()
    flask(runner, app, "demo")
    data = json.loads(flask(runner, app, "metrics", "show", "--centre", "demo-ruihe-ip", "--json").output)
    assert (data["baseline_year"], data["year"]) == (2023, 2024)
    assert data["deals"]["count"] > 0 and data["baseline"]["count"] > 0


def test_recordal_watchlist_of_the_demo_centre_lists_deals(runner, app, client, auth):
    flask(runner, app, "demo")
    with app.app_context():
        staff = db.session.scalar(db.select(User).where(User.email == "centre.staff@demo.portal.local"))
        staff.set_password(PASSWORD)
        centre_id = db.session.scalar(db.select(Organisation.id).where(Organisation.code == "demo-ruihe-ip"))
        db.session.commit()
    assert auth.login("centre.staff@demo.portal.local").status_code == 302
    page = client.get("/deals/recordal")
    assert page.status_code == 200
    listed = {int(n) for n in re.findall(r'href="/deals/(\d+)"', page.get_data(as_text=True))}
    assert listed
    with app.app_context():
        assert {db.session.get(Deal, n).licensor_id for n in listed} == {centre_id}
    # the centre's other pages render the demo deals too
    for path in ("/deals/", "/metrics/centre", f"/deals/{min(listed)}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "（示例）" in response.get_data(as_text=True), path
