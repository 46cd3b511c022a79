"""Publication and grant numbers: CN + 7-9 digits + kind code, DOMAIN.md §2."""

import pytest

from portal.rules import InvalidPatentNumber, PublicationNumber, parse_publication_number


def test_canonical_example():
    number = parse_publication_number("CN112345678A")
    assert number == PublicationNumber("CN112345678A", "112345678", "A", "application_publication")
    assert str(number) == "CN112345678A"


@pytest.mark.parametrize(("text", "canonical", "kind_code", "document_type"), [
    ("CN112345678A", "CN112345678A", "A", "application_publication"),
    ("CN1234567A", "CN1234567A", "A", "application_publication"),
    ("CN101234567A8", "CN101234567A8", "A8", "application_publication"),
    ("CN101234567A9", "CN101234567A9", "A9", "application_publication"),
    ("CN105123456B", "CN105123456B", "B", "granted_invention"),
    ("CN105123456B8", "CN105123456B8", "B8", "granted_invention"),
    ("CN105123456B9", "CN105123456B9", "B9", "granted_invention"),
    ("CN1234567C1", "CN1234567C1", "C1", "granted_invention"),
    ("CN1234567C7", "CN1234567C7", "C7", "granted_invention"),
    ("CN212345678U", "CN212345678U", "U", "utility_model"),
    ("CN212345678U8", "CN212345678U8", "U8", "utility_model"),
    ("CN212345678U9", "CN212345678U9", "U9", "utility_model"),
    ("CN2345678Y1", "CN2345678Y1", "Y1", "utility_model"),
    ("CN2345678Y7", "CN2345678Y7", "Y7", "utility_model"),
    ("CN306123456S", "CN306123456S", "S", "design"),
    ("CN306123456S1", "CN306123456S1", "S1", "design"),
    ("CN306123456S9", "CN306123456S9", "S9", "design"),
    ("cn 112 345 678 a", "CN112345678A", "A", "application_publication"),
    ("ＣＮ１１２３４５６７８Ａ", "CN112345678A", "A", "application_publication"),
    ("112345678A", "CN112345678A", "A", "application_publication"),
])
def test_accepted_forms(text, canonical, kind_code, document_type):
    number = parse_publication_number(text)
    assert (number.canonical, number.kind_code, number.document_type) == (
        canonical, kind_code, document_type)
    assert number.number == canonical[2:-len(kind_code)]


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "Enter a publication number"),
    ("CN", "not a publication number"),
    ("CN112345678", "not a publication number"),
    ("US112345678A", "not a publication number"),
    ("CN11234567-8A", "not a publication number"),
    ("CN123456A", "7 to 9 digits, not 6"),
    ("CN1123456789A", "7 to 9 digits, not 10"),
    ("CN112345678X", "X is not a Chinese kind code"),
    ("CN112345678A1", "A1 is not a Chinese kind code"),
    ("CN112345678C", "C is not a Chinese kind code"),
    ("CN112345678C8", "C8 is not a Chinese kind code"),
    ("CN112345678Y8", "Y8 is not a Chinese kind code"),
    ("CN112345678U1", "U1 is not a Chinese kind code"),
    ("CN112345678B1", "B1 is not a Chinese kind code"),
    ("CN112345678S0", "S0 is not a Chinese kind code"),
])
def test_rejected(text, fragment):
    with pytest.raises(InvalidPatentNumber, match=fragment):
        parse_publication_number(text)
