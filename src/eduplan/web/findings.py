"""The findings list: filters, the rule × county pivot for dashboards, and the xlsx export."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from eduplan.rules.cached import findings_for

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


def filter_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    rows = findings_for(user)
    rules = sorted({f["rule"] for f in rows})
    divisions = sorted(
        {(f["division"], f.get("division_name") or f["division"]) for f in rows if f["division"]}
    )
    return {
        "rule": [(r, r) for r in rules],
        "severity": [(s, s) for s in ("high", "medium", "low", "info")],
        "division": divisions,
        "kind": [("violation", "违规 violation"), ("no_data", "无数据 no data")],
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
