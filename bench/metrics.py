"""How long the performance pages take on a programme-sized database (a benchmark, not a test).

    .venv/bin/python bench/metrics.py [--centres 20] [--deals 50000] [--rounds 7]
                                      [--database-url postgresql://postgres@127.0.0.1/bench]

Fills a temporary SQLite database (or the given, emptied PostgreSQL database) with ``--centres``
centres, 2,000 enterprises of every size class, 150 patents per centre (some on published
listings) and ``--deals`` deals over 2021-2024 of every kind, about one and a half payments each,
written with bulk inserts (the deal operations would take minutes and are not what is measured).
Then, through the test client as a logged-in user, renders each page ``--rounds`` times and prints
the median and the slowest: a centre's dashboard (as its staff), the programme view of all centres
(as an organiser), the drill-down to a year's deals, the API's JSON and the XLSX export; with the
figures of the busiest centre, so a run can be checked against the dashboard.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import TestConfig, sqlalchemy_url  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import (  # noqa: E402
    Deal,
    DealPayment,
    Listing,
    Organisation,
    Patent,
    User,
    listing_patents,
)
from portal.rules import application_check_character  # noqa: E402

PASSWORD = "bench-violet-harbour"  # noqa: S105 - a throw-away account in a temporary database
SIZES = ("large", "medium", "small", "micro")
MODES = (("licence", "ordinary", False), ("licence", "exclusive", False), ("licence", "sole", False),
         ("licence", "ordinary", True), ("assignment", None, False), ("equity", None, False))
KINDS = {"1": "invention", "2": "utility_model", "3": "design", "8": "pct_invention"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def number(year: int, digit: str, serial: int) -> str:
    body = f"{year}{digit}{serial:07d}"
    return f"{body}.{application_check_character(body)}"


def seed(centres: int, deals: int, rng: random.Random) -> dict:
    """Bulk-insert the programme's organisations, patents, listings, deals and payments."""
    db.session.execute(insert(Organisation), [
        {"kind": "centre", "code": f"centre-{i:02d}", "name_zh": f"示例医院{i:02d}知识产权运营中心", "is_example": True}
        for i in range(1, centres + 1)] + [
        {"kind": "enterprise", "code": f"company-{i:04d}", "name_zh": f"示例企业{i:04d}", "industry": "industry",
         "employees": 50, "size_class": SIZES[i % 4], "is_example": True} for i in range(1, 2001)] + [
        {"kind": "organiser", "code": "ipo", "name_zh": "示例知识产权局", "is_example": True}])
    ids = dict(db.session.execute(text("SELECT code, id FROM organisations")).all())
    centre_ids = [ids[f"centre-{i:02d}"] for i in range(1, centres + 1)]
    companies = [(ids[f"company-{i:04d}"], SIZES[i % 4]) for i in range(1, 2001)]
    serial = 0
    patents = []
    for centre_id in centre_ids:
        for j in range(150):
            serial += 1
            digit = "1" if j % 5 else rng.choice("238")
            patents.append({"application_number": number(2018, digit, serial), "centre_id": centre_id,
                            "kind": KINDS[digit],
                            "title": f"一种医疗器械{serial}", "filing_date": date(2018, 3, 1),
                            "grant_date": date(2020, 6, 1), "legal_status": "valid" if j % 7 else "lapsed"})
    db.session.execute(insert(Patent), patents)
    by_centre: dict[int, list[int]] = {}
    for pid, cid in db.session.execute(text("SELECT id, centre_id FROM patents")).all():
        by_centre.setdefault(cid, []).append(pid)
    db.session.execute(insert(Listing), [{"centre_id": cid, "title": f"许可信息 {cid}-{k}", "status": "published",
                                          "offers_ordinary": True, "field": "medical_devices"}
                                         for cid in centre_ids for k in range(20)])
    links = []
    for lid, cid in db.session.execute(text("SELECT id, centre_id FROM listings")).all():
        links += [{"listing_id": lid, "patent_id": pid} for pid in rng.sample(by_centre[cid], 2)]
    db.session.execute(insert(listing_patents), links)
    rows, start = [], date(2021, 1, 1)
    for n in range(deals):
        kind, licence_type, open_licence = rng.choice(MODES)
        effective = start + timedelta(days=rng.randrange(4 * 365))
        company, size = rng.choice(companies)
        registered = effective + timedelta(days=rng.randrange(120)) if kind == "assignment" and n % 10 else None
        rows.append({"licensor_id": rng.choice(centre_ids), "licensee_id": company, "kind": kind,
                     "licence_type": licence_type, "open_licence": open_licence, "effective_date": effective,
                     "registration_date": registered, "licensee_size_class": size, "recordal_status": "not_filed",
                     "contract_amount_yuan": Decimal(rng.randrange(1_000_000, 200_000_000)) / 100})
    db.session.execute(insert(Deal), rows)
    payments = []
    for deal_id, effective in db.session.execute(text("SELECT id, effective_date FROM deals")).all():
        effective = effective if isinstance(effective, date) else date.fromisoformat(effective)
        for k in range(rng.choice((0, 1, 1, 2, 3))):
            payments.append({"deal_id": deal_id, "paid_on": effective + timedelta(days=30 * (k + 1)),
                             "amount_yuan": Decimal(rng.randrange(100_000, 50_000_000)) / 100})
    db.session.execute(insert(DealPayment), payments)
    staff = User(email="staff@centre-01.example.cn", role="centre_staff", organisation_id=centre_ids[0])
    organiser = User(email="organiser@ipo.example.cn", role="organiser", organisation_id=ids["ipo"])
    for user in (staff, organiser):
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.commit()
    return {"payments": len(payments), "patents": len(patents)}


def login(client, email: str) -> None:
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def measure(client, url: str, rounds: int) -> tuple[float, float, int]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, max(times) * 1000, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centres", type=int, default=20)
    parser.add_argument("--deals", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (emptied first)")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        overrides = {"SEARCH_APPLY_INLINE": False}
        if args.database_url:
            overrides["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(args.database_url)
        app = create_app(TestConfig(Path(tmp) / "instance", **overrides))
        with app.app_context():
            if args.database_url:
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            db.create_all()
            began = time.perf_counter()
            counts = seed(args.centres, args.deals, rng)
            if db.engine.dialect.name == "postgresql":  # planner statistics, as autovacuum keeps them in service
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("ANALYZE"))
            print(f"{db.engine.dialect.name}: seeded {args.centres} centres, {args.deals:,} deals, "
                  f"{counts['payments']:,} payments, {counts['patents']:,} patents "
                  f"in {time.perf_counter() - began:.1f}s")
        staff, organiser = app.test_client(), app.test_client()
        login(staff, "staff@centre-01.example.cn")
        login(organiser, "organiser@ipo.example.cn")
        pages = [
            ("centre dashboard (staff)", staff, "/metrics/centre?year=2023"),
            ("programme view, all centres", organiser, "/metrics/programme?year=2023"),
            ("drill-down, a year's deals", staff, "/metrics/centres/centre-01/deals?year=2023"),
            ("API JSON", staff, "/api/v1/metrics/centres/centre-01?year=2023"),
            ("XLSX export with deals", staff, "/metrics/centres/centre-01/figures.xlsx?year=2023"),
        ]
        print(f"{'page':<30} {'median ms':>10} {'max ms':>8} {'bytes':>9}   ({args.rounds} renders each)")
        for label, client, url in pages:
            median, slowest, size = measure(client, url, args.rounds)
            print(f"{label:<30} {median:>10.1f} {slowest:>8.1f} {size:>9,}")
        figures = staff.get("/api/v1/metrics/centres/centre-01?year=2023").get_json()
        print(f"centre-01 {figures['year']} vs {figures['baseline_year']}: deals {figures['deals']['count']} "
              f"(baseline {figures['baseline']['count']}), amount {figures['deals']['amount']}, "
              f"SME {figures['deals']['sme']['count']}, eligible {figures['eligibility']['eligible']}")


if __name__ == "__main__":
    main()
