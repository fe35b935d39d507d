"""The findings list: filters, the rule × county pivot for dashboards, and the xlsx export."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from eduplan.rules.cached import findings_for
from eduplan.rules.findings import Severity

from . import labels

FILTERS = ("rule", "clause", "severity", "division", "entity_code", "kind")


def filtered_findings(user: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    rows = findings_for(user)
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
    }


def pivot_by_rule_and_county(findings: list[dict[str, Any]]) -> dict[str, Any]:
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
)
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
ENTITY_TYPES = {"institution": "机构 institution", "county": "县 county"}


def export_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings as a reader sees them: rule names beside their ids, severities, kinds and
    entity types in words."""
    return [
        {
            **f,
            "rule_name": labels.rule_title(f.get("rule")),
            "severity": labels.severity_label(f.get("severity")),
            "kind": labels.finding_kind_label(f.get("kind")),
            "entity_type": ENTITY_TYPES.get(f.get("entity_type") or "", f.get("entity_type")),
        }
        for f in rows
    ]
