"""Search relevance on real Chinese patent abstracts: recall@10 and MRR by query type (not a test; prints figures).

Usage: python bench/search_eval.py [path/to/real_patents.csv] [--verbose] [--json]

Reads the KPPatent-ZH sample of 3,653 CNIPA abstracts from ../shared/data in place (never copied
into the repository) and gives every row a made-up but valid application number (see
:func:`application_number`). Each query below is judged by an explicit rule written after reading
the corpus: a listing is relevant when, for every group of a concept, at least one of the group's
strings occurs in its title + abstract (NFKC, lower case, dashes unified; Latin strings must stand
alone, so ``led`` does not match ``oled``). Traditional and typo variants share the judgment of the
correct simplified query: the concept is judged, not the form it was typed in. An application
number query has one relevant listing, the one given that number.

Two systems answer every query, top 10 each:

* ours — ``SearchIndex.search`` (normalisation, jieba search mode + medical dictionary, bigrams,
  identifiers, fuzzy Latin terms, tiers);
* plain jieba — a stock Whoosh index: one ``text`` field (title + abstract) tokenised by
  ``jieba.cut`` in its default mode with the default dictionary, lower-cased and nothing else,
  plus ``app_number`` as an ``ID`` holding the canonical number; queried through Whoosh's
  ``MultifieldParser`` over (text, app_number) with ``OrGroup`` and BM25F, so an application
  number only matches if typed exactly in canonical form.

recall@10 = |relevant ∩ top 10| / min(|relevant|, 10); MRR = 1 / rank of the first relevant
listing in the top 10 (0 if none). Figures score the first page as returned: ours' "did you mean"
suggestion is shown per query (--verbose, --json) but never followed.

Since 2026-12-07 (issue 15, item 8) 58 more queries of five new types follow the 45 above:
partial multi-word, colloquial synonym, broad topic, English, and traditional/typo variants of
these. They live in ``bench/search_eval_queries.py``, which says how they were made: written blind,
each judged by reading the records (plain greps over the CSV, never the engine's answers), before
the engine was run on them. Their concepts may have several alternative rules and a list of records
read and excluded. Sector names (技术领域, IPC subclasses) need listings with a field and IPC codes,
which this CSV lacks: ``--demo`` (``bench/search_eval_demo.py``) judges them on the portal's demo
data, through the portal's own search.
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
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh.analysis import Token, Tokenizer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.qparser import MultifieldParser, OrGroup  # noqa: E402

from bench.search_eval_queries import NEW_CONCEPTS, NEW_QUERIES, NEW_TYPES  # noqa: E402
from portal.rules import application_check_character, parse_application_number  # noqa: E402
from search import Document, SearchIndex, SearchQuery  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "real_patents.csv"
TOP = 10

TYPES = ("plain", "abbreviation/English", "traditional", "typo", "application number", *NEW_TYPES)

# Judgment rules. A concept is a tuple of groups; a listing is relevant when every group has at
# least one string in its normalised title + abstract. Alternatives are spellings of the same
# thing that occur in the corpus (锂电池 for 锂离子电池, 发光二极管 for LED), so a system that
# only matches the typed string cannot reach full recall on a concept with many listings.
CONCEPTS: dict[str, tuple[tuple[str, ...], ...]] = {
    # plain Chinese (shared by the traditional and typo variants)
    "锂离子电池": (("锂离子电池", "锂电池", "锂离子二次电池"),),
    "碳纳米管": (("碳纳米管",),),
    "温度传感器": (("温度传感器",),),
    "图像处理": (("图像处理",),),
    "钙钛矿": (("钙钛矿",),),
    "立体车库": (("立体车库",),),
    "无纺布": (("无纺布", "非织造布"),),
    "干衣机": (("干衣机",),),
    "空调 压缩机": (("空调",), ("压缩机",)),
    # abbreviations and Chinese mixed with Latin
    "LED灯": (("led", "发光二极管"), ("灯",)),
    "OLED器件": (("oled", "有机发光", "有机电致发光"), ("器件", "显示", "面板")),  # a display panel is a device
    "PVC地板": (("pvc", "聚氯乙烯"), ("地板", "地胶")),
    "HEPA滤网": (("hepa",), ("滤网",)),
    "WiFi连接": (("wifi", "wi-fi", "无线保真"), ("连接", "接入")),
    "ZSM-5分子筛": (("zsm-5",), ("分子筛",)),
    "GPS定位": (("gps", "全球定位"), ("定位",)),
    "3G/4G模块": (("3g/4g",), ("模块",)),
    "MOSFET": (("mosfet", "场效应"),),
    "ZigBee": (("zigbee",),),
}

# (type, what is typed, concept it is judged by)
TEXT_QUERIES: list[tuple[str, str, str]] = [
    ("plain", "锂离子电池", "锂离子电池"),
    ("plain", "碳纳米管", "碳纳米管"),
    ("plain", "温度传感器", "温度传感器"),
    ("plain", "图像处理", "图像处理"),
    ("plain", "钙钛矿", "钙钛矿"),
    ("plain", "立体车库", "立体车库"),
    ("plain", "无纺布", "无纺布"),
    ("plain", "干衣机", "干衣机"),
    ("plain", "空调 压缩机", "空调 压缩机"),
    ("abbreviation/English", "LED灯", "LED灯"),
    ("abbreviation/English", "OLED器件", "OLED器件"),
    ("abbreviation/English", "PVC地板", "PVC地板"),
    ("abbreviation/English", "HEPA滤网", "HEPA滤网"),
    ("abbreviation/English", "WiFi连接", "WiFi连接"),
    ("abbreviation/English", "ZSM-5分子筛", "ZSM-5分子筛"),  # the corpus writes ZSM‑5 (U+2011)
    ("abbreviation/English", "GPS定位", "GPS定位"),
    ("abbreviation/English", "3G/4G模块", "3G/4G模块"),
    ("abbreviation/English", "MOSFET", "MOSFET"),
    ("abbreviation/English", "ZigBee", "ZigBee"),
    ("traditional", "鋰離子電池", "锂离子电池"),
    ("traditional", "碳納米管", "碳纳米管"),
    ("traditional", "溫度傳感器", "温度传感器"),
    ("traditional", "圖像處理", "图像处理"),
    ("traditional", "鈣鈦礦", "钙钛矿"),
    ("traditional", "立體車庫", "立体车库"),
    ("traditional", "無紡布", "无纺布"),
    ("traditional", "乾衣機", "干衣机"),
    ("traditional", "空調 壓縮機", "空调 压缩机"),
    # Homophones / near-misses a pinyin input method produces, and Latin slips.
    ("typo", "理离子电池", "锂离子电池"),  # 锂 → 理 (li)
    ("typo", "碳纳米官", "碳纳米管"),  # 管 → 官 (guan)
    ("typo", "温度传感起", "温度传感器"),  # 器 → 起 (qi)
    ("typo", "图象处理", "图像处理"),  # 像 → 象 (xiang)
    ("typo", "钙太矿", "钙钛矿"),  # 钛 → 太 (tai)
    ("typo", "无防布", "无纺布"),  # 纺 → 防 (fang)
    ("typo", "zigbe", "ZigBee"),  # a letter missing
    ("typo", "mosfett", "MOSFET"),  # a letter doubled
]

# (how the number is typed, 0-based CSV row of the listing it belongs to). Each format receives
# the 12-digit body, its parts and the check character of that row's number.
APP_QUERIES: list[tuple[str, int]] = [
    ("{body}.{check}", 7),  # canonical
    ("CN{body}.{check}", 321),
    ("ZL {year} {kind} {serial}.{check}", 888),
    ("{body}{check}", 1500),  # no dot
    ("{body}．{check}", 2024),  # full-width dot
    ("{body}.{check_lower}", 1211),  # lower-case x (row 1211's check character is X)
    ("{fullwidth}", 2600),  # full-width digits and dot
    ("{body}。{check}", 3100),  # ideographic full stop, as a Chinese input method types "."
    ("cn{body}", 3500),  # lower-case prefix, no check character
]

_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")
_LATIN = re.compile(r"[0-9a-z][0-9a-z./+-]*")


@dataclass
class EvalQuery:
    type: str
    text: str
    judged_by: str  # concept name, or "application number of row N"
    relevant: frozenset[str]


def application_number(row: int) -> tuple[str, str]:
    """A deterministic, valid application number for CSV row ``row``: ``(12-digit body, check)``.

    Years 2008-2023, type 1 (invention) or 2 (utility model), a serial unique per row; the check
    character comes from the portal's own rule.
    """
    body = f"{2008 + row % 16}{'2' if row % 3 == 2 else '1'}{(100_003 + row * 7_919) % 10_000_000:07d}"
    return body, application_check_character(body)


def canonical_number(row: int) -> str:
    body, check = application_number(row)
    canonical = f"{body}.{check}"
    assert parse_application_number(canonical, today=date(2025, 1, 1)).canonical == canonical
    return canonical


def typed_number(form: str, row: int) -> str:
    body, check = application_number(row)
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() or ch == "." else ch for ch in f"{body}.{check}")
    return form.format(
        body=body, check=check, check_lower=check.lower(), year=body[:4], kind=body[4], serial=body[5:],
        fullwidth=fullwidth,
    )


def judging_text(title: str, abstract: str) -> str:
    """What judgment rules are matched against; independent of the analysers under test."""
    return _DASHES.sub("-", unicodedata.normalize("NFKC", f"{title}\n{abstract}").lower())


def occurs(needle: str, text: str) -> bool:
    if _LATIN.fullmatch(needle):
        return re.search(rf"(?<![0-9a-z]){re.escape(needle)}(?![0-9a-z])", text) is not None
    return needle in text


def judge(concept: str, texts: dict[str, str]) -> frozenset[str]:
    """The listings relevant to ``concept``: one of ``CONCEPTS`` (one rule), or of ``NEW_CONCEPTS``
    (any of several rules, less the records read and excluded)."""
    if concept in CONCEPTS:
        rules, exclude = (CONCEPTS[concept],), frozenset()
    else:
        rules, exclude = NEW_CONCEPTS[concept].rules, NEW_CONCEPTS[concept].exclude
    caught = frozenset(
        doc_id for doc_id, text in texts.items()
        if any(all(any(occurs(s.lower(), text) for s in g) for g in rule) for rule in rules)
    )
    if not exclude <= caught:
        raise SystemExit(f"{concept}: excluded records no rule catches: {sorted(exclude - caught)}")
    return caught - exclude


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{"id": r["id"], "title": r["title"], "abstract": r["abstract"]} for r in csv.DictReader(handle)]


def build_queries(rows: list[dict[str, str]]) -> list[EvalQuery]:
    texts = {r["id"]: judging_text(r["title"], r["abstract"]) for r in rows}
    queries = [EvalQuery(kind, text, concept, judge(concept, texts)) for kind, text, concept in TEXT_QUERIES]
    for form, row in APP_QUERIES:
        number = canonical_number(row)
        text, relevant = typed_number(form, row), frozenset([rows[row]["id"]])
        queries.append(EvalQuery("application number", text, f"{number} (row {row})", relevant))
    queries += [EvalQuery(kind, text, concept, judge(concept, texts)) for kind, text, concept in NEW_QUERIES]
    empty = [q.text for q in queries if not q.relevant]
    if empty:
        raise SystemExit(f"judgment rules match nothing for {empty}; fix the rules")
    return queries


# --- the plain jieba baseline ---------------------------------------------------------------


_PLAIN_JIEBA = jieba.Tokenizer()  # module level: Whoosh pickles the schema, and a Tokenizer holds a lock


class PlainJiebaTokenizer(Tokenizer):
    """``jieba.cut`` (default mode, default dictionary), lower-cased; tokens without a letter or
    digit (spaces, punctuation) are dropped. No normalisation, no bigrams, no user dictionary."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = _PLAIN_JIEBA.cut(value) if tokenize else [value]
        position, offset = start_pos, 0
        for word in words:
            start, offset = offset, offset + len(word)
            if not any(ch.isalnum() for ch in word):
                continue
            token.text = word.lower()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + offset
            position += 1
            yield token


def build_plain(path: Path, rows: list[dict[str, str]]):
    schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=PlainJiebaTokenizer(), phrase=False),
                    app_number=ID())
    ix = whoosh_index.create_in(str(path), schema)
    writer = ix.writer(limitmb=256)
    for row, r in enumerate(rows):
        writer.add_document(id=r["id"], text=f"{r['title']}\n{r['abstract']}", app_number=canonical_number(row))
    writer.commit()
    return ix


# --- running and scoring --------------------------------------------------------------------


def scores(ranked: list[str], relevant: frozenset[str]) -> tuple[float, float, int | None]:
    top = ranked[:TOP]
    recall = len(relevant.intersection(top)) / min(len(relevant), TOP)
    first = next((rank for rank, doc_id in enumerate(top, 1) if doc_id in relevant), None)
    return recall, (1 / first if first else 0.0), first


def summarise(results: list[dict]) -> list[dict]:
    lines = []
    for kind in (*TYPES, "overall"):
        chosen = [r for r in results if kind in ("overall", r["type"])]
        if not chosen:
            continue
        line = {"type": kind, "queries": len(chosen)}
        for system in ("ours", "plain"):
            line[f"recall@10 {system}"] = statistics.fmean(r[system]["recall@10"] for r in chosen)
            line[f"MRR {system}"] = statistics.fmean(r[system]["rr"] for r in chosen)
        lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    parser.add_argument("--demo", action="store_true",
                        help="sector-name queries on the demo data, through the portal (bench/search_eval_demo.py)")
    args = parser.parse_args()
    if args.demo:
        from bench.search_eval_demo import run_demo

        run_demo(verbose=args.verbose, as_json=args.json)
        return
    if not args.csv.exists():
        print(f"{args.csv} not found; nothing to measure")
        return
    jieba.setLogLevel(logging.WARNING)
    say = (lambda *a, **k: None) if args.json else print

    rows = load(args.csv)
    queries = build_queries(rows)
    sizes = [len(q.relevant) for q in queries if q.type != "application number"]
    say(f"{len(rows)} listings, {len(queries)} queries; judged relevant per text query: "
        f"min {min(sizes)}, median {statistics.median(sizes):g}, max {max(sizes)}")

    docs = [
        Document(
            doc_id=r["id"], version="1", title=r["title"], body=r["abstract"], app_numbers=[canonical_number(i)],
            kind=["invention"], mode=["ordinary"], field="general",
            published=datetime(2015, 1, 1) + timedelta(days=i),
        )
        for i, r in enumerate(rows)
    ]
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ours = SearchIndex(Path(tmp) / "ours")
        ours.rebuild(docs, last_id=len(docs))
        timings["index ours s"] = time.perf_counter() - start
        (Path(tmp) / "plain").mkdir()
        start = time.perf_counter()
        plain = build_plain(Path(tmp) / "plain", rows)
        timings["index plain s"] = time.perf_counter() - start
        say(f"indexing: ours {timings['index ours s']:.1f} s, plain jieba {timings['index plain s']:.1f} s")

        qparser = MultifieldParser(["text", "app_number"], plain.schema, group=OrGroup)
        results = []
        with plain.searcher() as searcher:
            for q in queries:
                found = ours.search(SearchQuery(q.text, per_page=TOP))
                ranked = {
                    "ours": found.ids,
                    "plain": [hit["id"] for hit in searcher.search(qparser.parse(q.text), limit=TOP)],
                }
                result = {"type": q.type, "query": q.text, "judged_by": q.judged_by, "relevant": len(q.relevant)}
                for system, ids in ranked.items():
                    recall, rr, first = scores(ids, q.relevant)
                    result[system] = {"recall@10": recall, "rr": rr, "first relevant": first}
                result["ours"]["did you mean"] = found.suggestion
                results.append(result)
        ours.close()
        plain.close()

    summary = summarise(results)
    if args.json:
        print(json.dumps({"timings": timings, "summary": summary, "queries": results}, ensure_ascii=False, indent=2))
        return

    if args.verbose:
        print(f"\n{'type':<21}{'query':<30}{'rel':>4}  {'R@10 ours':>9} {'plain':>6}  {'1st ours':>8} {'plain':>6}")
        for r in results:
            o, p = r["ours"], r["plain"]
            print(
                f"{r['type']:<21}{r['query']:<{30 - _wide(r['query'])}}{r['relevant']:>4}  {o['recall@10']:>9.2f}"
                f" {p['recall@10']:>6.2f}  {o['first relevant'] or '-':>8} {p['first relevant'] or '-':>6}"
                + (f"  (ours: did you mean {o['did you mean']})" if o["did you mean"] else "")
            )
        missed = [r["query"] for r in results if r["ours"]["first relevant"] is None]
        print(f"\nmissed by ours (nothing relevant in the top 10): {len(missed)}: {'、'.join(missed) or '-'}")
    print(f"\n{'type':<21}{'n':>3}   {'recall@10 ours':>14} {'plain':>6}   {'MRR ours':>8} {'plain':>6}")
    for line in summary:
        if line["type"] == "overall":
            print("-" * 67)
        print(
            f"{line['type']:<21}{line['queries']:>3}   {line['recall@10 ours']:>14.3f} {line['recall@10 plain']:>6.3f}"
            f"   {line['MRR ours']:>8.3f} {line['MRR plain']:>6.3f}"
        )


def _wide(text: str) -> int:
    # Characters that take two columns in a terminal, so that the verbose table lines up.
    return sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)


if __name__ == "__main__":
    main()
