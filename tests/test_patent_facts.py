"""The patent facts page: each co-owner and its consent to an open licence, recorded row by row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEntry, OpenLicenceDeclaration, PatentCoOwner
from tests.conftest import post

TERMS = {"fee_method": "lump_sum", "fee_amount_yuan": "50000", "royalty_rate_pct": "", "term_end": "2030-12-31",
         "announced_on": date.today().isoformat(), "cnipa_reference": ""}
TODAY = date.today().isoformat()


@pytest.fixture
def staff(auth, centre_staff):
    auth.login(centre_staff.email)
    return centre_staff


def facts(client, patent_id, rows=(), **fields):
    """POST the facts form with co-owner rows given as dicts (id, name, consent, consent_date, …)."""
    data = {"annual_fees_paid": "y", **fields}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "y"
            if value not in (False, None):
                data[f"co_owner-{i}-{key}"] = str(value)
    return post(client, f"/manage/patents/{patent_id}/facts", data)


def co_owners(app, patent_id) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(db.select(PatentCoOwner).where(PatentCoOwner.patent_id == patent_id)
                                  .order_by(PatentCoOwner.id))
        return [(c.name, c.consent, c.consent_date, c.reference) for c in rows]


def co_owner_ids(app, patent_id) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(db.select(PatentCoOwner.name, PatentCoOwner.id)
                                       .where(PatentCoOwner.patent_id == patent_id)).all())


def declare(client, patent_id):
    return post(client, f"/manage/patents/{patent_id}/open-licence", TERMS)


def test_record_co_owners_then_their_consents(client, app, make, centre, staff):
    patent = make.patent(centre)
    response = facts(client, patent.id, [
        {"name": "乙大学", "consent": True, "consent_date": TODAY, "reference": "函〔2024〕12号"},
        {"name": "丙研究所"},
        {"name": ""},  # the blank row the page offers: ignored
    ])
    assert response.status_code == 302
    assert co_owners(app, patent.id) == [("乙大学", True, date.today(), "函〔2024〕12号"),
                                         ("丙研究所", False, None, "")]
    response = declare(client, patent.id)
    assert response.status_code == 400 and "丙研究所" in response.get_data(as_text=True)

    ids = co_owner_ids(app, patent.id)
    page = client.get(f"/manage/patents/{patent.id}/facts").get_data(as_text=True)
    assert "乙大学" in page and "丙研究所" in page and f'value="{ids["丙研究所"]}"' in page
    response = facts(client, patent.id, [
        {"id": ids["乙大学"], "name": "乙大学", "consent": True, "consent_date": TODAY, "reference": "函〔2024〕12号"},
        {"id": ids["丙研究所"], "name": "丙研究所", "consent": True, "consent_date": TODAY},
    ])
    assert response.status_code == 302
    assert declare(client, patent.id).status_code == 302
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind == "patent.co_owners_changed")
                                     .order_by(AuditEntry.id)).all()
        assert [e.data for e in entries] == [{"added": ["乙大学", "丙研究所"]}, {"changed": ["丙研究所"]}]
        assert all(e.actor_id == staff.id for e in entries)


def test_remove_a_co_owner_and_rows_left_out_stay(client, app, make, centre, staff):
    patent = make.patent(centre, co_owners=[("乙大学", False), ("丙研究所", True)])
    ids = co_owner_ids(app, patent.id)
    # A POST without any co-owner rows (the other facts only) keeps the co-owners.
    assert facts(client, patent.id, pledged="").status_code == 302
    assert len(co_owners(app, patent.id)) == 2
    response = facts(client, patent.id, [{"id": ids["乙大学"], "name": "乙大学", "remove": True}])
    assert response.status_code == 302
    assert co_owners(app, patent.id) == [("丙研究所", True, None, "")]
    assert declare(client, patent.id).status_code == 302


@pytest.mark.parametrize("rows", [
    [{"name": "乙大学", "consent_date": TODAY}],  # a consent date without the consent
    [{"name": "乙大学", "consent": True, "consent_date": (date.today() + timedelta(days=3)).isoformat()}],
    [{"name": "乙大学"}, {"name": " 乙大学 "}],  # twice
    [{"name": "乙大学"}, {"name": "", "reference": "函"}],  # a row without a name
    [{"name": "乙大学", "consent_date": "not a date"}],
    [{"name": "乙" * 201}],
    [{"name": "乙大学"}, {"id": "abc", "name": "丙研究所"}],
])
def test_bad_rows_are_refused_and_save_nothing(client, app, make, centre, staff, rows):
    patent = make.patent(centre, co_owners=[("甲公司", False)])
    response = facts(client, patent.id, rows, pledged="y")
    assert response.status_code == 400
    assert co_owners(app, patent.id) == [("甲公司", False, None, "")]
    with app.app_context():
        assert db.session.query(AuditEntry).filter(AuditEntry.kind.like("patent.%_changed")).count() == 0
        from portal.models import Patent

        assert db.session.get(Patent, patent.id).pledged is False  # the whole form is refused


def test_a_recorded_name_cannot_be_added_again(client, app, make, centre, staff):
    patent = make.patent(centre, co_owners=[("乙大学", False)])
    assert facts(client, patent.id, [{"name": "乙大学", "consent": True}]).status_code == 400
    assert co_owners(app, patent.id) == [("乙大学", False, None, "")]


def test_another_patents_co_owner_id_is_refused(client, app, make, centre, staff, other_centre_staff):
    mine = make.patent(centre)
    other_centre = make.org("centre", code="third-ip")
    theirs = make.patent(other_centre, co_owners=[("他人共有人", False)])
    [their_id] = co_owner_ids(app, theirs.id).values()
    for rows in ([{"id": their_id, "name": "改名", "consent": True}], [{"id": their_id, "remove": True}],
                 [{"id": 999999, "name": "猜测", "consent": True}]):
        assert facts(client, mine.id, rows).status_code == 400
    assert co_owners(app, theirs.id) == [("他人共有人", False, None, "")]
    assert co_owners(app, mine.id) == []


def test_the_page_offers_blank_rows(client, make, centre, staff):
    patent = make.patent(centre)
    page = client.get(f"/manage/patents/{patent.id}/facts").get_data(as_text=True)
    assert 'name="co_owner-0-name"' in page and 'name="co_owner-1-name"' in page


def test_declaration_in_force_is_not_touched_by_later_co_owner_changes(client, app, make, centre, staff):
    """Consent matters when the licence is declared; recording a co-owner later changes no declaration."""
    patent = make.patent(centre)
    assert declare(client, patent.id).status_code == 302
    assert facts(client, patent.id, [{"name": "乙大学"}]).status_code == 302
    with app.app_context():
        assert db.session.query(OpenLicenceDeclaration).filter_by(patent_id=patent.id, withdrawn_on=None).count() == 1


def test_remove_and_add_the_same_name_in_one_form(client, app, make, centre, staff):
    patent = make.patent(centre, co_owners=[("乙大学", False)])
    [old_id] = co_owner_ids(app, patent.id).values()
    response = facts(client, patent.id, [{"id": old_id, "name": "乙大学", "remove": True},
                                         {"name": "乙大学", "consent": True, "consent_date": TODAY}])
    assert response.status_code == 302
    assert co_owners(app, patent.id) == [("乙大学", True, date.today(), "")]


def test_two_co_owners_swap_names_in_one_form(client, app, make, centre, staff):
    patent = make.patent(centre, co_owners=[("甲医院", True), ("乙大学", False)])
    ids = co_owner_ids(app, patent.id)
    response = facts(client, patent.id, [{"id": ids["甲医院"], "name": "乙大学"},
                                         {"id": ids["乙大学"], "name": "甲医院", "consent": True,
                                          "consent_date": TODAY}])
    assert response.status_code == 302
    assert co_owner_ids(app, patent.id) == {"乙大学": ids["甲医院"], "甲医院": ids["乙大学"]}
