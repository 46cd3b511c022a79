"""The operable flag (可投入运营) and the five value scores: set on the patent page (with history), in
bulk on the patent list, and by the import; eligibility counts the flag, not publication; the
high-value count on the dashboard and the patent list's filters. Another centre's patents answer 404."""

from __future__ import annotations

import io
import json

from portal.extensions import db
from portal.models import AuditEntry, Patent
from tests.conftest import Ref, csrf_token, post

SCORES = {"technical_value": "5", "legal_value": "4", "market_value": "4", "strategic_value": "4",
          "economic_value": "3"}


def _patent(app, patent_id):
    with app.app_context():
        p = db.session.get(Patent, patent_id)
        return p.operable, p.values()


def _eligibility(runner):
    result = runner.invoke(args=["metrics", "show", "--centre", "ruijin-ip", "--year", "2023", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["eligibility"]


def test_operable_counts_without_publication(client, auth, app, runner, make, centre, centre_staff):
    unlisted = make.patent(centre)
    lapsed = make.patent(centre, legal_status="lapsed")
    listed = make.patent(centre)
    make.listing(centre, [listed])
    assert _eligibility(runner)["operable_patents"] == 0  # a published listing alone is not the flag
    auth.login(centre_staff.email)
    page = client.get(f"/manage/patents/{unlisted.id}/assessment")
    assert page.status_code == 200
    assert post(client, f"/manage/patents/{unlisted.id}/assessment", {"operable": "y", **SCORES}).status_code == 302
    assert _patent(app, unlisted.id) == (True, {"technical_value": 5, "legal_value": 4, "market_value": 4,
                                                "strategic_value": 4, "economic_value": 3})
    # Bulk: the lapsed one is flagged but not counted (validity is the portal's check).
    response = post(client, "/manage/patents/operable", {"patent": [str(lapsed.id), str(listed.id)], "operable": "1"})
    assert response.status_code == 302
    assert _eligibility(runner)["operable_patents"] == 2
    # The history shows who changed what.
    history = client.get(f"/manage/patents/{unlisted.id}/assessment").get_data(as_text=True)
    assert "staff@ruijin.example.cn" in history and "技术价值: — → 5" in history
    # The dashboard explains the definition and counts the high-value patent (mean 4.0 ≥ 4).
    dashboard = client.get("/metrics/centre?year=2023").get_data(as_text=True)
    assert 'id="operable-definition"' in dashboard and "无需在平台上发布" in dashboard
    assert 'id="high-value-count">1<' in dashboard
    # Filters on the patent list.
    assert f"/manage/patents/{unlisted.id}/assessment" in client.get("/manage/patents?high_value=1").get_data(
        as_text=True)
    not_operable = client.get("/manage/patents?operable=0").get_data(as_text=True)
    assert f'value="{unlisted.id}"' not in not_operable
    # Marking back.
    post(client, "/manage/patents/operable", {"patent": [str(listed.id)], "operable": "0"})
    assert _eligibility(runner)["operable_patents"] == 1


def test_bad_scores_and_other_centres(client, auth, app, make, centre, centre_staff, other_centre_staff):
    mine = make.patent(centre)
    theirs = make.patent(make.org("centre", code="third-ip"))
    auth.login(centre_staff.email)
    for bad in ({"technical_value": "6"}, {"legal_value": "0"}, {"market_value": "abc"},
                {"economic_value": "99999999999999999999"}):
        response = post(client, f"/manage/patents/{mine.id}/assessment", {**SCORES, **bad, "operable": "y"})
        assert response.status_code == 400
    assert _patent(app, mine.id) == (False, dict.fromkeys(SCORES))
    assert client.get(f"/manage/patents/{theirs.id}/assessment").status_code == 404
    assert post(client, f"/manage/patents/{theirs.id}/assessment", SCORES).status_code == 404
    # A bulk action naming another centre's patent changes nothing at all.
    post(client, "/manage/patents/operable", {"patent": [str(mine.id), str(theirs.id)], "operable": "1"})
    assert _patent(app, mine.id)[0] is False and _patent(app, theirs.id)[0] is False
    post(client, "/manage/patents/operable", {"patent": ["1\x00"], "operable": "1"})
    assert _patent(app, mine.id)[0] is False
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry.id).where(AuditEntry.kind.like("patent.operable%"))) is None


def test_the_import_sets_the_flag_and_keeps_it_when_absent(client, auth, app, make, centre, centre_staff):
    number = make.number()
    auth.login(centre_staff.email)

    def upload(text: str):
        data = {"csrf_token": csrf_token(client, "/manage/patents/import"), "publish": "",
                "file": (io.BytesIO(text.encode("utf-8")), "p.csv")}
        return client.post("/manage/patents/import", data=data, content_type="multipart/form-data")

    assert upload(f"申请号,名称,申请日,法律状态,可投入运营\n{number},一种导管,2019-03-01,有效,是\n").status_code == 200
    with app.app_context():
        patent = db.session.scalar(db.select(Patent).where(Patent.title == "一种导管"))
        patent_id = patent.id
        assert patent.operable is True
    # A file without the column keeps the flag; a blank cell too; "否" clears it.
    upload(f"申请号,名称,申请日,法律状态\n{number},一种导管,2019-03-01,有效\n")
    assert _patent(app, patent_id)[0] is True
    upload(f"申请号,名称,申请日,法律状态,可投入运营\n{number},一种导管,2019-03-01,有效,\n")
    assert _patent(app, patent_id)[0] is True
    upload(f"申请号,名称,申请日,法律状态,operable\n{number},一种导管,2019-03-01,有效,否\n")
    assert _patent(app, patent_id)[0] is False
    bad = upload(f"申请号,名称,申请日,法律状态,可投入运营\n{number},一种导管,2019-03-01,有效,也许\n")
    assert "也许" in bad.get_data(as_text=True)


def test_one_patent_by_hand_through_the_patent_writer(client, auth, app, make, centre, centre_staff):
    from portal.models import AuditEntry, SearchChange

    auth.login(centre_staff.email)
    number = make.number()
    form = {"application_number": number, "title": "一种手术机器人", "abstract": "本发明公开了一种机器人。",
            "filing_date": "2019-03-01", "grant_date": "2021-06-01", "legal_status": "valid",
            "ipc": "A61B 34/30; a61b 17/00", "inventors": "张三", "patentee": "示例医院", "extension_days": "0",
            "operable": "y"}
    assert client.get("/manage/patents/new").status_code == 200
    for bad in ({"application_number": "12345"}, {"grant_date": "2018-01-01"}, {"ipc": "ZZZ"},
                {"filing_date": "2019-02-30"}, {"legal_status": "dead"}, {"title": ""}):
        assert post(client, "/manage/patents/new", {**form, **bad}).status_code == 400
    with app.app_context():
        assert db.session.query(Patent).count() == 0
    response = post(client, "/manage/patents/new", form)
    assert response.status_code == 302
    with app.app_context():
        patent = db.session.scalar(db.select(Patent))
        assert (patent.title, patent.operable, patent.ipc) == ("一种手术机器人", True, ["A61B 34/30", "A61B 17/00"])
        patent.pledged = True  # a legal fact recorded on its own page
        db.session.commit()
        patent_id = patent.id
    page = client.get(f"/manage/patents/{patent_id}/edit").get_data(as_text=True)
    assert "A61B 34/30; A61B 17/00" in page
    listing = make.listing(centre, [Ref(id=patent_id)])
    assert post(client, f"/manage/patents/{patent_id}/edit", {**form, "title": "一种改进的手术机器人",
                                                              "application_number": "ignored"}).status_code == 302
    with app.app_context():
        patent = db.session.get(Patent, patent_id)
        assert patent.title == "一种改进的手术机器人" and patent.pledged is True  # kept
        kinds = list(db.session.scalars(db.select(AuditEntry.kind).where(AuditEntry.target_id == patent_id,
                                                                           AuditEntry.target_type == "patents")))
        assert "patent.created" in kinds and "patent.updated" in kinds
        assert db.session.scalar(db.select(SearchChange.id).where(SearchChange.listing_id == listing.id))
    other = make.patent(make.org("centre", code="fourth-ip"))
    assert client.get(f"/manage/patents/{other.id}/edit").status_code == 404
    assert post(client, f"/manage/patents/{other.id}/edit", form).status_code == 404
