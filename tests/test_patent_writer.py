"""One patent writer: a patent written by the form's operation (``upsert_patent``) and by the bulk
import (``import_patents``) gives the same row, IPC entries, audit entries and change-log rows.

Each path runs from the same committed state and is rolled back after its result is read.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Organisation, Patent, PatentIPC, SearchChange, User
from portal.patents.importer import import_patents
from portal.patents.operations import PatentData, upsert_patent

NUMBER = "201910123456.X"
HEADINGS = ("application_number,title,filing_date,legal_status,abstract,ipc,grant_date,inventors,patentee,pct,"
            "evaluation_report,pledged,pledgee_consent,annual_fees_paid,extension_days,technical_value,"
            "legal_value,market_value,strategic_value,economic_value")
ROW = (f"{NUMBER},一种可降解冠状动脉支架,2019-03-01,valid,本发明公开了一种可降解支架。,"
       "A61F 2/82; A61L 31/14; A61F 2/82,2021-06-01,张三; 李四,示例医院,no,,yes,yes,no,12,4,3,5,2,1")
DATA = PatentData(application_number=NUMBER, title="一种可降解冠状动脉支架", filing_date=date(2019, 3, 1),
                  legal_status="valid", abstract="本发明公开了一种可降解支架。",
                  ipc=["A61F 2/82", "A61L 31/14", "A61F 2/82"], grant_date=date(2021, 6, 1), inventors="张三; 李四",
                  patentee="示例医院", pct=False, evaluation_report=None, pledged=True, pledgee_consent=True,
                  annual_fees_paid=False, extension_days=12,
                  values={"technical_value": 4, "legal_value": 3, "market_value": 5, "strategic_value": 2,
                          "economic_value": 1})
SKIP = {"id", "created_at", "updated_at"}


def _written(first_audit: int, first_change: int) -> dict:
    patent = db.session.scalar(db.select(Patent).where(Patent.application_number == NUMBER))
    row = {c.key: getattr(patent, c.key) for c in Patent.__table__.columns if c.key not in SKIP}
    ipc = db.session.execute(db.select(PatentIPC.symbol, PatentIPC.subclass, PatentIPC.position)
                             .where(PatentIPC.patent_id == patent.id).order_by(PatentIPC.position)).all()
    audit = [(e.kind, e.summary, e.target_type, e.target_id == patent.id, e.actor_id)
             for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.id > first_audit,
                                                                      AuditEntry.kind.like("patent.%"))
                                         .order_by(AuditEntry.id))]
    changes = sorted(db.session.scalars(db.select(SearchChange.listing_id).where(SearchChange.id > first_change)))
    return {"row": row, "ipc": [tuple(r) for r in ipc], "audit": audit, "changes": changes}


def _both_ways(app, centre_id: int, actor_id: int) -> tuple[dict, dict]:
    results = []
    for write in ("form", "import"):
        with app.app_context():
            centre, actor = db.session.get(Organisation, centre_id), db.session.get(User, actor_id)
            first_audit = db.session.scalar(db.select(db.func.max(AuditEntry.id))) or 0
            first_change = db.session.scalar(db.select(db.func.max(SearchChange.id))) or 0
            if write == "form":
                upsert_patent(centre, DATA, actor)
            else:
                report = import_patents(centre, f"{HEADINGS}\n{ROW}\n".encode(), "p.csv", actor=actor)
                assert report.errors == 0, report.rows
            db.session.flush()
            results.append(_written(first_audit, first_change))
            db.session.rollback()
    return results[0], results[1]


@pytest.mark.parametrize("existing", [False, True], ids=["new", "update"])
def test_form_and_import_write_the_same_patent(app, make, centre, centre_staff, existing):
    if existing:
        # An older version of the patent, offered on a published listing: an update notes the listing.
        old = make.patent(centre, number=NUMBER, title="旧名称", ipc=["A61L 31/14", "G06T 7/00"],
                          filing_date=date(2019, 3, 1))
        make.listing(centre, [old])
    form, imported = _both_ways(app, centre.id, centre_staff.id)
    assert form == imported
    assert form["ipc"] == [("A61F 2/82", "A61F", 0), ("A61L 31/14", "A61L", 1)]
    assert [kind for kind, *_ in form["audit"]] == ["patent.updated" if existing else "patent.created"]
    assert len(form["changes"]) == (1 if existing else 0)
    assert form["row"]["extension_days"] == 12 and form["row"]["pledged"] and not form["row"]["annual_fees_paid"]
