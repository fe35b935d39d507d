"""How the notice prints things: Chinese punctuation, numbers, targets, dates and the indicator
engine's statuses in the notice's words. One formatting for the Word document, the web and the
tests, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from eduplan.metrics.figures import target_with_unit

#: The indicator engine's statuses (``eduplan.metrics.progress``) in the notice's words.
STATUS_LABELS = {
    "on_track": "正常推进",
    "at_risk": "存在风险",
    "off_track": "明显滞后",
    "no_data": "无数据",
}
HIGHER_IS_BETTER = (">=", ">")
LOWER_IS_BETTER = ("<=", "<")
NUMERALS = "一二三四五六七八九十"


_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_PAREN = re.compile(rf"\(([^()]*[{_CJK}][^()]*)\)|(?<=[{_CJK}])\(([^()]*)\)")
_PUNCT = re.compile(rf"(?<=[{_CJK}\d%）])([,:;])(?! )")


def zh_punct(text: str) -> str:
    """Full-width punctuation in Chinese text (，：；（）), as official documents use; English
    fragments ("draft, not issued") keep theirs."""
    while True:  # innermost first: 一级高(完)中 inside a parenthesis
        changed = _PAREN.sub(lambda m: f"（{m.group(1) if m.group(1) is not None else m.group(2)}）", text)
        if changed == text:
            break
        text = changed
    return _PUNCT.sub(lambda m: {",": "，", ":": "：", ";": "；"}[m.group(1)], text)


def format_value(value: Any, unit: str = "") -> str:
    """How every number of the notice is printed: rates with two decimals and their unit, counts
    as whole numbers; a missing value as "—"."""
    if value is None:
        return "—"
    v = float(value)
    if unit == "%":
        return f"{v:.2f}%"
    text = f"{v:.0f}" if v == int(v) else f"{v:.2f}"
    return f"{text}{unit}" if unit and unit not in ("人", "个", "所") else text


def format_target(comparison: str, target: Any, unit: str = "") -> str:
    """A target as the plan states it: ``≥96%``, ``≥90.5%``, ``≤0``."""
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}.get(comparison, comparison)
    if target is None:
        return "—"
    return f"{symbol}{target_with_unit(target, unit)}"


def date_zh(day: dt.date) -> str:
    """``2025年4月8日`` (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"
