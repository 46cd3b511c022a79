"""Does pseudo-relevance feedback help? (issue 15, item 4: measure before keeping it.)

Usage: python bench/search_prf.py [path/to/real_patents.csv] [--top 3] [--terms 10] [--weight 0.5]

On the same corpus, queries and judgments as ``bench/search_eval.py``, compares recall@10 and MRR by
query type of:

* ours — ``SearchIndex.search`` as the portal runs it;
* ours + feedback — the ``--top`` first results' most distinctive words (Whoosh's Bo1 model over
  title and body, ``--terms`` per result) searched as a second query; the two rankings fused by
  reciprocal rank (1/(60 + rank)), the feedback ranking weighted ``--weight``.

Application-number queries are left out (feedback has nothing to add to an identifier).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search_eval import DEFAULT_CSV, TOP, build_queries, load, scores  # noqa: E402
from search import Document, SearchIndex, SearchQuery  # noqa: E402

DEEP = 50


def feedback_text(index: SearchIndex, ids: list[str], terms: int) -> str:
    searcher = index._searcher()
    words: list[str] = []
    for doc_id in ids:
        docnum = searcher.document_number(doc_id=doc_id)
        stored = searcher.stored_fields(docnum)
        for name in ("title", "body"):
            text = stored.get(name) or ""
            if text:
                words += [t for t, _ in searcher.key_terms_from_text(name, text, numterms=terms)]
    return " ".join(dict.fromkeys(words))


def fuse(first: list[str], second: list[str], weight: float) -> list[str]:
    score: dict[str, float] = {}
    for rank, doc in enumerate(first):
        score[doc] = score.get(doc, 0) + 1 / (60 + rank)
    for rank, doc in enumerate(second):
        score[doc] = score.get(doc, 0) + weight / (60 + rank)
    return sorted(score, key=lambda d: -score[d])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--terms", type=int, default=10)
    parser.add_argument("--weight", type=float, default=0.5)
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"{args.csv} not found; nothing to measure")
        return
    rows = load(args.csv)
    queries = [q for q in build_queries(rows) if q.type != "application number"]
    docs = [Document(doc_id=r["id"], version="1", title=r["title"], body=r["abstract"], kind=["invention"],
                     mode=["ordinary"], field="general", published=datetime(2015, 1, 1) + timedelta(days=i))
            for i, r in enumerate(rows)]
    by_type: dict[str, list[tuple[float, float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ours")
        index.rebuild(docs, last_id=len(docs))
        for q in queries:
            first = index.search(SearchQuery(q.text, per_page=DEEP)).ids
            extra = feedback_text(index, first[: args.top], args.terms)
            second = index.search(SearchQuery(extra, per_page=DEEP, correct=False)).ids if extra else []
            fused = fuse(first, second, args.weight)
            r1, m1, _ = scores(first[:TOP], q.relevant)
            r2, m2, _ = scores(fused[:TOP], q.relevant)
            by_type.setdefault(q.type, []).append((r1, m1, r2, m2))
    print(f"{'type':<22}{'n':>3}  {'R@10 ours':>9} {'+feedback':>9}   {'MRR ours':>8} {'+feedback':>9}")
    every = []
    for kind, values in by_type.items():
        every += values
        print(f"{kind:<22}{len(values):>3}  " + "  ".join(
            f"{sum(v[i] for v in values) / len(values):>8.3f}" for i in (0, 2, 1, 3)))
    print(f"{'overall':<22}{len(every):>3}  " + "  ".join(
        f"{sum(v[i] for v in every) / len(every):>8.3f}" for i in (0, 2, 1, 3)))


if __name__ == "__main__":
    main()
