"""Synthetic population of one county: births by township and year, and people by township × year
× single-year age (0–19, then one open band 20+) × sex, resident and registered (户籍).

Children are births of their cohort carried forward (survival, migration towards towns), so the
age pyramid shows the birth decline the plan's projections must handle, and the
preschool age group of a school year follows the births three to five years earlier. Ages 18
and 19 are held one by one (the same cohort model) because the high-school-stage population
(15–17 on the 31 August cut-off day) takes part of the year-end 18-year-olds; everyone older
is one open band, the county's residents less the young.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibration import Calibration, ScaleSpec
from .gazetteer import County

#: Ages held one by one; everyone older is in one open band starting here.
OPEN_AGE = 20
N_AGES = OPEN_AGE + 1
MALE, FEMALE = 0, 1


@dataclass
class CountyPopulation:
    """Arrays for one county. ``resident``/``registered``: [township, year, age, sex]."""

    years: tuple[int, ...]
    birth_years: tuple[int, ...]
    township_total: np.ndarray  # [township] residents in the first population year
    births: np.ndarray  # [township, birth year]
    resident: np.ndarray
    registered: np.ndarray

    def year_index(self, year: int) -> int:
        return self.years.index(year)

    def ages(self, year: int, lo: int, hi: int, *, township: int | None = None) -> int:
        """Resident people aged ``lo``–``hi`` (inclusive) at the end of ``year``."""
        block = self.resident[:, self.year_index(year), lo : hi + 1, :]
        if township is not None:
            block = block[township]
        return int(block.sum())

    def on_cutoff(self, year: int, lo: int, hi: int, f: float) -> float:
        """Resident people aged ``lo``–``hi`` on the age cut-off day of ``year``: ``f`` of the
        year-end ``lo``-year-olds, all of ``lo + 1``…``hi`` and ``1 − f`` of ``hi + 1`` (how the
        indicators count an age group, docs/metrics.md)."""
        return f * self.ages(year, lo, hi) + (1 - f) * self.ages(year, lo + 1, hi + 1)

    def age_profile(self, year: int, township: int, ages: tuple[int, ...]) -> np.ndarray:
        y = self.year_index(year)
        return self.resident[township, y, list(ages), :].sum(axis=1).astype(float)


def township_weights(county: County, cal: Calibration, rng: np.random.Generator) -> np.ndarray:
    types = np.array([cal.township_type_weight[t.weight_key] for t in county.townships])
    noise = rng.lognormal(0.0, cal.township_weight_sigma, size=len(types))
    w = types * noise
    return w / w.sum()


def synthesize(
    county: County,
    total: int,
    birth_rate: float,
    spec: ScaleSpec,
    cal: Calibration,
    rng: np.random.Generator,
) -> CountyPopulation:
    """People of ``county`` (``total`` residents in the first population year)."""
    weights = township_weights(county, cal, rng)
    n_t = len(weights)
    township_total = weights * total
    keys = [t.weight_key for t in county.townships]

    # Births: county births follow the birth-rate trajectory; townships share them by size and type.
    birth_factor = np.array([cal.township_birth_factor[k] for k in keys]) * township_total
    birth_share = birth_factor / birth_factor.sum()
    first_pop_year = spec.population_years[0]
    base_births = total * birth_rate / cal.births_index[2020]
    birth_years = spec.birth_years
    all_cohorts = range(min(spec.population_years) - OPEN_AGE + 1, max(spec.population_years) + 1)
    cohort_births = np.zeros((n_t, len(all_cohorts)))
    for j, year in enumerate(all_cohorts):
        index = cal.births_index.get(year, cal.births_index_before_2015)
        noise = 1.0 + rng.normal(0.0, cal.births_noise, size=n_t)
        cohort_births[:, j] = base_births * index * birth_share * noise
    births = np.rint(np.column_stack([cohort_births[:, list(all_cohorts).index(y)] for y in birth_years]))
    births = np.maximum(births, 0)

    migration = np.array([cal.child_migration[k] for k in keys])
    reg_ratio = np.array([cal.registered_ratio[k] for k in keys])
    n_y = len(spec.population_years)
    resident = np.zeros((n_t, n_y, N_AGES, 2), dtype=np.int64)
    registered = np.zeros_like(resident)
    for yi, year in enumerate(spec.population_years):
        expected = np.zeros((n_t, OPEN_AGE))
        for age in range(OPEN_AGE):
            cohort = list(all_cohorts).index(year - age)
            survive = cal.child_survival_per_year**age
            noise = 1.0 + rng.normal(0.0, cal.children_noise, size=n_t)
            expected[:, age] = cohort_births[:, cohort] * survive * migration * noise
        children = np.maximum(np.rint(expected), 0).astype(np.int64)
        boys = rng.binomial(children, cal.male_share)
        resident[:, yi, :OPEN_AGE, MALE] = boys
        resident[:, yi, :OPEN_AGE, FEMALE] = children - boys
        people = township_total * (1.0 + cal.population_growth) ** (year - first_pop_year)
        adults = np.maximum(np.rint(people) - children.sum(axis=1), 0).astype(np.int64)
        adult_men = np.rint(adults * cal.adult_male_share).astype(np.int64)
        resident[:, yi, OPEN_AGE, MALE] = adult_men
        resident[:, yi, OPEN_AGE, FEMALE] = adults - adult_men
        ratio = reg_ratio[:, None, None] * (
            1.0 + rng.normal(0.0, cal.registered_noise, size=(n_t, N_AGES, 2))
        )
        registered[:, yi] = np.maximum(np.rint(resident[:, yi] * ratio), 0).astype(np.int64)
    return CountyPopulation(
        years=spec.population_years,
        birth_years=birth_years,
        township_total=township_total,
        births=births.astype(np.int64),
        resident=resident,
        registered=registered,
    )
