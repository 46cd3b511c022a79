"""What the engine takes from under Whoosh's public API: its BM25 agrees with Whoosh's own, the
private names it needs are checked loudly at import, and the mapped-segment reader is installed by
whatever opens an index (not by importing ``search``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import whoosh
from search_testkit import CORPUS, make_doc, upserts
from whoosh import query as wq
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb import compound, structfile
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

from search import Change, SearchIndex, bulk, storage, view, whoosh_internals
from search.query import parse
from search.segments import read_postings

ROOT = str(Path(__file__).resolve().parents[2])
WORDS = ["支架", "导管", "超声", "内窥镜", "抗体", "缝合", "康复", "影像"]


def corpus():
    """The shared corpus and listings of varied lengths, so that lengths and idf matter."""
    docs = list(CORPUS)
    for n in range(60):
        body = "一种" + f"{WORDS[n % 3]}装置，" * (1 + n % 4) + ("冠状动脉支架。" if n % 7 == 0 else "")
        docs.append(make_doc(f"s{n}", f"{WORDS[n % 8]}{WORDS[n % 5]}系统", body, centre=("RJ", "ZS", "HS")[n % 3],
                             ipc=["A61F 2/82"] if n % 5 == 0 else []))
    return docs


def scored_queries() -> list[wq.Query]:
    """Queries as the parser makes them, and hand-made ones with boosts on every level, a
    non-scorable field and an And. No MultiTerm: a constant-score Prefix or FuzzyTerm is scored
    differently on purpose (the boost for each expanded term, not once per document)."""
    typed = ["药物洗脱冠状动脉支架", "CT图像分割", "超声导管", "201811564288.X", "人工膝关节 钛合金", "支架 导管 系统"]
    return [parse(text).match for text in typed] + [
        wq.Term("title", "支架"),
        wq.Or([wq.Term("title", "支架", boost=2.5), wq.Term("body", "装置"), wq.Term("centre", "ZS", boost=1.5)],
              boost=0.5),
        wq.And([wq.Term("title", "导管"), wq.Term("body", "超声")], boost=2.0),
        wq.Or([wq.Term("bigrams", "支架", boost=0.3), wq.Term("ipc", "a61f", boost=10.0), wq.Term("body", "雷帕霉素")]),
    ]


def leaf_terms(q: wq.Query):
    if isinstance(q, wq.CompoundQuery):
        for sub in q.subqueries:
            yield from leaf_terms(sub)
    else:
        yield q


def indexes(tmp_path) -> dict[str, SearchIndex]:
    """The same listings written both ways: by the change-log writer, as several unmerged
    segments with a deleted version, and by a rebuild (search/bulk.py's blocks)."""
    docs = corpus()
    applied = SearchIndex(tmp_path / "applied")
    changes = upserts(docs)
    for chunk in (changes[:20], changes[20:45], changes[45:]):
        applied.apply(chunk, merge=False)
    applied.apply([Change(len(docs) + 1, "upsert", "s3", make_doc("s3", "支架导管系统", "一种支架。"))], merge=False)
    built = SearchIndex(tmp_path / "built")
    built.rebuild(docs, last_id=1)
    return {"applied": applied, "built": built}


def test_view_scores_are_whooshs_bm25f(tmp_path):
    """View.score (NumPy) is Whoosh's BM25F with the same B and K1 on the same segments: the same
    idf, average length, one-byte length approximation, field boosts (in the weights) and query
    boosts (multiplied down an Or/And, summed over its terms).

    To within float32 rounding: View multiplies the length term in float32 (``lengths`` is a
    float32 array, and NumPy keeps a Python float times it in float32), about 1e-7 relative."""
    weighting = BM25F(B=view.BM25_B, K1=view.BM25_K1)
    for kind, index in indexes(tmp_path).items():
        with index._index().searcher(weighting=weighting) as searcher:
            readers = [reader for reader, _ in searcher.reader().leaf_readers()]
            if kind == "applied":  # the setting this test is meant to cover
                assert len(readers) >= 4 and any(reader.has_deletions() for reader in readers)
            engine = view.View(searcher)
            for q in scored_queries():
                assert not any(isinstance(leaf, wq.MultiTerm) for leaf in leaf_terms(q)), q
                theirs = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
                assert theirs, (kind, q)
                candidates = engine.empty()
                candidates[list(theirs)] = True
                ours = engine.score(q, candidates)
                assert set(np.flatnonzero(ours).tolist()) == set(theirs), (kind, q)
                for docnum, score in theirs.items():
                    assert ours[docnum] == pytest.approx(score, rel=1e-6, abs=0), (kind, q, docnum)
                if not isinstance(q, wq.And):  # an Or of terms: the same documents match
                    assert set(np.flatnonzero(engine.evaluate(q)).tolist()) == set(theirs), (kind, q)


def test_the_check_names_what_is_missing_and_the_whoosh_version(monkeypatch):
    assert whoosh_internals.problems() == []
    monkeypatch.delattr(whoosh3, "_lenfield")  # a module attribute
    monkeypatch.delattr(W3LeafMatcher, "_read_data")  # a method
    monkeypatch.setattr(SegmentReader, "__init__", lambda self, *args, **kwargs: None)  # no more _terms
    monkeypatch.setattr(SegmentWriter, "__init__", lambda self, ix, **kwargs: None)  # no more _lk
    with pytest.raises(whoosh_internals.WhooshInternalsMissing) as raised:
        whoosh_internals.check()
    message = str(raised.value)
    for missing in ("whoosh.codec.whoosh3: attribute _lenfield",
                    "whoosh.codec.whoosh3.W3LeafMatcher: attribute _read_data",
                    "whoosh.reading.SegmentReader: assigned _terms",
                    "whoosh.reading.SegmentReader: assigned _perdoc",
                    "whoosh.writing.SegmentWriter: parameter _lk"):
        assert missing in message
    assert f"Whoosh-Reloaded {whoosh.versionstring()}" in message
    assert isinstance(raised.value, ImportError)


def test_the_check_notices_a_buffer_file_the_replacement_would_not_build(monkeypatch):
    def init(self, buf, name=None, onclose=None):  # as if Whoosh added an attribute
        self._buf, self._name, self._mode = buf, name, "rb"

    monkeypatch.setitem(whoosh_internals._replaced, (structfile.BufferFile, "__init__"), init)
    assert whoosh_internals.problems() == [
        "whoosh.filedb.structfile.BufferFile.__init__ assigns ['_mode'], which install_mapped_reader's "
        "replacement does not"]


def test_importing_search_fails_loudly_when_whoosh_lacks_a_private_name():
    script = (f"import sys; sys.path.insert(0, {ROOT!r})\n"
              "import whoosh.codec.whoosh3\n"
              "del whoosh.codec.whoosh3._lenfield\n"
              "import search\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "WhooshInternalsMissing" in run.stderr and "whoosh.codec.whoosh3: attribute _lenfield" in run.stderr
    assert f"Whoosh-Reloaded {whoosh.versionstring()}" in run.stderr


def test_postings_fail_loudly_without_the_segments_terms(tmp_path):
    """Reading postings used to find nothing, silently, if the reader had no ``_terms``; only an
    empty index's reader has no postings now, and a segment's reader without them raises."""
    with SearchIndex(tmp_path / "empty")._index().searcher() as searcher:
        assert len(read_postings(searcher.reader(), "title", "支架".encode())[0]) == 0
    index = SearchIndex(tmp_path / "ix")
    index.apply(upserts(CORPUS))
    with index._index().searcher() as searcher:
        (reader, _), = searcher.reader().leaf_readers()
        assert len(read_postings(reader, "title", "支架".encode())[0]) == 2
        terms = reader._terms
        del reader._terms  # as a Whoosh release that renamed it would leave it
        try:
            with pytest.raises(AttributeError):
                read_postings(reader, "title", "导管".encode())
        finally:
            reader._terms = terms


def test_importing_search_leaves_whoosh_alone_until_an_index_is_opened(tmp_path):
    script = (f"import sys; sys.path.insert(0, {ROOT!r})\n"
              "import search\n"
              "from search import whoosh_internals\n"
              "print(whoosh_internals.mapped_reader_installed())\n"
              f"search.SearchIndex({str(tmp_path / 'ix')!r})\n"
              "print(whoosh_internals.mapped_reader_installed())\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]


def _probe(path, name):
    _, probe = storage.probe_generation(path, name)
    probe.close_opened()


@pytest.mark.parametrize("opener", [
    lambda path, name: SearchIndex(path),
    storage.open_generation,
    _probe,
    lambda path, name: bulk.build_segments(str(Path(path) / name), []),  # a rebuild's worker
], ids=["SearchIndex", "open_generation", "probe_generation", "bulk"])
def test_every_way_of_opening_an_index_installs_the_mapped_reader(tmp_path, monkeypatch, opener):
    path = str(tmp_path / "ix")
    SearchIndex(path).apply(upserts(CORPUS[:2]))

    def not_installed(*args, **kwargs):
        raise AssertionError("a segment was opened before install_mapped_reader")

    # As in a process that has imported search but opened nothing yet.
    monkeypatch.setattr(whoosh_internals, "_replaced", {})
    monkeypatch.setattr(structfile.BufferFile, "__init__", not_installed)
    monkeypatch.setattr(compound.CompoundStorage, "open_file", not_installed)
    assert not whoosh_internals.mapped_reader_installed()
    opener(path, storage.read_pointer(path))
    assert whoosh_internals.mapped_reader_installed()
    whoosh_internals.install_mapped_reader()  # idempotent
    assert whoosh_internals._replaced == {(structfile.BufferFile, "__init__"): not_installed,
                                          (compound.CompoundStorage, "open_file"): not_installed}
