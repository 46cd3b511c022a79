"""portal.auth.passwords: the blocklist, zxcvbn's estimate, and the messages each gives."""

from __future__ import annotations

import secrets

import pytest

from portal.auth.passwords import MAX_LENGTH, password_problems
from tests.conftest import PASSWORD

EMAIL = "founder@medtech.example.cn"
COMMON = password_problems("password")  # [the "one of the most common ones" message]
TOO_SHORT = password_problems("Zq7#kP2")  # [the "at least 8 characters" message]


def test_messages_stand_alone():
    assert len(COMMON) == 1 and len(TOO_SHORT) == 1 and COMMON != TOO_SHORT


@pytest.mark.parametrize("password", [PASSWORD, "quiet-river-stone-42", "Tr0ub4dor&3", "lixiaolong88",
                                      "我的密码是很长的"])
def test_good_passwords_pass(password):
    assert password_problems(password, EMAIL) == []


def test_generated_passwords_pass():
    # what `flask users create` and the demo loader hand out
    assert not [p for p in (secrets.token_urlsafe(9) for _ in range(300)) if password_problems(p)]
    assert not [p for p in (secrets.token_urlsafe(12) for _ in range(300)) if password_problems(p)]


@pytest.mark.parametrize("password", ["password", "PASSWORD", "p@ssw0rd", "woaini1314", "88888888", "abababab"])
def test_listed_passwords_and_repeats_are_common(password):
    assert password_problems(password, EMAIL) == COMMON


@pytest.mark.parametrize("password", [
    "Woaini1314!",  # a Chinese one, changed a little
    "Password2024", "sunflower88", "shanghai2024",  # word + digits or a year
    "abcdefgh", "12341234", "19900101",  # sequence, repeat, date
])
def test_easily_guessed_passwords_are_refused(password):
    assert password_problems(password, EMAIL) == COMMON


def test_email_address():
    whole = password_problems(EMAIL.upper(), EMAIL)
    assert len(whole) == 1 and whole != COMMON
    assert password_problems("ZQ7KP2VL9X", "zq7kp2vl9x@example.cn") == whole  # the part before the @ too
    assert password_problems("ZQ7KP2VL9X", EMAIL) == []


def test_length_comes_first():
    assert password_problems("short") == TOO_SHORT  # not also "common": the length says what to do
    too_long = "Zq7#kP2-" * 17  # 136 characters, not scored
    assert len(too_long) > MAX_LENGTH and len(password_problems(too_long)) == 1
    assert password_problems("Zq7#kP2-vL9@xW4!" * 8) == []  # 128 characters: scored, and fine
