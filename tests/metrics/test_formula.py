"""The formula evaluator: arithmetic over measures, numerator and denominator kept, and nothing but
arithmetic accepted from a plan file."""

from __future__ import annotations

import numpy as np
import pytest

from eduplan.metrics.formula import FormulaError, check_names, parse


def test_value_and_split():
    f = parse("100 * children_enrolled / population_age_3_5")
    assert f.evaluate({"children_enrolled": 192, "population_age_3_5": 200}) == 96.0
    factor, num, den = f.split()
    assert (factor, num.text(), den.text()) == (100.0, "children_enrolled", "population_age_3_5")


@pytest.mark.parametrize(
    ("text", "factor", "numerator", "denominator"),
    [
        ("a / b * 100", 100.0, "a", "b"),
        ("100 * (a + b) / c", 100.0, "(a + b)", "c"),
        ("(a + b) / (c + d)", 1.0, "(a + b)", "(c + d)"),
        ("a", 1.0, "a", None),
        ("1000 * a / b", 1000.0, "a", "b"),
    ],
)
def test_split_shapes(text, factor, numerator, denominator):
    f, num, den = parse(text).split()
    assert (f, num.text(), den.text() if den else None) == (factor, numerator, denominator)


def test_division_by_zero_and_missing_values_give_no_value():
    f = parse("100 * a / b")
    assert f.evaluate({"a": 5, "b": 0}) is None
    assert f.evaluate({"a": None, "b": 3}) is None
    assert f.evaluate({"b": 3}) is None


def test_comparison_gives_one_or_zero():
    f = parse("first_level_high_schools >= 1")
    assert f.evaluate({"first_level_high_schools": 2}) == 1.0
    assert f.evaluate({"first_level_high_schools": 0}) == 0.0


def test_array_form_matches_scalar_form():
    f = parse("100 * (a - b) / c")
    a, b, c = np.array([5.0, 1.0, 3.0]), np.array([1.0, 1.0, np.nan]), np.array([2.0, 0.0, 1.0])
    got = f.evaluate_array({"a": a, "b": b, "c": c})
    assert got[0] == 200.0 and np.isnan(got[1]) and np.isnan(got[2])
    cmp = parse("a >= 2").evaluate_array({"a": np.array([1.0, 2.0, np.nan])})
    assert cmp[0] == 0.0 and cmp[1] == 1.0 and np.isnan(cmp[2])


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "a.b",
        "max(a, b)",
        "a ** 2",
        "[a]",
        "a if b else c",
        "'text'",
        "a < b < c",
        "True",
    ],
)
def test_anything_but_arithmetic_is_refused(text):
    with pytest.raises(FormulaError) as err:
        parse(text, where="plan.toml 指标 indicator x")
    assert "plan.toml 指标 indicator x" in str(err.value)


def test_syntax_errors_name_the_place():
    with pytest.raises(FormulaError) as err:
        parse("100 * / a", where="yuxi.toml 指标 indicator preschool_ger")
    assert "preschool_ger" in str(err.value) and "cannot be parsed" in str(err.value)


def test_unknown_measure_is_named():
    f = parse("100 * children_enroled / population_age_3_5")
    with pytest.raises(FormulaError) as err:
        check_names(
            f, {"children_enrolled", "population_age_3_5"}, where="yuxi.toml 指标 indicator preschool_ger"
        )
    message = str(err.value)
    assert "children_enroled" in message and "preschool_ger" in message and "yuxi.toml" in message
