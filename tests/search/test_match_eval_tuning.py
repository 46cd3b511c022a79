"""bench/match_eval.py --tuning-only: the tuning half alone, and where its top fives go."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.match_eval import tuning_report  # noqa: E402


def _need(need_id, relevant, top5):
    hits = sum(1 for _, _, ok, _ in top5 if ok)
    return {"need": need_id, "title": need_id, "relevant": relevant, "top5_hits": hits, "top5": top5}


def test_the_tuning_report_counts_slots_and_rejected_records(capsys):
    # N02's judgment reads KPP-00320 (a saggar for cathode materials) and rejects it
    n02 = _need("N02", 13, [("KPP-00320", 0.6, False, []), ("KPP-09999", 0.5, False, []),
                            ("A", 0.5, True, []), ("B", 0.5, True, []), ("C", 0.4, True, [])])
    n04 = _need("N04", 2, [("D", 0.4, True, []), *[(f"X{i}", 0.3, False, []) for i in range(4)]])
    part = {"needs": 2, "precision_at_5": 0.4, "precision_at_5_capped": 0.8, "precision_at_5_ceiling": 0.7}
    tuning_report([n02, n04, _need("N18", 0, [])], part, verbose=True)
    out = capsys.readouterr().out
    assert "  N02 " in out and "  N18 " in out
    assert ("top-5 slots: 10; 3 beyond the number relevant, 4 relevant found, 3 reachable missed; "
            "of the 6 slots holding a non-relevant record, 1 hold one") in out
