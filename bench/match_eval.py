"""Matching quality of technology needs against listings (issue 17, item 7; not a test; prints figures).

Usage: python bench/match_eval.py [path/to/real_patents.csv] [--threshold T] [--verbose] [--json] [--tuning-only]

The corpus is the KPPatent-ZH sample of 3,653 real CNIPA abstracts in ../shared/data (read in place,
never copied), imported as listings the way ``bench/search_eval.py`` does (title + abstract, one
index document each). The 32 needs of ``bench/match_eval_needs.py`` were written before any result
was seen; ``bench/match_eval_judged.py`` holds which records answer each, judged by reading the
corpus. Two directions are measured through ``search.matching.match_need`` — the function the portal
uses on a need's page and when a listing is published:

* need → listings (the "系统推荐" on a need's page): precision@5 over the needs with at least one
  relevant record, strict (relevant in the top 5 / 5) and capped (relevant in the top 5 /
  min(5, number relevant): a need with two relevant records scores 1.0 when both are in its top 5);
* the same, **as shown**: the need's page shows only matches whose relevance reaches half the
  threshold (``SHOWN_FROM`` in portal/needs/matching.py), so it may show fewer than five. Two figures:
  strict over five (a proposal not shown counts as a miss, so a cut-off can never raise it) and the
  precision of what is shown (relevant shown / shown; a need with nothing shown scores 0). The target
  of issue 17 (precision@5 ≥ 0.6) is read on the strict figure over five, not on these;
* listing → need (the notification when a listing is published): every (need, record) pair whose
  relevance reaches the threshold is a notification; recall = relevant pairs notified / relevant
  pairs, precision = relevant pairs notified / notifications. A table over thresholds shows the
  trade-off the portal's ``THRESHOLD`` (portal/needs/matching.py) was chosen from.

To keep the figures honest while the matcher is tuned, the needs are split: the even-numbered needs
(N02, N04 … N32) are the **tuning** half — the matcher's constants were chosen looking at them — and
the odd-numbered ones (N01, N03 … N31) are **held out**, reported but never tuned on. Both halves
and the whole set are printed. ``--tuning-only`` prints the tuning half alone (its needs' lines with
``--verbose``, its figures, and where its top fives miss), so the matcher can be tuned without a held-out
need's ranking or figure coming into view.

The CSV has no technical field and no IPC, so every listing and need is in the field "other" and
carries no IPC: the figures measure the text matching alone (field and IPC agreement only add to it
in the portal).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from bench.match_eval_judged import JUDGED  # noqa: E402
from bench.match_eval_needs import NEEDS  # noqa: E402
from search import Document, NeedText, SearchIndex  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "real_patents.csv"
CJK = re.compile("[\u4e00-\u9fff]")
SPLITS = {"tuning (even-numbered needs)": 0, "held out (odd-numbered needs)": 1}
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{"id": r["id"], "title": r["title"], "abstract": r["abstract"]} for r in csv.DictReader(handle)]


def relevant(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Each need's judged records: the rule's hits minus ``exclude`` plus ``include``."""
    out = {}
    for need_id, judged in JUDGED.items():
        groups = [g for key in ("all", "any", "also") for g in judged.get(key, [])]
        hits = {r["id"] for r in rows
                if all(any(s in (r["title"] + r["abstract"]).lower() for s in g) for g in groups)}
        out[need_id] = (hits - set(judged.get("exclude", []))) | set(judged.get("include", []))
    return out


def half(need_id: str) -> int:
    """0 for the tuning half (even-numbered needs), 1 for the held-out half (odd-numbered)."""
    return int(need_id[1:]) % 2


def precision(per_need: list[dict], judged: dict[str, set[str]]) -> dict[str, float | int]:
    scored = [n for n in per_need if n["relevant"]]
    if not scored:
        return {"needs": 0}
    return {"needs": len(scored),
            "precision_at_5": round(statistics.mean(n["p5"] for n in scored), 3),
            "precision_at_5_capped": round(statistics.mean(n["p5_capped"] for n in scored), 3),
            "precision_at_5_ceiling": round(statistics.mean(min(5, n["relevant"]) / 5 for n in scored), 3),
            "as_shown": {"precision_at_5": round(statistics.mean(n["p5_shown"] for n in scored), 3),
                         "precision": round(statistics.mean(n["precision_shown"] for n in scored), 3),
                         "shown_per_need": round(statistics.mean(n["shown"] for n in scored), 2)}}


def tuning_report(per_need: list[dict], part: dict, verbose: bool) -> None:
    """The tuning half alone, and where its top fives go: the slots a perfect ranking cannot fill
    (fewer than five relevant records), the relevant records found, and the misses — among them the
    records that the need's judgment rule matches but reading rejected (``exclude``: they share the
    need's words and are about something else)."""
    scored = [n for n in per_need if n["relevant"]]
    if verbose:
        for n in per_need:
            marks = " ".join(f"{d}{'+' if ok else '-'}{r:.2f}" for d, r, ok, _ in n["top5"])
            print(f"  {n['need']} rel={n['relevant']:>2} hits@5={n['top5_hits']} {n['title'][:24]:<24} {marks}")
    slots = 5 * len(scored)
    unreachable = sum(5 - min(5, n["relevant"]) for n in scored)
    hits = sum(n["top5_hits"] for n in scored)
    rejected = sum(1 for n in scored for d, _, ok, _ in n["top5"]
                   if not ok and d in JUDGED[n["need"]].get("exclude", []))
    print(f"tuning (even-numbered needs): {part['needs']} needs, precision@5 {part['precision_at_5']:.3f} strict, "
          f"{part['precision_at_5_capped']:.3f} capped (perfect ranking {part['precision_at_5_ceiling']:.3f})")
    print(f"  top-5 slots: {slots}; {unreachable} beyond the number relevant, {hits} relevant found, "
          f"{slots - unreachable - hits} reachable missed; of the {slots - hits} slots holding a non-relevant "
          f"record, {rejected} hold one the judgment's rule matches but reading rejected")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--threshold", type=float, default=None, help="default: the portal's THRESHOLD")
    parser.add_argument("--verbose", action="store_true", help="one line per need")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument("--tuning-only", action="store_true",
                        help="the even-numbered (tuning) needs alone: nothing of the held-out half is printed")
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"{args.csv} not found; nothing to measure")
        return
    if args.threshold is None:
        import ast

        source = (ROOT / "portal" / "needs" / "matching.py").read_text(encoding="utf-8")
        args.threshold = next(ast.literal_eval(node.value) for node in ast.parse(source).body
                              if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "THRESHOLD")
    jieba.setLogLevel(logging.WARNING)
    say = (lambda *a, **k: None) if args.json else print
    rows = load(args.csv)
    judged = relevant(rows)
    docs = [Document(doc_id=r["id"], version="1", title=r["title"], body=r["abstract"], kind=["invention"],
                     mode=["ordinary"], field="other") for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "index")
        index.rebuild(docs, last_id=len(docs))
        per_need, pairs = [], {}
        for need in NEEDS:
            text = NeedText(title=need["title"], description=need["description"], field="other")
            matches = index.match_need(text, limit=len(rows))
            rel = judged[need["id"]]
            top5 = [m.doc_id for m in matches[:5]]
            hits = sum(1 for d in top5 if d in rel)
            pairs[need["id"]] = [(m.doc_id, m.relevance) for m in matches]
            shown = [m.doc_id for m in matches[:5] if m.relevance >= args.threshold / 2]
            shown_hits = sum(1 for d in shown if d in rel)
            per_need.append({"need": need["id"], "title": need["title"], "relevant": len(rel), "top5_hits": hits,
                             "shown": len(shown), "p5_shown": shown_hits / 5,
                             "precision_shown": shown_hits / len(shown) if shown else 0.0,
                             "p5": hits / 5, "p5_capped": hits / min(5, len(rel)) if rel else None,
                             "top5": [(m.doc_id, m.relevance, m.doc_id in rel, m.words[:4]) for m in matches[:5]]})
        index.close()
    scored = [n for n in per_need if n["relevant"]]
    chinese = {need["id"] for need in NEEDS if CJK.search(need["title"] + need["description"])}
    table = []
    total_relevant = sum(n["relevant"] for n in per_need)
    for t in sorted({*THRESHOLDS, args.threshold}):
        sent = [(need_id, d) for need_id, found in pairs.items() for d, r in found if r >= t]
        good = sum(1 for need_id, d in sent if d in judged[need_id])
        table.append({"threshold": t, "notifications": len(sent), "relevant_notified": good,
                      "recall": good / total_relevant if total_relevant else 0.0,
                      "precision": good / len(sent) if sent else 0.0,
                      "f1": 2 * good / (len(sent) + total_relevant) if sent else 0.0,
                      "false_alarms_on_needs_without_relevant": sum(1 for need_id, _ in sent if not judged[need_id])})
    figures = {
        "listings": len(rows), "needs": len(NEEDS), "needs_with_relevant": len(scored),
        "relevant_pairs": total_relevant,
        "precision_at_5": round(statistics.mean(n["p5"] for n in scored), 3),
        "precision_at_5_capped": round(statistics.mean(n["p5_capped"] for n in scored), 3),
        # the best a perfect ranking could score: needs with fewer than five relevant records cap it
        "precision_at_5_ceiling": round(statistics.mean(min(5, n["relevant"]) / 5 for n in scored), 3),
        "as_shown": precision(scored, judged)["as_shown"],
        "chinese_needs": {"needs": len([n for n in scored if n["need"] in chinese]),
                          "precision_at_5": round(statistics.mean(n["p5"] for n in scored if n["need"] in chinese), 3),
                          "precision_at_5_capped": round(statistics.mean(
                              n["p5_capped"] for n in scored if n["need"] in chinese), 3)},
        "split": {name: precision([n for n in per_need if half(n["need"]) == which], judged)
                  for name, which in SPLITS.items()},
        "threshold": args.threshold,
        "at_threshold": next(row for row in table if row["threshold"] == args.threshold),
        "thresholds": table,
    }
    if args.tuning_only:
        tuning_report([n for n in per_need if half(n["need"]) == 0], figures["split"]["tuning (even-numbered needs)"],
                      args.verbose)
        return
    if args.json:
        print(json.dumps({"figures": figures, "needs": per_need}, ensure_ascii=False, indent=1))
        return
    say(f"{len(rows)} listings, {len(NEEDS)} needs ({len(scored)} with a relevant listing), "
        f"{total_relevant} relevant (need, listing) pairs")
    if args.verbose:
        for n in per_need:
            marks = " ".join(f"{d}{'+' if ok else '-'}{r:.2f}" for d, r, ok, _ in n["top5"])
            say(f"  {n['need']} rel={n['relevant']:>2} hits@5={n['top5_hits']} {n['title'][:24]:<24} {marks}")
    say(f"need → listings: precision@5 {figures['precision_at_5']:.3f} (strict), "
        f"{figures['precision_at_5_capped']:.3f} (capped at the number relevant)")
    zh = figures["chinese_needs"]
    say(f"  (a perfect ranking: {figures['precision_at_5_ceiling']:.3f} strict; the {zh['needs']} needs written "
        f"in Chinese: {zh['precision_at_5']:.3f} strict, {zh['precision_at_5_capped']:.3f} capped)")
    shown = figures["as_shown"]
    say(f"  as the need's page shows them (relevance ≥ {args.threshold / 2:.2f}): {shown['shown_per_need']:.1f} "
        f"a need, {shown['precision_at_5']:.3f} strict over five, {shown['precision']:.3f} of those shown")
    for name, part in figures["split"].items():
        seen = part["as_shown"]
        say(f"  {name}: {part['needs']} needs, precision@5 {part['precision_at_5']:.3f} strict, "
            f"{part['precision_at_5_capped']:.3f} capped (perfect ranking {part['precision_at_5_ceiling']:.3f});\n"
            f"    as shown (relevance ≥ {args.threshold / 2:.2f}): {seen['shown_per_need']:.1f} a need, "
            f"{seen['precision_at_5']:.3f} strict over five, {seen['precision']:.3f} of those shown")
    say("listing → need notifications by threshold:")
    say("  threshold  sent  relevant  recall  precision     F1  on needs with nothing relevant")
    for row in table:
        mark = "  ← portal" if row["threshold"] == args.threshold else ""
        say(f"  {row['threshold']:>9.2f} {row['notifications']:>5} {row['relevant_notified']:>9} "
            f"{row['recall']:>7.3f} {row['precision']:>10.3f} {row['f1']:>6.3f} "
            f"{row['false_alarms_on_needs_without_relevant']:>6}{mark}")


if __name__ == "__main__":
    main()
