"""Every entry of the glossary and of the synonym groups in data/ (issue 15): it parses, and a
query for it reaches a listing that holds only its counterpart."""

from __future__ import annotations

import pytest

from search import SearchQuery
from search.expansion import data_dir, english_key, glossary, synonyms
from search.normalise import CJK_RUN
from tests.search.search_testkit import index_with, make_doc


def _glossary_rows() -> list[tuple[str, list[str]]]:
    rows = []
    for line in (data_dir() / "glossary_en_zh.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, tab, chinese = line.partition("\t")
            assert tab, f"no tab in glossary line {line!r}"
            rows.append((english, chinese.split("|")))
    return rows


GLOSSARY = _glossary_rows()
PAIRS = sorted({(word, other) for word, others in synonyms().items() for other in others})
TARGETS = sorted({t for _, terms in GLOSSARY for t in terms} | {o for _, o in PAIRS})


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    # One listing per word, holding nothing else (a filler keeps single-word bodies apart).
    docs = [make_doc(f"w{i}", f"{word}。", "示例。") for i, word in enumerate(TARGETS)]
    return index_with(tmp_path_factory.mktemp("vocabulary"), docs)


def _found(index, text: str) -> set[str]:
    result = index.search(SearchQuery(text=text, per_page=100, correct=False))
    return {TARGETS[int(doc[1:])] for doc in result.ids}


def test_the_files_have_versions_and_sources():
    for name in ("glossary_en_zh.tsv", "synonyms_zh.tsv"):
        header = (data_dir() / name).read_text(encoding="utf-8")[:800]
        assert "Version" in header and "licence" in header, name
    assert len(glossary()) >= 200 and len(synonyms()) >= 150


@pytest.mark.parametrize(("english", "chinese"), GLOSSARY, ids=[e for e, _ in GLOSSARY])
def test_each_glossary_entry_reaches_its_chinese(index, english, chinese):
    assert english == english.lower().strip() and english_key(english)
    assert all(CJK_RUN.search(t) or t.isascii() for t in chinese)
    assert any(CJK_RUN.search(t) for t in chinese), "an entry must give a Chinese term"
    found = _found(index, english)
    assert any(t.lower() in found for t in chinese), (english, chinese)


@pytest.mark.parametrize(("word", "other"), PAIRS, ids=[f"{w}->{o}" for w, o in PAIRS])
def test_each_synonym_reaches_the_others_of_its_group(index, word, other):
    assert other in _found(index, word)
