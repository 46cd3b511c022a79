"""The application package: ``programme package`` on a centre writes a DOCX that python-docx opens, whose
figures equal the dashboard's for the same year and day (read from the metrics JSON the dashboard is
drawn from, and from the dashboard page itself); the 承诺书 with blanks for signatures; the checklist;
the button for centre administrators; others get 404."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from portal.extensions import db
from portal.models import Organisation
from tests.conftest import post
from tests.test_metrics import facts, scenario  # noqa: F401  (the hand-built deals and facts)


def _figures_of(doc) -> dict[str, str]:
    """Every two-column table row of the document: name → value."""
    found = {}
    for table in doc.tables:
        if len(table.columns) == 2:
            for row in table.rows[1:]:
                name, value = (cell.text for cell in row.cells)
                found[name] = value
    return found


def _money(text: str) -> str:
    return f"{Decimal(text):,.2f}"


@pytest.fixture
def extras(app, centre, scenario, facts):  # noqa: F811
    from portal.budget import operations as budget

    with app.app_context():
        c = db.session.get(Organisation, centre.id)
        budget.add_receipt(c, fund="grant", received_on=date(2023, 3, 1), amount="500000", source="市知识产权局",
                           actor=None)
        budget.add_receipt(c, fund="matching", received_on=date(2023, 3, 2), amount="400000", source="医院",
                           actor=None)
        db.session.commit()


def test_package_figures_equal_the_dashboards(tmp_path, runner, app, client, auth, make, centre, extras):
    out = tmp_path / "package.docx"
    result = runner.invoke(args=["programme", "package", "--centre", "ruijin-ip", "--year", "2023", "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    figures = _figures_of(doc)
    shown = json.loads(runner.invoke(args=["metrics", "show", "--centre", "ruijin-ip", "--year", "2023",
                                           "--json"]).output)
    e = shown["eligibility"]
    assert "统计期间：绩效指标为2023年（基准年2022年）；申报条件截至2023-12-31" in text
    assert figures["有效发明专利"] == str(e["valid_inventions"])
    assert figures["可投入运营的专利"] == str(e["operable_patents"])
    assert figures["近3年交易次数"] == str(e["deals_3y"])
    assert figures["近3年实际到账金额（元）"] == _money(e["received_3y"])
    assert figures["PCT专利申请（件）（2023年）"] == str(shown["targets"]["pct"]["actual"])
    assert figures["知识产权专职工作人员（人）"] == str(shown["targets"]["staff"]["actual"])
    assert figures["配套比例"] == "0.80:1"
    # The targets table equals the dashboard's targets.
    targets = {row.cells[0].text: [c.text for c in row.cells[1:]] for t in doc.tables if len(t.columns) == 5
               and t.rows[0].cells[0].text == "指标" for row in t.rows[1:]}
    assert targets["专利许可、转让、作价入股次数"][2] == str(shown["targets"]["count"]["actual"])
    assert Decimal(targets["专利许可、转让、作价入股金额（元）"][2]) == Decimal(shown["targets"]["amount"]["actual"])
    # The dashboard page shows the same eligibility figures.
    staff = make.user("centre_admin", org=centre, email="admin@ruijin.example.cn")
    auth.login(staff.email)
    page = client.get("/metrics/centre?year=2023").get_data(as_text=True)
    assert f'<td class="text-end">{e["operable_patents"]}</td>' in page and 'id="package-button"' in page
    # The undertaking with blanks, and the checklist.
    assert "项目实施承诺书" in text and "单位负责人（签字）：____" in text and "专款专用" in text
    checklist = {row.cells[0].text: row.cells[1].text for row in doc.tables[-1].rows[1:]}
    assert checklist["专利导航报告"] == "已上传" and checklist["院领导牵头的领导机构成立文件"] == "缺"
    # The button gives the same document.
    response = client.get("/metrics/centres/ruijin-ip/package.docx?year=2023&as_of=2023-12-31")
    assert response.status_code == 200
    web = _figures_of(Document(io.BytesIO(response.data)))
    assert web == figures


def test_package_access(client, auth, runner, make, centre, centre_staff, other_centre_staff, organiser, tmp_path):
    assert runner.invoke(args=["programme", "package", "--centre", "nope", "--year", "2023", "--out",
                               str(tmp_path / "x.docx")]).exit_code != 0
    auth.login(centre_staff.email)  # staff, not the centre's administrator: no button, no document
    assert 'id="package-button"' not in client.get("/metrics/centre?year=2023").get_data(as_text=True)
    assert client.get("/metrics/centres/ruijin-ip/package.docx?year=2023").status_code == 404
    auth.logout()
    other_admin = make.user("centre_admin", org=make.org("centre", code="far-ip"), email="admin@far.example.cn")
    auth.login(other_admin.email)
    assert client.get("/metrics/centres/ruijin-ip/package.docx?year=2023").status_code == 404
    assert client.get("/metrics/centres/far-ip/package.docx?year=2023").status_code == 200
    assert client.get("/metrics/centres/far-ip/package.docx?year=abc").status_code == 400
    auth.logout()
    auth.login(organiser.email)
    assert client.get("/metrics/centres/ruijin-ip/package.docx?year=2023").status_code == 200
    post(client, "/logout")
