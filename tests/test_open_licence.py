"""Open-licence declarations obey DOMAIN.md §4: each rule refuses with its message, through the UI."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import Listing, OpenLicenceDeclaration
from tests.conftest import post

TERMS = {"fee_method": "lump_sum", "fee_amount_yuan": "50000", "royalty_rate_pct": "",
         "term_end": "2030-12-31", "announced_on": date.today().isoformat(), "cnipa_reference": ""}


def declare(client, patent_id, follow_redirects=False, **changes):
    return post(client, f"/manage/patents/{patent_id}/open-licence", {**TERMS, **changes},
                follow_redirects=follow_redirects)


def count_all(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def declarations(app, patent_id):
    with app.app_context():
        return db.session.query(OpenLicenceDeclaration).filter_by(patent_id=patent_id).count()


@pytest.fixture
def staff(auth, centre_staff):
    auth.login(centre_staff.email)
    return centre_staff


def test_declare_and_show_badge_and_terms(client, app, make, centre, staff):
    patent = make.patent(centre)
    listing = make.listing(centre, [patent], modes=("ordinary",))
    assert declare(client, patent.id).status_code == 302
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert 'id="open-badge"' in page and "一次性支付" in page and "50,000.00" in page and "2030-12-31" in page
    api = client.get("/api/v1/listings?open=1").get_json()
    assert [item["id"] for item in api["items"]] == [listing.id]
    assert api["items"][0]["patents"][0]["open_licence"]["fee_amount_yuan"] == "50000.00"


@pytest.mark.parametrize(("facts", "message"), [
    ({"granted": False, "legal_status": "pending"}, "只有已授权且有效的专利"),
    ({"legal_status": "lapsed"}, "只有已授权且有效的专利"),
    ({"exclusive_licence_until": date.today() + timedelta(days=30)}, "独占或排他许可"),
    ({"suspended": True}, "中止"),
    ({"annual_fees_paid": False}, "年费未缴纳"),
    ({"pledged": True, "pledgee_consent": False}, "质权人未同意"),
    ({"co_owners": [("示例共有人甲", False)]}, "示例共有人甲"),
])
def test_each_rule_refuses_with_its_message(client, app, make, centre, staff, facts, message):
    patent = make.patent(centre, **facts)
    response = declare(client, patent.id)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert declarations(app, patent.id) == 0


def test_utility_model_needs_evaluation_report(client, app, make, centre, staff):
    without = make.patent(centre, make.number("2"))
    response = declare(client, without.id, term_end="2028-12-31")
    assert response.status_code == 400
    assert "专利权评价报告" in response.get_data(as_text=True)
    with_report = make.patent(centre, make.number("2"), evaluation_report="2021PJ123")
    assert declare(client, with_report.id, term_end="2028-12-31").status_code == 302


def test_pledge_with_consent_and_co_owners_consenting_are_allowed(client, app, make, centre, staff):
    pledged = make.patent(centre, pledged=True, pledgee_consent=True)
    co_owned = make.patent(centre, co_owners=[("示例共有人甲", True), ("示例共有人乙", True)])
    assert declare(client, pledged.id).status_code == 302
    assert declare(client, co_owned.id).status_code == 302


def test_term_may_not_pass_the_last_day_of_protection(client, app, make, centre, staff):
    patent = make.patent(centre)  # invention filed 2019-03-01: last day 2039-02-28
    response = declare(client, patent.id, term_end="2039-03-01")
    assert response.status_code == 400
    assert "2039-02-28" in response.get_data(as_text=True)
    assert declare(client, patent.id, term_end="2039-02-28").status_code == 302


@pytest.mark.parametrize(("changes", "message"), [
    ({"fee_method": "royalty_sales", "fee_amount_yuan": ""}, "提成比例"),
    ({"fee_amount_yuan": ""}, "许可费金额"),
    ({"fee_method": "entry_plus_royalty", "royalty_rate_pct": ""}, "提成比例"),
    ({"fee_method": "bartering"}, ""),
])
def test_incomplete_terms_refused(client, app, make, centre, staff, changes, message):
    patent = make.patent(centre)
    response = declare(client, patent.id, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert declarations(app, patent.id) == 0


def test_fee_above_guidance_cap_warns_but_declares(client, app, make, centre, staff):
    patent = make.patent(centre)
    response = declare(client, patent.id, fee_method="royalty_sales", fee_amount_yuan="",
                       royalty_rate_pct="25", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "指导上限" in page
    assert declarations(app, patent.id) == 1


def test_no_exclusive_or_sole_while_open_licence_in_force(client, app, make, centre, staff):
    """A draft saved before the declaration is refused at publication (a draft saved after it is
    refused at once: tests/test_draft_licence_rules.py)."""
    patent = make.patent(centre)
    listing = make.listing(centre, [patent], modes=("exclusive",), publish=False)
    assert declare(client, patent.id).status_code == 302
    response = post(client, f"/manage/listings/{listing.id}/publish", follow_redirects=True)
    assert "不得就该专利给予独占许可" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Listing, listing.id).status == "draft"


def test_open_licence_alone_is_enough_to_publish(client, app, make, centre, staff):
    patent = make.patent(centre)
    declare(client, patent.id)
    listing = make.listing(centre, [patent], modes=(), publish=True)
    assert client.get(f"/api/v1/listings/{listing.id}").get_json()["open_licence"] is True


def test_withdrawal_keeps_history_and_new_terms_are_a_new_record(client, app, make, centre, staff):
    patent = make.patent(centre)
    declare(client, patent.id)
    with app.app_context():
        first = db.session.scalar(db.select(OpenLicenceDeclaration.id))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = post(client, f"/manage/declarations/{first}/withdraw", {"withdrawn_on": yesterday, "reason": "x"},
                    follow_redirects=True)
    assert "撤回日期不能早于公告日期" in response.get_data(as_text=True)
    post(client, f"/manage/declarations/{first}/withdraw",
         {"withdrawn_on": date.today().isoformat(), "reason": "许可条件调整"})
    assert declare(client, patent.id, fee_amount_yuan="80000").status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(OpenLicenceDeclaration).order_by(OpenLicenceDeclaration.id)).all()
        assert [(r.fee_amount_yuan, r.withdrawn_on is not None) for r in rows] == [(50000, True), (80000, False)]
        assert rows[0].withdrawal_reason == "许可条件调整"


def test_second_declaration_while_in_force_is_refused(client, app, make, centre, staff):
    patent = make.patent(centre)
    declare(client, patent.id)
    response = declare(client, patent.id)
    assert response.status_code == 400
    assert declarations(app, patent.id) == 1


def test_other_centre_cannot_withdraw_a_declaration(client, app, make, centre, staff, auth, other_centre_staff):
    patent = make.patent(centre)
    declare(client, patent.id)
    auth.logout()
    auth.login(other_centre_staff.email)
    with app.app_context():
        decl_id = db.session.scalar(db.select(OpenLicenceDeclaration.id))
    response = post(client, f"/manage/declarations/{decl_id}/withdraw",
                    {"withdrawn_on": date.today().isoformat(), "reason": "x"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(OpenLicenceDeclaration, decl_id).withdrawn_on is None


def test_recording_a_pledge_then_blocks_the_declaration(client, app, make, centre, staff):
    patent = make.patent(centre)
    response = post(client, f"/manage/patents/{patent.id}/facts", {"annual_fees_paid": "y", "pledged": "y"})
    assert response.status_code == 302
    response = declare(client, patent.id)
    assert response.status_code == 400 and "质权人未同意" in response.get_data(as_text=True)
    post(client, f"/manage/patents/{patent.id}/facts", {"annual_fees_paid": "y", "pledged": "y",
                                                        "pledgee_consent": "y"})
    assert declare(client, patent.id).status_code == 302
    with app.app_context():
        from portal.models import AuditEntry

        assert db.session.query(AuditEntry).filter_by(kind="patent.facts_changed").count() == 2


def test_patent_facts_of_another_centre_are_out_of_reach(client, auth, make, centre, other_centre_staff):
    patent = make.patent(centre)
    auth.login(other_centre_staff.email)
    assert client.get(f"/manage/patents/{patent.id}/facts").status_code == 404
    assert post(client, f"/manage/patents/{patent.id}/facts", {"pledged": "y"}).status_code == 404


# ---------------------------------------------------------------- co-owners

def test_refusal_names_every_co_owner_without_consent(client, app, make, centre, staff):
    patent = make.patent(centre, co_owners=[("上海甲医疗科技有限公司", True), ("乙大学", False), ("丙研究所", False)])
    client.set_cookie("portal_lang", "en")
    response = declare(client, patent.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "co-owner" in page and "乙大学" in page and "丙研究所" in page
    assert "上海甲医疗科技有限公司" not in page  # it consented
    assert declarations(app, patent.id) == 0


def test_co_owner_rule_through_the_import(app, make, centre):
    from portal.models import Organisation
    from portal.patents.importer import import_patents

    patent = make.patent(centre, co_owners=[("乙大学", False)])
    csv = ("application_number,title,filing_date,legal_status,grant_date,open_fee_method,open_fee_amount,"
           f"open_term_end\n{patent.code},一种支架,2019-03-01,valid,2021-06-01,lump_sum,50000,2030-12-31\n")
    with app.app_context():
        report = import_patents(db.session.get(Organisation, centre.id), csv.encode(), "p.csv", publish_mode="open")
        assert report.errors == 1 and "乙大学" in " ".join(report.rows[0]["errors"])
    assert declarations(app, patent.id) == 0


# ---------------------------------------------------------------- fee guidance caps

def test_configured_lower_fixed_fee_cap_warns_but_declares(client, app, make, centre, staff):
    patent = make.patent(centre)
    app.config["OPEN_LICENCE_MAX_FIXED_FEE_YUAN"] = Decimal("10000")
    response = declare(client, patent.id, follow_redirects=True)  # a 50,000 yuan lump sum
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "指导上限" in page and "10000" in page
    assert declarations(app, patent.id) == 1


def test_default_caps_do_not_warn_on_a_modest_fee(client, app, make, centre, staff):
    page = declare(client, make.patent(centre).id, follow_redirects=True).get_data(as_text=True)
    assert "指导上限" not in page


def test_configured_lower_royalty_cap_warns(client, app, make, centre, staff):
    app.config["OPEN_LICENCE_MAX_ROYALTY_PROFIT_PCT"] = Decimal("5")
    patent = make.patent(centre)
    response = declare(client, patent.id, fee_method="royalty_profit", fee_amount_yuan="", royalty_rate_pct="8",
                       follow_redirects=True)
    assert "指导上限" in response.get_data(as_text=True)
    assert declarations(app, patent.id) == 1


def test_configured_cap_warns_in_the_import(app, centre):
    from portal.models import Organisation
    from portal.patents.importer import import_patents
    from portal.rules import application_check_character

    body = "201910999901"
    csv = ("application_number,title,filing_date,legal_status,grant_date,open_fee_method,open_fee_amount,"
           f"open_term_end\n{body}.{application_check_character(body)},一种支架,2019-03-01,valid,2021-06-01,"
           "lump_sum,50000,2030-12-31\n")
    app.config["OPEN_LICENCE_MAX_FIXED_FEE_YUAN"] = Decimal("10000")
    with app.app_context():
        centre_org = db.session.get(Organisation, centre.id)
        report = import_patents(centre_org, csv.encode(), "p.csv", dry_run=True, publish_mode="open")
        assert report.errors == 0 and "10000" in " ".join(report.warnings[2])
        app.config["OPEN_LICENCE_MAX_FIXED_FEE_YUAN"] = Decimal("20000000")
        report = import_patents(centre_org, csv.encode(), "p.csv", publish_mode="open")
        assert report.errors == 0 and report.warnings == {}
        db.session.commit()
    assert count_all(app, OpenLicenceDeclaration) == 1


def test_caps_are_read_from_the_environment(monkeypatch, tmp_path):
    from portal.config import Config

    monkeypatch.setenv("PORTAL_OPEN_LICENCE_MAX_FIXED_FEE_YUAN", "1000000")
    monkeypatch.setenv("PORTAL_OPEN_LICENCE_MAX_ROYALTY_SALES_PCT", "12.5")
    config = vars(Config(tmp_path))
    assert {k: v for k, v in config.items() if k.startswith("OPEN_LICENCE_")} == {
        "OPEN_LICENCE_MAX_FIXED_FEE_YUAN": Decimal("1000000"), "OPEN_LICENCE_MAX_ROYALTY_SALES_PCT": Decimal("12.5"),
        "OPEN_LICENCE_MAX_ROYALTY_PROFIT_PCT": Decimal("40")}  # the last one: the default
    monkeypatch.setenv("PORTAL_OPEN_LICENCE_MAX_ROYALTY_SALES_PCT", "twenty")
    with pytest.raises(ValueError, match="PORTAL_OPEN_LICENCE_MAX_ROYALTY_SALES_PCT"):
        Config(tmp_path)
