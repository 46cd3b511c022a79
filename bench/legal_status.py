"""What `flask --app portal patents refresh` costs: a ``--rows``-row legal-status export in which
every patent lapses (each change recorded, audited and its withdrawals checked), then the same file
again (nothing changes). A fresh SQLite database in a temporary directory; wall time of each run.

    .venv/bin/python bench/legal_status.py [--rows 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()

    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import db
    from portal.models import Organisation, Patent
    from portal.rules import application_check_character

    tmp = Path(tempfile.mkdtemp())
    app = create_app(TestConfig(tmp / "instance"))
    path = tmp / "status.csv"
    with app.app_context():
        db.create_all()
        centre = Organisation(kind="centre", code="bench-ip", name_zh="基准中心")
        db.session.add(centre)
        db.session.flush()
        lines = ["application_number,status,date"]
        for i in range(args.rows):
            body = f"20191{i:07d}"
            number = f"{body}.{application_check_character(body)}"
            db.session.add(Patent(application_number=number, kind="invention", centre_id=centre.id,
                                  title=f"专利{i}", filing_date=date(2019, 3, 1), grant_date=date(2021, 6, 1),
                                  legal_status="valid"))
            lines.append(f"{number},未缴年费专利权终止,2026-03-15")
        db.session.commit()
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = app.test_cli_runner()
    for label in (f"{args.rows} changes", "the same file again (no change)"):
        start = time.perf_counter()
        result = runner.invoke(args=["patents", "refresh", str(path), "--centre", "bench-ip"])
        print(f"{label}: exit {result.exit_code}, {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
