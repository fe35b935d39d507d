"""The findings list: filters, the rule × county pivot for dashboards, and the xlsx export."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from eduplan.rules.cached import findings_for
from eduplan.rules.findings import Severity

from . import labels

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")

FILTERS = ("rule", "clause", "severity", "division", "entity_code", "kind")


#: Findings per page of the list (the whole filtered list goes to the xlsx export).
PAGE_SIZE = 50
#: The rectification-status filter's value for findings no order was issued for.
NO_ORDER = "none"


def rectification_states(user: Any) -> dict[tuple[str, str], tuple[str, str, int]]:
    """(rule, entity code) → (order state, its label, order id) of the latest rectification order
    the user may see for that finding (an inspector confirms a rule's finding into an order)."""
    from eduplan.accounts.scoping import scope
    from eduplan.supervision.models import RectificationOrder

    out: dict[tuple[str, str], tuple[str, str, int]] = {}
    orders = scope(user, RectificationOrder.objects.select_related("finding")).order_by("issued_at", "pk")
    for o in orders:
        out[(o.finding.rule, o.finding.entity_code)] = (o.state, o.get_state_display(), o.pk)
    return out


def with_rectification(user: Any, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each finding with ``order_state``, ``order_label`` and ``order_id`` ("" and None when no
    order was issued), for the list's rectification-status column and filter."""
    states = rectification_states(user)
    out = []
    for f in rows:
        state, label, pk = states.get((f["rule"], f["entity_code"]), ("", "", None))
        out.append({**f, "order_state": state, "order_label": label, "order_id": pk})
    return out


def filtered_findings(user: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [dict(f) for f in findings_for(user)]
    order = (params.get("order") or "").strip()
    if order:
        rows = [f for f in with_rectification(user, rows) if (f["order_state"] or NO_ORDER) == order]
    for key in FILTERS:
        value = (params.get(key) or "").strip()
        if not value:
            continue
        if key == "clause":
            rows = [f for f in rows if value in (f.get("clause") or "")]
        else:
            rows = [f for f in rows if str(f.get(key) or "") == value]
    return rows


def filter_choices(user: Any, *, english: bool = False) -> dict[str, list[tuple[str, str]]]:
    """The filters' options with their labels (rules by name, in the page's language)."""
    rows = findings_for(user)
    rules = sorted({f["rule"] for f in rows})
    divisions = sorted(
        {(f["division"], f.get("division_name") or f["division"]) for f in rows if f["division"]}
    )
    return {
        "rule": [(r, labels.rule_title(r, english=english)) for r in rules],
        "severity": [(s.value, s.label) for s in Severity],
        "division": divisions,
        "kind": list(labels.FINDING_KINDS.items()),
        "order": order_choices(),
    }


def order_choices() -> list[tuple[str, str]]:
    from eduplan.supervision.models import OrderState

    return [(NO_ORDER, "未下达整改 no order"), *OrderState.choices]


def pivot_by_rule_and_county(findings: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts of findings (violations only) by rule (rows) and county (columns)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    for f in findings:
        if f.get("kind") != "violation":
            continue
        counts[f["rule"]][f["division"]] += 1
        names[f["division"]] = f.get("division_name") or f["division"]
    columns = sorted(names)
    rows = [
        {"rule": rule, "cells": [c.get(code, 0) for code in columns], "total": sum(c.values())}
        for rule, c in sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    return {"columns": [(code, names[code]) for code in columns], "rows": rows}


EXPORT_COLUMNS = (
    "rule",
    "rule_name",
    "clause",
    "severity",
    "kind",
    "entity_type",
    "entity_code",
    "entity_name",
    "division",
    "division_name",
    "school_year",
    "message_zh",
    "message_en",
    "measured",
    "required",
    "standard",
    "remedy_zh",
    "remedy_en",
    "due",
)


def _english_half(label: str) -> str:
    """The English of a ``"中文 English"`` label (the label itself if it has none)."""
    chinese, _, english = label.partition(" ")
    return english if english and _CJK.search(chinese) and not _CJK.search(english) else label


#: The download's header row: a reader's words (the CLI's ``eduplan check`` keeps the field names
#: of docs/rules.md for machines).
EXPORT_HEADERS = {
    "rule": "规则编号 rule id",
    "rule_name": "规则 rule",
    "clause": "条款 clause",
    "severity": "严重程度 severity",
    "kind": "类型 kind",
    "entity_type": "对象类型 entity type",
    "entity_code": "代码 code",
    "entity_name": "名称 name",
    "division": "县代码 county code",
    "division_name": "县(市、区) county",
    "school_year": "学年 school year",
    "message_zh": "问题 problem",
    "message_en": "问题(英文) problem in English",
    "measured": "实测 measured",
    "required": "要求 required",
    "standard": "依据 standard",
}
#: The header row of an English page's download: English words only (issue 23: English mode
#: complete). The Chinese message keeps its column, named as such.
EXPORT_HEADERS_EN = {
    **{key: _english_half(label) for key, label in EXPORT_HEADERS.items()},
    "message_zh": "problem (Chinese)",
    "message_en": "problem",
}
ENTITY_TYPES = {"institution": "机构 institution", "county": "县 county"}
#: The sheet of the download.
EXPORT_SHEET = {False: "问题清单 findings", True: "findings"}


def export_headers(*, english: bool = False) -> dict[str, str]:
    return EXPORT_HEADERS_EN if english else EXPORT_HEADERS


def export_rows(rows: list[dict[str, Any]], *, english: bool = False) -> list[dict[str, Any]]:
    """The findings as a reader sees them: rule names beside their ids, severities, kinds and
    entity types in words — in English for an English page."""
    words = _english_half if english else str
    return [
        {
            **f,
            "rule_name": labels.rule_title(f.get("rule"), english=english),
            "severity": words(labels.severity_label(f.get("severity"))),
            "kind": words(labels.finding_kind_label(f.get("kind"))),
            "entity_type": words(ENTITY_TYPES.get(f.get("entity_type") or "", f.get("entity_type") or "")),
        }
        for f in rows
    ]
