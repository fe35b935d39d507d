"""Saving, listing and comparing planning scenarios.

A scenario holds the choices behind a county target — births assumption, city target, allocation
method — so the city can show which assumptions a target came from and how another assumption
would change it. Saving validates with ``full_clean`` and checks the user's scope (the one scoping
function); comparing re-runs both on today's registry through the allocation run (:mod:`eduplan.planning.allocation.run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from eduplan.accounts.scoping import can_add, scope
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

from .. import registry_inputs as ri
from ..allocation.run import AllocationRun, run_allocation
from ..defaults import defaults, resolve_target
from ..errors import PlanningInputError
from ..models import PlanningScenario
from ..projection.core import KINDERGARTEN_AGES
from ..projection.run import ProjectionRun, run_projection


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def owner_division(*, county: str | None = None, city: str | None = None, user: Any = None) -> Division:
    """The city (default: the only city in the registry or the user's scope) or a county that
    owns a scenario."""
    qs = Division.objects.filter(valid_to__isnull=True)
    if county:
        found: QuerySet[Division] = qs.filter(level=DivisionLevel.COUNTY, code=county)
        if user is not None:
            found = scope(user, found)
        division = found.first()
        if division is None:
            raise PlanningInputError(
                f"找不到县 {county}(或无权查看)/ no county {county} (or not in your scope)"
            )
        return division
    cities: QuerySet[Division] = qs.filter(level=DivisionLevel.CITY)
    if city:
        cities = cities.filter(code=city)
    if user is not None:
        cities = scope(user, cities)
    found_cities = list(cities[:2])
    if len(found_cities) != 1:
        listed = ", ".join(c.code for c in cities[:10]) or "无 none"
        raise PlanningInputError(
            f"请用 --city 或 --county 指定情景所属区划(可选市:{listed})/ choose the city or county the "
            f"scenario belongs to with --city or --county (cities: {listed})"
        )
    return found_cities[0]


def save_scenario(
    name: str,
    *,
    division: Division,
    births: str | None = None,
    births_series: dict[int, float] | None = None,
    target: float | None = None,
    method: str | None = None,
    end_year: int | None = None,
    basis: str | None = None,
    description: str = "",
    user: Any = None,
    replace: bool = False,
) -> PlanningScenario:
    """Create (or with ``replace`` overwrite) the scenario ``name`` of ``division``."""
    d = defaults()
    with transaction.atomic():
        existing = PlanningScenario.objects.filter(division=division, name=name).first()
        if existing is not None and not replace:
            raise PlanningInputError(
                f"情景 {name} 已存在,如要覆盖请加 --replace / scenario {name} already exists: add --replace to "
                "overwrite it"
            )
        scenario = existing or PlanningScenario(division=division, name=name)
        scenario.births = births or d.births
        scenario.births_series = {str(k): v for k, v in (births_series or {}).items()}
        scenario.target = target
        scenario.method = method or d.allocation_method
        scenario.end_year = end_year or d.end_year
        scenario.basis = basis or d.projection_basis
        scenario.description = description
        if user is not None:
            if not can_add(user, scenario):
                raise PermissionDenied("无权为该区划保存情景 / you may not save scenarios for this division")
            if getattr(user, "is_authenticated", False):
                scenario.created_by = user
        try:
            scenario.full_clean()
        except ValidationError as exc:
            raise PlanningInputError(_validation_message(exc)) from exc
        scenario.save()
    return scenario


def scenarios_for(user: Any = None, division: Division | None = None):
    qs = PlanningScenario.objects.select_related("division")
    if division is not None:
        qs = qs.filter(division=division)
    return scope(user, qs) if user is not None else qs


def get_scenario(name: str, division: Division, user: Any = None) -> PlanningScenario:
    found = scenarios_for(user, division).filter(name=name).first()
    if found is None:
        raise PlanningInputError(
            f"{division.name}({division.code})没有名为 {name} 的情景 / no scenario named {name} for {division.code}"
        )
    return found


def scenario_record(s: PlanningScenario) -> dict[str, Any]:
    return {
        "name": s.name,
        "division": s.division.code,
        "division_name": s.division.name,
        "births": s.births,
        "births_series": s.series(),
        "target": s.target,
        "method": s.method,
        "end_year": s.end_year,
        "basis": s.basis,
        "description": s.description,
        "updated_at": timezone.localtime(s.updated_at).strftime("%Y-%m-%d %H:%M"),
    }


@dataclass
class ScenarioResult:
    scenario: PlanningScenario
    projection: ProjectionRun
    allocation: AllocationRun | None
    allocation_error: str


def run_scenario(scenario: PlanningScenario, *, year: int | None = None) -> ScenarioResult:
    """Project and (for a city's scenario) allocate with the scenario's choices."""
    county = scenario.division.code if scenario.division.level == DivisionLevel.COUNTY else None
    city = scenario.division.code if county is None else None
    projection = run_projection(
        counties=[county] if county else None,
        city=city,
        basis=scenario.basis,
        births=scenario.births,
        series=scenario.series() or None,
        end_year=scenario.end_year,
    )
    allocation, error = None, ""
    if city is not None:
        try:
            allocation = run_allocation(
                year or allocation_year(), method=scenario.method, target=scenario.target, city=city
            )
        except PlanningInputError as exc:
            error = str(exc)
    return ScenarioResult(scenario, projection, allocation, error)


def allocation_year() -> int:
    """The school year after the latest one with preschool classes (the next to set targets for)."""
    latest = ri.latest_school_year()
    if latest is None:
        raise PlanningInputError("登记中没有学前班级 / the registry holds no preschool classes")
    return latest + 1


def compare_scenarios(a: PlanningScenario, b: PlanningScenario, *, year: int | None = None) -> dict[str, Any]:
    """Both scenarios side by side, per county and for the whole selection: births assumed in the
    horizon year, the 3–5 population (cut-off day) in the allocation year and at the horizon, the
    allocated target, children and seats needed in the allocation year, and the seat gap at the
    horizon at the scenario's target with the seats the registry knows of."""
    year = year or allocation_year()
    ra, rb = run_scenario(a, year=year), run_scenario(b, year=year)
    horizon = min(a.end_year, b.end_year)

    def measures(r: ScenarioResult) -> dict[tuple[str, str, int], float]:
        out: dict[tuple[str, str, int], float] = {}
        run = r.projection
        areas = run.areas
        proj = run.projection
        years = proj.years.tolist()
        band = ri.band_on_cutoff(proj.population, KINDERGARTEN_AGES, ri.cutoff_fraction())
        supply = ri.load_preschool_supply(areas)
        target = r.allocation.allocation.city_target if r.allocation else resolve_target(r.scenario.target)[0]
        seats_h = supply.seats([horizon])[0]
        per_county: dict[tuple[str, int], Any] = {}
        if horizon > years[0]:
            per_county[("births", horizon)] = proj.births[years.index(horizon) - 1].sum(axis=1)
        for y in sorted({year, horizon}):
            if y in years:
                per_county[("population_3_5", y)] = band[years.index(y)]
        if horizon in years:
            demand = band[years.index(horizon)] * target / 100.0
            per_county[("seat_gap", horizon)] = np.ceil((demand - seats_h).clip(min=0))
        for (measure, y), values in per_county.items():
            for code, v in zip(areas.codes, values.tolist(), strict=True):
                out[(code, measure, y)] = float(v)
            out[("*", measure, y)] = float(values.sum())
        if r.allocation is not None:
            for row in r.allocation.rows():
                code = "*" if row["level"] == DivisionLevel.CITY else row["division"]
                out[(code, "target", year)] = row["target"]
                out[(code, "children", year)] = float(row["children"])
                out[(code, "seats_needed", year)] = float(row["seats_needed"])
        return out

    ma, mb = measures(ra), measures(rb)
    names = dict(zip(ra.projection.areas.codes, ra.projection.areas.names, strict=True))
    names.update(zip(rb.projection.areas.codes, rb.projection.areas.names, strict=True))
    city_code, city_name = ra.projection.city
    order = ["births", "population_3_5", "target", "children", "seats_needed", "seat_gap"]
    keys = sorted(
        set(ma) | set(mb),
        key=lambda k: (k[0] == "*", k[0], order.index(k[1]), k[2]),
    )
    rows = []
    for code, measure, y in keys:
        va, vb = ma.get((code, measure, y)), mb.get((code, measure, y))
        rows.append(
            {
                "division": city_code if code == "*" else code,
                "division_name": (city_name or "合计 total") if code == "*" else names.get(code, ""),
                "measure": measure,
                "year": y,
                "a": va,
                "b": vb,
                "difference": (vb - va) if va is not None and vb is not None else None,
            }
        )
    return {
        "scenarios": [scenario_record(a), scenario_record(b)],
        "allocation_year": year,
        "horizon": horizon,
        "rows": rows,
        "notes": [
            *(f"{r.scenario.name}: {r.allocation_error}" for r in (ra, rb) if r.allocation_error),
        ],
    }
