"""A rebuild's segments (search/bulk.py, search/bulk_terms.py) hold exactly what Whoosh's own writer
would: every term of every field with the same documents, weights and encoded values, the same
field lengths and stored fields — for texts that fold in awkward ways as well as plain ones."""

from __future__ import annotations

from collections import Counter

import pytest
from search_testkit import index_with, make_doc

from search import SearchIndex
from search.analysis import analyse, term_counts
from search.bulk_terms import FieldTerms, bigram_positions, word_frequencies
from search.normalise import normalise
from search.schema import make_schema

TEXTS = [
    "一种冠状动脉支架及其制备方法，该支架用于冠状动脉支架置入术",
    "冠狀動脈支架置入術與醫療器械",  # traditional characters, converted on the way in
    "PD-1抑制剂与CAR-T细胞疗法；ＣＡＲ－Ｔ（全角）",
    "一种一种一种装置装置装置，装置的的的",  # repeated bigrams and stop words
    "中华人民共和国医疗器械监督管理条例实施细则",  # long dictionary words inside longer ones
    "ΑΣ ΣΑΣ 希腊字母 β-内酰胺",  # a final sigma depends on what follows
    "面积10㎡的手术室",  # ㎡ folds into two characters
    "e\u0301导管",  # a combining accent folds with its letter
    "ﬁlter 过滤器 x",
    "A61B 17/00 2.5 mg COVID_19",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_term_counts_are_the_terms_analyse_gives(text):
    normalised = normalise(text)
    assert term_counts(normalised) == Counter(term for term, _, _ in analyse(normalised))


def _whoosh_postings(field_name: str, text: str):
    field = make_schema()[field_name]
    return sorted((term.decode("utf-8"), freq, value) for term, freq, _, value in field.index(text))


@pytest.mark.parametrize("text", TEXTS)
def test_fast_analysers_index_what_whoosh_indexes(text):
    for name, fast in (("body", word_frequencies), ("bigrams", bigram_positions)):
        terms, freqs, values, length = fast(text)
        assert sorted(zip(terms, freqs, values, strict=True)) == _whoosh_postings(name, text), name
        assert length == sum(freqs)


def test_repeated_values_are_indexed_once_and_unique_ones_not_kept():
    schema = make_schema()
    terms = FieldTerms(limit=2)
    first = terms("centre", schema["centre"], "RJ")
    assert terms("centre", schema["centre"], "RJ") is first
    assert first[0] == (b"RJ",) and first[2] is None and first[3] == 1
    terms("centre", schema["centre"], "ZS")
    terms("centre", schema["centre"], "HS")  # over the limit: indexed, not remembered
    assert set(terms.known["centre"]) == {"RJ", "ZS"}


def _everything(index: SearchIndex):
    """Every posting (by doc_id), field length and stored field of ``index``."""
    with index._index().searcher() as searcher:
        reader = searcher.reader()
        ids = {d: reader.stored_fields(d)["doc_id"] for d in reader.all_doc_ids()}
        postings = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            found = []
            while matcher.is_active():
                found.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            postings[field, term] = sorted(found)
        scorable = [n for n in reader.schema.names() if reader.schema[n].scorable]
        lengths = {ids[d]: [reader.doc_field_length(d, n) for n in scorable] for d in ids if ids[d] != "__meta__"}
        stored = {ids[d]: reader.stored_fields(d) for d in ids}
    return postings, lengths, stored


def test_bulk_segments_hold_what_the_writer_writes(tmp_path):
    # Titles and bodies in every combination, so that a title and a body that fold differently
    # (one keeps its length, the other does not, or both change by amounts that cancel out) meet
    # in the bigrams field, which indexes them joined.
    docs = [make_doc(f"{i}-{j}", title, body, centre=("RJ", "ZS")[j % 2], ipc=[f"A61B {i}/00"],
                     kind=["invention"], mode=["ordinary"], labels=["医疗器械", "Medical devices", TEXTS[j]])
            for i, title in enumerate(TEXTS[:-1]) for j, body in enumerate(TEXTS)]
    built = SearchIndex(tmp_path / "bulk")
    built.rebuild(docs, last_id=len(docs))
    applied = index_with(tmp_path / "applied", docs)
    mine, theirs = _everything(built), _everything(applied)
    assert mine[0] == theirs[0]
    assert mine[1] == theirs[1]
    assert mine[2] == theirs[2]
