"""Registry adapters: the arrays the planning core wants, read from the registry.

The core (``projection``, ``gaps``, ``allocation``) is pure numpy so that it can be tested and
benchmarked alone; this module is the only place where planning reads Django models. It turns

- ``PopulationCount`` (held at township level — or county level where that is all there is —
  single-year ages (the demo holds 0–19 and an open 20+ band with ``age_max`` NULL; planning reads
  0–17), resident or registered basis) into
  ``(years, areas, ages, 2)`` year-end populations;
- ``Births`` into ``(years, areas)`` calendar-year births;
- ``Institution`` (kindergartens and primary schools' attached preschool classes) into seats by
  school year and public kindergartens by township; and
- ``SchoolClass`` (boys + girls) into children enrolled by area and school year,

by county or by township, through :func:`eduplan.accounts.scoping.scope` whenever a user is given.

Conventions (docs/planning.md, "Registry adapters"):

- **Year-end ages, calendar-year births.** A population year is the count at 31 December and
  ``Births.year`` the births of that calendar year, which is exactly the core's convention
  (``population[t][:, 0]`` are the survivors of ``births[t]``).
- **Today's boundaries.** Areas are the divisions valid on a reference day (``on``). Rows of a
  township reach their county through ``Division.county`` as it stands now, so history is rebuilt on
  the current boundaries: a projection and its migration residuals must compare like with like. (The
  indicators of ``eduplan.metrics`` do the opposite on purpose — a past school year is reported
  within the boundaries of its day.) A row of a division that has ended (``valid_to`` on or before
  ``on``) goes to its successors: the divisions of the same level and parent that start on the day
  it ends (what ``registry.actions.retire_division`` creates). One successor (a merge, a rename)
  takes everything; several (a split) share it in proportion to their own population in the first
  year they report any; successors that never report share it equally. A township that ended
  without successors is left out of township arrays, with a note; its county, if still current,
  keeps counting it (the people did not leave the county with the township's code).
- **Bands.** A closed band ``a–b`` is spread evenly over its single ages (as the measures do); the
  open band and every age above 17 count only in the area's total population (used for the
  township-size flag). An open band starting at or below 17 makes child ages incomplete: noted.
- **Seats in school year Y** are counted on its census day (1 September, ``[school_year]
  start_month``): an institution established on or before and not closed by that day counts with
  the seats of its yearly snapshot (``InstitutionYear``) for Y when one with seats exists,
  otherwise its current ``seats``. Unlicensed kindergartens (无证园) count neither seats nor
  children: they are outside the official statistics and to be rectified or closed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from numpy.typing import NDArray

from eduplan.accounts.scoping import scope
from eduplan.plans import standards
from eduplan.registry.choices import (
    HIGH_SCHOOL_STAGE_KINDS,
    PRESCHOOL_KINDS,
    DivisionLevel,
    InstitutionKind,
    LicenceStatus,
    Ownership,
    PopulationBasis,
    Sex,
)
from eduplan.registry.models import (
    Births,
    Division,
    Institution,
    InstitutionYear,
    PopulationCount,
    SchoolClass,
)

from .errors import PlanningInputError
from .projection.core import N_SEXES, AgeBand

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SEX_INDEX = {Sex.MALE.value: 0, Sex.FEMALE.value: 1}
LEVELS = (DivisionLevel.COUNTY.value, DivisionLevel.TOWNSHIP.value)
BASES = tuple(PopulationBasis.values)
DAYS_IN_COMMON_YEAR = 365
CHILD_MAX_AGE = 17
"""Oldest age of the child arrays by default; an open band starting above it is adults."""
YEAR_END = (12, 31)


# ------------------------------------------------------------------------------------------ areas


@dataclass(frozen=True)
class _Div:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    county_id: int | None
    city_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to > day)


@dataclass(frozen=True)
class Areas:
    """The areas of the arrays, in order: counties, or townships with the index of their county.

    ``county_index[i]`` is the position of area ``i``'s county in ``county_codes`` (for counties,
    ``i`` itself), the ``parent_of`` the core's raking and ``SeatBalance.by_parent`` want.
    ``city_codes``/``city_names`` are the cities of the counties (usually one).
    """

    level: str
    ids: list[int]
    codes: list[str]
    names: list[str]
    county_index: IntArray
    county_ids: list[int]
    county_codes: list[str]
    county_names: list[str]
    city_codes: list[str]
    city_names: list[str]
    on: dt.date
    city_ids: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def index(self, code: str) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise PlanningInputError(
                f"区划 {code} 不在所选范围内 / division {code} is not among the selected areas"
            ) from None


def _divisions(user: Any) -> dict[int, _Div]:
    qs: QuerySet[Division] = Division.objects.all()
    if user is not None:
        qs = scope(user, qs)
    fields = ("id", "code", "name", "level", "parent_id", "county_id", "city_id", "valid_from", "valid_to")
    return {row[0]: _Div(*row) for row in qs.values_list(*fields)}


def _successors(div: _Div, divisions: dict[int, _Div]) -> list[_Div]:
    """Divisions of the same level and parent that start the day ``div`` ends (a split or merge
    made by ``registry.actions.retire_division``)."""
    if div.valid_to is None:
        return []
    return sorted(
        (
            d
            for d in divisions.values()
            if d.level == div.level and d.parent_id == div.parent_id and d.valid_from == div.valid_to
        ),
        key=lambda d: d.code,
    )


def load_areas(
    level: str,
    *,
    user: Any = None,
    counties: Sequence[str] | None = None,
    city: str | None = None,
    on: dt.date | None = None,
) -> Areas:
    """Counties or townships valid on ``on`` (default today) that ``user`` may see, optionally only
    those of the given county codes or city code. A township whose county has ended is placed under
    the county's single successor (or left out, with a clear error, if the county was split and the
    township not yet re-attached)."""
    if level not in LEVELS:
        raise PlanningInputError(f"未知层级 {level!r} / unknown level {level!r}: county or township")
    day = on or dt.date.today()
    divisions = _divisions(user)
    wanted = set(counties or ())
    known = {d.code for d in divisions.values() if d.level == DivisionLevel.COUNTY}
    unknown = sorted(wanted - known)
    if unknown:
        raise PlanningInputError(
            f"找不到县级区划(或无权查看){', '.join(unknown)} / no such county (or not in your scope): "
            f"{', '.join(unknown)}"
        )

    city_names: dict[int, tuple[str, str] | None] = {}

    def city_of(county: _Div) -> tuple[str, str] | None:
        """The county's city (code, name). A county officer's scope does not include the city row
        itself; its code and name are not data of another county, so they are read directly."""
        if county.city_id is None:
            return None
        if county.city_id not in city_names:
            div = divisions.get(county.city_id)
            city_names[county.city_id] = (
                (div.code, div.name)
                if div is not None
                else Division.objects.filter(pk=county.city_id).values_list("code", "name").first()
            )
        return city_names[county.city_id]

    def current_county(d: _Div) -> _Div | None:
        county = divisions.get(d.county_id) if d.county_id is not None else None
        seen = 0
        while county is not None and not county.valid_on(day) and seen < len(divisions):
            nxt = _successors(county, divisions)
            county = nxt[0] if len(nxt) == 1 else None
            seen += 1
        return county

    rows: list[tuple[_Div, _Div]] = []
    for d in sorted(divisions.values(), key=lambda d: d.code):
        if d.level != level or not d.valid_on(day):
            continue
        county = d if level == DivisionLevel.COUNTY else current_county(d)
        if county is None:
            raise PlanningInputError(
                f"乡镇 {d.name}({d.code})所属的县已撤销且有多个(或没有)继承者,请先调整其上级 / the county of "
                f"township {d.code} has ended and has no single successor: attach the township to its new county"
            )
        if wanted and county.code not in wanted:
            continue
        if city is not None and (city_of(county) or ("", ""))[0] != city:
            continue
        rows.append((d, county))
    if not rows:
        raise PlanningInputError(
            f"{day} 没有可见的{'县' if level == DivisionLevel.COUNTY else '乡镇'}级区划 / no {level} divisions "
            f"valid on {day} in your scope"
        )
    county_order: dict[int, _Div] = {}
    for _, county in rows:
        county_order.setdefault(county.id, county)
    counties_sorted = sorted(county_order.values(), key=lambda c: c.code)
    position = {c.id: i for i, c in enumerate(counties_sorted)}
    cities: dict[str, str] = {}
    for c in counties_sorted:
        found = city_of(c)
        if found is not None:
            cities.setdefault(*found)
    return Areas(
        level=level,
        ids=[d.id for d, _ in rows],
        codes=[d.code for d, _ in rows],
        names=[d.name for d, _ in rows],
        county_index=np.array([position[c.id] for _, c in rows], dtype=np.int64),
        county_ids=[c.id for c in counties_sorted],
        county_codes=[c.code for c in counties_sorted],
        county_names=[c.name for c in counties_sorted],
        city_codes=sorted(cities),
        city_names=[cities[k] for k in sorted(cities)],
        on=day,
        city_ids=sorted({c.city_id for c in counties_sorted if c.city_id is not None})
        if all(c.city_id is not None for c in counties_sorted)
        else [],
    )


def _within_cities(qs: QuerySet[Any], areas: Areas, path: str = "division") -> QuerySet[Any]:
    """Rows outside the areas' cities cannot be placed among them: leave them in the database
    (a city's run on a national registry reads that city only)."""
    return qs.filter(**{f"{path}__city_id__in": areas.city_ids}) if areas.city_ids else qs


class _Placement:
    """Where a row of a division goes among the areas: ``[(area index, share), …]``.

    Rows are placed at the areas' level (a village row goes to its township, a township row to its
    county for county areas); a division that ended goes to its successors (see the module
    docstring). Rows held above the areas' level (county rows for township areas) have no place.
    """

    def __init__(
        self,
        areas: Areas,
        divisions: dict[int, _Div],
        rows: Iterable[tuple[int, int, float]] = (),
    ):
        """``rows`` ``(division id, year, count)`` give the successors' sizes for a split."""
        self.areas = areas
        self.divisions = divisions
        self.position = {pk: i for i, pk in enumerate(areas.ids)}
        self.cache: dict[int, list[tuple[int, float]]] = {}
        self.dropped: set[str] = set()
        self.above_level: set[str] = set()
        self.sizes = self._first_year_sizes(rows)

    def _first_year_sizes(self, rows: Iterable[tuple[int, int, float]]) -> dict[int, float]:
        """Total count per division at the areas' level in the first year it reports anything."""
        first: dict[int, int] = {}
        totals: dict[tuple[int, int], float] = defaultdict(float)
        units: dict[int, _Div | None] = {}
        for division_id, year, count in rows:
            if division_id not in units:
                div = self.divisions.get(division_id)
                units[division_id] = self.unit(div) if div is not None else None
            unit = units[division_id]
            if unit is None:
                continue
            totals[(unit.id, year)] += count
            if unit.id not in first or year < first[unit.id]:
                first[unit.id] = year
        self.above_level.clear()  # reported once, when rows are placed
        return {d: totals[(d, y)] for d, y in first.items()}

    def unit(self, div: _Div) -> _Div | None:
        """The row's division at the areas' level (itself, or the ancestor at that level)."""
        if self.areas.level == DivisionLevel.COUNTY:
            if div.level == DivisionLevel.COUNTY:
                return div
            return self.divisions.get(div.county_id) if div.county_id is not None else None
        node: _Div | None = div
        while node is not None and node.level not in (DivisionLevel.TOWNSHIP, DivisionLevel.COUNTY):
            node = self.divisions.get(node.parent_id) if node.parent_id is not None else None
        if node is None or node.level != DivisionLevel.TOWNSHIP:
            self.above_level.add(div.code)
            return None
        return node

    def __call__(self, division_id: int) -> list[tuple[int, float]]:
        if division_id in self.cache:
            return self.cache[division_id]
        div = self.divisions.get(division_id)
        unit = self.unit(div) if div is not None else None
        out = self._resolve(unit, depth=0) if unit is not None else []
        self.cache[division_id] = out
        return out

    def _resolve(self, unit: _Div, depth: int) -> list[tuple[int, float]]:
        if unit.id in self.position:
            return [(self.position[unit.id], 1.0)]
        if unit.valid_on(self.areas.on) or depth > len(self.divisions):
            return []  # a current division outside the selection (another county, out of scope)
        if unit.valid_from > self.areas.on:
            return []  # starts after the reference day
        successors = _successors(unit, self.divisions)
        if not successors:
            self.dropped.add(unit.code)
            return []
        sizes = np.array([self.sizes.get(s.id, 0.0) for s in successors])
        shares = sizes / sizes.sum() if sizes.sum() > 0 else np.full(len(successors), 1.0 / len(successors))
        out: list[tuple[int, float]] = []
        for successor, share in zip(successors, shares, strict=True):
            out += [(i, share * s) for i, s in self._resolve(successor, depth + 1)]
        return out

    def notes(self) -> list[str]:
        out = []
        if self.dropped:
            codes = ", ".join(sorted(self.dropped))
            out.append(
                f"已撤销且无继承区划的数据未计入:{codes} / rows of divisions that ended without successors "
                f"were left out: {codes}"
            )
        if self.above_level:
            codes = ", ".join(sorted(self.above_level))
            out.append(
                f"以下区划的数据只到县级,不能分到乡镇:{codes} / these divisions hold data above township level "
                f"and are not in the township arrays: {codes}"
            )
        return out


# ------------------------------------------------------------------------------------- population


@dataclass(frozen=True)
class PopulationInputs:
    """Observed population and births of some areas, ready for ``projection.project_from_history``.

    ``population`` ``(years, areas, max_age + 1, 2)`` single-year ages at year end (sex 0 male,
    1 female); ``older`` ``(years, areas)`` people above ``max_age`` (the open band); ``births``
    ``(years, areas)`` calendar-year births. ``years`` are consecutive. ``notes`` say what the
    adapter had to assume, in Chinese and English.
    """

    areas: Areas
    basis: str
    years: IntArray
    population: FloatArray
    older: FloatArray
    births: FloatArray
    births_basis: str
    notes: list[str] = field(default_factory=list)

    @property
    def first_year(self) -> int:
        return int(self.years[0])

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    def total(self) -> FloatArray:
        """All ages by year and area, ``(years, areas)``."""
        return self.population.sum(axis=(2, 3)) + self.older

    def year_index(self, year: int) -> int:
        if not self.first_year <= year <= self.last_year:
            raise PlanningInputError(
                f"{basis_zh(self.basis)}人口只有 {self.first_year}–{self.last_year} 年的数据,没有 {year} 年 / the "
                f"{self.basis} population covers {self.first_year}–{self.last_year}, not {year}"
            )
        return year - self.first_year


def basis_zh(basis: str) -> str:
    """常住 or 户籍, for the Chinese half of a message."""
    return {PopulationBasis.RESIDENT.value: "常住", PopulationBasis.REGISTERED.value: "户籍"}.get(
        basis, basis
    )


def _basis(basis: str) -> str:
    if basis not in BASES:
        raise PlanningInputError(
            f"未知人口口径 {basis!r} / unknown population basis {basis!r}: {' or '.join(BASES)}"
        )
    return basis


def _consecutive_run(years: Sequence[int]) -> list[int]:
    """The longest run of consecutive years ending at the latest year."""
    ys = sorted(set(years))
    run = [ys[-1]]
    for y in reversed(ys[:-1]):
        if y != run[0] - 1:
            break
        run.insert(0, y)
    return run


def load_population(
    areas: Areas,
    *,
    basis: str = PopulationBasis.RESIDENT,
    user: Any = None,
    max_age: int = 17,
    years: tuple[int, int] | None = None,
) -> PopulationInputs:
    """Population and births of ``areas`` (see the module docstring for every convention).

    ``years`` ``(first, last)`` limits the years read; by default every year with data, keeping the
    longest consecutive run that ends with the latest year (earlier years are dropped, noted).
    """
    basis = _basis(basis)
    notes: list[str] = []
    divisions = _divisions(user)
    pop_qs = _within_cities(PopulationCount.objects.filter(basis=basis), areas)
    if years is not None:
        pop_qs = pop_qs.filter(year__gte=years[0], year__lte=years[1])
    if user is not None:
        pop_qs = scope(user, pop_qs)
    rows = list(pop_qs.values_list("division_id", "year", "age_min", "age_max", "sex", "count"))
    if not rows:
        raise PlanningInputError(
            f"没有{basis_zh(basis)}人口数据 / no {basis} population in the registry (or in your scope)"
        )
    place = _Placement(areas, divisions, ((r[0], r[1], float(r[5])) for r in rows))

    placed_years = sorted({r[1] for r in rows if place(r[0])})
    if not placed_years:
        raise PlanningInputError(
            "所选区划没有人口数据 / the selected areas have no population data"
            + (f" ({'; '.join(place.notes())})" if place.notes() else "")
        )
    run = _consecutive_run(placed_years)
    if len(run) < len(placed_years):
        dropped = [y for y in placed_years if y < run[0]]
        notes.append(
            f"人口年份不连续,只用 {run[0]}–{run[-1]} 年(舍去 {', '.join(map(str, dropped))})/ population years "
            f"are not consecutive: using {run[0]}–{run[-1]} (dropped {', '.join(map(str, dropped))})"
        )
    first = run[0]
    n_years, n_areas, n_ages = len(run), len(areas), max_age + 1
    population = np.zeros((n_years, n_areas, n_ages, N_SEXES))
    older = np.zeros((n_years, n_areas))
    seen = np.zeros((n_years, n_areas), dtype=bool)
    open_low: set[str] = set()
    # an open band starting exactly at max_age (e.g. 18+ when age 18 is wanted): filled in below
    open_top = np.zeros((n_years, n_areas, N_SEXES), dtype=bool)
    has_top = np.zeros((n_years, n_areas, N_SEXES), dtype=bool)
    for division_id, year, age_min, age_max, sex, count in rows:
        t = year - first
        if not 0 <= t < n_years:
            continue
        targets = place(division_id)
        if not targets:
            continue
        s = SEX_INDEX.get(sex)
        if s is None:
            continue
        if age_max is None:
            if age_min < max_age or (age_min == max_age and max_age <= CHILD_MAX_AGE):
                open_low.add(divisions[division_id].code)
            for i, share in targets:
                if age_min == max_age:
                    open_top[t, i, s] = True
                older[t, i] += count * share
                seen[t, i] = True
            continue
        width = age_max - age_min + 1
        per_age = count / width
        child_hi = min(age_max, max_age)
        above = max(0, age_max - max(age_min, max_age + 1) + 1)
        for i, share in targets:
            if age_min <= max_age:
                population[t, i, age_min : child_hi + 1, s] += per_age * share
                has_top[t, i, s] |= child_hi == max_age
            older[t, i] += per_age * above * share
            seen[t, i] = True
    if max_age > CHILD_MAX_AGE:
        notes += _fill_top_age(population, older, open_top & ~has_top, open_top & has_top, run, max_age)
    if open_low:
        codes = ", ".join(sorted(open_low))
        notes.append(
            f"以下区划有起于 {max_age} 岁或以下的开口年龄组,儿童年龄不完整:{codes} / these divisions hold an "
            f"open age band starting at or below {max_age}, so child ages are incomplete: {codes}"
        )
    missing = [(run[t], areas.codes[i]) for t, i in zip(*np.nonzero(~seen), strict=True)]
    if missing:
        shown = ", ".join(f"{c} {y}" for y, c in missing[:10]) + (" …" if len(missing) > 10 else "")
        notes.append(
            f"{len(missing)} 个区划-年份没有人口数据,按 0 计:{shown} / {len(missing)} area-years have no "
            f"population and count as 0: {shown}"
        )
    notes += place.notes()

    births, births_basis, births_notes = _load_births(areas, run, basis, user, divisions, population)
    notes += births_notes
    return PopulationInputs(
        areas=areas,
        basis=basis,
        years=np.array(run, dtype=np.int64),
        population=population,
        older=older,
        births=births,
        births_basis=births_basis,
        notes=notes,
    )


def _fill_top_age(
    population: FloatArray,
    older: FloatArray,
    missing: NDArray[np.bool_],
    partial: NDArray[np.bool_],
    years: Sequence[int],
    max_age: int,
) -> list[str]:
    """Age ``max_age`` (18) where the registry holds only an open band starting there (18+).

    Fallback (docs/planning.md §4): the cohort carried forward without deaths or migration — the
    area's age ``max_age − 1`` of the year before; in the first year, the same year's age
    ``max_age − 1``. The people so placed are taken out of the open band (``older``), never below 0,
    so area totals do not change. Returns the notes saying where this was done.
    """
    if not missing.any() and not partial.any():
        return []
    notes: list[str] = []
    for t, i, s in zip(*np.nonzero(missing), strict=True):
        source = population[t - 1, i, max_age - 1, s] if t > 0 else population[t, i, max_age - 1, s]
        value = min(float(source), max(float(older[t, i]), 0.0))
        population[t, i, max_age, s] = value
        older[t, i] -= value
    if missing.any():
        cells = sorted({years[int(t)] for t in np.nonzero(missing)[0]})
        notes.append(
            f"登记只有 {max_age} 岁以上开口组、没有 {max_age} 岁单岁人口({int(missing.any(axis=2).sum())} 个区划-年份,"
            f"{', '.join(map(str, cells))} 年):{max_age} 岁按上一年 {max_age - 1} 岁队列(首年按当年 {max_age - 1} 岁)"
            f"估计,不计死亡与迁移 / the registry holds only an open {max_age}+ band, no single age {max_age}, for "
            f"{int(missing.any(axis=2).sum())} area-years ({', '.join(map(str, cells))}): age {max_age} is estimated "
            f"as the previous year's {max_age - 1}-year-olds (in the first year, the same year's), without deaths "
            "or migration"
        )
    if partial.any():
        notes.append(
            f"{int(partial.any(axis=2).sum())} 个区划-年份部分地区只有 {max_age} 岁以上开口组,其 {max_age} 岁人口偏少 / "
            f"{int(partial.any(axis=2).sum())} area-years mix single age {max_age} with an open {max_age}+ band in "
            f"some of their divisions: their age {max_age} is undercounted"
        )
    return notes


def _load_births(
    areas: Areas,
    years: list[int],
    basis: str,
    user: Any,
    divisions: dict[int, _Div],
    population: FloatArray,
) -> tuple[FloatArray, str, list[str]]:
    """Births by year and area on ``basis`` (or the other basis when none is recorded on it); a
    missing area-year takes the observed age-0 population instead, so that it adds no migration."""
    notes: list[str] = []
    qs = _within_cities(Births.objects.filter(year__gte=years[0], year__lte=years[-1]), areas)
    if user is not None:
        qs = scope(user, qs)
    by_basis: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for division_id, year, row_basis, count in qs.values_list("division_id", "year", "basis", "count"):
        by_basis[row_basis].append((division_id, year, count))
    used = basis
    if not by_basis.get(basis):
        others = [b for b in BASES if by_basis.get(b)]
        if others:
            used = others[0]
            notes.append(
                f"没有{basis_zh(basis)}口径的出生人口,改用{basis_zh(used)}口径 / no {basis} births recorded: using {used} births"
            )
    rows = by_basis.get(used, [])
    place = _Placement(areas, divisions, ((d, y, float(c)) for d, y, c in rows))
    births = np.zeros((len(years), len(areas)))
    seen = np.zeros_like(births, dtype=bool)
    for division_id, year, count in rows:
        for i, share in place(division_id):
            births[year - years[0], i] += count * share
            seen[year - years[0], i] = True
    missing = ~seen
    if missing.any():
        births[missing] = population[:, :, 0, :].sum(axis=2)[missing]
        pairs = [(years[t], areas.codes[i]) for t, i in zip(*np.nonzero(missing), strict=True)]
        shown = ", ".join(f"{c} {y}" for y, c in pairs[:10]) + (" …" if len(pairs) > 10 else "")
        notes.append(
            f"{len(pairs)} 个区划-年份没有出生人口,以当年 0 岁人口代替:{shown} / {len(pairs)} area-years "
            f"have no births recorded; their age-0 population is used instead: {shown}"
        )
    notes += [n for n in place.notes() if n not in notes]
    return births, used, notes


def cutoff_fraction() -> float:
    """Share of a birth year born on or before the age cut-off day (``[indicators] age_cutoff``,
    31 August by default), births spread evenly over a common year — the metrics convention."""
    text = str(standards.value("indicators", "age_cutoff"))
    try:
        month, day = (int(x) for x in text.split("-"))
        day_of_year = dt.date(2001, month, day).timetuple().tm_yday
    except ValueError as exc:
        raise PlanningInputError(
            f"{standards.standards_path()} [indicators] age_cutoff: 应为 MM-DD / expected a month-day "
            f"such as 08-31, not {text!r}"
        ) from exc
    return day_of_year / DAYS_IN_COMMON_YEAR


def band_on_cutoff(population: Any, band: AgeBand, fraction: float) -> FloatArray:
    """An age band on the cut-off day of school year Y from year-end ages of calendar year Y.

    Of the children aged ``a`` at the end of Y, the share ``fraction`` born before the cut-off day
    was already ``a`` on it, the rest ``a − 1``: so the band ``lo–hi`` on the cut-off day is
    ``f·Σ P[lo..hi] + (1 − f)·Σ P[lo+1..hi+1]`` — the denominator of the gross enrollment rate as
    the measures compute it. ``population`` is ``(..., ages, 2)``; the result drops the last two axes.
    """
    pop = np.asarray(population, dtype=float)
    n_ages = pop.shape[-2]
    if band.hi + 1 >= n_ages:
        raise PlanningInputError(
            f"年龄段 {band.label} 在截止日的人数需要 {band.hi + 1} 岁的年末人口,只有 0–{n_ages - 1} 岁 / the "
            f"{band.label} band on the cut-off day needs year-end age {band.hi + 1}; only 0–{n_ages - 1} are held"
        )
    same = pop[..., band.lo : band.hi + 1, :].sum(axis=(-2, -1))
    older = pop[..., band.lo + 1 : band.hi + 2, :].sum(axis=(-2, -1))
    return fraction * same + (1.0 - fraction) * older


# ---------------------------------------------------------------------------------- institutions


def census_day(school_year: int) -> dt.date:
    """The day a school year's institutions are counted on (``[school_year] start_month``, day 1)."""
    return dt.date(school_year, int(standards.value("school_year", "start_month")), 1)


@dataclass(frozen=True)
class PreschoolInstitution:
    """One kindergarten or attached preschool class, placed among the areas (current boundaries)."""

    id: int
    code: str
    name: str
    kind: str
    ownership: str
    licence_status: str
    division_level: str
    is_central: bool
    has_central: bool
    seats: int
    established_on: dt.date | None
    closed_on: dt.date | None
    placement: tuple[tuple[int, float], ...]

    def open_on(self, day: dt.date) -> bool:
        started = self.established_on is None or self.established_on <= day
        return started and (self.closed_on is None or self.closed_on > day)

    @property
    def counts(self) -> bool:
        """Unlicensed kindergartens are outside the statistics (their seats and children too)."""
        return self.licence_status != LicenceStatus.UNLICENSED

    @property
    def is_village(self) -> bool:
        """A village kindergarten: located in a village, or run under a township central one."""
        return self.kind == InstitutionKind.KINDERGARTEN and (
            self.division_level == DivisionLevel.VILLAGE or (self.has_central and not self.is_central)
        )


@dataclass(frozen=True)
class PreschoolSupply:
    """Preschool institutions of some areas, with their seats by school year."""

    areas: Areas
    institutions: list[PreschoolInstitution]
    yearly_seats: dict[tuple[int, int], int]
    notes: list[str] = field(default_factory=list)

    def seats_of(self, inst: PreschoolInstitution, school_year: int) -> int:
        if not inst.counts or not inst.open_on(census_day(school_year)):
            return 0
        return self.yearly_seats.get((inst.id, school_year)) or inst.seats

    def seats(self, school_years: Sequence[int]) -> FloatArray:
        """Seats by school year and area, ``(years, areas)``."""
        out = np.zeros((len(school_years), len(self.areas)))
        for inst in self.institutions:
            for t, year in enumerate(school_years):
                n = self.seats_of(inst, year)
                if n:
                    for i, share in inst.placement:
                        out[t, i] += n * share
        return out

    def public_kindergartens(self, school_year: int) -> IntArray:
        """Open public kindergartens by area (attached classes are not kindergartens; every public
        kindergarten with its own registry record counts, branches and village ones included)."""
        out = np.zeros(len(self.areas))
        day = census_day(school_year)
        for inst in self.institutions:
            if (
                inst.kind == InstitutionKind.KINDERGARTEN
                and inst.ownership == Ownership.PUBLIC
                and inst.counts
                and inst.open_on(day)
            ):
                for i, share in inst.placement:
                    out[i] += share
        return np.rint(out).astype(np.int64)


def load_preschool_supply(areas: Areas, *, user: Any = None) -> PreschoolSupply:
    """Kindergartens and attached preschool classes of ``areas`` with their yearly seats."""
    return load_supply(areas, PRESCHOOL_KINDS, user=user)


def load_high_school_supply(areas: Areas, *, user: Any = None) -> PreschoolSupply:
    """High-school-stage institutions of ``areas`` (general high schools and secondary vocational
    schools: the numerator of 高中阶段毛入学率 counts both) with their yearly seats, by the same rules
    as preschool: ``InstitutionYear.seats`` of the school year if recorded, else ``Institution.seats``;
    open on the census day; unlicensed ones not counted."""
    return load_supply(areas, HIGH_SCHOOL_STAGE_KINDS, user=user)


def load_supply(areas: Areas, kinds: Sequence[str], *, user: Any = None) -> PreschoolSupply:
    """Institutions of ``kinds`` in ``areas`` with their yearly seats."""
    divisions = _divisions(user)
    qs: QuerySet[Institution] = _within_cities(Institution.objects.filter(kind__in=kinds), areas)
    if user is not None:
        qs = scope(user, qs)
    place = _Placement(areas, divisions)
    fields = (
        "id",
        "code",
        "name",
        "kind",
        "ownership",
        "licence_status",
        "division_id",
        "is_central",
        "central_id",
        "seats",
        "established_on",
        "closed_on",
    )
    institutions = []
    for row in qs.values_list(*fields):
        pk, code, name, kind, ownership, licence, division_id, is_central, central_id, seats, est, closed = (
            row
        )
        placement = tuple(place(division_id))
        if not placement:
            continue
        div = divisions.get(division_id)
        institutions.append(
            PreschoolInstitution(
                id=pk,
                code=code,
                name=name,
                kind=kind,
                ownership=ownership,
                licence_status=licence,
                division_level=div.level if div else "",
                is_central=is_central,
                has_central=central_id is not None,
                seats=seats,
                established_on=est,
                closed_on=closed,
                placement=placement,
            )
        )
    ids = [inst.id for inst in institutions]
    snapshots = InstitutionYear.objects.filter(institution_id__in=ids, seats__gt=0)
    if user is not None:
        snapshots = scope(user, snapshots)
    yearly = {
        (pk, year): seats
        for pk, year, seats in snapshots.values_list("institution_id", "school_year", "seats")
    }
    return PreschoolSupply(areas=areas, institutions=institutions, yearly_seats=yearly, notes=place.notes())


def children_by_institution(supply: PreschoolSupply, school_year: int, *, user: Any = None) -> dict[int, int]:
    """Children (boys + girls) of each preschool institution's classes in ``school_year``."""
    ids = [inst.id for inst in supply.institutions if inst.counts]
    qs = SchoolClass.objects.filter(school_year=school_year, institution_id__in=ids)
    if user is not None:
        qs = scope(user, qs)
    out: dict[int, int] = defaultdict(int)
    for pk, boys, girls in qs.values_list("institution_id", "boys", "girls"):
        out[pk] += boys + girls
    return dict(out)


def children_enrolled(supply: PreschoolSupply, school_year: int, *, user: Any = None) -> FloatArray:
    """Children enrolled in preschool (licensed kindergartens, teaching points and attached classes)
    by area in ``school_year`` — the numerator of the gross enrollment rate."""
    per_institution = children_by_institution(supply, school_year, user=user)
    out = np.zeros(len(supply.areas))
    for inst in supply.institutions:
        n = per_institution.get(inst.id, 0)
        for i, share in inst.placement:
            out[i] += n * share
    return out


def latest_school_year(*, user: Any = None, up_to: int | None = None) -> int | None:
    """The latest school year with preschool classes (optionally not after ``up_to``)."""
    qs = SchoolClass.objects.filter(institution__kind__in=PRESCHOOL_KINDS)
    if up_to is not None:
        qs = qs.filter(school_year__lte=up_to)
    if user is not None:
        qs = scope(user, qs)
    return qs.order_by("-school_year").values_list("school_year", flat=True).first()


def latest_population_year(*, basis: str, user: Any = None) -> int | None:
    qs = PopulationCount.objects.filter(basis=_basis(basis))
    if user is not None:
        qs = scope(user, qs)
    return qs.order_by("-year").values_list("year", flat=True).first()


def year_end(year: int) -> dt.date:
    return dt.date(year, *YEAR_END)
