"""The projection run over the registry: registry inputs → the pure cohort projection.

The ``eduplan plan project`` command and the population page both call :func:`run_projection`,
so the numbers a city officer sees on a page are the numbers the CLI prints. The gaps, allocation
and siting runs build on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from eduplan.registry.choices import DivisionLevel

from .. import registry_inputs as ri
from ..defaults import BIRTH_SCENARIOS, defaults, series_by_area
from ..errors import PlanningInputError
from ..projection.core import (
    HIGH_SCHOOL_AGES,
    KINDERGARTEN_AGES,
    Backtest,
    FloatArray,
    Projection,
    ProjectionSettings,
    backtest,
    project_from_history,
)

BANDS = (KINDERGARTEN_AGES, HIGH_SCHOOL_AGES)


# ----------------------------------------------------------------------------------- projection


@dataclass
class ProjectionRun:
    """A projection of ages 0–17 by area from the registry, with its back-tests and notes."""

    inputs: ri.PopulationInputs
    settings: ProjectionSettings
    projection: Projection
    backtest: Backtest | None
    backtest_observed: Backtest | None
    notes: list[str] = field(default_factory=list)

    @property
    def areas(self) -> ri.Areas:
        return self.inputs.areas

    @property
    def city(self) -> tuple[str, str]:
        a = self.areas
        return (a.city_codes[0], a.city_names[0]) if len(a.city_codes) == 1 else ("", "")

    def all_notes(self) -> list[str]:
        return self.projection.notes(BANDS) + self.notes + self.inputs.notes

    def band_rows(self) -> list[dict[str, Any]]:
        """Ages 3–5 and 15–17 at year end by area and year, then the selection's total per year."""
        city_code, city_name = self.city
        rows: list[dict[str, Any]] = []
        names = dict(zip(self.areas.codes, self.areas.names, strict=True))
        for band in BANDS:
            records = self.projection.band_records(band, self.areas.codes)
            history = self.inputs.population[:-1, :, band.lo : band.hi + 1].sum(axis=(2, 3))
            for t, year in enumerate(self.inputs.years[:-1].tolist()):
                for j, code in enumerate(self.areas.codes):
                    records.append(
                        {
                            "year": year,
                            "division": code,
                            "ages": band.label,
                            "population": float(history[t, j]),
                            "already_born": True,
                            "already_born_share": 1.0,
                        }
                    )
            for r in records:
                r["division_name"] = names[r["division"]]
                r["level"] = self.areas.level
            values = np.concatenate([history, self.projection.band(band)])
            born_all = np.concatenate([np.ones(len(history), bool), self.projection.band_already_born(band)])
            born_share = np.concatenate([np.ones_like(history), self.projection.band_born_share(band)])
            all_years = [*self.inputs.years[:-1].tolist(), *self.projection.years.tolist()]
            for i, year in enumerate(all_years):
                total = float(values[i].sum())
                share = float((born_share[i] * values[i]).sum() / total) if total > 0 else 1.0
                records.append(
                    {
                        "year": int(year),
                        "division": city_code,
                        "ages": band.label,
                        "population": total,
                        "already_born": bool(born_all[i]),
                        "already_born_share": share,
                        "division_name": city_name or "合计 total",
                        "level": DivisionLevel.CITY.value if city_code else "total",
                    }
                )
            rows += records
        for r in rows:
            r["observed"] = r["year"] <= self.inputs.last_year
            r["basis"] = self.inputs.basis
            r["births_scenario"] = self.settings.births
        order = ["level", "division", "division_name", "ages", "year", "population", "observed"]
        band_order = {band.label: i for i, band in enumerate(BANDS)}
        return [
            {k: r[k] for k in order} | {k: v for k, v in r.items() if k not in order}
            for r in sorted(
                rows,
                key=lambda r: (
                    band_order[r["ages"]],
                    r["level"] != self.areas.level,
                    r["division"],
                    r["year"],
                ),
            )
        ]

    def backtest_rows(self) -> list[dict[str, Any]]:
        """Back-test errors by year: the selection's areas for ages 0–17 and each band, and cells."""
        out: list[dict[str, Any]] = []
        for label, bt in (("scenario", self.backtest), ("observed", self.backtest_observed)):
            if bt is None:
                continue
            for r in bt.records():
                out.append({"births": label, "base_year": bt.base_year, **r})
        return out

    def pyramid(self, area: int, year: int) -> dict[str, list[float]]:
        """Males and females by single age (0–17) of one area in one year (observed or projected)."""
        years = list(self.projection.years)
        if year < self.inputs.first_year or year > years[-1]:
            raise PlanningInputError(
                f"{year} 年不在 {self.inputs.first_year}–{years[-1]} 之内 / {year} is outside "
                f"{self.inputs.first_year}–{years[-1]}"
            )
        if year <= self.inputs.last_year:
            cells = self.inputs.population[year - self.inputs.first_year, area]
        else:
            cells = self.projection.population[years.index(year), area]
        return {"male": [float(x) for x in cells[:, 0]], "female": [float(x) for x in cells[:, 1]]}


def _births_array(
    inputs: ri.PopulationInputs, settings: ProjectionSettings, series: dict[int, float] | None
) -> tuple[FloatArray | None, list[str]]:
    if settings.births != "series":
        return None, []
    if not series:
        raise PlanningInputError(
            '出生情景为 "series" 时须用 --series 给出逐年出生人口 / the "series" births scenario needs --series '
            "YEAR:BIRTHS,…"
        )
    return series_by_area(series, inputs.last_year, settings.end_year, inputs.births[-1])


def projection_settings(births: str | None, end_year: int | None) -> ProjectionSettings:
    """The projection's settings for a births scenario and horizon (defaults where not given)."""
    d = defaults()
    scenario = births or d.births
    if scenario not in BIRTH_SCENARIOS:
        raise PlanningInputError(
            f"未知出生情景 {scenario!r} / unknown births scenario {scenario!r}: {', '.join(BIRTH_SCENARIOS)}"
        )
    return ProjectionSettings(end_year=end_year or d.end_year, births=scenario)  # type: ignore[arg-type]


def project_inputs(
    inputs: ri.PopulationInputs,
    settings: ProjectionSettings,
    series: dict[int, float] | None = None,
    *,
    with_backtest: bool = True,
) -> ProjectionRun:
    """Project observed inputs to ``settings.end_year`` and back-test the method on their history."""
    if settings.end_year < inputs.last_year:
        raise PlanningInputError(
            f"预测终年 {settings.end_year} 早于最后观测年 {inputs.last_year} / the end year {settings.end_year} "
            f"is before the last observed year {inputs.last_year}"
        )
    notes: list[str] = []
    future, series_notes = _births_array(inputs, settings, series)
    notes += series_notes
    proj = project_from_history(
        inputs.population, inputs.births, inputs.first_year, settings=settings, births_series=future
    )
    bt = bt_observed = None
    if with_backtest:
        n_back = min(defaults().backtest_years, len(inputs.years) - 1)
        if n_back < 1:
            notes.append("只有一年人口数据,无法回测 / one observed year only: no back-test is possible")
        else:
            base = inputs.last_year - n_back
            bt_settings = settings if settings.births != "series" else replace(settings, births="constant")
            if settings.births == "series":
                notes.append(
                    "回测时出生人口按不变情景(用户序列只对未来)/ the back-test uses constant births (a user "
                    "series describes the future only)"
                )
            bt = backtest(inputs.population, inputs.births, inputs.first_year, base, settings=bt_settings)
            bt_observed = backtest(
                inputs.population,
                inputs.births,
                inputs.first_year,
                base,
                settings=bt_settings,
                observed_births=True,
            )
    return ProjectionRun(
        inputs=inputs,
        settings=settings,
        projection=proj,
        backtest=bt,
        backtest_observed=bt_observed,
        notes=notes,
    )


def run_projection(
    *,
    user: Any = None,
    counties: Sequence[str] | None = None,
    city: str | None = None,
    basis: str | None = None,
    births: str | None = None,
    series: dict[int, float] | None = None,
    end_year: int | None = None,
    level: str = DivisionLevel.COUNTY,
    with_backtest: bool = True,
) -> ProjectionRun:
    """Project the population of the counties (or townships) ``user`` may see to ``end_year``.

    Areas are those valid at the end of the last population year (today's boundaries, see
    ``registry_inputs``); ``basis`` defaults to ``[planning] projection_basis`` (resident).
    """
    settings = projection_settings(births, end_year)
    basis = basis or defaults().projection_basis
    last = ri.latest_population_year(basis=basis, user=user)
    if last is None:
        raise PlanningInputError(
            f"没有{ri.basis_zh(basis)}口径的人口数据 / no {basis} population in the registry (or in your scope)"
        )
    areas = ri.load_areas(level, user=user, counties=counties, city=city, on=ri.year_end(last))
    inputs = ri.load_population(areas, basis=basis, user=user, max_age=settings.max_age)
    return project_inputs(inputs, settings, series, with_backtest=with_backtest)
