"""Facet counts when documents carry no value, one value or several of a facet."""

from __future__ import annotations

import pytest
from search_testkit import index_with, make_doc

from search import SearchQuery


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0), (0, 2, 1)])
def test_counts_with_ragged_rows(tmp_path, order):
    """Two hits whose values add up to the number of hits (one with two, one with none) are still
    counted value by value — the one-value-each shortcut must not take them for single values."""
    docs = [make_doc("1", "导管", ipc=["A61B 5/00", "G06T 7/00"]), make_doc("2", "导管", ipc=["A61F 2/82"]),
            make_doc("3", "导管", ipc=[])]
    index = index_with(tmp_path / "ix", [docs[i] for i in order])
    facets = dict(index.search(SearchQuery()).facets["ipc_subclass"])
    assert facets == {"A61B": 1, "G06T": 1, "A61F": 1}
    without_third = dict(index.search(SearchQuery(text="导管")).facets["ipc_subclass"])
    assert without_third == facets
