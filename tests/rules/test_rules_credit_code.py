"""Unified social credit codes (GB 32100-2015), DOMAIN.md §5."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from portal.rules import InvalidCreditCode, credit_code_check_character, validate_credit_code

DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Codes as published for well-known companies (and python-stdnum's own example); each one
# is checked below against the GB 32100 check character, so a mistyped one would fail.
PUBLIC_CODES = [
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
    "91110000600037341L",  # python-stdnum's documented example
]


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_public_codes(code):
    assert credit_code_check_character(code[:17]) == code[17]
    assert validate_credit_code(code) == code


def test_normalisation():
    assert validate_credit_code(" 9111 0000 8021 0043 3b ") == "91110000802100433B"
    assert validate_credit_code("９１１１００００８０２１００４３３Ｂ") == "91110000802100433B"
    assert validate_credit_code("９１１１００００８０２１００４３３ｂ") == "91110000802100433B"
    assert validate_credit_code("91110000802100433b\u3000") == "91110000802100433B"


@pytest.mark.parametrize("authority", "ANY")
def test_letter_authorities_that_stdnum_rejects_are_accepted(authority):
    body = f"{authority}1310000MA1FL8Q2X"
    code = body + credit_code_check_character(body)
    assert not uscc.is_valid(code)  # the gap this rule fills
    assert validate_credit_code(code) == code
    assert validate_credit_code(code.lower()) == code
    wrong = "0" if code[-1] != "0" else "1"
    with pytest.raises(InvalidCreditCode, match="should be"):
        validate_credit_code(code[:17] + wrong)


@pytest.mark.parametrize(("text", "fragment", "params"), [
    ("", "Enter the unified social credit code", {}),
    ("   ", "Enter the unified social credit code", {}),
    ("91110000802100433", "18 characters, not 17", {"count": 17}),
    ("91110000802100433BB", "18 characters, not 19", {"count": 19}),
    ("9111000080210O433B", "O is not allowed", {"char": "O"}),
    ("91110000I02100433B", "I is not allowed", {"char": "I"}),
    ("9111000080210043ZB", "Z is not allowed", {"char": "Z"}),
    ("91110000S02100433B", "S is not allowed", {"char": "S"}),
    ("91110000V02100433B", "V is not allowed", {"char": "V"}),
    ("9111-0000802100433B", "- is not allowed", {"char": "-"}),
    ("B1110000802100433B", "registration authority", {"given": "B"}),
    ("91A10000802100433B", "Characters 2 to 8", {"given": "1A10000"}),
    ("91110000802100433C", "should be B, not C", {"expected": "B", "given": "C"}),
])
def test_messages(text, fragment, params):
    with pytest.raises(InvalidCreditCode, match=fragment) as info:
        validate_credit_code(text)
    assert info.value.params == params


def test_check_helper_refuses_bad_bodies():
    for bad in ["", "9111000080210043", "91110000802100433B", "9111000080210043I"]:
        with pytest.raises(InvalidCreditCode):
            credit_code_check_character(bad)


bodies = st.builds(
    lambda head, digits, rest: head + digits + rest,
    st.sampled_from("0123456789ANY"),
    st.from_regex(r"\A[0-9]{7}\Z"),
    st.text(ALPHABET, min_size=9, max_size=9),
)


@DETERMINISTIC
@given(bodies)
def test_any_body_with_its_check_validates(body):
    code = body + credit_code_check_character(body)
    assert validate_credit_code(code) == code


@DETERMINISTIC
@given(bodies, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_changing_one_character_invalidates(body, position, replacement):
    code = body + credit_code_check_character(body)
    changed = code[:position] + replacement + code[position + 1:]
    if changed == code:
        return
    with pytest.raises(InvalidCreditCode):
        validate_credit_code(changed)


@DETERMINISTIC
@given(st.text(ALPHABET, min_size=17, max_size=17))
def test_own_check_agrees_with_stdnum(body):
    assert credit_code_check_character(body) == uscc.calc_check_digit(body)
