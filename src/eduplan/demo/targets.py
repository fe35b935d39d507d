"""The demo city adopts county targets for every city-wide plan target (精准下达, issue 16).

Without adopted targets every county row of a city-wide target would show "未分解目标" and no
status. The demo's city officer adopts, as a real city would:

- the allocated indicator (``[planning] target_indicator``, 学前三年毛入园率): a saved city scenario
  (``演示分解``) allocated for the next school year, adopted from the scenario;
- every other city-wide target, for which no allocation method exists: a generated file, imported as
  a city would import its own table — each county's target is the plan's city value, or for a "≥"
  target the county's latest value where that is already higher (never below what it has reached),
  capped at the indicator's upper bound.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from eduplan.registry.models import Division

if TYPE_CHECKING:
    from eduplan.plans.loader import IndicatorSpec

SCENARIO = "演示分解"
REASON = "演示:市教育体育局按规划分解各县目标 / demo: the city sets each county's target"


def adopt_demo_targets(city_code: str, username: str = "city") -> list[str]:
    """Adopt county targets for every city-wide indicator; returns ``indicator: how`` lines."""
    from eduplan.metrics.cached import all_indicator_records
    from eduplan.planning.allocation import adopt
    from eduplan.planning.defaults import defaults
    from eduplan.planning.errors import PlanningInputError
    from eduplan.planning.scenarios.store import allocation_year, save_scenario

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return []
    city = Division.objects.get(code=city_code)
    year = allocation_year()
    records = all_indicator_records()
    done = []
    for spec in adopt.city_level_indicators():
        if spec.id == defaults().target_indicator:
            save_scenario(SCENARIO, division=city, user=user, replace=True, description="演示 demo")
            try:
                adopt.adopt_from_scenario(spec.id, year, SCENARIO, user=user, reason=REASON)
                done.append(f"{spec.id}: scenario {SCENARIO}")
                continue
            except PlanningInputError:
                pass  # an infeasible allocation: fall back to the file below
        with tempfile.TemporaryDirectory() as folder:
            path = _write_file(spec, year, records, Path(folder))
            adopt.adopt_from_file(spec.id, year, path, user=user, reason=REASON)
        done.append(f"{spec.id}: file")
    return done


def _write_file(spec: IndicatorSpec, year: int, records: Sequence[Mapping[str, Any]], folder: Path) -> Path:
    """The county targets as a city would write them, in ``folder`` under a name that depends on
    the indicator alone (the adoption records the file's name: the same seed gives the same rows)."""
    target = spec.target
    assert target is not None, spec.id  # city_level_indicators: each has a city-wide target
    latest: dict[str, tuple[int, float | None]] = {}
    for r in records:
        if r["indicator"] == spec.id and r["level"] == "county" and r["year"] <= year:
            if r["division"] not in latest or r["year"] > latest[r["division"]][0]:
                latest[r["division"]] = (r["year"], r["value"])
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "division", "year", "target"])
    for code, (_, value) in sorted(latest.items()):
        value_now = float(value) if value is not None else None
        county_target = target.value
        if target.comparison in (">=", ">") and value_now is not None:
            county_target = max(county_target, value_now)
        if spec.upper is not None:
            county_target = min(county_target, spec.upper)
        sheet.append([spec.id, code, year, round(county_target, 2)])
    path = folder / f"demo-targets-{spec.id}.xlsx"
    book.save(path)
    return path
