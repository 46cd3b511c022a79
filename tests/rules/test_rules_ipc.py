"""IPC symbols (DOMAIN.md §2)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import (
    IPC_SECTIONS,
    IPC_SUBCLASS_TITLES,
    MEDICAL_SUBCLASSES,
    InvalidIPC,
    ipc_section_titles,
    ipc_subclass,
    ipc_subclass_titles,
    normalise_ipc,
    split_ipc_list,
)

DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)


@pytest.mark.parametrize(("text", "canonical"), [
    ("A61B17/00(2006.01)", "A61B 17/00"),
    ("A61B 17/00 (2006.01)", "A61B 17/00"),
    ("A61B17/00（2006.01）", "A61B 17/00"),
    ("a61b 17/00", "A61B 17/00"),
    ("A61B", "A61B"),
    ("a61b", "A61B"),
    ("A61B 17", "A61B 17/00"),
    ("A61B17", "A61B 17/00"),
    ("A61B 017/00", "A61B 17/00"),
    ("A61K 31/4745", "A61K 31/4745"),
    ("C12N 15/113", "C12N 15/113"),
    ("G16H 50/20", "G16H 50/20"),
    ("H01L 21/677123", "H01L 21/677123"),
    ("A61B  17 / 3421", "A61B 17/3421"),
    ("Ａ６１Ｂ１７／００", "A61B 17/00"),
    ("ａ６１ｂ　１７／００（２００６．０１）", "A61B 17/00"),
    ("A61M2025/0001", "A61M 2025/0001"),
    ("A61B 17/00(2016.01)", "A61B 17/00"),
])
def test_normalise(text, canonical):
    assert normalise_ipc(text) == canonical


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "Enter an IPC symbol"),
    ("   ", "Enter an IPC symbol"),
    ("I61B 17/00", "section is a letter from A to H, not I"),
    ("Z01B", "section is a letter from A to H, not Z"),
    ("161B", "begins with a section letter"),
    ("A6B 17/00", "two-digit class"),
    ("A611B", "followed by a subclass letter"),
    ("A61", "followed by a subclass letter"),
    ("A61B 17/0", "2 to 6 digits, not 0"),
    ("A61B 17/1234567", "2 to 6 digits, not 1234567"),
    ("A61B 12345/00", "1 to 4 digits"),
    ("A61B 0/00", "not zero"),
    ("A61B 17/", "not an IPC symbol"),
    ("A61B /00", "not an IPC symbol"),
    ("A61B 17/00 extra", "not an IPC symbol"),
    ("A61B17/00(2006)", "not an IPC symbol"),
    ("A61B;A61K", "not an IPC symbol"),
])
def test_nonsense_is_refused(text, fragment):
    with pytest.raises(InvalidIPC, match=fragment):
        normalise_ipc(text)


def test_subclass():
    assert ipc_subclass("a61b17/00(2006.01)") == "A61B"
    assert ipc_subclass("C07K") == "C07K"
    with pytest.raises(InvalidIPC):
        ipc_subclass("X61B")


def test_split_list():
    text = "A61B17/00(2006.01); A61K 31/00，a61b 17/00；C12N15/113, A61B17/00,"
    assert split_ipc_list(text) == ["A61B 17/00", "A61K 31/00", "C12N 15/113"]
    assert split_ipc_list("") == []
    assert split_ipc_list(" ; ,，") == []
    with pytest.raises(InvalidIPC):
        split_ipc_list("A61B 17/00; nonsense")
    with pytest.raises(TypeError):
        split_ipc_list(None)


def test_medical_subclasses():
    assert list(MEDICAL_SUBCLASSES) == [
        "A61B", "A61C", "A61F", "A61G", "A61H", "A61J", "A61K", "A61L", "A61M", "A61N", "A61P",
        "C07K", "C12N", "C12Q", "G01N", "G16H",
    ]
    for code, (zh, en) in MEDICAL_SUBCLASSES.items():
        assert normalise_ipc(code) == code
        assert zh and en
    with pytest.raises(TypeError):
        MEDICAL_SUBCLASSES["A01B"] = ("农业", "Agriculture")


symbols = st.builds(
    lambda section, cls, sub, group, subgroup: (section, cls, sub, group, subgroup),
    st.sampled_from("ABCDEFGH"),
    st.integers(1, 99),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.integers(1, 9999),
    st.from_regex(r"\A[0-9]{2,6}\Z"),
)


@DETERMINISTIC
@given(symbols, st.booleans(), st.booleans())
def test_normalise_is_idempotent_and_ignores_layout(parts, spaced, versioned):
    section, cls, sub, group, subgroup = parts
    canonical = f"{section}{cls:02d}{sub} {group}/{subgroup}"
    typed = f"{section}{cls:02d}{sub}{' ' if spaced else ''}{group}/{subgroup}"
    if versioned:
        typed += "(2006.01)"
    assert normalise_ipc(typed.lower()) == canonical
    assert normalise_ipc(canonical) == canonical
    assert ipc_subclass(typed) == canonical[:4]


# ---------------------------------------------------------------- titles

def test_subclass_titles_cover_the_common_medical_classes():
    wanted = [f"A61{c}" for c in "BCDFGHJKLMNPQ"] + [f"C07{c}" for c in "BCDFHJK"] + [
        f"C12{c}" for c in "MNPQR"] + ["G01N", "G06T", "G16H", "G16B", "G06V", "B33Y"]
    for subclass in wanted:
        zh, en = ipc_subclass_titles(subclass)
        assert zh and en, subclass
    for subclass, (zh, en) in IPC_SUBCLASS_TITLES.items():
        assert normalise_ipc(subclass) == subclass and zh and en
    with pytest.raises(TypeError):
        IPC_SUBCLASS_TITLES["A01B"] = ("农业", "Agriculture")


def test_medical_facet_labels_win():
    for subclass, titles in MEDICAL_SUBCLASSES.items():
        assert ipc_subclass_titles(subclass) == titles


def test_subclass_titles_accept_what_is_stored_or_typed():
    assert ipc_subclass_titles("a61q") == ipc_subclass_titles("A61Q 19/00") == IPC_SUBCLASS_TITLES["A61Q"]
    assert ipc_subclass_titles("A01B") is None
    assert ipc_subclass_titles("") is None


def test_every_section_has_a_title():
    assert list(IPC_SECTIONS) == list("ABCDEFGH")
    assert ipc_section_titles("A01B 1/00") == ("人类生活必需", "Human necessities")
    assert ipc_section_titles("h04w") == ("电学", "Electricity")
    assert ipc_section_titles("F16K")[0] == "机械工程；照明；加热；武器；爆破"
    assert ipc_section_titles("J01A") is None
    assert ipc_section_titles("") is None
