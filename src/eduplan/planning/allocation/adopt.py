"""Adopting county targets (精准下达): the city's decision, recorded, versioned and read back.

The plan asks the city to set each county its own target. An allocation run (``eduplan plan
allocate``, a saved planning scenario) proposes county targets; this module turns a proposal — or a
file the city fills in by hand — into targets of record that the indicators judge counties against
(:func:`eduplan.metrics.progress.apply_county_targets`). Only indicators whose plan target is
city-wide and compared county by county need county targets (:func:`city_level_indicators`); only
the city (a city officer or a superuser with ``may_adopt_targets``) adopts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from eduplan.accounts import permissions
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

from ..errors import PlanningInputError
from .adopted_models import AdoptedTarget, AdoptionOrigin, TargetAdoption

if TYPE_CHECKING:
    from eduplan.accounts.permissions import User
    from eduplan.metrics.progress import CountyTarget
    from eduplan.plans.loader import IndicatorSpec, Plan

#: Columns of an adoption file (xlsx), as ``eduplan plan targets --format xlsx`` writes them.
FILE_COLUMNS = ("indicator", "division", "division_name", "year", "target")


@dataclass(frozen=True)
class TargetOfRecord:
    """The adopted target in force for one indicator, county and school year."""

    indicator: str
    division: str
    division_name: str
    year: int
    target: float
    origin: str
    scenario: str
    method: str
    version: int
    adopted_by: str
    adopted_at: str
    reason: str

    def record(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "division": self.division,
            "division_name": self.division_name,
            "year": self.year,
            "target": self.target,
            "origin": self.origin,
            "scenario": self.scenario or None,
            "method": self.method or None,
            "version": self.version,
            "adopted_by": self.adopted_by,
            "adopted_at": self.adopted_at,
            "reason": self.reason,
        }


def needs_county_targets(spec: IndicatorSpec) -> bool:
    """A plan target set for the city as a whole and compared county by county: each county needs
    a target of its own, adopted by the city."""
    t = spec.target
    return t is not None and t.scope == DivisionLevel.CITY.value and DivisionLevel.COUNTY.value in t.compare


def city_level_indicators(plan: Plan | None = None) -> list[IndicatorSpec]:
    from eduplan.plans.loader import load_plan

    plan = plan or load_plan()
    return [spec for spec in plan.indicators if needs_county_targets(spec)]


def may_adopt(user: User | None) -> bool:
    """The city adopts county targets: ``may_adopt_targets`` and bound to the whole city (or a
    superuser). A county officer may draft county action plans but not set their own targets."""
    return permissions.is_superuser(user) or (
        permissions.may_adopt_targets(user) and permissions.sees_whole_city(user)
    )


def _spec(indicator: str) -> IndicatorSpec:
    from eduplan.plans.loader import load_plan

    plan = load_plan()
    spec = next((s for s in plan.indicators if s.id == indicator), None)
    if spec is None:
        raise PlanningInputError(
            f"规划文件 {plan.path.name} 中没有指标 {indicator} / no indicator {indicator} in {plan.path.name}"
        )
    if not needs_county_targets(spec):
        raise PlanningInputError(
            f"指标 {indicator} 的规划目标不是全市目标,县目标即规划目标,无需分解 / the plan target of {indicator} "
            "is not a city-wide target compared by county: counties are judged against the plan's target"
        )
    return spec


def _check_value(spec: IndicatorSpec, code: str, value: float, where: str) -> None:
    upper = spec.upper
    if value != value or value < 0 or (upper is not None and value > upper):
        bound = f"0–{upper:g}" if upper is not None else "≥ 0"
        raise PlanningInputError(
            f"{where}:{code} 的目标 {value} 超出 {bound} / {where}: target {value} for {code} is outside {bound}"
        )


@transaction.atomic
def adopt(
    indicator: str,
    year: int,
    targets: Mapping[str, float],
    *,
    user: User | None,
    reason: str,
    origin: str,
    scenario: str = "",
    method: str = "",
    file_name: str = "",
    where: str = "",
) -> TargetAdoption:
    """Record the city's adoption of ``targets`` (county code → value) for ``indicator`` and ``year``.

    The next version for the indicator and year; every county must belong to one city. Raises
    :class:`PermissionDenied` for anyone but the city, :class:`PlanningInputError` naming the
    indicator, county or value that is wrong.
    """
    if not may_adopt(user):
        raise PermissionDenied("只有市级可以通过县目标 / only the city adopts county targets")
    if not reason.strip():
        raise PlanningInputError("请说明通过理由(--reason)/ give the reason for the adoption (--reason)")
    spec = _spec(indicator)
    where = where or indicator
    if not targets:
        raise PlanningInputError(f"{where}:没有县目标 / {where}: no county targets to adopt")
    divisions = {d.code: d for d in Division.objects.filter(code__in=list(targets))}
    cities: set[int | None] = set()
    for code, value in targets.items():
        d = divisions.get(code)
        if d is None or d.level != DivisionLevel.COUNTY:
            raise PlanningInputError(
                f"{where}:{code} 不是登记中的县 / {where}: {code} is not a county in the registry"
            )
        _check_value(spec, code, float(value), where)
        cities.add(d.city_id)
    if len(cities) != 1 or None in cities:
        raise PlanningInputError(f"{where}:县须属于同一个市 / {where}: the counties must belong to one city")
    city_id = cities.pop()
    assert city_id is not None
    last = TargetAdoption.objects.filter(indicator=indicator, year=year).aggregate(v=Max("version"))["v"]
    adopted_by = user if isinstance(user, get_user_model()) else None
    adoption = TargetAdoption.objects.create(
        indicator=indicator,
        year=year,
        version=(last or 0) + 1,
        city_id=city_id,
        origin=origin,
        scenario=scenario,
        method=method,
        file_name=file_name,
        reason=reason.strip(),
        adopted_by=adopted_by,
    )
    AdoptedTarget.objects.bulk_create(
        AdoptedTarget(adoption=adoption, division=divisions[c], target=round(float(v), 4))
        for c, v in targets.items()
    )
    _invalidate()
    return adoption


def _invalidate() -> None:
    """Adopted targets change verdicts: drop the cached dashboards and findings."""
    from eduplan.registry.models.version import bump_version

    bump_version()


def adopt_from_scenario(
    indicator: str, year: int, scenario_name: str, *, user: User | None, reason: str
) -> TargetAdoption:
    """Adopt the county targets of the saved city scenario ``scenario_name`` (its allocation run)."""
    from ..scenarios.store import get_scenario, run_scenario

    spec = _spec(indicator)
    from ..defaults import defaults

    allocated = defaults().target_indicator
    if spec.id != allocated:
        raise PlanningInputError(
            f"分解工具只为 {allocated} 分解目标,{indicator} 请用 --file 导入 / the allocation splits {allocated} "
            f"only: adopt {indicator} from a file (--file)"
        )
    city = _user_city(user)
    scenario = get_scenario(scenario_name, city)
    result = run_scenario(scenario, year=year)
    if result.allocation is None:
        raise PlanningInputError(
            f"情景 {scenario_name} 无法分解 / scenario {scenario_name} gives no allocation: {result.allocation_error}"
        )
    alloc = result.allocation.allocation
    if not alloc.feasible:
        raise PlanningInputError(
            f"情景 {scenario_name} 的分解不可行,不能通过 / the allocation of {scenario_name} is infeasible: {alloc.message}"
        )
    targets = {code: float(t) for code, t in zip(alloc.divisions, alloc.target, strict=True)}
    return adopt(
        indicator,
        year,
        targets,
        user=user,
        reason=reason,
        origin=AdoptionOrigin.SCENARIO,
        scenario=scenario.name,
        method=alloc.method,
        where=f"情景 scenario {scenario_name}",
    )


def _user_city(user: User | None) -> Division:
    from eduplan.accounts.scoping import profile_of

    profile = profile_of(user)
    if profile is not None and profile.division is not None and profile.division.level == DivisionLevel.CITY:
        return profile.division
    cities = list(Division.objects.filter(level=DivisionLevel.CITY)[:2])
    if len(cities) != 1:
        raise PlanningInputError("登记中有多个市,请以市级用户通过 / several cities: adopt as a city officer")
    return cities[0]


def read_file(path: str | Path, indicator: str, year: int) -> dict[str, float]:
    """County targets from an xlsx file with columns ``division`` and ``target`` (optionally
    ``indicator`` and ``year``: rows of other indicators or years are skipped). Errors name the file,
    row and column."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise PlanningInputError(f"{path.name}:无法读取 xlsx / cannot read the xlsx file: {exc}") from exc
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise PlanningInputError(f"{path.name}:文件为空 / the file is empty")
    header = [str(h or "").strip().split(" ")[-1].lower() for h in rows[0]]
    col = {name: header.index(name) for name in FILE_COLUMNS if name in header}
    for needed in ("division", "target"):
        if needed not in col:
            raise PlanningInputError(
                f"{path.name} 第 1 行:缺少列 {needed} / {path.name} row 1: column {needed} is missing"
            )
    out: dict[str, float] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        if (
            "indicator" in col
            and row[col["indicator"]] not in (None, "")
            and str(row[col["indicator"]]) != indicator
        ):
            continue
        if "year" in col and row[col["year"]] not in (None, "") and int(row[col["year"]]) != year:
            continue
        code = str(row[col["division"]] or "").strip()
        raw = row[col["target"]]
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            letter = chr(ord("A") + col["target"])
            raise PlanningInputError(
                f"{path.name} 第 {n} 行 {letter} 列(target):{raw!r} 不是数值 / {path.name} row {n}, column "
                f"{letter} (target): {raw!r} is not a number"
            ) from None
        if code in out:
            raise PlanningInputError(
                f"{path.name} 第 {n} 行:{code} 重复 / {path.name} row {n}: {code} repeated"
            )
        out[code] = value
    return out


def adopt_from_file(
    indicator: str, year: int, path: str | Path, *, user: User | None, reason: str
) -> TargetAdoption:
    targets = read_file(path, indicator, year)
    return adopt(
        indicator,
        year,
        targets,
        user=user,
        reason=reason,
        origin=AdoptionOrigin.FILE,
        file_name=Path(path).name,
        where=Path(path).name,
    )


# ------------------------------------------------------------------------------------- reading


def in_force(
    *, indicator: str | None = None, year: int | None = None, divisions: Iterable[str] | None = None
) -> list[TargetOfRecord]:
    """The adopted targets in force: for each indicator, county and year, the latest version that
    gives the county a value. Ordered by indicator, year, county."""
    qs = AdoptedTarget.objects.select_related("adoption", "adoption__adopted_by", "division").order_by(
        "adoption__indicator", "adoption__year", "division__code", "-adoption__version"
    )
    if indicator:
        qs = qs.filter(adoption__indicator=indicator)
    if year is not None:
        qs = qs.filter(adoption__year=year)
    if divisions is not None:
        qs = qs.filter(division__code__in=list(divisions))
    seen: set[tuple[str, int, str]] = set()
    out: list[TargetOfRecord] = []
    for t in qs:
        a = t.adoption
        key = (a.indicator, a.year, t.division.code)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            TargetOfRecord(
                indicator=a.indicator,
                division=t.division.code,
                division_name=t.division.name,
                year=a.year,
                target=t.target,
                origin=a.origin,
                scenario=a.scenario,
                method=a.method,
                version=a.version,
                adopted_by=_who(a),
                adopted_at=_when(a),
                reason=a.reason,
            )
        )
    return out


def _who(a: TargetAdoption) -> str:
    return a.adopted_by.get_username() if a.adopted_by else ""


def _when(a: TargetAdoption) -> str:
    return timezone.localtime(a.adopted_at).isoformat(timespec="seconds")


def history(indicator: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """Every adoption (all versions), newest first: who, when, why, from which scenario or file."""
    qs = TargetAdoption.objects.select_related("adopted_by").order_by("-adopted_at", "-version")
    if indicator:
        qs = qs.filter(indicator=indicator)
    if year is not None:
        qs = qs.filter(year=year)
    return [
        {
            "indicator": a.indicator,
            "year": a.year,
            "version": a.version,
            "origin": a.origin,
            "scenario": a.scenario or None,
            "method": a.method or None,
            "file": a.file_name or None,
            "adopted_by": _who(a),
            "adopted_at": _when(a),
            "reason": a.reason,
            "counties": a.targets.count(),
        }
        for a in qs
    ]


def adopted_targets() -> dict[tuple[str, str], dict[int, CountyTarget]]:
    """Every adopted target in force, keyed for :func:`eduplan.metrics.progress.apply_county_targets`."""
    from eduplan.metrics.progress import CountyTarget

    out: dict[tuple[str, str], dict[int, CountyTarget]] = {}
    for t in in_force():
        out.setdefault((t.indicator, t.division), {})[t.year] = CountyTarget(
            year=t.year,
            value=t.target,
            adopted_by=t.adopted_by,
            adopted_at=t.adopted_at,
            scenario=t.scenario or None,
        )
    return out
