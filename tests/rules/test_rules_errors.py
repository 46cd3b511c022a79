"""RuleError carries a translatable template and its parameters."""

import pickle

import pytest

from portal.rules import N_, InvalidPatentNumber, RuleError


def test_template_params_and_message():
    exc = RuleError(N_("The check character should be %(expected)s, not %(given)s."),
                    expected="6", given="7")
    assert exc.template == "The check character should be %(expected)s, not %(given)s."
    assert exc.params == {"expected": "6", "given": "7"}
    assert str(exc) == "The check character should be 6, not 7."


def test_is_a_value_error():
    with pytest.raises(ValueError):
        raise RuleError(N_("Anything."))


def test_template_without_params_keeps_percent_semantics_of_gettext():
    # gettext(template, **{}) also applies "%" formatting, so "%%" is "%".
    assert str(RuleError(N_("At least 50%% of net income."))) == "At least 50% of net income."


def test_marker_returns_its_argument():
    assert N_("text") == "text"


def test_subclass_survives_pickling_with_params():
    exc = InvalidPatentNumber(N_("Bad %(x)s."), x="1")
    copy = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own object
    assert type(copy) is InvalidPatentNumber
    assert (copy.template, copy.params, str(copy)) == (exc.template, exc.params, "Bad 1.")
