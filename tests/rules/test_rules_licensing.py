"""Licence vocabulary, income shares (DOMAIN.md §3) and open-licence checks (§4)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from portal.rules import (
    DEAL_KINDS,
    FEE_METHODS,
    LICENCE_TYPES,
    MIN_REWARD_SHARE,
    OPEN_LICENCE_TYPE,
    RECORDAL_STATUSES,
    OpenLicenceRefused,
    PatentStanding,
    RuleError,
    check_licence_allowed,
    check_open_licence_declaration,
    check_reward_share,
    licence_type_or_default,
    net_income,
    open_licence_problems,
)


def test_vocabularies():
    assert list(LICENCE_TYPES) == ["exclusive", "sole", "ordinary"]
    assert LICENCE_TYPES["exclusive"][0] == "独占"
    assert list(DEAL_KINDS) == ["licence", "assignment", "equity"]
    assert DEAL_KINDS["equity"][0] == "作价入股"
    assert list(RECORDAL_STATUSES) == ["not_filed", "filed", "recorded", "refused"]
    assert list(FEE_METHODS) == ["lump_sum", "royalty_sales", "royalty_profit", "entry_plus_royalty"]
    assert OPEN_LICENCE_TYPE == "ordinary"


def test_unstated_licence_type_is_ordinary():
    assert licence_type_or_default(None) == "ordinary"
    assert licence_type_or_default("") == "ordinary"
    assert licence_type_or_default("sole") == "sole"
    with pytest.raises(RuleError, match="Unknown licence type"):
        licence_type_or_default("semi-exclusive")


def test_net_income():
    assert net_income(Decimal("100000"), Decimal("6000"), 4000, Decimal("1500.50")) == Decimal(
        "88499.50")
    assert net_income(500) == 500
    with pytest.raises(RuleError, match="exceed the gross"):
        net_income(100, 60, 50)
    with pytest.raises(RuleError, match="cannot be negative"):
        net_income(100, -1)
    with pytest.raises(TypeError):
        net_income(100.0)


def test_reward_share_floor():
    assert Decimal("0.5") == MIN_REWARD_SHARE
    assert check_reward_share("0.5") == Decimal("0.5")
    assert check_reward_share(Decimal("0.7")) == Decimal("0.7")
    assert check_reward_share("1") == 1
    for bad in ["0.49", "1.01", "-0.5"]:
        with pytest.raises(RuleError, match="between 50% and 100%"):
            check_reward_share(bad)
    with pytest.raises(TypeError):
        check_reward_share(0.7)


GOOD_INVENTION = PatentStanding(kind="invention", granted=True, valid=True)


def test_granted_valid_invention_may_be_declared():
    assert open_licence_problems(GOOD_INVENTION) == []
    check_open_licence_declaration(GOOD_INVENTION)


@pytest.mark.parametrize("kind", ["utility_model", "pct_utility_model", "design"])
def test_utility_models_and_designs_need_an_evaluation_report(kind):
    standing = replace(GOOD_INVENTION, kind=kind)
    with pytest.raises(OpenLicenceRefused, match="evaluation report"):
        check_open_licence_declaration(standing)
    with pytest.raises(OpenLicenceRefused, match="evaluation report"):
        check_open_licence_declaration(replace(standing, evaluation_report_ref="  "))
    check_open_licence_declaration(replace(standing, evaluation_report_ref="PJ2024-0001"))


@pytest.mark.parametrize(("change", "fragment"), [
    ({"granted": False}, "Only a granted patent"),
    ({"valid": False}, "Only a granted patent"),
    ({"exclusive_or_sole_licence_in_force": True}, "exclusive or sole licence is in force"),
    ({"suspended": True}, "suspended"),
    ({"annual_fees_unpaid": True}, "Annual fees"),
    ({"pledged_without_consent": True}, "pledgee"),
    ({"all_co_owners_consent": False}, "co-owner"),
])
def test_each_blocker(change, fragment):
    standing = replace(GOOD_INVENTION, **change)
    problems = open_licence_problems(standing)
    assert len(problems) == 1
    with pytest.raises(OpenLicenceRefused, match=fragment):
        check_open_licence_declaration(standing)


def test_co_owners_without_consent_are_named():
    standing = replace(GOOD_INVENTION, co_owners_without_consent=("乙大学", "Acme Medical Ltd"))
    [problem] = open_licence_problems(standing)
    assert problem.params == {"names": "乙大学, Acme Medical Ltd"}
    assert "co-owner" in str(problem) and "乙大学" in str(problem) and "Acme Medical Ltd" in str(problem)
    # Named co-owners replace the anonymous yes/no refusal: one problem, not two.
    assert len(open_licence_problems(replace(standing, all_co_owners_consent=False))) == 1
    assert open_licence_problems(replace(GOOD_INVENTION, co_owners_without_consent=())) == []


def test_all_problems_are_listed_together():
    standing = PatentStanding(kind="design", granted=False, valid=False, suspended=True,
                              annual_fees_unpaid=True)
    assert len(open_licence_problems(standing)) == 4


def test_no_exclusive_or_sole_licence_during_an_open_licence():
    for licence_type in ("exclusive", "sole"):
        with pytest.raises(OpenLicenceRefused, match=f"no {licence_type} licence"):
            check_licence_allowed(licence_type, open_licence_in_force=True)
        check_licence_allowed(licence_type, open_licence_in_force=False)
    check_licence_allowed("ordinary", open_licence_in_force=True)
