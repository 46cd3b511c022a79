"""Snippets and the whole-phrase check's normalisation, timed on what the bench queries give them
(issue 18, item 3).

    .venv/bin/python bench/snippets.py WORKDIR [--tree DIR] [--rounds 5]

``WORKDIR`` is a ``--workdir`` of ``bench/search.py`` (its ``index`` and ``queries.json``). The 200
bench queries are run once (20 per page, with facets and highlights) to record every text the
snippets and the whole-phrase check were given; then those calls alone are repeated ``--rounds``
times. Prints, as JSON, the median CPU time (``time.process_time``) of each per query, and a digest
of every snippet and phrase answer, which must be the same for two trees. ``--tree DIR`` imports
``search`` from another checkout (the code before a change): run the two alternately.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose search package is measured")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(args.tree.resolve()))

    from search import SearchIndex, SearchQuery, highlight, normalise, searching

    pairs = json.loads((args.workdir / "queries.json").read_text(encoding="utf-8"))
    index = SearchIndex(args.workdir / "index")
    snippets: list[tuple[str, object]] = []
    phrases: list[tuple[str, list[str]]] = []
    real_snippet, real_verbatim = searching.snippet, searching._verbatim

    def record_snippet(text, pattern, *rest):
        snippets.append((text, pattern))
        return real_snippet(text, pattern, *rest)

    def record_verbatim(view, docnum, runs):
        stored = view.stored(int(docnum))
        phrases.append((f"{stored.get('title', '')}\n{stored.get('body', '')}\n{stored.get('labels', '')}", runs))
        return real_verbatim(view, docnum, runs)

    searching.snippet, searching._verbatim = record_snippet, record_verbatim
    try:
        for text, filters in pairs:
            index.search(SearchQuery(text, filters=filters, per_page=20))
    finally:
        searching.snippet, searching._verbatim = real_snippet, real_verbatim

    towards = getattr(normalise, "normalise_towards", None)

    def run_snippets() -> list:
        return [highlight.snippet(text, pattern) for text, pattern in snippets]

    def run_phrases() -> list:
        # searching._verbatim's decision on the recorded text, as the tree makes it.
        out = []
        for raw, runs in phrases:
            if all(run in raw and normalise.unchanging(run) for run in runs):
                out.append(True)
                continue
            text = normalise.normalise(raw) if towards is None else towards(raw, "".join(runs))[0]
            out.append(all(run in text for run in runs))
        return out

    digest = hashlib.sha256(json.dumps([run_snippets(), run_phrases()], ensure_ascii=False).encode()).hexdigest()
    times: dict[str, list[float]] = {"snippets": [], "phrase_check": []}
    for _ in range(args.rounds):
        for name, run in (("snippets", run_snippets), ("phrase_check", run_phrases)):
            began = time.process_time()
            run()
            times[name].append((time.process_time() - began) * 1000 / len(pairs))
    print(json.dumps({"tree": str(args.tree), "queries": len(pairs), "snippet_calls": len(snippets),
                      "phrase_checks": len(phrases),
                      **{f"{name}_ms_per_query": round(statistics.median(v), 3) for name, v in times.items()},
                      "digest": digest[:16]}))


if __name__ == "__main__":
    main()
