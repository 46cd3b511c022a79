"""Patent term, periods in months and the recordal deadline (DOMAIN.md §2-3)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import (
    DESIGN_15_YEAR_TERM_FROM,
    RuleError,
    add_months,
    application_check_character,
    last_day_of_protection,
    parse_application_number,
    patent_expiry,
    recordal_due_date,
    term_years,
)

DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)


def number(year, digit):
    """A valid application number of ``year`` with type digit ``digit``."""
    body = f"{year % 100:02d}{digit}01234" if year < 2003 else f"{year}{digit}0123456"
    return f"{body}.{application_check_character(body)}"


def test_examination_guidelines_example():
    um = number(1999, 2)
    assert patent_expiry(um, date(1999, 9, 6)) == date(2009, 9, 6)
    assert last_day_of_protection(um, date(1999, 9, 6)) == date(2009, 9, 5)


@pytest.mark.parametrize(("digit", "years"), [(1, 20), (2, 10), (8, 20), (9, 10)])
def test_terms_by_kind(digit, years):
    assert patent_expiry(number(2015, digit), date(2015, 3, 17)) == date(2015 + years, 3, 17)


def test_pct_term_counts_from_the_international_filing_date():
    # National-phase number of 2018, international filing in 2016.
    assert patent_expiry(number(2018, 8), date(2016, 11, 2)) == date(2036, 11, 2)


def test_design_term_depends_on_filing_date():
    design = number(2021, 3)
    assert patent_expiry(design, date(2021, 5, 31)) == date(2031, 5, 31)
    assert patent_expiry(design, date(2021, 6, 1)) == date(2036, 6, 1)
    assert date(2021, 6, 1) == DESIGN_15_YEAR_TERM_FROM
    assert term_years("design", date(2021, 5, 31)) == 10
    assert term_years("design", date(2021, 6, 1)) == 15
    assert patent_expiry(number(1999, 3), date(1999, 1, 4)) == date(2009, 1, 4)


def test_accepts_a_parsed_number_and_old_numbers_without_check():
    parsed = parse_application_number(number(2010, 1))
    assert patent_expiry(parsed, date(2010, 1, 5)) == date(2030, 1, 5)
    assert patent_expiry("87100001", date(1987, 4, 1)) == date(2007, 4, 1)


def test_february_29_filing_ends_on_february_28_in_a_common_year():
    assert patent_expiry(number(2008, 2), date(2008, 2, 29)) == date(2018, 2, 28)
    assert last_day_of_protection(number(2008, 2), date(2008, 2, 29)) == date(2018, 2, 27)
    # ... and on 29 February when the anniversary year is leap.
    assert patent_expiry(number(2004, 1), date(2004, 2, 29)) == date(2024, 2, 29)


def test_extension_days_for_inventions():
    base = patent_expiry(number(2015, 1), date(2015, 3, 17))
    assert patent_expiry(number(2015, 1), date(2015, 3, 17), 100) == base + timedelta(days=100)
    assert patent_expiry(number(2015, 8), date(2015, 3, 17), 1) == date(2035, 3, 18)
    assert last_day_of_protection(number(2015, 1), date(2015, 3, 17), 100) == (
        base + timedelta(days=99))


@pytest.mark.parametrize("digit", [2, 3, 9])
def test_extension_refused_for_other_kinds(digit):
    with pytest.raises(RuleError, match="Only invention patents"):
        patent_expiry(number(2022, digit), date(2022, 1, 3), 10)
    assert patent_expiry(number(2022, digit), date(2022, 1, 3), 0) > date(2022, 1, 3)


def test_negative_or_non_integer_extension():
    with pytest.raises(RuleError, match="cannot be negative"):
        patent_expiry(number(2015, 1), date(2015, 3, 17), -1)
    with pytest.raises(TypeError):
        patent_expiry(number(2015, 1), date(2015, 3, 17), 1.5)
    with pytest.raises(TypeError):
        patent_expiry(number(2015, 1), date(2015, 3, 17), True)


def test_filing_date_after_the_numbers_year_is_refused():
    with pytest.raises(RuleError, match="later than the year 2015"):
        patent_expiry(number(2015, 1), date(2016, 1, 1))


def test_invalid_number_raises_rule_error():
    with pytest.raises(RuleError, match="should be 6"):
        patent_expiry("202310123456.7", date(2023, 1, 1))


def test_datetime_is_taken_as_its_date_and_other_types_refused():
    assert patent_expiry(number(1999, 2), datetime(1999, 9, 6, 23, 59)) == date(2009, 9, 6)
    with pytest.raises(TypeError):
        patent_expiry(number(1999, 2), "1999-09-06")


def test_term_years_unknown_kind():
    with pytest.raises(RuleError, match="Unknown patent kind"):
        term_years("plant_variety", date(2020, 1, 1))


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2024, 11, 15), 3, date(2025, 2, 15)),
    (date(2024, 1, 15), -13, date(2022, 12, 15)),
    (date(2024, 5, 31), 0, date(2024, 5, 31)),
    (date(2024, 8, 31), 1, date(2024, 9, 30)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(("effective", "due"), [
    (date(2024, 11, 30), date(2025, 2, 28)),
    (date(2023, 11, 30), date(2024, 2, 29)),
    (date(2024, 1, 31), date(2024, 4, 30)),
    (date(2024, 3, 15), date(2024, 6, 15)),
    (date(2024, 10, 31), date(2025, 1, 31)),
])
def test_recordal_due_date(effective, due):
    assert recordal_due_date(effective) == due


@DETERMINISTIC
@given(st.dates(date(1900, 1, 1), date(2400, 12, 31)), st.integers(-1200, 1200))
def test_add_months_properties(start, months):
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day <= start.day
    if moved.day < start.day:  # clamped: it is the month's last day
        assert (moved + timedelta(days=1)).day == 1


@DETERMINISTIC
@given(st.dates(date(2003, 10, 1), date(2025, 12, 31)), st.sampled_from([1, 2, 3, 8, 9]))
def test_protection_lasts_the_term_in_years(filed, digit):
    expiry = patent_expiry(number(filed.year, digit), filed)
    years = term_years(parse_application_number(number(filed.year, digit)).kind, filed)
    assert expiry.year == filed.year + years
    assert last_day_of_protection(number(filed.year, digit), filed) == expiry - timedelta(days=1)
    assert (expiry.month, expiry.day) == (filed.month, filed.day) or (filed.month, filed.day) == (2, 29)
