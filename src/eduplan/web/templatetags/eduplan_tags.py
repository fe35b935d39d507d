from typing import Any

from django import template

from eduplan.metrics.figures import target_figure

from .bilingual import english

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ params|get_item:key }}``: a dict value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


#: Units of the plan's indicators that count things (schools, classes, people): shown as integers.
COUNT_UNITS = frozenset({"所", "个", "人", "count"})


@register.filter
def fig(value: Any, unit: str = "%") -> str:
    """A figure as a reader wants it: counts (``unit`` ``"count"`` or a counting unit such as 所)
    as integers, rates and ratios with one decimal — never 96.9231 or 13950.9863 (the records keep
    four decimals so that engines agree; pages need not show them). ``—`` for no value."""
    if value is None or value == "":
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if unit in COUNT_UNITS:
        return str(round(x))
    return f"{x:.1f}"


@register.filter
def target_fig(value: Any) -> str:
    """A target as every page, the notice and the exports print it (``metrics.figures``): ``60``,
    ``90.5``, ``94.25`` — not the one decimal of a value."""
    return target_figure(value)


@register.filter
def unit_suffix(unit: str | None) -> str:
    """The unit as printed after a figure: ``%`` directly, other units after a thin space. English
    pages print no counting word (所, 个, 人 are measure words: "2 kindergartens" is already in the
    indicator's name)."""
    if not unit:
        return ""
    if unit in ("%", "percent"):
        return "%"
    if unit in COUNT_UNITS and english():
        return ""
    return f" {unit}"
