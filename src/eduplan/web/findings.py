"""The findings list: filters, the rule × county pivot for dashboards, and the xlsx export."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .results import findings_for

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


def with_rectification(user: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding with ``order_state``, ``order_label`` and ``order_id`` ("" and None when no
    order was issued), for the list's rectification-status column and filter."""
    states = rectification_states(user)
    out = []
    for f in rows:
        state, label, pk = states.get((f["rule"], f["entity_code"]), ("", "", None))
        out.append({**f, "order_state": state, "order_label": label, "order_id": pk})
    return out


def filtered_findings(user: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    rows = findings_for(user)
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
        "order": order_choices(),
    }


def order_choices() -> list[tuple[str, str]]:
    from eduplan.supervision.models import OrderState

    return [(NO_ORDER, "未下达整改 no order"), *OrderState.choices]


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
)
