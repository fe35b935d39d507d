"""A small, safe evaluator for indicator formulas such as ``100 * children_enrolled / population_age_3_5``.

The plan file is data that officers edit, so its formulas are never handed to ``eval``: the text is
parsed by Python's own parser and then only numbers, measure names, ``+ - * /``, unary minus,
parentheses and one comparison (``>= > <= < == !=``, giving 1 or 0) are accepted. Anything else is
refused with a message that names the file, the indicator and the offending part.

A formula keeps its numerator and denominator apart (:meth:`Formula.split`) so that every value
can be explained and drilled into, as DHIS2 indicators do (ANCHORS.md): ``100 * a / b`` has factor
100, numerator ``a`` and denominator ``b``; a formula with no top-level division (a count) has no
denominator.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

Number = float | int

_BINARY: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARE: dict[type, str] = {
    ast.GtE: ">=",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.Lt: "<",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_COMPARE_FN: dict[str, Callable[[Any, Any], Any]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class FormulaError(ValueError):
    """A formula that cannot be parsed or refers to something unknown; the message says where."""


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: ``num``, ``name``, ``neg`` or a binary/comparison operator."""

    op: str
    value: float = 0.0
    name: str = ""
    left: Node | None = None
    right: Node | None = None

    def names(self) -> set[str]:
        if self.op == "name":
            return {self.name}
        found: set[str] = set()
        for child in (self.left, self.right):
            if child is not None:
                found |= child.names()
        return found

    def evaluate(self, values: Mapping[str, Number | None]) -> float | None:
        """The node's value; ``None`` when a measure is missing or a division is by zero."""
        if self.op == "num":
            return self.value
        if self.op == "name":
            v = values.get(self.name)
            return None if v is None else float(v)
        assert self.left is not None
        a = self.left.evaluate(values)
        if self.op == "neg":
            return None if a is None else -a
        assert self.right is not None
        b = self.right.evaluate(values)
        if a is None or b is None:
            return None
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        if self.op == "/":
            return None if b == 0 else a / b
        return 1.0 if _COMPARE_FN[self.op](a, b) else 0.0

    def evaluate_array(self, values: Mapping[str, np.ndarray]) -> np.ndarray:
        """The node over arrays of measures (one element per division × year); NaN where a value
        is missing or a division is by zero — the array form of :meth:`evaluate`."""
        if self.op == "num":
            return np.asarray(self.value, dtype=float)
        if self.op == "name":
            return np.asarray(values[self.name], dtype=float)
        assert self.left is not None
        a = self.left.evaluate_array(values)
        if self.op == "neg":
            return -a
        assert self.right is not None
        b = self.right.evaluate_array(values)
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        if self.op == "/":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(b == 0, np.nan, a / np.where(b == 0, 1.0, b))
        result = _COMPARE_FN[self.op](a, b)
        return np.where(np.isnan(a) | np.isnan(b), np.nan, np.asarray(result, dtype=float))

    def text(self) -> str:
        if self.op == "num":
            return f"{self.value:g}"
        if self.op == "name":
            return self.name
        assert self.left is not None
        if self.op == "neg":
            return f"-{self.left.text()}"
        assert self.right is not None
        return f"({self.left.text()} {self.op} {self.right.text()})"


@dataclass(frozen=True)
class Formula:
    text: str
    root: Node

    @property
    def names(self) -> set[str]:
        return self.root.names()

    def evaluate(self, values: Mapping[str, Number | None]) -> float | None:
        return self.root.evaluate(values)

    def evaluate_array(self, values: Mapping[str, np.ndarray]) -> np.ndarray:
        return self.root.evaluate_array(values)

    def split(self) -> tuple[float, Node, Node | None]:
        """``(factor, numerator, denominator)`` with ``value = factor * numerator / denominator``.

        Constant factors around the top-level division are pulled out (``100 * a / b``,
        ``a / b * 100``, ``100 * (a + b) / c``); without a top-level division the denominator is
        ``None`` and the whole formula (less its constant factor) is the numerator.
        """
        factor, node = _strip_factor(self.root)
        if node.op == "/":
            assert node.left is not None and node.right is not None
            f_num, num = _strip_factor(node.left)
            f_den, den = _strip_factor(node.right)
            return factor * f_num / f_den, num, den
        return factor, node, None


def _strip_factor(node: Node) -> tuple[float, Node]:
    """Pull constant multipliers off ``node``: ``100 * x`` → ``(100, x)``."""
    if node.op == "*":
        assert node.left is not None and node.right is not None
        if node.left.op == "num":
            f, inner = _strip_factor(node.right)
            return node.left.value * f, inner
        if node.right.op == "num":
            f, inner = _strip_factor(node.left)
            return node.right.value * f, inner
    return 1.0, node


def parse(text: str, *, where: str = "") -> Formula:
    """Parse ``text``; ``where`` (e.g. "plan.toml 指标 preschool_ger") prefixes every error."""
    prefix = f"{where}: " if where else ""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(
            f"{prefix}公式无法解析 / the formula {text!r} cannot be parsed: {exc.msg}"
        ) from exc
    return Formula(text=text, root=_convert(tree.body, text, prefix))


def _convert(node: ast.AST, text: str, prefix: str) -> Node:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return Node("num", value=float(node.value))
    if isinstance(node, ast.Name):
        return Node("name", name=node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _convert(node.operand, text, prefix)
        return Node("neg", left=inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return Node(
            _BINARY[type(node.op)],
            left=_convert(node.left, text, prefix),
            right=_convert(node.right, text, prefix),
        )
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return Node(
            _COMPARE[type(node.ops[0])],
            left=_convert(node.left, text, prefix),
            right=_convert(node.comparators[0], text, prefix),
        )
    part = ast.get_source_segment(text.strip(), node) or type(node).__name__
    raise FormulaError(
        f"{prefix}公式中不允许 {part!r} / {part!r} is not allowed in a formula: use numbers, measure "
        "names, + - * /, parentheses and one comparison"
    )


def check_names(formula: Formula, known: set[str], *, where: str) -> None:
    """Refuse a formula that uses a name that is not a known measure, naming the first one."""
    unknown = sorted(formula.names - known)
    if unknown:
        raise FormulaError(
            f"{where}: 未知的量 {', '.join(unknown)} / unknown measure {unknown[0]!r} in formula "
            f"{formula.text!r} (see docs/metrics.md for the measures)"
        )
