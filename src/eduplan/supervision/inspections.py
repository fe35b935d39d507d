"""Inspections by assigned supervisors (责任督学挂牌督导): a checklist built from the
rules catalogue and the plan's safety items, and the findings the inspector confirms —
recorded by hand, from a failed checklist line, or confirmed from the rules' automatic findings.

State machine::

    open ──complete──▶ completed      (checklist and findings change only while open)

A finding becomes a rectification order in :mod:`.rectification`.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.workflow import (
    actor,
    next_state,
    now_or,
    refuse,
    require_scope,
    save_with_history,
)
from eduplan.output import to_json
from eduplan.plans.checks import clause_text
from eduplan.registry.choices import HIGH_SCHOOL_STAGE_KINDS, PRESCHOOL_KINDS
from eduplan.registry.models import Institution

from .models import (
    ChecklistItem,
    CheckResult,
    Finding,
    FindingCategory,
    FindingSource,
    Inspection,
    InspectionKind,
    InspectionState,
    Severity,
)

CHECKLIST_FILE = Path(__file__).parent / "data" / "checklist.toml"
#: The rule family whose findings are safety findings (安全), whatever the plan's numbering.
SAFETY_FAMILY = "safety"

TRANSITIONS: dict[tuple[str, str], str] = {
    (InspectionState.OPEN, "edit"): InspectionState.OPEN,
    (InspectionState.OPEN, "complete"): InspectionState.COMPLETED,
}
ACTIONS = {"edit": "修改 Edit", "complete": "完成检查 Complete"}


def _inspector(user: User | None) -> None:
    permissions.require(
        user,
        "may_inspect",
        "督导检查由责任督学或县、市教育体育局人员进行",
        "inspections are recorded by the assigned supervisor or a county or city officer",
    )


def _editable(inspection: Inspection) -> None:
    next_state(TRANSITIONS, inspection.state, "edit", dict(InspectionState.choices), ACTIONS)


# -- the checklist ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistLine:
    code: str
    clause: str
    label_zh: str
    label_en: str
    category: str = FindingCategory.GENERAL
    major_hazard: bool = False


@cache
def _fixed_lines() -> tuple[tuple[str, ChecklistLine], ...]:
    data = tomllib.loads(CHECKLIST_FILE.read_text(encoding="utf-8"))
    return tuple(
        (
            raw.get("kinds", "all"),
            ChecklistLine(
                code=raw["code"],
                clause="",
                label_zh=raw["label_zh"],
                label_en=raw.get("label_en", ""),
                category=raw.get("category", FindingCategory.GENERAL),
                major_hazard=bool(raw.get("major_hazard", False)),
            ),
        )
        for raw in data.get("items", [])
    )


def checklist_checks() -> list[tuple[str, str, str]]:
    """The fixed lines as checks (``checklist:S01`` …), registered at start-up."""
    return [("checklist", line.code, line.label_zh) for _, line in _fixed_lines()]


def rules_available() -> bool:
    """Whether the rules catalogue (``eduplan.rules``) can be loaded."""
    try:
        from eduplan.rules.catalogue import catalogue

        catalogue()
    except ImportError:
        return False
    return True


#: Rule id prefixes of the catalogue that concern one kind of institution only.
RULE_PREFIXES = {"preschool": "KG-", "high_school": "HS-"}


def _rule_lines(group: str = "") -> list[ChecklistLine]:
    """One line per institution rule of the catalogue that can concern an institution of
    ``group`` ("preschool", "high_school", "other": a rule id starting ``KG-`` concerns
    kindergartens, ``HS-`` high schools, any other prefix everyone); empty when the catalogue is
    not there. Information notices (severity ``info``, e.g. an institution known only by its
    statistical return) are about the data, not the institution, and are not inspected."""
    try:
        from eduplan.rules.catalogue import catalogue
    except ImportError:
        return []
    try:
        rules = catalogue()
    except ImportError:
        return []
    lines = []
    for rule in rules.values():
        if str(getattr(rule, "entity_type", "")) != "institution" or not getattr(rule, "checkable", True):
            continue
        if str(getattr(rule, "severity", "")) == "info":  # a notice about the data, not an inspection item
            continue
        other = [p for g, p in RULE_PREFIXES.items() if g != group]
        if any(rule.id.startswith(p) for p in other):
            continue
        clause = rule.clause
        lines.append(
            ChecklistLine(
                code=f"R:{rule.id}",
                clause=clause,
                label_zh=rule.title_zh,
                label_en=rule.title_en,
                category=FindingCategory.SAFETY if rule.module == SAFETY_FAMILY else FindingCategory.GENERAL,
            )
        )
    return lines


def _is_safety_rule(rule_id: str) -> bool:
    try:
        from eduplan.rules.catalogue import catalogue
    except ImportError:
        return False
    found = catalogue().get(rule_id)
    return found is not None and found.module == SAFETY_FAMILY


def checklist_for(institution: Institution) -> list[ChecklistLine]:
    """The lines an inspection of ``institution`` starts with: the fixed safety and conduct items
    that apply to its kind, then the catalogue's institution rules."""
    if institution.kind in PRESCHOOL_KINDS:
        group = "preschool"
    elif institution.kind in HIGH_SCHOOL_STAGE_KINDS:
        group = "high_school"
    else:
        group = "other"
    fixed = [
        replace(line, clause=clause_text(f"checklist:{line.code}"))
        for kinds, line in _fixed_lines()
        if kinds in ("all", group)
    ]
    return fixed + _rule_lines(group)


# -- actions ------------------------------------------------------------------------------------


@transaction.atomic
def record_inspection(
    institution: Institution,
    *,
    inspected_on: dt.date,
    kind: str = InspectionKind.ROUTINE,
    summary: str = "",
    user: User | None = None,
) -> Inspection:
    """Open an inspection of an institution the user supervises (or, for an officer, sees), with
    its checklist."""
    _inspector(user)
    if user is not None and not scope(user, Institution.objects.filter(pk=institution.pk)).exists():
        raise refuse(
            "只能检查您挂牌督导(或管辖)的学校、幼儿园", "you can only inspect institutions assigned to you"
        )
    inspection = Inspection(
        institution=institution,
        inspector=actor(user),
        kind=kind,
        inspected_on=inspected_on,
        summary=summary,
    )
    save_with_history(inspection, user=user, reason="开始检查 opened")
    for position, line in enumerate(checklist_for(institution)):
        ChecklistItem.objects.create(
            inspection=inspection,
            code=line.code[:40],
            clause=line.clause[:40],
            label_zh=line.label_zh[:200],
            label_en=line.label_en[:200],
            category=line.category,
            major_hazard=line.major_hazard,
            position=position,
        )
    return inspection


def _finding_category(item: ChecklistItem) -> str:
    return FindingCategory.MAJOR_HAZARD if item.major_hazard else item.category


@transaction.atomic
def record_checks(
    inspection: Inspection, marks: Sequence[tuple[ChecklistItem, str, str]], *, user: User | None = None
) -> list[ChecklistItem]:
    """Mark several lines of ``inspection``'s checklist (``marks``: line, result, note) as one
    action: all are saved or, at the first refusal, none (the page never keeps half a checklist)."""
    for item, _result, _note in marks:
        if item.inspection_id != inspection.pk:
            raise ValidationError(
                {"item": f"检查项 {item.code} 不属于本次检查 / not a line of this inspection"}
            )
    return [record_check(item, result, note=note, user=user) for item, result, note in marks]


@transaction.atomic
def record_check(
    item: ChecklistItem,
    result: str,
    *,
    note: str = "",
    user: User | None = None,
    at: dt.datetime | None = None,
) -> ChecklistItem:
    """Mark a checklist line. A failed line becomes a finding (a major hazard if the line says so);
    a line corrected back to pass drops its finding, unless an order was already issued on it."""
    inspection = item.inspection
    _editable(inspection)
    _inspector(user)
    require_scope(user, inspection)
    if result not in CheckResult.values:
        raise ValidationError({"result": f"未知检查结果 {result!r} / unknown result"})
    item.result, item.note = result, note[:400]
    save_with_history(item, user=user)
    existing = list(item.findings.all())
    if result == CheckResult.FAIL and not existing:
        _create_finding(
            inspection,
            source=FindingSource.CHECKLIST,
            checklist_item=item,
            category=_finding_category(item),
            severity=Severity.HIGH
            if item.major_hazard or item.category == FindingCategory.ABUSE
            else Severity.MEDIUM,
            clause=item.clause,
            rule=item.code,
            message_zh=f"{item.label_zh}:不符合" + (f"({note})" if note else ""),
            message_en=f"{item.label_en}: not met" + (f" ({note})" if note else ""),
            user=user,
            at=at,
        )
    elif result != CheckResult.FAIL:
        for f in existing:
            if hasattr(f, "order"):
                raise ValidationError(
                    {
                        "result": "该项已下达整改通知,不能改为符合 / an order was issued on this line: it cannot be reset"
                    }
                )
            f.delete()
    return item


def _create_finding(
    inspection: Inspection, *, user: User | None, at: dt.datetime | None, **fields: Any
) -> Finding:
    inst = inspection.institution
    finding = Finding(
        inspection=inspection,
        entity_type="institution",
        entity_code=inst.code,
        entity_name=inst.name,
        county_id=inst.county_id,
        institution=inst,
        recorded_by=actor(user),
        recorded_at=now_or(at),
        **fields,
    )
    save_with_history(finding, user=user)
    return finding


@transaction.atomic
def add_finding(
    inspection: Inspection,
    *,
    message_zh: str,
    message_en: str = "",
    category: str = FindingCategory.GENERAL,
    severity: str = Severity.MEDIUM,
    clause: str = "",
    subject: str = "",
    user: User | None = None,
    at: dt.datetime | None = None,
) -> Finding:
    """Record a finding by hand (what the inspector saw that no rule or checklist line covers)."""
    _editable(inspection)
    _inspector(user)
    require_scope(user, inspection)
    if not message_zh.strip():
        raise ValidationError({"message_zh": "请描述发现的问题 / describe the finding"})
    return _create_finding(
        inspection,
        source=FindingSource.MANUAL,
        category=category,
        severity=severity,
        clause=clause,
        subject=subject,
        message_zh=message_zh.strip(),
        message_en=message_en.strip(),
        user=user,
        at=at,
    )


def finding_key(finding: Any) -> str:
    """A stable key for an automatic finding (rule | entity | subject), used to pick one to confirm."""
    return f"{finding.rule}|{finding.entity_code}|{getattr(finding, 'subject', '')}"


def automatic_findings(inspection: Inspection, *, user: User | None = None) -> list[Any]:
    """The rules' current findings about the inspected institution (violations only) not yet
    confirmed into this inspection. Empty when the rules catalogue is not installed."""
    try:
        from eduplan.rules.catalogue import run_rules
    except ImportError:
        return []
    inst = inspection.institution
    try:
        found = run_rules(county=inst.county.code, user=user)
    except ImportError:
        return []
    confirmed = {f"{f.rule}|{f.entity_code}|{f.subject}" for f in inspection.findings.all()}
    return [
        f
        for f in found
        if f.entity_code == inst.code
        and getattr(f, "kind", "violation") == "violation"
        and finding_key(f) not in confirmed
    ]


def _jsonable(value: Any) -> Any:
    return None if value is None else json.loads(to_json(value))


@transaction.atomic
def confirm_automatic_finding(
    inspection: Inspection,
    finding: Any,
    *,
    major_hazard: bool = False,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> Finding:
    """Copy an automatic finding of the rules (``eduplan.rules.findings.RuleFinding``) into the
    inspection, field by field, once the inspector has confirmed it on site."""
    _editable(inspection)
    _inspector(user)
    require_scope(user, inspection)
    inst = inspection.institution
    if finding.entity_code != inst.code:
        raise ValidationError(
            {
                "finding": f"该发现属于 {finding.entity_name},不属于被检查单位 / the finding is about another entity"
            }
        )
    if finding.severity not in Severity.values:
        raise ValidationError({"severity": f"未知严重程度 {finding.severity!r} / unknown severity"})
    if major_hazard:
        category = FindingCategory.MAJOR_HAZARD
    elif _is_safety_rule(str(finding.rule)):
        category = FindingCategory.SAFETY
    else:
        category = FindingCategory.GENERAL
    return _create_finding(
        inspection,
        source=FindingSource.AUTOMATIC,
        category=category,
        rule=finding.rule,
        clause=str(finding.clause)[:40],
        severity=finding.severity,
        subject=str(getattr(finding, "subject", ""))[:200],
        message_zh=finding.message_zh,
        message_en=finding.message_en,
        measured=_jsonable(finding.measured),
        required=_jsonable(finding.required),
        standard=str(getattr(finding, "standard", ""))[:300],
        user=user,
        at=at,
    )


@transaction.atomic
def complete_inspection(
    inspection: Inspection,
    *,
    summary: str | None = None,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> Inspection:
    """Sign the inspection off; its checklist and findings are fixed from now on."""
    target = next_state(TRANSITIONS, inspection.state, "complete", dict(InspectionState.choices), ACTIONS)
    _inspector(user)
    require_scope(user, inspection)
    unchecked = inspection.checklist.filter(result=CheckResult.UNCHECKED).count()
    if unchecked:
        raise ValidationError(
            {
                "checklist": f"还有 {unchecked} 项未检查(可标为不适用) / {unchecked} checklist lines are not checked yet (mark them n/a if they do not apply)"
            }
        )
    if summary is not None:
        inspection.summary = summary
    inspection.state = target
    inspection.completed_at = now_or(at)
    return save_with_history(inspection, user=user, reason="完成检查 completed")


def inspections_for(user: User | None) -> QuerySet[Inspection]:
    return scope(user, Inspection.objects.select_related("institution", "institution__county", "inspector"))


def findings_for(user: User | None) -> QuerySet[Finding]:
    return scope(user, Finding.objects.select_related("institution", "county", "inspection"))


def abuse_findings(institution: Institution, year: int) -> QuerySet[Finding]:
    """Abuse or corporal punishment confirmed at ``institution`` in calendar ``year``."""
    return Finding.objects.filter(
        institution=institution, category=FindingCategory.ABUSE, inspection__inspected_on__year=year
    )
