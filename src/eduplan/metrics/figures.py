"""How a target is printed, once for every page, the notice and the exports (issue 23, "figures
agree"): the number the plan states (≥ 60, 90.5) or the city adopted (94.25), at most two
decimals and no trailing zeros — never "60.0" on a card and "60" in the notice. The API gives the
number itself. Values keep each page's own precision (one decimal on pages, two in the notice).
"""

from __future__ import annotations

from typing import Any

#: Decimals a target keeps: adopted county targets are allocated to the hundredth.
TARGET_DECIMALS = 2


def target_figure(value: Any) -> str:
    """``60`` for 60.0, ``90.5`` for 90.5, ``94.25`` for 94.2512; ``—`` for no target."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):.{TARGET_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def target_with_unit(value: Any, unit: str | None) -> str:
    """The target and its unit as a label prints it: ``60%``; other units are left to the page."""
    return f"{target_figure(value)}{'%' if unit == '%' else ''}"
