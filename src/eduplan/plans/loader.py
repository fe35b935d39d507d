"""The plan file (``plan/<plan-id>.toml``): clauses, indicators, targets, departments and settings.

The plan is data so that another city, or the next five-year plan, reuses the code unchanged
(ARCHITECTURE.md, "plan and standards as data files"). This module reads and checks the file's
*shape* — required keys, known comparisons and scopes, clause ids that exist, thresholds resolved
from ``standards.toml`` with their citation — and reports every mistake with the file and the
indicator it is in, in Chinese and English. Whether a formula's measures exist is checked by
:mod:`eduplan.metrics.indicators`, which owns the measures.

Which file: ``EDUPLAN_PLAN`` (a path) when set, otherwise the one ``*.toml`` in ``PLAN_DIR`` that is
not ``standards.toml``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from eduplan.plans import standards
from eduplan.plans.validate import check_plan

COMPARISONS = (">=", ">", "<=", "<", "==")
SCOPES = ("city", "county")
#: Jurisdictions a plan applies to ([plan] level).
LEVELS = ("nation", "province", "city")
TARGETS_SET = "targets"
ASSESSMENT_SET = "assessment"


class PlanError(ValueError):
    """A mistake in the plan file; the message names the file and the entry."""


@dataclass(frozen=True)
class Clause:
    """A clause of the plan with the checks that carry it: ``checks`` are the checks whose main
    clause this is, ``also`` those it serves besides their main one (cited after it)."""

    id: str
    title_zh: str
    title_en: str
    checks: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    lead: str = ""
    cooperating: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A target value with its comparison, deadline and scope.

    ``scope`` is the plan's own scope (the city as a whole, or every county); ``compare`` lists the
    division levels whose rows are compared with the value — a city-wide rate is also shown against
    each county as a reference. ``source`` is the citation when the value comes from a standard.
    """

    value: float
    comparison: str
    deadline: dt.date
    scope: str
    compare: tuple[str, ...]
    source: str = ""
    verified: bool = True
    #: Where the value comes from: ``plan`` (the clause states it), ``standard`` (``source`` names
    #: it) or ``assumption`` (ours, ``reason`` says why; see the assumptions register).
    origin: str = "plan"
    reason: str = ""
    #: ``target``: a value to reach by the deadline (trend, forecast, status from the forecast);
    #: ``ban``: a prohibition in force now (不得/消除) — the value counts breaches, met only at zero,
    #: no forecast (indicator key ``kind``).
    kind: str = "target"

    def is_met(self, value: float) -> bool:
        return compare(value, self.comparison, self.value)


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator as declared in the plan file (see docs/plans.md for every key)."""

    id: str
    set: str
    group: str
    name_zh: str
    name_en: str
    clause: str
    also: tuple[str, ...]
    formula: str
    unit: str
    lead: str
    cooperating: tuple[str, ...]
    target: Target | None
    upper: float | None = None
    note_zh: str = ""
    note_en: str = ""

    @property
    def clauses(self) -> tuple[str, ...]:
        return (self.clause, *self.also)


@dataclass(frozen=True)
class DerivedMeasure:
    """A county-level measure computed from other measures of the same county (``formula``) or
    from the county's readiness on an indicator set (``readiness``); higher levels sum it."""

    name: str
    name_zh: str
    formula: str = ""
    readiness: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class NotComputed:
    clause: str
    what_zh: str
    what_en: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class MilestoneSpec:
    title_zh: str
    title_en: str
    due: dt.date


@dataclass(frozen=True)
class TaskSpec:
    """One task of the plan (``[[tasks]]``): a qualitative measure with its lead and cooperating
    departments and deadline, which the city assigns to the counties (see docs/tasks.md)."""

    id: str
    clause: str
    title_zh: str
    title_en: str
    lead: str
    cooperating: tuple[str, ...]
    deadline: dt.date
    milestones: tuple[MilestoneSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AssumptionSpec:
    """A value a verdict rests on that the plan does not state (``[[assumptions]]``): ``of`` names
    where it lives (``standards:section.key`` or ``task:<task id>`` for a task's deadline),
    ``used_by`` the checks that rest on it. Until the city confirms it, it never sanctions."""

    id: str
    of: str
    reason_zh: str
    reason_en: str
    used_by: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    path: Path
    id: str
    document: str
    title_zh: str
    title_en: str
    city: str
    deadline: dt.date
    settings: Mapping[str, Any]
    clauses: tuple[Clause, ...]
    groups: tuple[Group, ...]
    measures: tuple[DerivedMeasure, ...]
    indicators: tuple[IndicatorSpec, ...]
    not_computed: tuple[NotComputed, ...] = field(default_factory=tuple)
    tasks: tuple[TaskSpec, ...] = field(default_factory=tuple)
    #: check id → the clauses it serves, main clauses first (each group in file order); indicators
    #: count with their ``clause`` and ``also``.
    check_map: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    assumptions: tuple[AssumptionSpec, ...] = field(default_factory=tuple)
    #: The jurisdiction the plan applies to: ``nation``, ``province`` or ``city`` and its division
    #: code (empty for the nation). ``city`` is that code for a city's plan, else empty: the
    #: indicators then cover every city of the registry.
    level: str = "city"
    division: str = ""
    #: First day of the plan period (``[plan] start``, default 1 January of the year it was issued).
    start: dt.date = dt.date.min

    def clause_ids(self) -> set[str]:
        return {c.id for c in self.clauses}

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def clauses_for(self, check_id: str) -> tuple[str, ...]:
        return self.check_map.get(check_id, ())

    def indicator_set(self, name: str) -> tuple[IndicatorSpec, ...]:
        return tuple(i for i in self.indicators if i.set == name)

    def setting(self, key: str) -> Any:
        if key not in self.settings:
            raise PlanError(f"{self.path}: [settings] 缺少 {key} / key {key!r} is missing")
        return self.settings[key]


def _check_map(indicators: Sequence[IndicatorSpec], clauses: Sequence[Clause]) -> dict[str, tuple[str, ...]]:
    main: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    for ind in indicators:
        main.setdefault(f"indicator:{ind.id}", []).append(ind.clause)
        extra.setdefault(f"indicator:{ind.id}", []).extend(ind.also)
    for c in clauses:
        for check in c.checks:
            main.setdefault(check, []).append(c.id)
        for check in c.also:
            extra.setdefault(check, []).append(c.id)
    out: dict[str, tuple[str, ...]] = {}
    for check in [*main, *(k for k in extra if k not in main)]:
        seen = dict.fromkeys([*main.get(check, []), *extra.get(check, [])])
        out[check] = tuple(seen)
    return out


def compare(value: float, comparison: str, target: float) -> bool:
    """``value <comparison> target``; the one place comparisons of the plan are evaluated."""
    if comparison == ">=":
        return value >= target
    if comparison == ">":
        return value > target
    if comparison == "<=":
        return value <= target
    if comparison == "<":
        return value < target
    if comparison == "==":
        return value == target
    raise PlanError(f"未知比较符 unknown comparison {comparison!r}: use one of {', '.join(COMPARISONS)}")


def plan_path() -> Path:
    """The plan file in force: ``EDUPLAN_PLAN`` (a path; ``--plan FILE`` on any command sets it),
    else the one plan file in ``PLAN_DIR``, else the one of several that says ``default = true``."""
    explicit = os.environ.get("EDUPLAN_PLAN") or getattr(settings, "EDUPLAN_PLAN", "")
    if explicit:
        return Path(explicit)
    plan_dir = Path(settings.PLAN_DIR)
    try:
        listed = plan_dir.stat().st_mtime_ns
    except FileNotFoundError:
        listed = 0
    found = _plan_files(str(plan_dir), listed, standards.standards_path().name)
    if len(found) == 1:
        return found[0]
    defaults = [p for p in found if _is_default(str(p), p.stat().st_mtime_ns)]
    if len(defaults) != 1:
        names = ", ".join(p.name for p in found) or "无 none"
        raise PlanError(
            f"{plan_dir}: 多个规划文件须有且只有一个 default = true(或设置 EDUPLAN_PLAN)/ with several "
            f"plan files exactly one says default = true in [plan] (or set EDUPLAN_PLAN); found: {names}"
        )
    return defaults[0]


@cache
def _plan_files(plan_dir: str, _listed: int, standards_name: str) -> list[Path]:
    """The plan files of a folder, listed once per version of the folder (its modification time
    changes when a file is added, removed or renamed): the plan is looked up on every standards
    value read, thousands of times in one page."""
    return sorted(p for p in Path(plan_dir).glob("*.toml") if p.name != standards_name)


@cache
def _is_default(path: str, _mtime: int) -> bool:
    try:
        with open(path, "rb") as fh:
            return bool(tomllib.load(fh).get("plan", {}).get("default", False))
    except (OSError, tomllib.TOMLDecodeError):
        return False


def load_plan(path: str | Path | None = None) -> Plan:
    """Read and check the plan file (``path``, default :func:`plan_path`). Parsed once per file
    version: the cache key includes the file's modification time, so an edited plan is re-read."""
    p = Path(path) if path is not None else plan_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise PlanError(f"{p}: 找不到规划文件 / plan file not found") from exc
    return _load(str(p), mtime)


@cache
def _load(path: str, _mtime: int) -> Plan:
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{p}: TOML 格式错误 / not valid TOML: {exc}") from exc
    return _parse(p, data)


def _require(where: str, table: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in table:
        raise PlanError(f"{where}: 缺少 {key} / key {key!r} is missing")
    value = table[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise PlanError(f"{where}: {key} 类型错误 / {key!r} must be {names}, not {type(value).__name__}")
    return value


def _strings(where: str, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlanError(f"{where}: {key} 应为字符串列表 / {key!r} must be a list of strings")
    return tuple(value)


def _parse(path: Path, data: Mapping[str, Any]) -> Plan:
    head = _require(f"{path} [plan]", data, "plan", dict)
    where = f"{path} [plan]"
    deadline = _require(where, head, "deadline", dt.date)
    clauses = tuple(_parse_clause(path, i, c) for i, c in enumerate(data.get("clauses", [])))
    seen: set[str] = set()
    for c in clauses:
        if c.id in seen:
            raise PlanError(f"{path} [[clauses]]: 条款 {c.id} 重复 / clause {c.id} is listed twice")
        seen.add(c.id)
    groups = tuple(
        Group(
            id=_require(f"{path} [[groups]] #{i + 1}", g, "id", str),
            name_zh=_require(f"{path} [[groups]] #{i + 1}", g, "name_zh", str),
            name_en=_require(f"{path} [[groups]] #{i + 1}", g, "name_en", str),
        )
        for i, g in enumerate(data.get("groups", []))
    )
    group_ids = {g.id for g in groups}
    indicators = tuple(
        _parse_indicator(path, raw, deadline, seen, group_ids) for raw in data.get("indicators", [])
    )
    ids = [i.id for i in indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PlanError(f"{path}: 指标 id 重复 / indicator ids used twice: {', '.join(duplicates)}")
    measures = tuple(_parse_measure(path, raw, indicators) for raw in data.get("measures", []))
    not_computed = tuple(
        NotComputed(
            clause=_require(f"{path} [[not_computed]]", n, "clause", str),
            what_zh=n.get("what_zh", ""),
            what_en=n.get("what_en", ""),
            reason_zh=_require(f"{path} [[not_computed]]", n, "reason_zh", str),
            reason_en=_require(f"{path} [[not_computed]]", n, "reason_en", str),
        )
        for n in data.get("not_computed", [])
    )
    for n in not_computed:
        if n.clause not in seen:
            raise PlanError(
                f"{path} [[not_computed]]: 未知条款 {n.clause} / unknown clause id {n.clause!r} "
                "(add it to [[clauses]])"
            )
    level = str(head.get("level", "city"))
    if level not in LEVELS:
        raise PlanError(
            f"{where}: level 应为 {'、'.join(LEVELS)} 之一 / 'level' must be one of {', '.join(LEVELS)}"
        )
    division = str(head.get("division", head.get("city", "")))
    if level != "nation" and not division:
        raise PlanError(f"{where}: {level} 级规划须写 division 区划代码 / a {level} plan needs 'division'")
    issued = head.get("issued")
    start = head.get("start", dt.date(issued.year, 1, 1) if isinstance(issued, dt.date) else dt.date.min)
    if not isinstance(start, dt.date):
        raise PlanError(f"{where}: start 应为日期 / 'start' must be a date (YYYY-MM-DD)")
    plan = Plan(
        path=path,
        id=_require(where, head, "id", str),
        document=head.get("document", ""),
        title_zh=head.get("title_zh", ""),
        title_en=head.get("title_en", ""),
        city=division if level == "city" else "",
        level=level,
        division=division,
        deadline=deadline,
        settings=dict(data.get("settings", {})),
        clauses=clauses,
        groups=groups,
        measures=measures,
        indicators=indicators,
        not_computed=not_computed,
        tasks=_parse_tasks(path, data.get("tasks", []), deadline, seen),
        check_map=_check_map(indicators, clauses),
        start=start,
        assumptions=_parse_assumptions(path, data.get("assumptions", [])),
    )
    check_plan(plan, dict(data))
    return plan


def _parse_assumptions(path: Path, raw_list: Any) -> tuple[AssumptionSpec, ...]:
    if not isinstance(raw_list, list):
        raise PlanError(f"{path} [[assumptions]]: 应为表数组 / 'assumptions' must be an array of tables")
    out: list[AssumptionSpec] = []
    for index, raw in enumerate(raw_list):
        where = f"{path} [[assumptions]] #{index + 1}"
        ident = _require(where, raw, "id", str)
        where = f"{path} 假设 assumption {ident}"
        if any(a.id == ident for a in out):
            raise PlanError(f"{where}: id 重复 / assumption id {ident!r} is used twice")
        out.append(
            AssumptionSpec(
                id=ident,
                of=_require(where, raw, "of", str),
                reason_zh=_require(where, raw, "reason_zh", str),
                reason_en=_require(where, raw, "reason_en", str),
                used_by=_strings(where, raw, "used_by"),
            )
        )
    return tuple(out)


def _parse_clause(path: Path, index: int, raw: Mapping[str, Any]) -> Clause:
    where = f"{path} [[clauses]] #{index + 1}"
    return Clause(
        id=_require(where, raw, "id", str),
        title_zh=_require(where, raw, "title_zh", str),
        title_en=_require(where, raw, "title_en", str),
        checks=_strings(where, raw, "checks"),
        also=_strings(where, raw, "also"),
        lead=str(raw.get("lead", "")),
        cooperating=_strings(where, raw, "cooperating"),
    )


def _parse_measure(path: Path, raw: Mapping[str, Any], indicators: Sequence[IndicatorSpec]) -> DerivedMeasure:
    name = _require(f"{path} [[measures]]", raw, "name", str)
    where = f"{path} [[measures]] {name}"
    formula = raw.get("formula", "")
    readiness = raw.get("readiness", "")
    if bool(formula) == bool(readiness):
        raise PlanError(f"{where}: 需要 formula 或 readiness 之一 / give exactly one of formula or readiness")
    if readiness and not any(i.set == readiness and i.target for i in indicators):
        raise PlanError(
            f"{where}: 指标集 {readiness} 中没有带目标的指标 / indicator set {readiness!r} has no "
            "indicator with a target"
        )
    return DerivedMeasure(
        name=name, name_zh=raw.get("name_zh", name), formula=str(formula), readiness=readiness
    )


def _parse_indicator(
    path: Path, raw: Mapping[str, Any], default_deadline: dt.date, clause_ids: set[str], groups: set[str]
) -> IndicatorSpec:
    ident = _require(f"{path} [[indicators]]", raw, "id", str)
    where = f"{path} 指标 indicator {ident}"
    clause = _require(where, raw, "clause", str)
    also = _strings(where, raw, "also")
    for c in (clause, *also):
        if c not in clause_ids:
            raise PlanError(f"{where}: 未知条款 {c} / unknown clause id {c!r} (add it to [[clauses]])")
    group = _require(where, raw, "group", str)
    if group not in groups:
        raise PlanError(f"{where}: 未知分组 {group} / unknown group {group!r} (add it to [[groups]])")
    target_raw = raw.get("target")
    target = _parse_target(where, target_raw, default_deadline) if target_raw is not None else None
    kind = raw.get("kind", "target")
    if kind not in TARGET_KINDS:
        raise PlanError(f"{where}: 未知目标类型 {kind} / unknown kind {kind!r}; use target or ban")
    if kind == "ban":
        if target is None or target.comparison != "<=" or target.value != 0:
            raise PlanError(f"{where}: 禁止性目标须为 <= 0 / a ban counts breaches: its target is '<=' 0")
        target = dataclasses.replace(target, kind="ban")
    upper = raw.get("upper")
    if upper is not None and not isinstance(upper, (int, float)):
        raise PlanError(f"{where}: upper 应为数值 / 'upper' must be a number")
    return IndicatorSpec(
        id=ident,
        set=raw.get("set", TARGETS_SET),
        group=group,
        name_zh=_require(where, raw, "name_zh", str),
        name_en=_require(where, raw, "name_en", str),
        clause=clause,
        also=also,
        formula=_require(where, raw, "formula", str),
        unit=raw.get("unit", ""),
        lead=raw.get("lead", ""),
        cooperating=_strings(where, raw, "cooperating"),
        target=target,
        upper=float(upper) if upper is not None else None,
        note_zh=raw.get("note_zh", ""),
        note_en=raw.get("note_en", ""),
    )


TARGET_KINDS = ("target", "ban")


def _parse_target(where: str, raw: Any, default_deadline: dt.date) -> Target:
    where = f"{where} target"
    if not isinstance(raw, dict):
        raise PlanError(f"{where}: target 应为表 / 'target' must be a table")
    comparison = _require(where, raw, "comparison", str)
    if comparison not in COMPARISONS:
        raise PlanError(
            f"{where}: 未知比较符 {comparison} / unknown comparison {comparison!r}; use one of "
            + ", ".join(COMPARISONS)
        )
    scope = _require(where, raw, "scope", str)
    if scope not in SCOPES:
        raise PlanError(f"{where}: 未知范围 {scope} / unknown scope {scope!r}; use city or county")
    levels = tuple(raw.get("compare", [scope]))
    for level in levels:
        if level not in SCOPES:
            raise PlanError(f"{where}: compare 中的 {level} 未知 / unknown level {level!r} in 'compare'")
    deadline = raw.get("deadline", default_deadline)
    if not isinstance(deadline, dt.date):
        raise PlanError(f"{where}: deadline 应为日期 / 'deadline' must be a date (YYYY-MM-DD)")
    if ("value" in raw) == ("standard" in raw):
        raise PlanError(f"{where}: 需要 value 或 standard 之一 / give exactly one of value or standard")
    source, verified = "", True
    if "standard" in raw:
        ref = _require(where, raw, "standard", str)
        section, _, key = ref.partition(".")
        if not key:
            raise PlanError(f"{where}: standard 应为 节.键 / 'standard' must be 'section.key', not {ref!r}")
        try:
            value = standards.value(section, key)
        except standards.StandardsError as exc:
            raise PlanError(f"{where}: {exc}") from exc
        source = standards.source_of(section, key)
        verified = standards.is_verified(section, key)
    else:
        value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlanError(f"{where}: 目标值应为数值 / the target value must be a number, not {value!r}")
    return Target(
        value=float(value),
        comparison=comparison,
        deadline=deadline,
        scope=scope,
        compare=levels,
        source=source,
        verified=verified,
        origin="standard" if "standard" in raw else str(raw.get("source", "")),
        reason=str(raw.get("reason", "")),
    )


def _parse_tasks(
    path: Path, raw_tasks: Any, default_deadline: dt.date, clause_ids: set[str]
) -> tuple[TaskSpec, ...]:
    """``[[tasks]]``: every entry names a known clause, a lead department and (or inherits) a
    deadline; milestones fall on or before the task's deadline; ids are unique."""
    if not isinstance(raw_tasks, list):
        raise PlanError(f"{path} [[tasks]]: 应为表数组 / 'tasks' must be an array of tables")
    tasks: list[TaskSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_tasks):
        if not isinstance(raw, dict):
            raise PlanError(f"{path} [[tasks]] #{index + 1}: 应为表 / each task must be a table")
        ident = _require(f"{path} [[tasks]] #{index + 1}", raw, "id", str)
        where = f"{path} 任务 task {ident}"
        if ident in seen:
            raise PlanError(f"{where}: 任务 id 重复 / task id {ident!r} is used twice")
        seen.add(ident)
        clause = _require(where, raw, "clause", str)
        if clause not in clause_ids:
            raise PlanError(
                f"{where}: 未知条款 {clause} / unknown clause id {clause!r} (add it to [[clauses]])"
            )
        lead = _require(where, raw, "lead", str)
        if not lead.strip():
            raise PlanError(f"{where}: 须写明牵头单位 / 'lead' (the lead department) must not be empty")
        deadline = raw.get("deadline", default_deadline)
        if not isinstance(deadline, dt.date):
            raise PlanError(f"{where}: deadline 应为日期 / 'deadline' must be a date (YYYY-MM-DD)")
        milestones = []
        raw_milestones = raw.get("milestones", [])
        if not isinstance(raw_milestones, list):
            raise PlanError(f"{where}: milestones 应为表数组 / 'milestones' must be a list of tables")
        for m_index, m in enumerate(raw_milestones):
            m_where = f"{where} milestone #{m_index + 1}"
            if not isinstance(m, dict):
                raise PlanError(f"{m_where}: 应为表 / each milestone must be a table")
            due = _require(m_where, m, "due", dt.date)
            if due > deadline:
                raise PlanError(
                    f"{m_where}: 节点日期 {due} 晚于任务期限 {deadline} / the milestone is due after the "
                    "task's deadline"
                )
            milestones.append(
                MilestoneSpec(
                    title_zh=_require(m_where, m, "title_zh", str),
                    title_en=str(m.get("title_en", "")),
                    due=due,
                )
            )
        tasks.append(
            TaskSpec(
                id=ident,
                clause=clause,
                title_zh=_require(where, raw, "title_zh", str),
                title_en=_require(where, raw, "title_en", str),
                lead=lead.strip(),
                cooperating=_strings(where, raw, "cooperating"),
                deadline=deadline,
                milestones=tuple(milestones),
            )
        )
    return tuple(tasks)
