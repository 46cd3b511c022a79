"""Application numbers (ZC 0006-2003 and the old 8-digit form), DOMAIN.md §2."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import (
    ApplicationNumber,
    InvalidPatentNumber,
    application_check_character,
    parse_application_number,
)

DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)
TODAY = date(2025, 6, 30)


def parse(text):
    return parse_application_number(text, today=TODAY)


def with_check(body):
    return f"{body}.{application_check_character(body)}"


# --- worked examples ---------------------------------------------------------

def test_new_format_worked_example():
    number = parse("201811564288.X")
    assert number == ApplicationNumber("201811564288.X", 2018, "invention", "1564288", "X")
    assert number.patent_number == "ZL201811564288.X"
    assert str(number) == "201811564288.X"
    assert not number.is_pct


def test_old_format_worked_example():
    number = parse("94102612.4")
    assert number == ApplicationNumber("94102612.4", 1994, "invention", "02612", "4")
    assert number.patent_number == "ZL94102612.4"


def test_spaced_zl_example_computes():
    assert application_check_character("201510958772") == "0"
    assert parse("ZL 2015 1 0958772.0").canonical == "201510958772.0"


def test_placeholder_is_invalid_and_names_the_right_check():
    with pytest.raises(InvalidPatentNumber) as info:
        parse("202310123456.7")
    assert info.value.params == {"expected": "6", "given": "7"}
    assert str(info.value) == "The check character should be 6, not 7."
    assert parse("202310123456.6").kind == "invention"


# --- input forms ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "201811564288.X",
    "201811564288.x",
    "201811564288X",
    "201811564288x",
    "CN201811564288.X",
    "cn201811564288.x",
    "ZL201811564288.X",
    "zl 2018 1 1564288 . X",
    "Zl201811564288.X",
    " 2018 1156 4288 X ",
    "２０１８１１５６４２８８．Ｘ",
    "ＺＬ２０１８１１５６４２８８．ｘ",
    "201811564288。X",
    "2018\u300011564288.X",
    "2018\t1156\n4288.X",
])
def test_typed_forms_normalise_to_one_canonical(text):
    assert parse(text).canonical == "201811564288.X"


def test_old_format_forms():
    assert parse("ZL 94 1 02612.4").canonical == "94102612.4"
    assert parse("941026124").canonical == "94102612.4"
    assert parse("CN９４１０２６１２．４").canonical == "94102612.4"


# --- kinds ----------------------------------------------------------------------

@pytest.mark.parametrize(("digit", "kind"), [
    ("1", "invention"), ("2", "utility_model"), ("3", "design"),
    ("8", "pct_invention"), ("9", "pct_utility_model"),
])
def test_type_digit_gives_kind(digit, kind):
    assert parse(with_check(f"2020{digit}0123456")).kind == kind
    assert parse(with_check(f"99{digit}01234")).kind == kind


def test_pct_flag():
    assert parse(with_check("201880012345")).is_pct
    assert parse(with_check("201890012345")).is_pct


@pytest.mark.parametrize("digit", "0457")
def test_other_type_digits_are_invalid(digit):
    with pytest.raises(InvalidPatentNumber, match="type digit") as info:
        parse(with_check(f"2020{digit}0123456"))
    assert info.value.params == {"given": digit}
    with pytest.raises(InvalidPatentNumber, match="type digit"):
        parse(with_check(f"99{digit}01234"))


# --- years ------------------------------------------------------------------------

def test_old_format_years():
    assert parse(with_check("99201234")).year == 1999
    assert parse(with_check("00101234")).year == 2000
    assert parse(with_check("03101234")).year == 2003
    assert parse(with_check("89101234")).year == 1989


@pytest.mark.parametrize("prefix", ["04", "50", "84"])
def test_old_format_impossible_years(prefix):
    with pytest.raises(InvalidPatentNumber, match="1985 to 2003"):
        parse(with_check(f"{prefix}101234"))


@pytest.mark.parametrize("yy", ["85", "86", "87", "88"])
def test_1985_to_1988_need_no_check_digit(yy):
    number = parse(f"{yy}100001")
    assert number.canonical == f"{yy}100001"
    assert number.check is None
    assert number.year == 1900 + int(yy)
    assert number.patent_number == f"ZL{yy}100001"


def test_1985_to_1988_typed_check_is_verified_then_dropped():
    body = "88100001"
    right = application_check_character(body)
    assert parse(f"{body}.{right}") == parse(body)
    wrong = "0" if right != "0" else "1"
    with pytest.raises(InvalidPatentNumber, match="should be"):
        parse(f"{body}.{wrong}")


def test_old_number_after_1988_needs_its_check():
    with pytest.raises(InvalidPatentNumber, match="missing") as info:
        parse("94102612")
    assert info.value.params["expected"] == "4"


def test_new_format_year_bounds():
    assert parse(with_check("200310123456")).year == 2003
    assert parse(with_check("202610123456")).year == 2026  # today + 1 is tolerated
    with pytest.raises(InvalidPatentNumber, match="began in 2003"):
        parse(with_check("200210123456"))
    with pytest.raises(InvalidPatentNumber, match="future") as info:
        parse(with_check("202710123456"))
    assert info.value.params == {"year": 2027}
    with pytest.raises(InvalidPatentNumber, match="began in 2003"):
        parse(with_check("199910123456"))


def test_default_today_is_the_real_date():
    next_year = date.today().year + 1
    assert parse_application_number(with_check(f"{next_year}10123456")).year == next_year
    with pytest.raises(InvalidPatentNumber, match="future"):
        parse_application_number(with_check(f"{next_year + 1}10123456"))


# --- bad input --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "fragment"), [
    ("", "Enter an application number"),
    ("   ", "Enter an application number"),
    ("ZL", "missing after the prefix"),
    ("cn ", "missing after the prefix"),
    ("201811564288.", "after the dot is missing"),
    ("201811564288.XX", "Only one check character"),
    ("201811564288.A", "must be a digit or X"),
    ("2018115642A8.X", "A is not allowed"),
    ("2018-11564288.X", "- is not allowed"),
    ("US201811564288.X", "U is not allowed"),
    ("hello", "H is not allowed"),
    ("1234", "has 4"),
    ("12345678901.2", "has 11"),
    ("20181156428", "has 11"),
    ("2018115642880000", "has 16"),
    ("201811564288", "missing"),
    ("2018115642880", "should be X, not 0"),
])
def test_bad_input_gets_a_precise_message(text, fragment):
    with pytest.raises(InvalidPatentNumber, match=fragment):
        parse(text)


def test_non_string_is_a_programming_error():
    with pytest.raises(TypeError):
        parse(201811564288)


def test_check_character_helper():
    assert application_check_character("201811564288") == "X"
    assert application_check_character("94102612") == "4"
    assert application_check_character("202310123456") == "6"
    for bad in ["", "1234", "2018115642X8", "２０１８１１５６４２８８"]:
        with pytest.raises(InvalidPatentNumber):
            application_check_character(bad)


def test_not_the_id_card_mapping():
    # The ID-card variant maps remainders through "10X98765432"; ours writes the remainder.
    assert application_check_character("201811564288") == "X"
    assert application_check_character("202310123456") == "6"


# --- properties -------------------------------------------------------------------

new_bodies = st.builds(
    lambda year, digit, serial: f"{year}{digit}{serial:07d}",
    st.integers(2003, TODAY.year + 1),
    st.sampled_from("12389"),
    st.integers(0, 9_999_999),
)
old_bodies = st.builds(
    lambda yy, digit, serial: f"{yy:02d}{digit}{serial:05d}",
    st.sampled_from([*range(85, 100), *range(0, 4)]),
    st.sampled_from("12389"),
    st.integers(0, 99_999),
)


def one_char_changes(text):
    """Every string differing from ``text`` in exactly one character (digits and X)."""
    for i, old in enumerate(text):
        if old == ".":
            continue
        for new in "0123456789X":
            if new != old:
                yield text[:i] + new + text[i + 1:]


@DETERMINISTIC
@given(new_bodies)
def test_any_new_body_with_its_check_validates(body):
    number = parse(with_check(body))
    assert number.canonical == with_check(body)
    assert number.year == int(body[:4])
    assert number.serial == body[5:]


@DETERMINISTIC
@given(new_bodies)
def test_changing_one_character_of_a_new_number_invalidates_it(body):
    for changed in one_char_changes(with_check(body)):
        with pytest.raises(InvalidPatentNumber):
            parse(changed)


@DETERMINISTIC
@given(old_bodies)
def test_any_old_body_with_its_check_validates(body):
    number = parse(with_check(body))
    if number.year <= 1988:
        assert number.canonical == body
    else:
        assert number.canonical == with_check(body)
    assert number.serial == body[3:]


@DETERMINISTIC
@given(old_bodies)
def test_changing_one_character_of_an_old_number_invalidates_it(body):
    for changed in one_char_changes(with_check(body)):
        with pytest.raises(InvalidPatentNumber):
            parse(changed)


@DETERMINISTIC
@given(new_bodies, st.sampled_from(["", "CN", "cn", "ZL", "zl"]), st.booleans(), st.booleans(),
       st.lists(st.integers(0, 14), max_size=4))
def test_typed_variants_parse_to_the_same_number(body, prefix, fullwidth, dotless, spaces):
    text = prefix + (body + application_check_character(body) if dotless else with_check(body))
    text = text.lower()
    for position in sorted(spaces, reverse=True):
        text = text[:position] + " " + text[position:]
    if fullwidth:
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert parse(text) == parse(with_check(body))
