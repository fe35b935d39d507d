"""Chinese labels for the codes the system keeps (``{% load labels %}``; the words are in
``eduplan.web.labels``): ``{{ r.status|status_label }}``, ``{{ f.severity|severity_label }}``,
``{{ f.rule|rule_title }}``, ``{{ r.forecast_method|method_label }}``, and ``{{ f.rule|with_code }}``
for a rule's name followed by its code as a secondary ``<span class="code">``."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from eduplan.web import labels

from .bilingual import bilabel, english, zh_terms

register = template.Library()


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
