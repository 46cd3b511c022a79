"""Helpers shared by the search tests (no conftest: the search package is tested on its own)."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

from search import Change, Document, SearchIndex

REAL_PATENTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "real_patents.csv"


def make_doc(doc_id: str, title: str, body: str = "", **fields) -> Document:
    """A listing document with harmless defaults for everything not given."""
    fields.setdefault("version", "v1")
    fields.setdefault("centre", "RJ")
    fields.setdefault("kind", ["invention"])
    fields.setdefault("mode", ["ordinary"])
    fields.setdefault("field", "device")
    fields.setdefault("published", datetime(2024, 1, 1))
    return Document(doc_id=doc_id, title=title, body=body, **fields)


def upserts(docs: list[Document], first_id: int = 1) -> list[Change]:
    """One upsert change per document, with ascending ids from ``first_id``."""
    return [Change(first_id + i, "upsert", doc.doc_id, doc) for i, doc in enumerate(docs)]


def index_with(path, docs: list[Document]) -> SearchIndex:
    """A new index at ``path`` holding ``docs``."""
    index = SearchIndex(path)
    index.apply(upserts(docs))
    return index


# A small corpus with known answers, used by the query tests.
CORPUS = [
    make_doc(
        "stent",
        "药物洗脱冠状动脉支架及其输送系统",
        "本发明公开了一种药物洗脱冠状动脉支架，支架表面涂覆雷帕霉素，用于治疗冠心病。",
        app_numbers=["201811564288.X"],
        ipc=["A61F 2/82"],
        centre="RJ",
        kind=["invention"],
        mode=["ordinary", "exclusive"],
        open_licence=True,
        field="cardiology",
        published=datetime(2023, 3, 1),
        expiry=date(2038, 12, 24),
    ),
    make_doc(
        "bracket",
        "一种支架",
        "一种用于安装摄像头的支架，支架包括底座、支架臂和夹持部，支架结构简单。",
        ipc=["F16M 11/04"],
        centre="ZS",
        kind=["utility_model"],
        mode=["assignment"],
        field="general",
        published=datetime(2024, 6, 1),
        expiry=date(2031, 5, 30),
    ),
    make_doc(
        "ctseg",
        "基于深度学习的CT图像分割方法",
        "本发明涉及医学影像，对CT图像进行病灶分割，用于PD-1抗体治疗的肺癌患者疗效评估。",
        app_numbers=["201510958772.0"],
        ipc=["A61B 6/03", "G06T 7/11"],
        centre="RJ",
        kind=["invention"],
        mode=["ordinary"],
        field="imaging",
        published=datetime(2022, 5, 1),
        expiry=None,
    ),
    make_doc(
        "catheter",
        "一种可调弯超声导管",
        "超声导管包括超声探头和导丝腔，适用于血管内超声成像。ultrasound catheter with <script>alert(1)</script>",
        ipc=["A61B 8/12"],
        centre="HS",
        kind=["invention", "pct"],
        mode=["ordinary", "sole"],
        open_licence=True,
        field="imaging",
        published=datetime(2021, 9, 9),
        expiry=date(2035, 1, 1),
    ),
    make_doc(
        "joint",
        "人工膝关节假体",
        "一种人工膝关节，胫骨平台采用钛合金，提高骨整合。",
        ipc=["A61F 2/38"],
        centre="ZS",
        kind=["invention"],
        mode=["equity"],
        field="orthopaedics",
        published=datetime(2020, 2, 2),
        expiry=date(2032, 7, 7),
    ),
]


def real_patents(limit: int | None = None) -> list[Document]:
    """Documents from the shared KPPatent-ZH sample (only read when present; never copied)."""
    docs = []
    with REAL_PATENTS.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if limit is not None and i >= limit:
                break
            docs.append(
                make_doc(
                    row["id"],
                    row["title"],
                    row["abstract"],
                    centre=("RJ", "ZS", "HS", "RM")[i % 4],
                    published=datetime(2015, 1, 1) + timedelta(days=i),
                )
            )
    return docs
