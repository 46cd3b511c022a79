"""PCT international application numbers: PCT/CCYYYY/NNNNNN, normalised from what people type."""

from datetime import date

import pytest

from portal.rules import InvalidPctNumber, PctNumber, RuleError, check_pct_filing_date, parse_pct_number

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("typed", [
    "PCT/CN2023/123456",
    "pct/cn2023/123456",
    " PCT / CN 2023 / 123456 ",
    "PCTCN2023123456",
    "ＰＣＴ／ＣＮ２０２３／１２３４５６",
    "PCT\\CN2023\\123456",
    "PCT/CN2023/123456\u3000",
])
def test_typed_forms_normalise(typed):
    number = parse_pct_number(typed, today=TODAY)
    assert number == PctNumber(office="CN", year=2023, serial="123456")
    assert number.canonical == str(number) == "PCT/CN2023/123456"


def test_other_receiving_offices():
    assert parse_pct_number("PCT/IB2024/050001", today=TODAY).canonical == "PCT/IB2024/050001"
    assert parse_pct_number("pct/us2021/000123", today=TODAY).office == "US"


@pytest.mark.parametrize(("typed", "fragment"), [
    ("", "Enter a PCT application number"),
    ("   ", "Enter a PCT application number"),
    ("CN2023/123456", "starts with PCT"),
    ("WO2023/123456", "starts with PCT"),
    ("PCT/CN03/00123", "before 2004"),
    ("PCT/CN2023/12345", "not a PCT application number"),
    ("PCT/CN2023/1234567", "not a PCT application number"),
    ("PCT/C12023/123456", "not a PCT application number"),
    ("PCT/CN23/123456", "not a PCT application number"),
    ("PCT/CN2023-123456", "not a PCT application number"),
    ("PCT/CN1999/123456", "cannot be before 2004"),
    ("PCT/CN2026/123456", "in the future"),
    ("PCT/CN2023/000000", "cannot be 000000"),
])
def test_invalid_numbers_say_why(typed, fragment):
    with pytest.raises(InvalidPctNumber) as info:
        parse_pct_number(typed, today=TODAY)
    assert fragment in str(info.value)
    assert isinstance(info.value, RuleError) and info.value.template


def test_year_bound_defaults_to_today():
    this_year = date.today().year
    assert parse_pct_number(f"PCT/CN{this_year}/000001").year == this_year
    with pytest.raises(InvalidPctNumber):
        parse_pct_number(f"PCT/CN{this_year + 1}/000001")


def test_filing_date_must_be_in_the_numbers_year():
    number = parse_pct_number("PCT/CN2023/123456", today=TODAY)
    check_pct_filing_date(number, date(2023, 1, 1))
    check_pct_filing_date(number, date(2023, 12, 31))
    with pytest.raises(InvalidPctNumber) as info:
        check_pct_filing_date(number, date(2024, 1, 2))
    assert info.value.params == {"day": "2024-01-02", "year": 2023, "number": "PCT/CN2023/123456"}


def test_not_a_string_is_a_type_error():
    with pytest.raises(TypeError):
        parse_pct_number(2023)  # type: ignore[arg-type]
