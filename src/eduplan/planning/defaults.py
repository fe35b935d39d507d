"""Planning settings and the births series, shared by every planning tool.

Settings come from ``plan/standards.toml`` ``[planning]`` (every default has its source or is
marked an assumption there) and the default city target from the plan file (its indicator
``target_indicator``, 学前三年毛入园率 ≥ 96% in Yuxi's plan, ). The runs of the projection,
gaps and allocation tools and the siting adapter read them from here, so they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from eduplan.plans import standards

from .errors import PlanningInputError
from .gaps.core import (
    TownshipProvisionSettings,
    ViabilitySettings,
)
from .projection.core import (
    FloatArray,
)

BIRTH_SCENARIOS = ("constant", "trend", "series")


# ------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PlanningDefaults:
    """``[planning]`` of the standards file, with the floor of ``floor_share`` from
    ``[assessment] gross_enrollment_rate_min`` (85%, 教督〔2020〕1号)."""

    end_year: int
    births: str
    backtest_years: int
    projection_basis: str
    allocation_basis: str
    allocation_method: str
    target_indicator: str
    default_target_rate: float
    floor_rate: float
    township: TownshipProvisionSettings
    viability: ViabilitySettings


def defaults() -> PlanningDefaults:
    sec = standards.section("planning")

    def get(key: str) -> Any:
        return standards.value("planning", key) if key not in sec else sec[key]

    return PlanningDefaults(
        end_year=int(get("end_year")),
        births=str(get("births_scenario")),
        backtest_years=int(get("backtest_years")),
        projection_basis=str(get("projection_basis")),
        allocation_basis=str(get("allocation_basis")),
        allocation_method=str(get("allocation_method")),
        target_indicator=str(get("target_indicator")),
        default_target_rate=float(get("default_target_rate")),
        floor_rate=float(standards.value("assessment", "gross_enrollment_rate_min")),
        township=TownshipProvisionSettings(
            min_population=float(get("township_min_population")),
            min_public_kindergartens=int(get("township_min_public_kindergartens")),
        ),
        viability=ViabilitySettings(
            min_children=float(get("village_min_children")),
            min_years_below=int(get("village_min_years_below")),
        ),
    )


def plan_target() -> tuple[float | None, str]:
    """The city target of ``[planning] target_indicator`` in the plan file, and where it came from
    (or ``None`` and why not: then ``--target`` is required)."""
    from eduplan.plans.loader import PlanError, load_plan

    name = defaults().target_indicator
    try:
        plan = load_plan()
    except PlanError as exc:
        return None, f"规划文件不可用 / the plan file is not available: {exc}"
    spec = next((i for i in plan.indicators if i.id == name), None)
    if spec is None or spec.target is None:
        return None, (
            f"规划文件 {plan.path.name} 中没有指标 {name} 的目标 / the plan file {plan.path.name} has no "
            f"target for indicator {name}"
        )
    return float(
        spec.target.value
    ), f"{plan.path.name}: {name} {spec.target.comparison} {spec.target.value:g}%"


def resolve_target(target: float | None) -> tuple[float, str]:
    """``target`` if given, else the plan file's; a clear error when neither exists."""
    if target is not None:
        return float(target), "--target"
    value, where = plan_target()
    if value is None:
        raise PlanningInputError(
            f"请用 --target 给出全市目标(百分比):{where} / give the city target with --target (percent): {where}"
        )
    return value, where


# --------------------------------------------------------------------------------------- births


SERIES_ITEM = re.compile(r"^\s*(\d{4})\s*:\s*(\d+(?:\.\d+)?)\s*$")


def parse_series(text: str) -> dict[int, float]:
    """``"2025:19000,2026:18500"`` → ``{2025: 19000.0, 2026: 18500.0}`` (births of the whole
    selection by year)."""
    out: dict[int, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        m = SERIES_ITEM.match(item)
        if m is None:
            raise PlanningInputError(
                f"出生序列项 {item.strip()!r} 格式错误,应为 年份:人数 / births series item {item.strip()!r} "
                "must be YEAR:BIRTHS, e.g. 2025:19000,2026:18500"
            )
        year = int(m.group(1))
        if year in out:
            raise PlanningInputError(
                f"出生序列中 {year} 年重复 / year {year} appears twice in the births series"
            )
        out[year] = float(m.group(2))
    if not out:
        raise PlanningInputError("出生序列为空 / the births series is empty")
    return out


def series_by_area(
    series: dict[int, float], base_year: int, end_year: int, base_births: FloatArray
) -> tuple[FloatArray, list[str]]:
    """Births ``(end_year − base_year, areas)`` from totals by year, shared among the areas as in
    the base year's births. The series must start the year after the base and have no holes; after
    its last year the last value is held (noted)."""
    notes: list[str] = []
    ignored = sorted(y for y in series if y <= base_year)
    if ignored:
        notes.append(
            f"出生序列中 {', '.join(map(str, ignored))} 年不晚于基年 {base_year},已忽略 / births series years "
            f"{', '.join(map(str, ignored))} are not after the base year {base_year} and were ignored"
        )
    future = {y: v for y, v in series.items() if y > base_year}
    if base_year + 1 not in future:
        raise PlanningInputError(
            f"出生序列须从基年后一年 {base_year + 1} 开始 / the births series must start in {base_year + 1}, "
            f"the year after the base year {base_year}"
        )
    last = max(future)
    holes = [y for y in range(base_year + 1, last) if y not in future]
    if holes:
        raise PlanningInputError(
            f"出生序列缺少 {', '.join(map(str, holes))} 年 / the births series misses {', '.join(map(str, holes))}"
        )
    if last < end_year:
        notes.append(
            f"{last} 年以后的出生人口沿用 {last} 年的 {future[last]:.0f} / births after {last} are held at "
            f"{future[last]:.0f}"
        )
    totals = np.array([future.get(y, future[last]) for y in range(base_year + 1, end_year + 1)])
    base = np.asarray(base_births, dtype=float)
    share = base / base.sum() if base.sum() > 0 else np.full(base.size, 1.0 / max(base.size, 1))
    return totals[:, None] * share[None, :], notes
