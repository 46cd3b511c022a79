"""The rules package: its public names, its dependencies and its translatable messages."""

import ast
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import portal.rules as rules

PACKAGE = Path(rules.__file__).parent
PUBLIC = {
    "RuleError", "N_",
    "InvalidPatentNumber", "ApplicationNumber", "parse_application_number",
    "application_check_character", "PublicationNumber", "parse_publication_number",
    "patent_expiry", "last_day_of_protection", "add_months", "recordal_due_date",
    "InvalidIPC", "normalise_ipc", "ipc_subclass", "split_ipc_list", "MEDICAL_SUBCLASSES",
    "INDUSTRIES", "classify_enterprise", "UnknownIndustry", "is_sme", "SIZE_CLASSES",
    "InvalidCreditCode", "validate_credit_code",
}


def test_contracted_names_are_exported():
    assert PUBLIC.issubset(rules.__all__)
    for name in rules.__all__:
        assert getattr(rules, name) is not None


def test_errors_are_rule_errors():
    for name in ("InvalidPatentNumber", "InvalidIPC", "UnknownIndustry", "InvalidCreditCode",
                 "OpenLicenceRefused"):
        assert issubclass(getattr(rules, name), rules.RuleError)
    assert issubclass(rules.RuleError, ValueError)


def test_public_functions_have_docstrings():
    for name in rules.__all__:
        value = getattr(rules, name)
        if callable(value):
            assert value.__doc__, name


def test_only_stdlib_and_stdnum_are_imported():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names or root in {"stdnum", "__future__"}, (
                    path.name, root)


def test_modules_stay_small():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def _raised_templates():
    """Templates of errors raised by a battery of bad inputs across every rule."""
    attempts = [
        lambda: rules.parse_application_number(""),
        lambda: rules.parse_application_number("ZL"),
        lambda: rules.parse_application_number("2018.1.1"),
        lambda: rules.parse_application_number("201811564288."),
        lambda: rules.parse_application_number("201811564288.A"),
        lambda: rules.parse_application_number("20181156428a.X"),
        lambda: rules.parse_application_number("12"),
        lambda: rules.parse_application_number("200210123456.1"),
        lambda: rules.parse_application_number("209910123456.1"),
        lambda: rules.parse_application_number("201841564288.1"),
        lambda: rules.parse_application_number("201811564288"),
        lambda: rules.parse_application_number("201811564288.1"),
        lambda: rules.parse_application_number("50101234.1"),
        lambda: rules.application_check_character("x"),
        lambda: rules.application_check_character("123"),
        lambda: rules.parse_publication_number(""),
        lambda: rules.parse_publication_number("CN"),
        lambda: rules.parse_publication_number("CN1A"),
        lambda: rules.parse_publication_number("CN1234567Q"),
        lambda: rules.patent_expiry("201811564288.X", date(2019, 1, 1)),
        lambda: rules.patent_expiry("201811564288.X", date(2018, 1, 1), -1),
        lambda: rules.patent_expiry("201821564288.6", date(2018, 1, 1), 1),
        lambda: rules.term_years("x", date(2018, 1, 1)),
        lambda: rules.normalise_ipc(""),
        lambda: rules.normalise_ipc("1"),
        lambda: rules.normalise_ipc("A1"),
        lambda: rules.normalise_ipc("A11"),
        lambda: rules.normalise_ipc("A11A/"),
        lambda: rules.normalise_ipc("J11A"),
        lambda: rules.normalise_ipc("A11A 0"),
        lambda: rules.normalise_ipc("A11A 1/1"),
        lambda: rules.classify_enterprise("x", 1, 1),
        lambda: rules.classify_enterprise("industry", None, 1),
        lambda: rules.classify_enterprise("industry", 1, None),
        lambda: rules.classify_enterprise("construction", 1, 1),
        lambda: rules.classify_enterprise("industry", -1, 1),
        lambda: rules.classify_enterprise("industry", 1, -1),
        lambda: rules.classify_enterprise("construction", 1, 1, -1),
        lambda: rules.classify_enterprise("industry", 1, Decimal("NaN")),
        lambda: rules.validate_credit_code(""),
        lambda: rules.validate_credit_code("I"),
        lambda: rules.validate_credit_code("1"),
        lambda: rules.validate_credit_code("B11100008021004330"),
        lambda: rules.validate_credit_code("9A1100008021004330"),
        lambda: rules.validate_credit_code("911100008021004330"),
        lambda: rules.credit_code_check_character("1"),
        lambda: rules.licence_type_or_default("x"),
        lambda: rules.net_income(1, 2),
        lambda: rules.net_income(1, -2),
        lambda: rules.check_reward_share("0.1"),
        lambda: rules.check_licence_allowed("exclusive", True),
        lambda: rules.check_licence_allowed("sole", True),
    ]
    templates = set()
    for attempt in attempts:
        with pytest.raises(rules.RuleError) as info:
            attempt()
        templates.add(info.value.template)
    for problem in rules.open_licence_problems(rules.PatentStanding(
            kind="design", granted=False, valid=True, exclusive_or_sole_licence_in_force=True,
            suspended=True, annual_fees_unpaid=True, pledged_without_consent=True,
            all_co_owners_consent=False)):
        templates.add(problem.template)
    for problem in rules.open_licence_problems(rules.PatentStanding(
            kind="invention", granted=True, valid=True, co_owners_without_consent=("乙大学",))):
        templates.add(problem.template)
    return templates


def test_every_message_is_extractable_by_pybabel():
    extract = pytest.importorskip("babel.messages.extract")
    extracted = set()
    for path in PACKAGE.glob("*.py"):
        with path.open("rb") as handle:
            for _line, message, _comments, _context in extract.extract(
                    "python", handle, keywords={"N_": None}):
                extracted.add(message)
    raised = _raised_templates()
    assert raised <= extracted, raised - extracted
    assert len(raised) >= 50
