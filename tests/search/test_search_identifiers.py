"""Application numbers and IPC symbols as index terms and as typed queries."""

from __future__ import annotations

import pytest

from search.identifiers import (
    application_number_terms,
    find_application_numbers,
    find_ipc_symbols,
    ipc_query_term,
    ipc_subclass,
    ipc_terms,
)
from search.normalise import normalise


def test_application_number_index_terms():
    # One term, the body: the check character is derived from it and tells nothing apart.
    assert application_number_terms("201811564288.X") == ["201811564288"]
    assert application_number_terms("94102612.4") == ["94102612"]
    assert application_number_terms("ZL 2015 1 0958772.0") == ["201510958772"]


def test_malformed_application_number_is_rejected():
    with pytest.raises(ValueError):
        application_number_terms("not a number")


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("CN201811564288.X", "201811564288"),
        ("ZL 2018 1 1564288.X", "201811564288"),
        ("201811564288x", "201811564288"),
        ("201811564288．X", "201811564288"),
        ("２０１８１１５６４２８８.X", "201811564288"),
        ("2015109587720", "201510958772"),
        ("201510958772", "201510958772"),
        ("专利 94102612.4 的许可", "94102612"),
    ],
)
def test_typed_application_numbers_are_found(typed, term):
    assert [found.term for found in find_application_numbers(normalise(typed))] == [term]


@pytest.mark.parametrize("text", ["2018", "价格 12345678 元", "a201811564288x", "20181156428"])
def test_other_numbers_are_not_application_numbers(text):
    assert find_application_numbers(normalise(text)) == []


def test_ipc_index_terms_form_a_hierarchy():
    assert ipc_terms("A61B 17/00") == ["a61b", "a61b17", "a61b17/00"]
    assert ipc_terms("A61B17/00(2006.01)") == ["a61b", "a61b17", "a61b17/00"]
    assert ipc_terms("C07K") == ["c07k"]
    assert ipc_subclass("a61f 2/82") == "A61F"
    with pytest.raises(ValueError):
        ipc_terms("X99Z")


def test_typed_ipc_symbols():
    found = find_ipc_symbols(normalise("A61B 以及 a61f2 和 Ａ６１Ｂ １７/３４"))
    assert [(f.term, f.prefix) for f in found] == [("a61b", False), ("a61f2", False), ("a61b17/34", True)]
    assert ipc_query_term("G16H").term == "g16h"
    assert ipc_query_term("nonsense") is None
