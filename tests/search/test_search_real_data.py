"""Search quality on real Chinese patent abstracts (the shared KPPatent-ZH sample).

Skipped when ../shared/data/real_patents.csv is absent; the file is read in place, never
copied. Whoosh indexes roughly 60-100 abstracts a second, so the test indexes every medical
abstract plus every tenth other one (about 550 documents, a few seconds); the full 3,653 are
indexed by ``bench/search_quality.py``.
"""

from __future__ import annotations

import re

import pytest
from search_testkit import REAL_PATENTS, real_patents

from search import SearchIndex, SearchQuery
from search.normalise import normalise

pytestmark = pytest.mark.skipif(not REAL_PATENTS.exists(), reason="shared real_patents.csv not present")

MEDICAL = re.compile("医|药|病|疗|患者|抗体|细胞|基因|手术|血|癌|肿瘤|疫苗|诊断|临床|菌|蛋白")
QUERIES = ["肿瘤", "细胞", "基因", "诊断", "药物组合物", "超声", "医用", "抗体", "单克隆抗体", "疫苗"]
QUERIES += ["内窥镜", "传感器"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    docs = [doc for i, doc in enumerate(real_patents()) if MEDICAL.search(doc.title + doc.body) or i % 10 == 0]
    index = SearchIndex(tmp_path_factory.mktemp("real") / "ix")
    index.rebuild(docs, last_id=len(docs))
    texts = {doc.doc_id: normalise(f"{doc.title}\n{doc.body}") for doc in docs}
    return index, docs, texts


@pytest.mark.parametrize("text", QUERIES)
def test_documents_containing_the_query_come_first(corpus, text):
    index, _, texts = corpus
    containing = {doc_id for doc_id, body in texts.items() if text in body}
    assert containing, f"the sample should contain {text}"
    result = index.search(SearchQuery(text, per_page=50))
    assert len(containing) <= 50
    head = result.ids[: len(containing)]
    assert set(head) == containing
    assert result.total >= len(containing)
    for doc_id in head[:5]:
        assert "<mark>" in result.highlights[doc_id]


TRADITIONAL = [("腫瘤", "肿瘤"), ("診斷", "诊断"), ("藥物組合物", "药物组合物")]


@pytest.mark.parametrize(("traditional", "simplified"), TRADITIONAL)
def test_traditional_queries_find_the_same_documents(corpus, traditional, simplified):
    index, _, _ = corpus
    assert index.search(SearchQuery(traditional)).ids == index.search(SearchQuery(simplified)).ids


def test_index_matches_its_source(corpus):
    index, docs, _ = corpus
    assert index.verify({doc.doc_id: doc.version for doc in docs}).ok
    assert index.last_applied_id() == len(docs)
    everything = index.search(SearchQuery("", per_page=1))
    assert everything.total == len(docs)
    assert sum(count for _, count in everything.facets["centre"]) == len(docs)


def test_multi_word_query_prefers_documents_with_every_word(corpus):
    index, _, texts = corpus
    both = {doc_id for doc_id, body in texts.items() if "肿瘤" in body and "细胞" in body}
    assert both
    result = index.search(SearchQuery("肿瘤 细胞", per_page=50))
    assert set(result.ids[: len(both)]) == both
