"""bench/tantivy_compare.py compares like with like: tantivy is given exactly the terms the
portal's index holds, and the portal's side of the comparison answers as ``run_search`` does.
Skipped without the bench-only tantivy package (``make bench-deps``)."""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("tantivy")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.search import listings  # noqa: E402
from bench.tantivy_compare import Translator, portal_search, tantivy_search  # noqa: E402
from bench.tantivy_index import ANALYSED, POSITIONAL, analysed_terms, build, facet_values, open_index  # noqa: E402
from search import SearchIndex, SearchQuery  # noqa: E402
from search.query import parse  # noqa: E402
from search.schema import FACETS  # noqa: E402
from search.searching import run_search  # noqa: E402
from search.view import view_for  # noqa: E402


def _documents():
    docs = [x.document for x in listings(30)]
    # Fields the synthetic listings leave empty: labels (Chinese and English), English text, value.
    docs[0] = replace(docs[0], labels=["医疗器械", "Medical devices", "瑞金医院"], title_en="A coronary stent",
                      body_en="Drug-eluting stents reduce restenosis.", value="high")
    docs[1] = replace(docs[1], title="冠狀動脈支架 PD-1 抗體", labels=["生物医药"], app_numbers=["201911234567.8"])
    return docs


@pytest.fixture(scope="module")
def portal_index(tmp_path_factory):
    index = SearchIndex(tmp_path_factory.mktemp("portal") / "ix")
    index.rebuild(_documents(), last_id=0, processes=1)
    return index


@pytest.fixture(scope="module")
def tantivy_index(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tantivy") / "tv"
    build(directory, _documents())
    return open_index(directory)[0]


def _indexed_terms(searcher) -> dict[str, dict[str, set]]:
    """What the portal's index holds, per document: ``{doc_id: {field: {term or (term, position)}}}``."""
    reader = searcher.reader()
    doc_ids = {num: fields["doc_id"] for num, fields in reader.iter_docs() if fields["doc_id"] != "__meta__"}
    found: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for name in ANALYSED:
        for tbytes in reader.lexicon(name):
            term = tbytes.decode("utf-8")
            matcher = reader.postings(name, tbytes)
            if name in POSITIONAL:
                for num, positions in matcher.items_as("positions"):
                    found[doc_ids[num]][name].update((term, p) for p in positions)
            else:
                for num in matcher.all_ids():
                    found[doc_ids[num]][name].add(term)
    return found


def test_tantivy_is_given_the_terms_the_portal_indexes(portal_index):
    indexed = _indexed_terms(portal_index._searcher())
    for doc in _documents():
        mine = analysed_terms(doc)
        for name in ANALYSED:
            pairs = mine.get(name, [])
            extracted = set(pairs) if name in POSITIONAL else {t for t, _ in pairs}
            assert extracted == indexed[doc.doc_id][name], (doc.doc_id, name)
    first = analysed_terms(_documents()[0])
    assert {"stent", "restenosi"} <= {t for t, _ in first["english"]}
    assert ("医疗", 0) in first["label_bigrams"]


def test_facet_values_are_the_portal_index_values(portal_index):
    searcher = portal_index._searcher()
    stored = {fields["doc_id"]: fields for fields in searcher.all_stored_fields()}
    for doc in _documents():
        values = facet_values(doc)
        for name in FACETS:
            kept = stored[doc.doc_id].get(name, "")
            assert sorted(values.get(name, [])) == sorted(v for v in str(kept).split(",") if v), (doc.doc_id, name)


@pytest.mark.parametrize(("text", "filters"), [
    ("支架", {}), ("冠状动脉 支架", {"centre": "ruijin-ip"}), ("肺癌", {"open_licence": True}),
    ("ultrasond 图像", {}), ("A61F 2/82", {}), ("癌", {"field": "drugs"}), ("PD-1 抗体", {}),
])
def test_both_sides_answer_as_the_portal_does(portal_index, tantivy_index, text, filters):
    searcher = portal_index._searcher()
    view = view_for(searcher)
    parsed = parse(text)
    expected = run_search(searcher, SearchQuery(text, filters=filters, per_page=20, correct=False))
    ids, total, facets = portal_search(view, parsed, filters, 20, True)
    assert ([str(i) for i in ids], total, facets) == (expected.ids, expected.total, expected.facets)

    plan = Translator(tantivy_index.schema, view).plan(parsed, filters)
    t_ids, t_total, counted = tantivy_search(tantivy_index.searcher(), plan, 20, True)
    assert t_total == total
    assert sorted(t_ids) == sorted(ids) or len(ids) == 20
    assert {n: {b["key"]: b["doc_count"] for b in counted[n]["buckets"]} for n in FACETS} == {
        n: dict(v) for n, v in facets.items()}
