"""Cohort projection of the child population by area, single year of age and sex.

The plan asks counties to lay out kindergartens "from births, pupil flows, rural revitalisation and
urbanisation" (充分考虑和分析出生人口变化、生源流向). Births in Yunnan fell by a quarter between
2020 and 2022, so planning on today's headcount builds kindergartens that will stand empty. This
module is the cohort-component method (CCMPP) restricted to ages 0–17 (0–18 for the high-school
gaps): every single-year cohort is
aged by one year, survival is applied, net migration is added, and births enter at age 0.

Everything here is a pure function over numpy arrays shaped ``areas × age × sex`` (areas are
counties or townships — the method does not care), with no Django or database import, so it can be
tested and benchmarked alone; registry adapters build the arrays.

Conventions, used throughout:

- ``population[t]`` is the count at the reference date of year ``t`` (the registry's age cut-off,
  31 August by default — a registry setting, not this module's);
- ``births[t]`` are the births in the twelve months ending at that reference date, so that
  ``population[t][:, 0]`` is the survivors of ``births[t]`` plus net migration at age 0;
- sex axis: index 0 male, 1 female;
- net migration is the *residual* between consecutive observed years after ageing and survival
  (what the registry cannot otherwise explain), and is added after survival — so estimating it from
  history and projecting that history again with it reproduces the history exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..errors import PlanningInputError

FloatArray = NDArray[np.float64]

MALE, FEMALE = 0, 1
N_SEXES = 2

BirthScenario = Literal["constant", "trend", "series"]
MigrationScenario = Literal["none", "counts", "rates"]


# --------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class AgeBand:
    """An inclusive single-year age range, e.g. the 3–5 population of the preschool gross rate."""

    lo: int
    hi: int
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or f"{self.lo}–{self.hi}"


KINDERGARTEN_AGES = AgeBand(3, 5, "3–5")
"""Denominator of 学前三年毛入园率 (STANDARDS.md, indicator definitions)."""

HIGH_SCHOOL_AGES = AgeBand(15, 17, "15–17")
"""Denominator of 高中阶段毛入学率 (STANDARDS.md, indicator definitions)."""

HIGH_SCHOOL_MAX_AGE = 18
"""Oldest projected age the high-school gaps need: 15–17 on the cut-off day of school year Y takes
year-end ages 15–18 of calendar year Y."""


@dataclass(frozen=True)
class LifeTable:
    """Yearly death probabilities of children, by single year of age and sex.

    ASSUMPTION — the defaults have no cited source. They are round figures of the order of China's
    published child mortality in the early 2020s (infant mortality around 5 per 1,000, under-five
    around 7 per 1,000, very low at school ages, a small rise in the late teens), with boys slightly
    above girls. Child mortality is low enough that the projection is insensitive to these values
    (one per mille shifts a cohort by one child in a thousand); replace them with the province's life
    table when it is available, and say so in the report.

    ``birth_death`` is the share of a year's births who die before the reference date (on average
    half a year of exposure in the first year of life); ``death_male[a]`` / ``death_female[a]`` is
    the probability that a child aged ``a`` at one reference date dies before the next one.
    """

    birth_death: tuple[float, float] = (0.0030, 0.0026)
    death_male: tuple[float, ...] = (
        0.0024,  # 0 -> 1: the rest of the first year of life
        0.0006,
        0.0004,
        0.0003,
        0.0003,
        0.0002,
        0.0002,
        0.0002,
        0.0002,
        0.0002,
        0.0002,
        0.0002,
        0.0002,
        0.0003,
        0.0003,
        0.0004,
        0.0005,
        0.0006,
        0.0007,  # 18 -> 19: only needed with max_age = 18 (the high-school gaps)
    )
    death_female: tuple[float, ...] = (
        0.0021,
        0.0005,
        0.0003,
        0.0002,
        0.0002,
        0.0002,
        0.0001,
        0.0001,
        0.0001,
        0.0001,
        0.0001,
        0.0001,
        0.0001,
        0.0002,
        0.0002,
        0.0002,
        0.0002,
        0.0003,
        0.0003,
    )

    @classmethod
    def no_deaths(cls, max_age: int = 17) -> LifeTable:
        """A table without deaths (for tests and for "what if nobody died" comparisons)."""
        zeros = (0.0,) * (max_age + 1)
        return cls(birth_death=(0.0, 0.0), death_male=zeros, death_female=zeros)

    def survival(self, n_ages: int) -> FloatArray:
        """Survival from age ``a`` to ``a + 1`` over one year, shaped ``(n_ages, 2)``."""
        if len(self.death_male) < n_ages or len(self.death_female) < n_ages:
            raise PlanningInputError(
                f"生命表只覆盖 {min(len(self.death_male), len(self.death_female))} 个年龄,需要 {n_ages} 个 / "
                f"the life table covers {min(len(self.death_male), len(self.death_female))} ages, "
                f"{n_ages} are needed"
            )
        q = np.stack([self.death_male[:n_ages], self.death_female[:n_ages]], axis=1).astype(float)
        _check_probabilities(q, "life table death probabilities / 生命表死亡概率")
        return 1.0 - q

    def birth_survival(self) -> FloatArray:
        """Share of births alive at the reference date, by sex, shaped ``(2,)``."""
        q = np.asarray(self.birth_death, dtype=float)
        _check_probabilities(q, "birth_death / 出生至统计时点死亡概率")
        return 1.0 - q


@dataclass(frozen=True)
class ProjectionSettings:
    """How a projection is run. Every default is documented in ``docs/planning.md``.

    - ``end_year``: last projected year; 2035 is the horizon the planning issue asks for (the
      national education-modernisation horizon), past the plan's own 2025 so that buildings planned
      now are judged over their first decade.
    - ``max_age``: oldest single year projected; 17 covers the year-end 15–17 band. The 15–17 band
      *on the age cut-off day* needs year-end age 18: the high-school gaps run with 18
      (``HIGH_SCHOOL_MAX_AGE``); the life table covers ages 0–18.
    - ``sex_ratio_at_birth``: boys per 100 girls, used only when births are given as totals. 111.3
      is the national 2020 census figure as commonly reported (*unverified*; Yunnan's own may
      differ — set it from the province's statistics).
    - ``births``: ``"constant"`` (last observed year held), ``"trend"`` (least-squares line over
      the last ``birth_trend_years`` observed years, floored at 0) or ``"series"`` (given by the
      user). The default is constant because a five-year linear trend through Yunnan's 2020–2024
      births reaches zero before 2035 — use the trend as a low scenario, not a forecast.
    - ``migration``: ``"none"``, ``"counts"`` (mean residual net migrants per area × age × sex over
      the last ``migration_years`` observed year pairs) or ``"rates"`` (the same residuals as a
      share of the expected survivors, so migration shrinks with the cohorts). Rates are limited to
      ``±max_migration_rate`` a year because small areas give wild ratios from a handful of
      children (the limit is an assumption, not a statistic).
    """

    end_year: int = 2035
    max_age: int = 17
    sex_ratio_at_birth: float = 111.3
    births: BirthScenario = "constant"
    birth_trend_years: int = 5
    migration: MigrationScenario = "rates"
    migration_years: int = 3
    max_migration_rate: float = 0.25
    life_table: LifeTable = field(default_factory=LifeTable)

    @property
    def n_ages(self) -> int:
        return self.max_age + 1


DEFAULT_SETTINGS = ProjectionSettings()


@dataclass(frozen=True)
class NetMigration:
    """Net migration applied in each projected year: ``rates`` times the expected survivors, plus
    ``counts`` people. Both broadcast to ``(years, areas, ages, sexes)``; age 0's rate applies to
    the surviving births."""

    rates: FloatArray | float = 0.0
    counts: FloatArray | float = 0.0


# ------------------------------------------------------------------------------------- validation


def _check_probabilities(q: FloatArray, what: str) -> None:
    if not np.all(np.isfinite(q)) or np.any(q < 0) or np.any(q > 1):
        raise PlanningInputError(f"{what}: 必须在 0 到 1 之间 / must lie between 0 and 1")


def _as_array(values: Any, name: str, ndim: Sequence[int]) -> FloatArray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim not in ndim:
        expected = " or ".join(str(n) for n in ndim)
        raise PlanningInputError(
            f"{name}: 维数为 {arr.ndim},应为 {expected} / has {arr.ndim} dimensions, expected {expected}"
        )
    if not np.all(np.isfinite(arr)):
        raise PlanningInputError(f"{name}: 含有缺失或无穷值 / contains missing or infinite values")
    return arr


def _check_non_negative(arr: FloatArray, name: str) -> None:
    if np.any(arr < 0):
        where = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise PlanningInputError(
            f"{name}: 位置 {where} 为负数 {arr[where]} / negative value {arr[where]} at index {where}"
        )


def births_by_sex(births: Any, sex_ratio_at_birth: float, name: str = "births") -> FloatArray:
    """Split births given as totals ``(..., areas)`` into ``(..., areas, 2)`` with the sex ratio at
    birth; births already by sex (last axis of length 2 and one more dimension) pass through.

    ``births`` must have a time axis first: ``(years, areas)`` totals or ``(years, areas, 2)``.
    """
    arr = _as_array(births, name, (2, 3))
    _check_non_negative(arr, name)
    if arr.ndim == 3:
        if arr.shape[-1] != N_SEXES:
            raise PlanningInputError(
                f"{name}: 最后一维应为性别(2)/ the last axis must be sex (length 2), got {arr.shape[-1]}"
            )
        return arr
    if not sex_ratio_at_birth > 0:
        raise PlanningInputError("出生性别比必须为正 / sex_ratio_at_birth must be positive")
    male_share = sex_ratio_at_birth / (100.0 + sex_ratio_at_birth)
    return np.stack([arr * male_share, arr * (1.0 - male_share)], axis=-1)


def _check_population(population: Any, name: str, ndim: int, n_ages: int | None = None) -> FloatArray:
    arr = _as_array(population, name, (ndim,))
    _check_non_negative(arr, name)
    if arr.shape[-1] != N_SEXES:
        raise PlanningInputError(
            f"{name}: 最后一维应为性别(2)/ the last axis must be sex (length 2), got {arr.shape[-1]}"
        )
    if n_ages is not None and arr.shape[-2] != n_ages:
        raise PlanningInputError(
            f"{name}: 年龄维为 {arr.shape[-2]},设置要求 {n_ages}(0 至 max_age)/ "
            f"age axis has {arr.shape[-2]} ages, the settings expect {n_ages} (0 to max_age)"
        )
    return arr


# ----------------------------------------------------------------------------------- scenarios


def project_births(
    history: Any,
    horizon: int,
    *,
    scenario: BirthScenario = "constant",
    trend_years: int = DEFAULT_SETTINGS.birth_trend_years,
    series: Any | None = None,
) -> FloatArray:
    """Births for the ``horizon`` years after the last observed one, by area (and sex if given).

    ``history`` is ``(years, areas)`` or ``(years, areas, 2)``, oldest first. ``"trend"`` fits a
    least-squares line per area through the last ``trend_years`` years and floors it at 0 (a trend
    through a fall in births would otherwise go negative); with one year it is ``"constant"``.
    ``"series"`` returns ``series``, broadcast to ``(horizon, areas[, 2])``.
    """
    hist = _as_array(history, "births history / 出生人口历史", (2, 3))
    _check_non_negative(hist, "births history / 出生人口历史")
    if hist.shape[0] == 0 and scenario != "series":
        raise PlanningInputError("没有已观测的出生人口 / no observed births to extend")
    shape = (horizon, *hist.shape[1:])
    if scenario == "constant":
        return np.broadcast_to(hist[-1], shape).copy()
    if scenario == "trend":
        if trend_years < 1:
            raise PlanningInputError("birth_trend_years 至少为 1 / birth_trend_years must be at least 1")
        window = hist[-trend_years:]
        n = window.shape[0]
        if n == 1:
            return np.broadcast_to(window[-1], shape).copy()
        x = np.arange(n, dtype=float) - (n - 1) / 2.0
        mean = window.mean(axis=0)
        slope = np.tensordot(x, window - mean, axes=(0, 0)) / float(x @ x)
        ahead = (n - 1) / 2.0 + np.arange(1, horizon + 1, dtype=float)
        ahead = ahead.reshape((horizon,) + (1,) * (hist.ndim - 1))
        return np.maximum(mean + slope * ahead, 0.0)
    if scenario == "series":
        if series is None:
            raise PlanningInputError(
                '出生情景为 "series" 时必须给出逐年出生人口 / the "series" births scenario needs a series'
            )
        arr = _as_array(series, "births series / 出生人口序列", (1, 2, 3))
        _check_non_negative(arr, "births series / 出生人口序列")
        if arr.shape[0] < horizon:
            raise PlanningInputError(
                f"出生人口序列只有 {arr.shape[0]} 年,需要 {horizon} 年 / "
                f"the births series has {arr.shape[0]} years, {horizon} are needed"
            )
        arr = arr[:horizon]
        if arr.ndim == 1:
            arr = arr.reshape((horizon,) + (1,) * (hist.ndim - 1))
        try:
            return np.broadcast_to(arr, shape).copy()
        except ValueError:
            raise PlanningInputError(
                f"出生人口序列形状 {arr.shape} 与 {shape} 不符 / births series shape {arr.shape} does not fit {shape}"
            ) from None
    raise PlanningInputError(
        f"未知出生情景 {scenario!r} / unknown births scenario {scenario!r}: constant, trend or series"
    )


@dataclass(frozen=True)
class MigrationResiduals:
    """Net migration estimated from consecutive observed years, per year pair.

    ``residual[t]`` (people) and ``expected[t]`` (survivors had nobody moved) are shaped
    ``(areas, ages, sexes)`` and describe the change from observed year ``t`` to ``t + 1``.
    """

    residual: FloatArray
    expected: FloatArray


def _expected_survivors(
    population: FloatArray, births_sex: FloatArray, survival: FloatArray, birth_survival: FloatArray
) -> FloatArray:
    """Survivors one year on, before migration: ``(..., areas, ages, 2)`` from a population
    ``(..., areas, ages, 2)`` and the births of the following year ``(..., areas, 2)``."""
    out = np.empty_like(population)
    out[..., 1:, :] = population[..., :-1, :] * survival[:-1]
    out[..., 0, :] = births_sex * birth_survival
    return out


def estimate_net_migration(
    population: Any,
    births: Any,
    *,
    settings: ProjectionSettings = DEFAULT_SETTINGS,
) -> MigrationResiduals:
    """Net migration between consecutive observed years as the residual of ageing and survival.

    ``population`` is ``(years, areas, ages, 2)``; ``births`` is ``(years, areas)`` or
    ``(years, areas, 2)`` for the same years (only years after the first are used). The residual at
    age ``a + 1`` is ``P[t+1, a+1] − s[a]·P[t, a]``; at age 0 it is ``P[t+1, 0] − s_b·B[t+1]``.
    It also absorbs registration errors, which is why it is averaged over several years before use.
    """
    pop = _check_population(population, "population history / 人口历史", 4, settings.n_ages)
    b = births_by_sex(births, settings.sex_ratio_at_birth, "births history / 出生人口历史")
    if b.shape[:2] != pop.shape[:2]:
        raise PlanningInputError(
            f"出生人口形状 {b.shape[:2]} 与人口 (年, 地区) {pop.shape[:2]} 不符 / births shape {b.shape[:2]} "
            f"does not match the population's (years, areas) {pop.shape[:2]}"
        )
    if pop.shape[0] < 2:
        raise PlanningInputError(
            "估计迁移至少需要连续两年的人口 / estimating migration needs at least two consecutive years"
        )
    survival = settings.life_table.survival(settings.n_ages)
    birth_survival = settings.life_table.birth_survival()
    expected = _expected_survivors(pop[:-1], b[1:], survival, birth_survival)
    return MigrationResiduals(residual=pop[1:] - expected, expected=expected)


def migration_scenario(
    residuals: MigrationResiduals | None,
    *,
    settings: ProjectionSettings = DEFAULT_SETTINGS,
) -> NetMigration:
    """Turn observed residuals into the migration assumed for every projected year.

    ``"counts"``: the mean residual of the last ``migration_years`` pairs. ``"rates"``: the sum of
    those residuals over the sum of expected survivors, per area × age × sex, limited to
    ``±max_migration_rate``; where nobody was expected (an empty cell) the mean count is used
    instead, so arrivals into empty cells are not lost.
    """
    if settings.migration == "none" or residuals is None:
        return NetMigration()
    if settings.migration_years < 1:
        raise PlanningInputError("migration_years 至少为 1 / migration_years must be at least 1")
    residual = residuals.residual[-settings.migration_years :]
    mean_counts = residual.mean(axis=0)
    if settings.migration == "counts":
        return NetMigration(counts=mean_counts)
    if settings.migration == "rates":
        expected = residuals.expected[-settings.migration_years :].sum(axis=0)
        has_base = expected > 0
        rates = np.divide(residual.sum(axis=0), expected, out=np.zeros_like(expected), where=has_base)
        cap = settings.max_migration_rate
        return NetMigration(rates=np.clip(rates, -cap, cap), counts=np.where(has_base, 0.0, mean_counts))
    raise PlanningInputError(
        f"未知迁移情景 {settings.migration!r} / unknown migration scenario {settings.migration!r}: "
        "none, counts or rates"
    )


# ---------------------------------------------------------------------------------- projection


@dataclass(frozen=True)
class Projection:
    """A projected population and what it rests on.

    ``population`` is ``(len(years), areas, ages, 2)`` with the base year at index 0. ``births``
    ``(len(years) - 1, areas, 2)`` and ``net_migration`` ``(len(years) - 1, areas)`` are the inputs
    actually applied in each projected year. ``clipped`` ``(len(years) - 1,)`` counts people added
    back where out-migration exceeded a cohort (populations are floored at zero) — non-zero values
    mean the migration assumption is too strong for some small area.
    """

    years: NDArray[np.int64]
    population: FloatArray
    births: FloatArray
    net_migration: FloatArray
    clipped: FloatArray

    @property
    def base_year(self) -> int:
        return int(self.years[0])

    @property
    def already_born(self) -> NDArray[np.bool_]:
        """``(years, ages)``: True where the cohort of that age in that year was born by the base
        year — its size depends on survival and migration, not on the births scenario."""
        offset = self.years - self.years[0]
        ages = np.arange(self.population.shape[2])
        return np.asarray(ages[None, :] >= offset[:, None])

    def band(self, band: AgeBand) -> FloatArray:
        """Population of an age band by year and area, ``(years, areas)``."""
        self._check_band(band)
        return self.population[:, :, band.lo : band.hi + 1, :].sum(axis=(2, 3))

    def band_already_born(self, band: AgeBand) -> NDArray[np.bool_]:
        """``(years,)``: True in the years when every age of the band was born by the base year."""
        self._check_band(band)
        return np.asarray(self.already_born[:, band.lo : band.hi + 1].all(axis=1))

    def band_born_share(self, band: AgeBand) -> FloatArray:
        """``(years, areas)``: share of the band's projected population already born at base."""
        self._check_band(band)
        cells = self.population[:, :, band.lo : band.hi + 1, :].sum(axis=3)
        born = np.where(self.already_born[:, None, band.lo : band.hi + 1], cells, 0.0).sum(axis=2)
        total = cells.sum(axis=2)
        return np.divide(born, total, out=np.ones_like(total), where=total > 0)

    def born_through(self, band: AgeBand) -> int:
        """Last year in which the whole band was already born at the base year."""
        self._check_band(band)
        return self.base_year + band.lo

    def notes(self, bands: Sequence[AgeBand] = (KINDERGARTEN_AGES, HIGH_SCHOOL_AGES)) -> list[str]:
        """The already-born statement the issue asks every projection output to carry."""
        out = []
        for band in bands:
            if band.hi >= self.population.shape[2]:
                continue
            year = self.born_through(band)
            last = int(self.years[-1])
            zh_span = f"至 {year} 年" if year < last else f"在整个预测期(至 {last} 年)"
            en_span = f"up to {year}" if year < last else f"throughout the projection (to {last})"
            out.append(
                f"{band.label} 岁人口{zh_span}均已在基年 {self.base_year} 前出生,其规模取决于存活与迁移而非生育情景 / "
                f"the {band.label} population {en_span} was already born by the base year "
                f"{self.base_year}: it depends on survival and migration, not on the births scenario"
            )
        if np.any(self.clipped > 0):
            out.append(
                f"迁出超过队列人数,共补回 {self.clipped.sum():.0f} 人(人口不低于零)/ out-migration exceeded "
                f"some cohorts; {self.clipped.sum():.0f} people were added back to keep populations at zero or above"
            )
        return out

    def band_records(self, band: AgeBand, units: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """One row per year × area for a band (for JSON, CSV or a table)."""
        values = self.band(band)
        born = self.band_born_share(band)
        all_born = self.band_already_born(band)
        codes = list(units) if units is not None else [str(i) for i in range(values.shape[1])]
        return [
            {
                "year": int(year),
                "division": codes[j],
                "ages": band.label,
                "population": float(values[i, j]),
                "already_born": bool(all_born[i]),
                "already_born_share": float(born[i, j]),
            }
            for i, year in enumerate(self.years)
            for j in range(values.shape[1])
        ]

    def _check_band(self, band: AgeBand) -> None:
        if not 0 <= band.lo <= band.hi < self.population.shape[2]:
            raise PlanningInputError(
                f"年龄段 {band.label} 超出预测年龄 0–{self.population.shape[2] - 1} / age band {band.label} "
                f"is outside the projected ages 0–{self.population.shape[2] - 1}"
            )


def project(
    base_population: Any,
    base_year: int,
    births: Any,
    *,
    migration: NetMigration | None = None,
    settings: ProjectionSettings = DEFAULT_SETTINGS,
) -> Projection:
    """Project ``base_population`` ``(areas, ages, 2)`` one year at a time, vectorised over areas.

    ``births`` holds the births of each projected year, ``(horizon, areas)`` totals (split with the
    sex ratio at birth) or ``(horizon, areas, 2)``; the horizon is its length. Each year:
    ``P[t+1, a+1] = s[a]·P[t, a]·(1 + r[a+1]) + m[a+1]`` and ``P[t+1, 0] = s_b·B[t+1]·(1 + r[0]) + m[0]``
    where ``s`` is survival, ``r`` the migration rate and ``m`` the migration count; the oldest age
    leaves the projected range. Populations are floored at zero and the amount is reported.
    """
    base = _check_population(base_population, "base population / 基年人口", 3, settings.n_ages)
    b = births_by_sex(births, settings.sex_ratio_at_birth, "projected births / 预测出生人口")
    n_areas, n_ages, _ = base.shape
    horizon = b.shape[0]
    if b.shape[1] != n_areas:
        raise PlanningInputError(
            f"出生人口有 {b.shape[1]} 个地区,基年人口有 {n_areas} 个 / births cover {b.shape[1]} areas, "
            f"the base population {n_areas}"
        )
    migration = migration or NetMigration()
    full = (horizon, n_areas, n_ages, N_SEXES)
    try:
        rates = np.broadcast_to(np.asarray(migration.rates, dtype=float), full)
        counts = np.broadcast_to(np.asarray(migration.counts, dtype=float), full)
    except ValueError:
        raise PlanningInputError(
            f"迁移数组的形状不能对应 {full} / migration arrays do not broadcast to {full} "
            "(years, areas, ages, sexes)"
        ) from None
    if not (np.all(np.isfinite(rates)) and np.all(np.isfinite(counts))):
        raise PlanningInputError("迁移含有缺失或无穷值 / migration contains missing or infinite values")
    if np.any(rates < -1):
        raise PlanningInputError("迁移率不能低于 -1 / a migration rate cannot be below -1")

    survival = settings.life_table.survival(n_ages)
    birth_survival = settings.life_table.birth_survival()
    population = np.empty((horizon + 1, n_areas, n_ages, N_SEXES))
    population[0] = base
    net = np.zeros((horizon, n_areas))
    clipped = np.zeros(horizon)
    for h in range(horizon):
        expected = _expected_survivors(population[h], b[h], survival, birth_survival)
        step = expected * (1.0 + rates[h]) + counts[h]
        negative = step < 0
        if negative.any():
            clipped[h] = -step[negative].sum()
            step[negative] = 0.0
        population[h + 1] = step
        net[h] = (step - expected).sum(axis=(1, 2))
    years = np.arange(base_year, base_year + horizon + 1, dtype=np.int64)
    return Projection(years=years, population=population, births=b, net_migration=net, clipped=clipped)


def project_from_history(
    population: Any,
    births: Any,
    first_year: int,
    *,
    settings: ProjectionSettings = DEFAULT_SETTINGS,
    births_series: Any | None = None,
    migration: NetMigration | None = None,
) -> Projection:
    """Project from the last of several consecutive observed years to ``settings.end_year``.

    ``population`` ``(years, areas, ages, 2)`` and ``births`` ``(years, areas[, 2])`` are the
    registry's observations from ``first_year`` on. Births follow ``settings.births``; migration is
    estimated from the history per ``settings.migration`` unless ``migration`` is given (with one
    observed year there is nothing to estimate from, and migration is zero).
    """
    pop = _check_population(population, "population history / 人口历史", 4, settings.n_ages)
    hist_births = births_by_sex(births, settings.sex_ratio_at_birth, "births history / 出生人口历史")
    if hist_births.shape[:2] != pop.shape[:2]:
        raise PlanningInputError(
            f"出生人口形状 {hist_births.shape[:2]} 与人口 (年, 地区) {pop.shape[:2]} 不符 / births shape "
            f"{hist_births.shape[:2]} does not match the population's (years, areas) {pop.shape[:2]}"
        )
    base_year = first_year + pop.shape[0] - 1
    horizon = settings.end_year - base_year
    if horizon < 0:
        raise PlanningInputError(
            f"预测终年 {settings.end_year} 早于基年 {base_year} / end year {settings.end_year} is before "
            f"the base year {base_year}"
        )
    series = (
        births_by_sex(births_series, settings.sex_ratio_at_birth, "births series / 出生人口序列")
        if births_series is not None
        else None
    )
    future_births = project_births(
        hist_births, horizon, scenario=settings.births, trend_years=settings.birth_trend_years, series=series
    )
    if migration is None:
        residuals = estimate_net_migration(pop, hist_births, settings=settings) if pop.shape[0] >= 2 else None
        migration = migration_scenario(residuals, settings=settings)
    return project(pop[-1], base_year, future_births, migration=migration, settings=settings)


# ------------------------------------------------------------------------------------ back-test


@dataclass(frozen=True)
class ErrorReport:
    """Projection error by year, in percent of the observed value (RMSE in people).

    ``wape``: sum of absolute errors over the sum observed — the headline figure, robust to small
    cells; ``mape``: mean absolute percentage error over cells observed > 0; ``bias``: signed total
    error over the total observed (positive = projected too many); ``max_ape``: worst cell.
    """

    years: NDArray[np.int64]
    wape: FloatArray
    mape: FloatArray
    bias: FloatArray
    rmse: FloatArray
    max_ape: FloatArray
    cells: int

    def records(self) -> list[dict[str, Any]]:
        return [
            {
                "year": int(y),
                "wape": float(self.wape[i]),
                "mape": float(self.mape[i]),
                "bias": float(self.bias[i]),
                "rmse": float(self.rmse[i]),
                "max_ape": float(self.max_ape[i]),
                "cells": self.cells,
            }
            for i, y in enumerate(self.years)
        ]


def projection_error(
    projected: Any, observed: Any, years: Sequence[int] | NDArray[np.int64] | None = None
) -> ErrorReport:
    """Compare a projection with what was later observed, year by year.

    Both arrays are ``(years, ...)`` with the same shape; the trailing axes are the cells compared
    (areas, or areas × ages × sexes). A cell observed as 0 counts in WAPE, bias and RMSE but not in
    MAPE (its percentage error is undefined); a year observed as 0 in total gets NaN.
    """
    p = _as_array(projected, "projected / 预测值", (1, 2, 3, 4, 5))
    o = _as_array(observed, "observed / 观测值", (1, 2, 3, 4, 5))
    if p.shape != o.shape:
        raise PlanningInputError(
            f"预测值形状 {p.shape} 与观测值 {o.shape} 不同 / projected shape {p.shape} differs from observed {o.shape}"
        )
    n_years = p.shape[0]
    p = p.reshape(n_years, -1)
    o = o.reshape(n_years, -1)
    err = p - o
    abs_err = np.abs(err)
    total = o.sum(axis=1)
    positive = o > 0
    ape = np.divide(abs_err, o, out=np.zeros_like(o), where=positive)
    n_positive = positive.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wape = np.where(total > 0, abs_err.sum(axis=1) / total, np.nan) * 100.0
        bias = np.where(total > 0, err.sum(axis=1) / total, np.nan) * 100.0
        mape = np.where(n_positive > 0, ape.sum(axis=1) / n_positive, np.nan) * 100.0
    max_ape = np.where(n_positive > 0, ape.max(axis=1, initial=0.0), np.nan) * 100.0
    rmse = np.sqrt((err**2).mean(axis=1)) if p.shape[1] else np.zeros(n_years)
    yrs = np.asarray(years if years is not None else np.arange(n_years), dtype=np.int64)
    return ErrorReport(
        years=yrs, wape=wape, mape=mape, bias=bias, rmse=rmse, max_ape=max_ape, cells=p.shape[1]
    )


@dataclass(frozen=True)
class Backtest:
    """A projection from an earlier observed year compared with the later observed years."""

    base_year: int
    projection: Projection
    total: ErrorReport
    bands: dict[str, ErrorReport]
    cells: ErrorReport

    def records(self) -> list[dict[str, Any]]:
        out = [{"level": "ages 0–max by area", **r} for r in self.total.records()]
        for name, report in self.bands.items():
            out += [{"level": f"ages {name} by area", **r} for r in report.records()]
        out += [{"level": "area × age × sex", **r} for r in self.cells.records()]
        return out


def backtest(
    population: Any,
    births: Any,
    first_year: int,
    base_year: int,
    *,
    settings: ProjectionSettings = DEFAULT_SETTINGS,
    bands: Sequence[AgeBand] = (KINDERGARTEN_AGES, HIGH_SCHOOL_AGES),
    observed_births: bool = False,
) -> Backtest:
    """Project from ``base_year`` using only what was known then, and report the error against the
    years observed after it.

    With ``observed_births=False`` births after the base follow the settings' scenario (the honest
    test of the whole method); with True the observed births are used, isolating the survival and
    migration assumptions that govern the already-born cohorts.
    """
    pop = _check_population(population, "population history / 人口历史", 4, settings.n_ages)
    hist_births = births_by_sex(births, settings.sex_ratio_at_birth, "births history / 出生人口历史")
    k = base_year - first_year
    last_year = first_year + pop.shape[0] - 1
    if not 0 <= k < pop.shape[0] - 1:
        raise PlanningInputError(
            f"回测基年 {base_year} 必须在 {first_year} 至 {last_year - 1} 之间 / the back-test base year "
            f"{base_year} must lie between {first_year} and {last_year - 1}"
        )
    known = replace(settings, end_year=last_year, births="series" if observed_births else settings.births)
    series = hist_births[k + 1 :] if observed_births else None
    proj = project_from_history(
        pop[: k + 1], hist_births[: k + 1], first_year, settings=known, births_series=series
    )
    later = pop[k + 1 :]
    projected = proj.population[1:]
    years = proj.years[1:]
    band_reports = {
        band.label: projection_error(
            projected[:, :, band.lo : band.hi + 1].sum(axis=(2, 3)),
            later[:, :, band.lo : band.hi + 1].sum(axis=(2, 3)),
            years,
        )
        for band in bands
        if band.hi < settings.n_ages
    }
    return Backtest(
        base_year=base_year,
        projection=proj,
        total=projection_error(projected.sum(axis=(2, 3)), later.sum(axis=(2, 3)), years),
        bands=band_reports,
        cells=projection_error(projected, later, years),
    )


# ---------------------------------------------------------------------------- township and county


def rake_to_parent(child: Any, parent_total: Any, parent_of: Any) -> FloatArray:
    """Scale township projections so that they add up to their county's projection.

    Township data are thinner than county data (asks for layout down to townships), so the
    county projection is taken as the control total and each township keeps its share within its
    county, cell by cell. ``child`` is ``(..., townships, ...)`` with the township axis at position
    1 (``(years, townships, ages, 2)``), ``parent_total`` the same with counties, ``parent_of`` the
    county index of each township. A county whose townships are all empty in a cell keeps zeros.
    """
    c = _as_array(child, "township values / 乡镇数值", (2, 3, 4))
    p = _as_array(parent_total, "county values / 县级数值", (2, 3, 4))
    idx = np.asarray(parent_of, dtype=np.int64)
    if idx.shape != (c.shape[1],) or np.any(idx < 0) or np.any(idx >= p.shape[1]):
        raise PlanningInputError(
            "parent_of 必须为每个乡镇给出有效的县序号 / parent_of must give a valid county index for each township"
        )
    if c.shape[:1] + c.shape[2:] != p.shape[:1] + p.shape[2:]:
        raise PlanningInputError(
            f"乡镇数组 {c.shape} 与县级数组 {p.shape} 的其他维不同 / township array {c.shape} and county array "
            f"{p.shape} differ outside the area axis"
        )
    # sums per county as a sparse (counties × townships) product: much faster than np.add.at
    membership = sparse.csr_matrix(
        (np.ones(idx.size), (idx, np.arange(idx.size))), shape=(p.shape[1], idx.size)
    )
    flat = np.moveaxis(c, 1, 0).reshape(idx.size, -1)
    sums = np.moveaxis((membership @ flat).reshape((p.shape[1], p.shape[0], *p.shape[2:])), 0, 1)
    factor = np.divide(p, sums, out=np.zeros_like(p), where=sums > 0)
    return c * factor[:, idx]
