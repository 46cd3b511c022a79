"""Search quality and speed on real Chinese patent abstracts (not a test; prints figures).

Usage: python bench/search_quality.py [path/to/real_patents.csv] [--repeat N]

Indexes the KPPatent-ZH sample from ../shared/data (read in place, never copied), times the
rebuild and an incremental apply, runs a set of queries (median and p95 ms per query), and
compares the recall of plain jieba words with jieba words plus the bigram field on queries
whose exact string is known to occur.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from whoosh import query as wq  # noqa: E402

from search import Change, Document, SearchIndex, SearchQuery  # noqa: E402
from search.analysis import analyse, cjk_words, segmenter  # noqa: E402
from search.normalise import normalise  # noqa: E402
from search.query import parse  # noqa: E402
from search.storage import open_generation, read_pointer  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "real_patents.csv"

QUERIES = [
    "单克隆抗体",
    "冠状动脉支架",
    "图像分割",
    "CT图像",
    "内窥镜",
    "超声探头",
    "导管",
    "肺癌 诊断",
    "疫苗",
    "医疗器械 清洗",
    "神经网络",
    "锂离子电池",
    "机械臂 控制方法",
    "传感器",
    "纳米颗粒",
    "冠狀動脈支架",  # traditional
    "mRNA",
    "PD-1",
    "ultrasond",  # typo
    "机器人手术器械",
    "一种",  # a stop word only
    "",  # list everything
]

# Strings that occur verbatim in the corpus; recall is measured against "contains the string".
RECALL_QUERIES = ["图像分割", "锂离子电池", "神经网络", "温度传感器", "机械臂", "纳米颗粒", "电池包", "无人机", "抗体"]


def load(path: Path) -> list[Document]:
    docs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            docs.append(
                Document(
                    doc_id=row["id"],
                    version="1",
                    title=row["title"],
                    body=row["abstract"],
                    centre=("RJ", "ZS", "HS", "RM")[i % 4],
                    kind=["invention"],
                    mode=["ordinary"],
                    field="general",
                    published=datetime(2015, 1, 1) + timedelta(days=i),
                )
            )
    return docs


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm the searcher and caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def compare(index: SearchIndex, index_path: str, docs: list[Document]) -> None:
    """Recall of "every word" matching, and precision of the first results, with and without
    the bigram field and the tiers, against the documents that contain the exact string.
    """
    texts = {doc.doc_id: normalise(f"{doc.title}\n{doc.body}") for doc in docs}
    ix = open_generation(index_path, read_pointer(index_path))
    print("\nagainst 'contains the exact string':   recall (all words)        precision of top k")
    print(f"  {'query':<8} {'docs':>5}  {'jieba':>7} {'+bigrams':>9}   {'k':>3} {'BM25 OR':>8} {'ours':>7}")
    with ix.searcher() as searcher:
        for text in RECALL_QUERIES:
            truth = {doc_id for doc_id, body in texts.items() if text in body}
            if not truth:
                continue
            words = cjk_words(text) or [text]
            plain = wq.And([wq.Or([wq.Term("title", w), wq.Term("body", w)]) for w in words])
            plain_ids = {searcher.stored_fields(n)["doc_id"] for n in plain.docs(searcher)}
            ours_ids = {searcher.stored_fields(n)["doc_id"] for n in parse(text).tier1.docs(searcher)}
            # Plain BM25 over an OR of jieba's search-mode tokens, as a stock setup would rank.
            tokens = {t for t, _, _ in analyse(normalise(text))}
            bm25 = wq.Or([wq.Term(field, t) for t in tokens for field in ("title", "body")])
            k = min(len(truth), 10)
            bm25_top = [hit["doc_id"] for hit in searcher.search(bm25, limit=k)]
            ours_top = index.search(SearchQuery(text, per_page=k)).ids
            print(
                f"  {text:<8} {len(truth):>5}  {len(plain_ids & truth) / len(truth):>7.0%}"
                f" {len(ours_ids & truth) / len(truth):>9.0%}   {k:>3}"
                f" {len(set(bm25_top) & truth) / k:>8.0%} {len(set(ours_top) & truth) / k:>7.0%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"{args.csv} not found; nothing to measure")
        return

    docs = load(args.csv)
    start = time.perf_counter()
    segmenter()
    print(f"jieba + dictionary load: {time.perf_counter() - start:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        start = time.perf_counter()
        index.rebuild(docs, last_id=len(docs))
        elapsed = time.perf_counter() - start
        print(f"rebuild: {len(docs)} documents in {elapsed:.1f} s ({len(docs) / elapsed:.0f} docs/s)")

        last = len(docs)
        for size in (1, 100):
            changes = [Change(last + i + 1, "upsert", d.doc_id, d) for i, d in enumerate(docs[:size])]
            last += size
            start = time.perf_counter()
            index.apply(changes)
            print(f"apply: {size} upsert(s) in one commit: {time.perf_counter() - start:.2f} s")

        print(f"\n{'query':<16}{'total':>7}{'median ms':>11}{'p95 ms':>9}  top 3")
        medians, everything = [], []
        for text in QUERIES:
            request = SearchQuery(text)
            samples = timed(lambda r=request: index.search(r), args.repeat)
            result = index.search(request)
            medians.append(statistics.median(samples))
            everything.extend(samples)
            hint = f"  did you mean {result.suggestion}" if result.suggestion else ""
            label = text or "(empty)"
            print(
                f"{label:<16}{result.total:>7}{statistics.median(samples):>11.1f}"
                f"{p95(samples):>9.1f}  {', '.join(result.ids[:3])}{hint}"
            )
        print(f"all queries: median {statistics.median(everything):.1f} ms, p95 {p95(everything):.1f} ms")

        request = SearchQuery("传感器", filters={"centre": ["RJ", "HS"]}, sort="newest", page=3)
        samples = timed(lambda: index.search(request), args.repeat)
        print(f"filtered + sorted + page 3: median {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms")

        compare(index, str(Path(tmp) / "ix"), docs)
        index.close()


if __name__ == "__main__":
    main()
