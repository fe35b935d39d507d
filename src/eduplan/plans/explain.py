"""Every verdict explains itself: ``eduplan explain INDICATOR|RULE``, the "依据" links on the pages
and the API give the same account —

- ``formula``: the indicator's formula, or the rule in words;
- ``numerator`` / ``denominator``: the measures and their values (a rule: the measured and the
  required values of each finding);
- ``clauses``: the clauses of the plan in force the check serves, with their titles;
- ``standards``: the numbers from ``standards.toml`` it reads, each with its source;
- ``assumptions``: the assumptions it rests on and whether each is confirmed;
- ``target`` and ``target_origin`` (``plan``, ``standard`` or ``assumption``) and, for a status,
  its ``status`` and ``forecast``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eduplan.plans import assumptions, standards
from eduplan.plans.checks import clauses_for
from eduplan.plans.loader import Plan, load_plan


class ExplainError(ValueError):
    """A request the user can correct: an unknown indicator or rule, a missing division."""


def _clauses(check_id: str, plan: Plan) -> list[dict[str, str]]:
    out = []
    for cid in clauses_for(check_id, plan):
        c = plan.clause(cid)
        out.append({"id": cid, "title_zh": c.title_zh if c else "", "title_en": c.title_en if c else ""})
    return out


def _assumptions(check_id: str, plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "id": s.spec.id,
            "value": s.as_dict()["value"],
            "reason": s.as_dict()["reason"],
            "confirmed": s.confirmed,
            "confirmed_by": s.confirmed_by or None,
            "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
        }
        for s in assumptions.states(plan)
        if check_id in s.spec.used_by
    ]


def _require_visible(user: Any, division: str | None, institution: str | None) -> None:
    """A user sees the explanation of what they may see: their own area only."""
    if user is None:
        return
    from django.core.exceptions import PermissionDenied

    from eduplan.accounts.scoping import scope
    from eduplan.registry.models import Division, Institution

    if division and not scope(user, Division.objects.filter(code=division)).exists():
        raise PermissionDenied(f"区划 {division} 不在您的范围内 / division {division} is outside your area")
    if institution and not scope(user, Institution.objects.filter(code=institution)).exists():
        raise PermissionDenied(
            f"单位 {institution} 不在您的范围内 / institution {institution} is outside your area"
        )


def explain(
    what: str,
    *,
    division: str | None = None,
    institution: str | None = None,
    year: int | None = None,
    user: Any = None,
    plan: Plan | None = None,
) -> dict[str, Any]:
    plan = plan or load_plan()
    _require_visible(user, division, institution)
    if not what:
        raise ExplainError("请给出指标或规则 / give an indicator id or a rule id")
    if any(i.id == what for i in plan.indicators):
        if not division:
            raise ExplainError("指标须给出 --division / an indicator needs --division CODE")
        return _indicator(what, division, year, plan)
    from eduplan.rules.catalogue import RuleInputError, get_rule

    try:
        rule = get_rule(what)
    except RuleInputError as exc:
        raise ExplainError(
            f"{exc}; 也不是规划的指标 nor an indicator of the plan (unknown indicator or rule)"
        ) from exc
    if not (division or institution):
        raise ExplainError("须给出 --division 或 --institution / give --division CODE or --institution CODE")
    return _rule(rule, division, institution, year, user, plan)


def _indicator(ident: str, division: str, year: int | None, plan: Plan) -> dict[str, Any]:
    from eduplan.metrics.indicators import compute_indicators, load_catalogue

    spec = next(i for i in plan.indicators if i.id == ident)
    cat = load_catalogue(plan)
    parsed = next(i for i in cat.indicators if i.spec.id == ident)
    rows = [
        r
        for r in compute_indicators(year, division, plan=plan)
        if r["indicator"] == ident and r["division"] == division
    ]
    if not rows:
        raise ExplainError(
            f"{division} 在 {year or '最近学年'} 没有指标 {ident} 的数据 / no {ident} row for division "
            f"{division} in {year or 'the latest year'}"
        )
    row = max(rows, key=lambda r: r["year"])
    check_id = f"indicator:{ident}"
    target = spec.target
    stds = []
    if target is not None and target.origin == "standard":
        stds.append({"name": "target", "value": target.value, "source": target.source})
    for a in plan.assumptions:
        if check_id in a.used_by and a.of.startswith("standards:"):
            section, _, key = a.of.partition(":")[2].partition(".")
            stds.append(
                {"name": f"{section}.{key}", "value": standards.value(section, key), "source": "assumption"}
            )
    return {
        "kind": "indicator",
        "id": ident,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "division": division,
        "division_name": row.get("division_name"),
        "year": row["year"],
        "formula": spec.formula,
        "value": row["value"],
        "numerator": {"formula": parsed.numerator.text(), "value": row["numerator"]},
        "denominator": (
            {"formula": parsed.denominator.text(), "value": row["denominator"]}
            if parsed.denominator is not None
            else None
        ),
        "rows_link": f"/office/institutions/?county={division}",
        "clauses": _clauses(check_id, plan),
        "standards": stds,
        "assumptions": _assumptions(check_id, plan),
        **_target_fields(row, target),
        "comparison": target.comparison if target else None,
        "deadline": target.deadline.isoformat() if target else None,
        "target_source": (target.source or ("plan" if target.origin == "plan" else target.reason))
        if target
        else None,
        "status": row.get("status"),
        "met": row.get("met"),
        "forecast": row.get("forecast"),
        "forecast_year": row.get("forecast_year"),
        "plan": plan.id,
    }


def _target_fields(row: Mapping[str, Any], target: Any) -> dict[str, Any]:
    """The target the row is judged against: a county's adopted target (``adopted``, with who
    adopted it, when and from which scenario), none for a county the city has not given one
    (``none``), else the plan file's (its origin: ``plan``, ``standard`` or ``assumption``)."""
    origin = row.get("target_origin")
    if origin in ("adopted", "none"):
        return {
            "target": row.get("target"),
            "target_origin": origin,
            "adopted_by": row.get("adopted_by"),
            "adopted_at": row.get("adopted_at"),
            "scenario": row.get("scenario"),
        }
    return {"target": target.value if target else None, "target_origin": target.origin if target else None}


def _rule(
    rule: Any, division: str | None, institution: str | None, year: int | None, user: Any, plan: Plan
) -> dict[str, Any]:
    from eduplan.registry.models import Institution
    from eduplan.rules.catalogue import run_rules

    county = division
    if institution:
        inst = Institution.objects.filter(code=institution).select_related("county").first()
        if inst is None:
            raise ExplainError(f"未知单位 {institution} / unknown institution {institution!r}")
        county = inst.county.code
    found = [
        f for f in run_rules(year, county, [rule.id], user) if not institution or f.entity_code == institution
    ]
    check_id = rule.check_id
    return {
        "kind": "rule",
        "id": rule.id,
        "name_zh": rule.title_zh,
        "name_en": rule.title_en,
        "division": county,
        "institution": institution,
        "year": found[0].school_year if found else year,
        "formula": f"{rule.title_zh} / {rule.title_en}",
        "numerator": [{"entity": f.entity_code, "subject": f.subject, "measured": f.measured} for f in found],
        "denominator": [{"entity": f.entity_code, "required": f.required} for f in found],
        "findings": [
            {
                "entity": f.entity_code,
                "entity_name": f.entity_name,
                "message_zh": f.message_zh,
                "message_en": f.message_en,
                "kind": f.kind,
                "basis_pending": f.details.get("basis_pending", []),
            }
            for f in found
        ],
        "rows_link": f"/office/findings/?rule={rule.id}" + (f"&division={county}" if county else ""),
        "clauses": _clauses(check_id, plan),
        "standards": [
            {"name": p.name, "value": p.value(), "source": p.source(), "verified": p.verified()}
            for p in rule.params
        ],
        "assumptions": _assumptions(check_id, plan),
        "target": None,
        "target_origin": None,
        "plan": plan.id,
    }
