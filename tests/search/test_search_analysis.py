"""Chinese analysis: normalisation, jieba with the medical dictionary, Latin runs, bigrams."""

from __future__ import annotations

import threading

import pytest
import rjieba

from search.analysis import (
    STOP_WORDS,
    BigramTokenizer,
    ChineseTokenizer,
    analyse,
    bigrams,
    medical_terms,
    segmenter,
)
from search.normalise import CJK_RUN, normalise, normalise_with_offsets, sanitise


def terms(text: str) -> list[str]:
    return [t.text for t in ChineseTokenizer()(text)]


def test_compound_yields_parts_and_whole():
    tokens = terms("冠状动脉支架")
    assert {"冠状动脉支架", "冠状动脉", "支架"} <= set(tokens)


def test_traditional_input_is_normalised_to_simplified():
    assert terms("冠狀動脈支架") == terms("冠状动脉支架")
    assert normalise("醫療器械與內窺鏡") == "医疗器械与内窥镜"


def test_full_width_and_case_are_folded():
    assert normalise("ＣＴ圖像，ＡＢＣ") == "ct图像,abc"


@pytest.mark.parametrize("typed", ["PD-1", "PD1", "pd-1", "ＰＤ－１", "Pd_1"])
def test_pd1_variants_share_the_joined_token(typed):
    assert "pd1" in terms(typed + "抗体")
    assert "抗体" in terms(typed + "抗体")


@pytest.mark.parametrize("dash", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\uff0d", "-"])
def test_typeset_hyphens_join_like_ascii_ones(dash):
    assert normalise(f"ZSM{dash}5") == "zsm-5"
    assert "zsm5" in terms(f"ZSM{dash}5分子筛")
    assert normalise("——") == "——"  # Chinese em-dash punctuation is left alone


def test_latin_runs_are_kept_as_tokens():
    tokens = terms("CT图像分割")
    assert tokens[0] == "ct"
    assert {"图像分割", "图像", "分割"} <= set(tokens)
    assert {"mrna", "a61b"} <= set(terms("mRNA疫苗，A61B"))


def test_single_chinese_characters_survive():
    # Whoosh's default stop filter drops tokens shorter than two characters.
    assert "癌" in terms("癌")
    assert STOP_WORDS.isdisjoint({"癌", "药", "针"})


def test_stop_words_are_dropped():
    assert "一种" not in terms("一种导管")
    assert "导管" in terms("一种导管")


def test_character_offsets_point_into_the_original_text():
    original = "ＰＤ－１抗體ﬁx"
    tokens = {t.text: (t.startchar, t.endchar) for t in ChineseTokenizer()(original, chars=True)}
    start, end = tokens["抗体"]
    assert original[start:end] == "抗體"
    start, end = tokens["pd1"]
    assert original[start:end] == "ＰＤ－１"
    start, end = tokens["fix"]
    assert original[start:end] == "ﬁx"


def test_offsets_map_when_normalisation_changes_length():
    text, offsets = normalise_with_offsets("㎎剂量")
    assert text == "mg剂量"
    assert offsets == [0, 0, 1, 2, 3]


def test_bigrams_are_consecutive_within_runs_and_gapped_between():
    grams = list(bigrams(normalise("支架，导管")))
    pairs = [(term, pos) for term, pos, _, _ in grams if len(term) == 2]
    assert pairs == [("支架", 0), ("导管", 4)]
    # Only the last character of a run is indexed on its own; the others begin a bigram.
    assert [(t, p) for t, p, _, _ in grams if len(t) == 1] == [("架", 1), ("管", 5)]
    assert [t.text for t in BigramTokenizer()("CT导管")] == ["导管", "管"]
    assert [t.text for t in BigramTokenizer()("癌")] == ["癌"]


def test_analyse_never_emits_empty_or_separator_terms():
    for term, start, end in analyse(normalise("a--b /// 17/00 ...  β-内酰胺")):
        assert term.strip() and start < end
    assert {"17", "00", "1700", "β", "内酰胺"} <= {t for t, _, _ in analyse(normalise("17/00 β-内酰胺"))}


def test_sanitise_removes_controls_and_bounds_length():
    assert sanitise("a\x00b\u200bc\ud800", 10) == "a b c "
    assert len(sanitise("x" * 10_000, 256)) == 256
    assert sanitise(None, 5) == ""


def test_medical_dictionary_is_ours_and_well_formed():
    entries = medical_terms()
    assert len(entries) >= 300
    words = [word for word, _, _ in entries]
    assert len(words) == len(set(words)), "duplicate dictionary entries"
    assert all(CJK_RUN.fullmatch(word) for word in words), "Latin belongs to the analyser, not the dictionary"
    assert all(2000 <= freq <= 20000 for _, freq, _ in entries)
    from importlib import resources

    header = resources.files("search").joinpath("dictionary", "medical_terms.txt").read_text("utf-8")
    assert "project licence" in header.splitlines()[1]


def test_medical_terms_are_segmented_as_words():
    for word in ("药物洗脱支架", "单克隆抗体", "内窥镜", "留置针", "人工关节", "超声探头"):
        assert word in terms(f"一种{word}的制备方法")


def test_segmenter_is_private_and_created_once():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(segmenter())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in seen}) == 1
    assert seen[0] is not rjieba._DEFAULT_JIEBA
    assert seen[0].has_word("冠状动脉支架")
    assert not rjieba.has_word("冠状动脉支架")  # the module's default dictionary is untouched
