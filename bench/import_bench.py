"""Benchmark the patent import: 10,000 rows, as a centre's spreadsheet would hold them.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--db postgresql://…]

Generates a CSV of valid application numbers with Chinese titles and abstracts, then on a fresh
database times ``import_patents``: a dry run, the real import, a re-import (every row an update)
and an import with ``--publish ordinary`` on another fresh database. Prints rows per second.
SQLite always; PostgreSQL too when ``--db`` or ``PORTAL_TEST_DATABASE_URL`` names one (its
tables are dropped and recreated).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.config import TestConfig, sqlalchemy_url  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.rules import application_check_character  # noqa: E402

DEVICES = ["腹腔镜手术器械", "冠状动脉支架", "中心静脉导管", "骨科内固定钢板", "智能输液泵", "内窥镜成像系统",
           "康复训练机器人", "牙科种植体", "穿刺活检针", "心电监护装置", "医用敷料", "超声探头"]
QUALIFIERS = ["一种可调节角度的", "一种具有自锁结构的", "一种基于深度学习的", "一种防感染的", "一种可降解的",
              "一种便携式", "一种多通道", "一种低剂量"]
ABSTRACT = ("本发明公开了{title}，包括主体、连接组件和控制单元，所述连接组件与主体可拆卸连接。"
            "本发明结构简单、操作方便，能够缩短手术时间，降低并发症发生率，适用于{dept}临床使用。")
DEPARTMENTS = ["心内科", "骨科", "普外科", "口腔科", "康复科", "影像科", "重症医学科", "肿瘤科"]
IPC = ["A61B 17/00", "A61F 2/82", "A61M 25/00", "A61B 8/00", "A61H 1/02", "A61C 8/00", "G16H 40/63", "A61L 15/00"]


def number(serial: int) -> str:
    kind = "1" if serial % 4 else "2"  # three inventions to one utility model
    body = f"2020{kind}{serial:07d}"
    return f"{body}.{application_check_character(body)}"


def make_csv(rows: int, seed: int = 7) -> bytes:
    """A UTF-8 CSV with a BOM, as Excel's "CSV UTF-8" saves it."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["application_number", "title", "filing_date", "legal_status", "abstract", "ipc", "grant_date",
                     "inventors", "patentee", "technical_value", "market_value"])
    for serial in range(1, rows + 1):
        title = rng.choice(QUALIFIERS) + rng.choice(DEVICES)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        writer.writerow([number(serial), title, f"2020-{month:02d}-{day:02d}", "valid",
                         ABSTRACT.format(title=title, dept=rng.choice(DEPARTMENTS)),
                         "; ".join(rng.sample(IPC, 2)), f"2022-{month:02d}-{day:02d}", "张伟; 王芳; 李娜",
                         "示例医院", rng.randint(1, 5), rng.randint(1, 5)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def fresh_app(instance: Path, url: str | None):
    overrides = {"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)} if url else {}
    app = create_app(TestConfig(instance, **overrides))
    with app.app_context():
        db.drop_all()
        db.create_all()
        from portal.models import Organisation

        db.session.add(Organisation(kind="centre", code="bench-ip", name_zh="基准测试医院知识产权运营中心"))
        db.session.commit()
    return app


def timed(app, label: str, data: bytes, rows: int, **options) -> None:
    from portal.models import Organisation
    from portal.patents.importer import import_patents

    with app.app_context():
        centre = db.session.scalar(db.select(Organisation).where(Organisation.code == "bench-ip"))
        start = time.perf_counter()
        report = import_patents(centre, data, "bench.csv", actor=None, **options)
        if report.saved:
            db.session.commit()
        elapsed = time.perf_counter() - start
        assert report.errors == 0, report.to_json()["rows"][:3]
        print(f"  {label:<34} {elapsed:7.2f} s  {rows / elapsed:8.0f} rows/s  "
              f"(ok {report.ok}, updated {report.updated})")
        db.session.remove()


def run(url: str | None, data: bytes, rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'PostgreSQL' if url else 'SQLite'}:")
        app = fresh_app(Path(tmp) / "a", url)
        timed(app, "dry run (empty database)", data, rows, dry_run=True)
        timed(app, "import", data, rows)
        timed(app, "re-import (all updates, no change)", data, rows)
        app = fresh_app(Path(tmp) / "b", url)
        timed(app, "import --publish ordinary", data, rows, publish_mode="ordinary")
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--db", default=os.environ.get("PORTAL_TEST_DATABASE_URL"),
                        help="also run on this PostgreSQL database (its tables are dropped)")
    args = parser.parse_args()
    data = make_csv(args.rows)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB CSV")
    run(None, data, args.rows)
    if args.db:
        run(args.db, data, args.rows)


if __name__ == "__main__":
    main()
