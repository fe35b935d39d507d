"""Chinese labels for the codes the system keeps (``{% load labels %}``; the words are in
``eduplan.web.labels``): ``{{ r.status|status_label }}``, ``{{ f.severity|severity_label }}``,
``{{ f.rule|rule_title }}``, ``{{ r.forecast_method|method_label }}``, and ``{{ f.rule|with_code }}``
for a rule's name followed by its code as a secondary ``<span class="code">``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from eduplan.metrics import progress
from eduplan.web import labels

from .bilingual import bilabel, english, zh_terms

register = template.Library()

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@register.filter
def status_label(code: str | None) -> str:
    return str(bilabel(labels.status_label(code)))


@register.filter
def method_label(code: str | None) -> str:
    return str(bilabel(labels.forecast_method_label(code)))


@register.filter
def severity_label(code: str | None) -> str:
    return str(bilabel(labels.severity_label(code)))


@register.filter
def finding_kind_label(code: str | None) -> str:
    return str(bilabel(labels.finding_kind_label(code)))


@register.filter
def rule_title(rule_id: str | None) -> str:
    """The rule's name in the page's language (Chinese terms inside an English name marked)."""
    if english():
        return zh_terms(labels.rule_title(rule_id, english=True))
    return labels.rule_title(rule_id)


@register.filter
def target_label(record: Mapping[str, object]) -> str:
    """The target a row is judged against (``县目标 94.2%（市分解）``) in the page's language."""
    return progress.target_label(record, labels.target_words())


@register.filter
def target_origin_label(code: str | None) -> str:
    """Where a target comes from, in words (``labels.TARGET_ORIGINS``)."""
    return str(bilabel(labels.TARGET_ORIGINS.get(code or "", code or "")))


@register.filter
def column_label(column: object, kind: object) -> str:
    """A register column's header in the page's language: the catalogue's translation, else on
    English pages the English half of its model field's bilingual verbose name."""
    label = str(getattr(column, "label", column))
    translated = gettext(label)
    if not english() or translated != label:
        return translated
    model, field = getattr(kind, "model", None), getattr(column, "field", None)
    if model is not None and field:
        try:
            verbose = str(model._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            return label
        english_half = str(bilabel(verbose))
        if not _CJK.search(english_half):
            return english_half[:1].upper() + english_half[1:]
    return label


@register.filter
def register_cells(row: Sequence[object], columns: Sequence[object]) -> list[tuple[object, str]]:
    """A register row's cells as ``(value, lang)`` for a page in its language: on English pages a
    choice (``"县级"``) or yes/no in English through its bilingual label or the catalogue, and data
    typed in Chinese (a name, a title, a note) marked ``lang="zh"``. ``columns`` are the register's
    columns (``intake.kinds.Column``), in the row's order; cells beyond them are shown as they are."""
    if not english():
        return [(v, "") for v in row]
    cells = []
    for i, value in enumerate(row):
        column = columns[i] if i < len(columns) else None
        if not isinstance(value, str) or not _CJK.search(value):
            cells.append((value, ""))
            continue
        kind = getattr(column, "type", "")
        if kind == "choice":
            choices = getattr(column, "choices", ())
            label = next((c.label for c in choices if value in (c.zh, c.code)), value)
            cells.append((bilabel(label), ""))
        elif kind == "bool":
            cells.append((gettext(value), ""))
        else:
            cells.append((value, "zh"))
    return cells


@register.filter
def finding_value(value: object) -> object:
    """A finding's measured or required value in the page's language (``labels.english_value``)."""
    return labels.english_value(value) if english() else value


_BILINGUAL_NOTE = re.compile(
    r"[(（][^()（）a-zA-Z]*[\u4e00-\u9fff][^()（）a-zA-Z]*\s+([A-Za-z][^()（）]*)[)）]"
)


@register.filter
def source_cite(text: object) -> object:
    """A standard's source (a Chinese document's title and number, "(未核实 unverified)"): on English
    pages the note in English and the document's title and number marked ``lang="zh"``."""
    if not english() or not isinstance(text, str):
        return text
    return zh_terms(_BILINGUAL_NOTE.sub(r"(\1)", text))


@register.filter
def option_label(label: object) -> object:
    """A ``"中文 English"`` label for a select's option: its English without Chinese glosses in
    brackets on English pages (an option cannot mark them ``lang="zh"``)."""
    return labels.without_glosses(str(bilabel(label))) if english() else label


@register.filter
def comparison(symbol: str | None) -> str:
    return labels.COMPARISONS.get(symbol or "", symbol or "")


@register.filter
def with_code(rule_id: str | None) -> SafeString:
    """A rule's name with its id beside it as a secondary code."""
    return format_html('{} <span class="code">{}</span>', rule_title(rule_id), rule_id or "")


@register.filter
def event_action(event: object) -> str:
    return str(bilabel(labels.event_action_label(event)))


@register.filter
def event_from(event: object) -> str:
    return str(bilabel(labels.event_state_label(event, "from")))


@register.filter
def event_to(event: object) -> str:
    return str(bilabel(labels.event_state_label(event, "to")))


@register.filter
def report_state(code: str | None) -> str:
    return str(bilabel(labels.report_state_label(code)))


#: A citation of the plan file inside a sentence: "(yuxi-2022-26.toml: preschool_ger >= 96%)".
_PLAN_CITATION = re.compile(r"[((]([\w.-]+\.toml:[^))]*)[))]")


@register.filter
def cite_plan(text: str | None) -> SafeString:
    """A sentence with its plan-file citations shown as secondary codes."""
    escaped = str(conditional_escape(text or ""))
    return mark_safe(_PLAN_CITATION.sub(lambda m: f'<span class="code">({m.group(1)})</span>', escaped))


_CODE_TOKEN = re.compile(r"\b(?:R:)?[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
#: an identifier such as an indicator id (``preschool_ger``) inside a sentence
_SNAKE_TOKEN = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@register.filter
def codes_secondary(text: object) -> SafeString:
    """Free text naming records by code (a checklist line ``R:FEE-FILING 收费…``): each rule code
    shown as a secondary code beside the Chinese words around it."""
    return _codes_marked(_CODE_TOKEN, text)


@register.filter
def ids_secondary(text: object) -> SafeString:
    """A sentence naming an indicator or setting by its id (``preschool_ger``): each id shown as a
    secondary code."""
    return _codes_marked(_SNAKE_TOKEN, text)


def _codes_marked(pattern: re.Pattern[str], text: object) -> SafeString:
    """``text`` escaped, each match of ``pattern`` shown as a secondary code."""
    escaped = str(conditional_escape(str(text)))
    return mark_safe(pattern.sub(lambda m: f'<span class="code">{m.group(0)}</span>', escaped))
