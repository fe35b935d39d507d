"""Template helpers for Chinese-first pages with an English switch (``{% load bilingual %}``).

- ``{{ obj|local:"title" }}``: data kept in two fields (``title_zh``/``title_en``, ``name_zh``/
  ``name_en``): the English field when the page is English and the object has it, else the Chinese.
- ``{{ label|bilabel }}``: a label written in Python as ``"中文 English"`` or ``"中文 / English"`` (choice labels, form
  labels): unchanged on Chinese pages; on English pages its catalogue translation if there is one,
  else the English half.
- ``{% gloss " passed" %}``: an English gloss shown next to Chinese text on Chinese pages only (the
  Chinese itself is translated on English pages, so the gloss would repeat it).
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SLASH = re.compile(r"\s*/\s+")
_ZH_THEN_EN = re.compile(rf"^[{_CJK}\w()()、·/%\-]*[{_CJK}][{_CJK}\w()()、·/%\-]*\s+([^{_CJK}]+)$")


def english() -> bool:
    return (get_language() or "").startswith("en")


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


_CJK_RUN = re.compile(rf"[{_CJK}][{_CJK}\d()()、·/\-]*")


@register.filter
def zh_terms(text: Any) -> SafeString:
    """English text that cites Chinese terms of art ("Kindergartens rated 一级一等", "classes of
    56–65 (大班额)"): each Chinese run marked ``lang="zh"``, so a screen reader reads it as Chinese
    and the English-mode check knows it is meant to stay Chinese."""
    escaped = str(conditional_escape(text))
    return mark_safe(_CJK_RUN.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', escaped))


@register.filter
def local(obj: Any, base: str) -> Any:
    """``obj.<base>_en`` on English pages when it is not empty (its Chinese terms of art marked,
    ``zh_terms``), else ``obj.<base>_zh``."""
    if english():
        value = _field(obj, f"{base}_en")
        if value:
            return zh_terms(value)
    return _field(obj, f"{base}_zh") or ""


@register.filter
def bilabel(label: Any) -> Any:
    """A ``"中文 English"`` label: as is in Chinese, its English on English pages."""
    if label is None or not english():
        return label
    text = str(label)
    translated = gettext(text)
    if translated != text:
        return translated
    if text.endswith((":", "：")) and gettext(text[:-1]) != text[:-1]:
        return gettext(text[:-1]) + ":"  # a form's label_tag adds the suffix
    for separator in _SLASH.finditer(text):
        # "中文 / English" (or "中文)/ English"): the English after the first slash that ends the Chinese
        english_half = text[separator.end() :].strip()
        if not re.search(f"[{_CJK}]", english_half) and re.search(f"[{_CJK}]", text[: separator.start()]):
            return english_half
    match = _ZH_THEN_EN.match(text.strip())
    return match.group(1).strip() if match else text


@register.filter(is_safe=True)
def bilabel_html(label: Any) -> Any:
    """``bilabel`` for a label already escaped (a form's ``label_tag`` contents): stays safe."""
    result = bilabel(label)
    return mark_safe(result) if isinstance(label, SafeData) else result


@register.filter
def zh_gloss(value: Any) -> Any:
    """A value shown beside Chinese as its English gloss (an indicator's English name): on Chinese
    pages only; English pages already show it in place of the Chinese (``local``)."""
    return "" if english() else value


@register.simple_tag
def gloss(text: str) -> str:
    """``text`` on Chinese pages, nothing on English pages."""
    return "" if english() else text


@register.filter
def free_text(value: Any) -> Any:
    """Text typed by a user or kept as written (a note, a stage, a department's or a school's own
    name): on English pages the English half of a ``"中文 English"`` text, else the text itself
    marked ``lang="zh"`` (a screen reader reads it as Chinese; nothing is machine-translated)."""
    if value is None or not english():
        return value
    text = str(value)
    if not re.search(f"[{_CJK}]", text):
        return value
    half = str(bilabel(text))
    if not re.search(f"[{_CJK}]", half):
        return half
    if re.match(r"[^A-Za-z\u3400-\u9fff]*[A-Za-z]", text):
        return zh_terms(text)  # English that quotes Chinese ("…: not met (现场检查发现)")
    return format_html('<span lang="zh">{}</span>', text)
