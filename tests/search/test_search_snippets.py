"""Snippets and the whole-phrase check normalise only what could change their answer (issue 18,
item 3), and answer exactly as on the fully normalised text."""

from __future__ import annotations

import random

import pytest

from search import highlight
from search.highlight import needle_pattern, snippet
from search.normalise import _rules, normalise, normalise_towards, normalise_with_offsets


def full_snippet(text: str, pattern) -> str | None:
    """The snippet as it was made before: every match found on the fully normalised text."""
    saved = highlight.normalise_towards
    highlight.normalise_towards = lambda t, _chars: normalise_with_offsets(t)
    try:
        return snippet(text, pattern)
    finally:
        highlight.normalise_towards = saved


TRICKY = [
    # (text, CJK needles, Latin needles)
    ("醫療器械與冠狀動脈支架，用於心臟。", ["冠状动脉支架"], []),
    ("冠狀動脈支架" + "其他說明文字。" * 12 + "冠状动脉支架", ["冠状动脉支架", "支架"], []),
    ("本發明公開了一種干細胞培養方法，幹細胞與乾細胞。", ["干细胞", "发明"], []),
    ("反覆發作的症狀，复发率低；覆盖范围广。", ["复发", "覆盖"], []),
    ("反覆發作" + "的症狀" * 30 + "，覆盖", ["覆"], []),  # 覆 of 反覆 becomes 复: not a match
    ("ＣＴ圖像分割，ＰＤ－１抗體與pd1抗体、PD‑1。", ["图像分割", "抗体"], ["ct", "pd1"]),
    ("㎎劑量的ＭＲＩ造影劑，一种造影剂。", ["造影剂", "剂量"], ["mri", "mg"]),
    ("支架", ["支架"], []),
    ("支架" + "文字" * 80 + "末尾的導管", ["导管", "支架"], []),
    ("開頭就是內窺鏡" + "説明" * 90, ["内窥镜"], []),
    ("Mixed Latin text with <script>超聲</script> and ULTRASOUND probes 超聲導管", ["超声"], ["ultrasound"]),
    ("臺灣的系統與係統、繫統，系统。", ["系统", "台湾"], []),
    ("面膜麵條麪包，面条。", ["面条", "面"], []),
    ("后处理：後處理与后處理\n\n換行之後的後處理", ["后处理"], []),
]


@pytest.mark.parametrize(("text", "cjk", "latin"), TRICKY, ids=[f"tricky{i}" for i in range(len(TRICKY))])
def test_snippet_is_the_one_made_on_fully_normalised_text(text, cjk, latin):
    pattern = needle_pattern(cjk, latin)
    assert snippet(text, pattern) == full_snippet(text, pattern)


def test_runs_that_cannot_change_a_match_are_not_converted():
    # 支架 is made or unmade by no rule: the traditional run around it is left as it is...
    assert normalise_towards("醫療器械與支架，ＣＴ", "支架") == ("醫療器械與支架,ct", None)
    # ...while 冠状 can come from 冠狀: that run is converted like the rest of the text.
    assert normalise_towards("醫療，冠狀動脈", "冠状")[0] == "醫療,冠状动脉"
    assert normalise_towards("醫療，冠狀動脈", "冠状")[0] != normalise("醫療，冠狀動脈")
    # A rule that changes a phrase as a whole (反覆 → 反复) counts for every character it makes.
    assert normalise_towards("反覆", "复") == (normalise("反覆"), None)


def test_offsets_survive_a_length_changing_fold():
    text = "㎎劑量與支架"
    assert normalise_towards(text, "支架") == ("mg劑量與支架", normalise_with_offsets(text)[1])
    pattern = needle_pattern(["支架", "剂量"], ["mg"])
    assert snippet(text, pattern) == full_snippet(text, pattern) == "<mark>㎎劑量</mark>與<mark>支架</mark>"


def _pool() -> list[str]:
    # Traditional keys and their simplified results from the converter's own rules, with ordinary
    # simplified text, Latin, full-width letters, digits and punctuation.
    rules = _rules()
    assert rules is not None
    chunks = [s for s, t in rules[::7] if s != t] + [t for s, t in rules[::11] if s != t]
    chunks += ["支架", "冠状动脉", "发明", "系统", "干细胞", "复发", "面", "ＰＤ－１", "CT", "mRNA", "，", "。", " ",
               "\n", "17/00", "Ａ６１Ｂ", "㎎", "β-内酰胺", "<b>", "&"]
    return chunks


def test_random_texts_and_needles_agree_with_the_full_path():
    chance = random.Random(18)
    pool = _pool()
    checked = 0
    for _ in range(400):
        text = "".join(chance.choice(pool) for _ in range(chance.randint(1, 60)))
        full = normalise(text)
        # Needles: pieces of the fully normalised text (so that they match), and random chunks.
        cjk = []
        for _ in range(chance.randint(1, 3)):
            start = chance.randrange(len(full))
            cjk.append(full[start:start + chance.randint(1, 4)])
        cjk.append(normalise(chance.choice(pool)))
        cjk.append(chance.choice(pool))  # may hold a character conversion takes away
        pattern = needle_pattern(cjk, ["pd1", "ct", "mrna"][: chance.randint(0, 3)])
        assert snippet(text, pattern) == full_snippet(text, pattern), (text, cjk)
        runs = [run for run in cjk if run.strip()]
        towards, _ = normalise_towards(text, "".join(runs))
        assert [run in towards for run in runs] == [run in full for run in runs], (text, runs)
        checked += sum(run in full for run in runs)
    assert checked > 200  # most needles do occur: the comparison is not vacuous


NFKC_CASES = ["ＣＴ圖像，ＡＢＣ：（一）", "全角　空格", "Ａ\u0301 and ｅ\u0301", "㎎剂量，ｍｇ", "ﬁbre，",
              "e\u0301\u0323", "Ｐ\u0338", "ＰＤ\uff0d１", "ｶﾀｶﾅ，한국어", "\u3000\uff5e\uff01", "",
              "plain ascii", "冠状动脉支架。"]


@pytest.mark.parametrize("text", NFKC_CASES, ids=[f"nfkc{i}" for i in range(len(NFKC_CASES))])
def test_fast_nfkc_is_nfkc(text):
    import unicodedata

    from search.normalise import _nfkc

    assert _nfkc(text) == unicodedata.normalize("NFKC", text)


def test_fast_nfkc_on_random_text():
    import unicodedata

    from search.normalise import _nfkc

    chance = random.Random(3)
    ranges = [(0x20, 0x7E), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x4E00, 0x4E80), (0x300, 0x36F), (0xF900, 0xF920),
              (0x3380, 0x33FF), (0xAC00, 0xAC20), (0x1100, 0x1120), (0x2010, 0x2015)]
    for _ in range(3000):
        text = "".join(chr(chance.randint(*chance.choice(ranges))) for _ in range(chance.randint(0, 12)))
        assert _nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_usual_chinese_text_is_folded_without_full_nfkc(monkeypatch):
    import unicodedata

    from search import normalise as module

    calls = []
    real = unicodedata.normalize
    monkeypatch.setattr(module.unicodedata, "normalize", lambda form, text: calls.append(text) or real(form, text))
    assert module.normalise("本发明（ＣＴ）：一种支架，ＰＤ－１抗体。") == "本发明(ct):一种支架,pd-1抗体。"
    assert calls == []
