"""Running royalties: periods from the terms, reports by either party, payments matched to periods,
overdue periods on both parties' pages and in a reminder mail sent once per stage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import AuditEntry, OutgoingMail, RoyaltyPeriod, RoyaltyReminder, RoyaltyTerms
from portal.royalties.periods import add_months, period_bounds
from tests.conftest import post


@pytest.fixture
def deal_id(app, make, centre, sme_user):
    from portal.deals.operations import DealData, record_deal
    from portal.models import Organisation, Patent

    patent = make.patent(centre)
    with app.app_context():
        deal = record_deal(db.session.get(Organisation, centre.id), DealData(
            mode="ordinary", licensee=db.session.get(Organisation, sme_user.org_id),
            patents=[db.session.get(Patent, patent.id)], effective_date=date(2024, 1, 1),
            term_end=date(2026, 12, 31), contract_amount_yuan=Decimal(100000)), None)
        db.session.commit()
        return deal.id


TERMS = {"basis": "sales", "rate_pct": "5", "frequency": "quarterly", "starts_on": "2024-01-01",
         "report_days": "30", "payment_days": "60"}


def periods(app, deal_id):
    with app.app_context():
        return [(p.id, p.starts_on, p.ends_on, p.royalty_due_yuan) for p in db.session.scalars(
            db.select(RoyaltyPeriod).where(RoyaltyPeriod.deal_id == deal_id).order_by(RoyaltyPeriod.starts_on))]


def test_period_arithmetic():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert period_bounds(date(2024, 1, 15), "half_yearly", date(2025, 3, 1)) == [
        (date(2024, 1, 15), date(2024, 7, 14)), (date(2024, 7, 15), date(2025, 1, 14)),
        (date(2025, 1, 15), date(2025, 3, 1))]
    assert len(period_bounds(date(2024, 1, 1), "yearly", date(2026, 12, 31))) == 3


def test_terms_make_periods_and_reports_and_payments(client, auth, app, deal_id, centre_staff, sme_user):
    auth.login(centre_staff.email)
    assert post(client, f"/royalties/deals/{deal_id}/terms", TERMS).status_code == 302
    rows = periods(app, deal_id)
    assert len(rows) == 12 and rows[0][1:3] == (date(2024, 1, 1), date(2024, 3, 31))
    assert rows[-1][2] == date(2026, 12, 31)
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert 'id="royalty-periods"' in page and "报告逾期" in page
    auth.logout()
    auth.login(sme_user.email)
    first = rows[0][0]
    response = post(client, f"/royalties/periods/{first}/report", {"base_yuan": "1000000", "due_yuan": ""})
    assert response.status_code == 302
    assert periods(app, deal_id)[0][3] == Decimal("50000.00")
    auth.logout()
    auth.login(centre_staff.email)
    post(client, f"/royalties/periods/{first}/payment", {"paid_on": "2024-05-20", "amount_yuan": "20000"})
    with app.app_context():
        period = db.session.get(RoyaltyPeriod, first)
        assert period.received_yuan == 20000 and period.state(date.today()) == "payment_overdue"
        assert period.deal.received_yuan == 20000  # a payment on the deal too
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "royalty.payment"))
    # terms cannot change once a period is reported
    post(client, f"/royalties/deals/{deal_id}/terms", {**TERMS, "rate_pct": "8"})
    with app.app_context():
        assert db.session.scalar(db.select(RoyaltyTerms.rate_pct)) == 5
    summary = client.get("/royalties/").get_data(as_text=True)
    assert "50,000.00" in summary and "20,000.00" in summary


def test_overdue_on_both_pages_and_mailed_once(client, auth, app, runner, deal_id, centre_staff, sme_user):
    auth.login(centre_staff.email)
    post(client, f"/royalties/deals/{deal_id}/terms", TERMS)
    work = client.get("/work").get_data(as_text=True)
    assert 'id="work-royalties"' in work and f"#{deal_id}" in work
    auth.logout()
    auth.login(sme_user.email)
    work = client.get("/work").get_data(as_text=True)
    assert 'id="work-royalties"' in work and f"/deals/{deal_id}" in work
    assert "报告逾期" in client.get("/royalties/").get_data(as_text=True)
    auth.logout()
    app.config["SMTP_HOST"] = "127.0.0.1"  # mail is queued for the sender (not started here)
    result = runner.invoke(args=["royalties", "remind", "--today", "2024-06-01"])
    assert result.exit_code == 0 and "sent 1" in result.output
    with app.app_context():
        to = set(db.session.scalars(db.select(OutgoingMail.to_address)))
        assert {centre_staff.email, sme_user.email} <= to
        mails = db.session.scalar(db.select(db.func.count(OutgoingMail.id)))
    result = runner.invoke(args=["royalties", "remind", "--today", "2024-06-02"])
    assert "sent 0" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutgoingMail.id))) == mails
    runner.invoke(args=["royalties", "remind"])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RoyaltyReminder.id))) > 1


def test_access(client, auth, app, make, deal_id, centre_staff, other_centre_staff, sme_user, other_sme, organiser):
    auth.login(centre_staff.email)
    post(client, f"/royalties/deals/{deal_id}/terms", TERMS)
    auth.logout()
    first = periods(app, deal_id)[0][0]
    for user in (other_centre_staff, other_sme):
        auth.login(user.email)
        assert post(client, f"/royalties/deals/{deal_id}/terms", TERMS).status_code == 404
        assert post(client, f"/royalties/periods/{first}/report", {"base_yuan": "1"}).status_code == 404
        assert post(client, f"/royalties/periods/{first}/payment",
                    {"paid_on": "2024-05-01", "amount_yuan": "1"}).status_code == 404
        assert client.get(f"/deals/{deal_id}").status_code == 404
        auth.logout()
    auth.login(sme_user.email)  # the licensee reports, but neither sets terms nor records payments
    assert post(client, f"/royalties/deals/{deal_id}/terms", TERMS).status_code == 404
    assert post(client, f"/royalties/periods/{first}/payment",
                {"paid_on": "2024-05-01", "amount_yuan": "1"}).status_code == 404
    auth.logout()
    auth.login(organiser.email)
    assert client.get("/royalties/").status_code == 403
    auth.logout()
    assert client.get("/royalties/").status_code == 302
    assert client.post(f"/royalties/periods/{first}/report", data={"base_yuan": "1"}).status_code in (400, 302)
    assert periods(app, deal_id)[0][3] is None


@pytest.mark.parametrize("changes", [{"rate_pct": "1e30"}, {"rate_pct": "-1"}, {"rate_pct": "abc"},
                                     {"frequency": "weekly"}, {"starts_on": "2023-01-01"}, {"starts_on": "2024-02-30"},
                                     {"report_days": "99999999999999999999"}])
def test_bad_terms_save_nothing(client, auth, app, deal_id, centre_staff, changes):
    auth.login(centre_staff.email)
    post(client, f"/royalties/deals/{deal_id}/terms", {**TERMS, **changes})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RoyaltyTerms.id))) == 0
        assert db.session.scalar(db.select(db.func.count(RoyaltyPeriod.id))) == 0


@pytest.mark.parametrize("report", [{"base_yuan": "1e400"}, {"base_yuan": "-5"}, {"base_yuan": ""},
                                    {"base_yuan": "10", "due_yuan": "99999999999999999"}])
def test_bad_report_saves_nothing(client, auth, app, deal_id, centre_staff, report):
    auth.login(centre_staff.email)
    post(client, f"/royalties/deals/{deal_id}/terms", TERMS)
    first = periods(app, deal_id)[0][0]
    post(client, f"/royalties/periods/{first}/report", report)
    assert periods(app, deal_id)[0][3] is None


def test_future_period_cannot_be_reported(client, auth, app, deal_id, centre_staff):
    auth.login(centre_staff.email)
    post(client, f"/royalties/deals/{deal_id}/terms", TERMS)
    last = periods(app, deal_id)[-1][0]
    post(client, f"/royalties/periods/{last}/report", {"base_yuan": "10"})
    assert periods(app, deal_id)[-1][3] is None
