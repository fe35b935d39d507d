"""Registry adapter of the siting tools: one county's villages, children and kindergartens.

The plan asks each county to lay out its kindergartens from births and pupil flows, with a service
zone (服务区) for every public and inclusive kindergarten, "nearest or relatively nearest". The
solvers (:mod:`eduplan.planning.siting`) want demand points with children and sites with seats;
this module is the only place that reads them from the registry, through the one scoping function
whenever a user is given:

- **Demand points** are the county's villages (``Division`` level ``village``, synthetic ones
  included) or, where a township has none, the township itself. A point's children are the
  projected 3–5 population on the age cut-off day of school year ``year`` (the gross enrollment
  rate's denominator), from planning I's township projection raked to the county's
  (:mod:`eduplan.planning.projection.run`), split to the villages by their share of the township's children
  aged 0–5 when the registry holds village population (the township keeps the rest at its own
  point), and equally among them when it does not (noted: an assumption).
- **Coordinates**: a division's own latitude/longitude, else the mean of its kindergartens'; a
  township whose villages cannot be placed at all is one point; anything else missing is refused
  with the divisions named.
- **Sites** are the county's licensed kindergartens and teaching points open on the census day of
  ``year`` (and attached preschool classes, ``[siting] include_attached_classes``) with that
  year's seats; all are existing. Village kindergartens and teaching points may close; township
  central kindergartens and attached classes may not. ``new_sites`` adds a proposed kindergarten
  (``[siting] new_site_seats``) at every demand point that has none.
- **Scenarios**: a saved :class:`~eduplan.planning.models.PlanningScenario` (the county's own, or
  its city's) sets the births assumption, births series and population basis of the projection, so
  the children by year follow it.

:func:`load_county_instance` is the contract the ``eduplan plan site --county`` command calls;
:func:`run_county_siting` adds the solve and the per-kindergarten report the officers' page shows.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.db.models import QuerySet

from eduplan.accounts.scoping import scope
from eduplan.plans import standards
from eduplan.registry.choices import DivisionLevel, InstitutionKind, LicenceStatus
from eduplan.registry.models import Division, Institution, PopulationCount

from .. import defaults as planning_defaults
from .. import registry_inputs as ri
from ..errors import PlanningInputError
from ..models import PlanningScenario
from ..projection import run as projection_run
from ..projection.core import KINDERGARTEN_AGES, rake_to_parent
from . import SitingInputError, SitingResult, SitingSettings, solve
from .trends import TrendSettings, YearlyInstance, ZoneTrends, result_trends, trend_records

#: Ages whose share places a township's children in its villages (the children of the next years
#: too, so that a village of toddlers is not left at zero).
SHARE_AGES = (0, 5)
#: Separator of the parts of a split demand point: ``530402100#2``.
PART_SEPARATOR = "#"
#: Prefix of the id of a proposed kindergarten at a demand point: ``NEW-530402100201``.
NEW_PREFIX = "NEW-"


# ------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class CountySitingSettings:
    """``[siting]`` of the standards file (each value's reason is given there)."""

    report_end_year: int
    trend: TrendSettings
    max_point_children: float
    new_site_seats: int
    include_attached_classes: bool
    registry_exact_max_pairs: int
    page_max_pairs: int
    page_time_limit_s: float


def siting_defaults() -> CountySitingSettings:
    def get(key: str) -> Any:
        return standards.value("siting", key)

    return CountySitingSettings(
        report_end_year=int(get("report_end_year")),
        trend=TrendSettings(
            empty_utilisation=float(get("empty_utilisation")),
            full_utilisation=float(get("full_utilisation")),
        ),
        max_point_children=float(get("max_point_children")),
        new_site_seats=int(get("new_site_seats")),
        include_attached_classes=bool(get("include_attached_classes")),
        registry_exact_max_pairs=int(get("registry_exact_max_pairs")),
        page_max_pairs=int(get("page_max_pairs")),
        page_time_limit_s=float(get("page_time_limit_s")),
    )


# ----------------------------------------------------------------------------------- the county


def find_county(county_code: str, user: Any = None) -> Division:
    """The current county of that code, if ``user`` (when given) may see it."""
    qs: QuerySet[Division] = Division.objects.counties().filter(code=county_code, valid_to__isnull=True)
    if user is not None:
        qs = scope(user, qs)
    county = qs.first()
    if county is None:
        raise SitingInputError(
            f"找不到县级区划 {county_code}(或无权查看)/ no current county {county_code} (or not in your scope)"
        )
    return county


def find_scenario(name: str, county: Division, user: Any = None) -> PlanningScenario:
    """The county's own scenario of that name, else its city's."""
    owners = [county.pk] + ([county.city_id] if county.city_id else [])
    qs = PlanningScenario.objects.select_related("division").filter(name=name, division_id__in=owners)
    if user is not None:
        qs = scope(user, qs)
    found = sorted(qs, key=lambda s: s.division_id != county.pk)
    if not found:
        raise SitingInputError(
            f"{county.name}({county.code})及其所属市没有名为 {name} 的情景(或无权查看)/ no scenario named "
            f"{name!r} for county {county.code} or its city (or not in your scope): see `eduplan plan scenario list`"
        )
    return found[0]


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float
    source: str


@dataclass
class _Township:
    """Children aged 3–5 (cut-off day) of one township by year, from the raked projection."""

    id: int
    code: str
    name: str
    children: np.ndarray


@dataclass
class _Projection:
    townships: list[_Township]
    years: tuple[int, ...]
    base_year: int
    births: str
    basis: str
    notes: list[str] = field(default_factory=list)


def _township_children(
    county: Division, year: int, cfg: CountySitingSettings, user: Any, scenario: PlanningScenario | None
) -> _Projection:
    """The 3–5 population on the cut-off day of each report year, by township of ``county``.

    The county is projected as in ``eduplan plan project`` (with the scenario's choices; a city's
    scenario is projected over its city, so that a births series for the city is shared among its
    counties as the city intended), its townships likewise, and the townships raked to the county
    cell by cell (as ``eduplan plan gaps`` does).
    """
    d = planning_defaults.defaults()
    births = scenario.births if scenario else d.births
    series = (scenario.series() or None) if scenario else None
    basis = scenario.basis if scenario else d.projection_basis
    last = ri.latest_population_year(basis=basis, user=user)
    if last is None:
        raise SitingInputError(
            f"没有{ri.basis_zh(basis)}口径的人口数据 / no {basis} population in the registry (or in your scope)"
        )
    horizon = max(d.end_year, cfg.report_end_year, scenario.end_year if scenario else 0)
    if year > horizon:
        raise SitingInputError(
            f"{year} 年超出预测期(至 {horizon} 年)/ {year} is beyond the projection horizon ({horizon})"
        )
    end = max(year, cfg.report_end_year, last)
    where: dict[str, Any] = {"counties": [county.code]}
    if scenario is not None and scenario.division.level == DivisionLevel.CITY:
        where = {"city": scenario.division.code}
    county_run = projection_run.run_projection(
        user=user, basis=basis, births=births, series=series, end_year=end, with_backtest=False, **where
    )
    c_idx = county_run.areas.index(county.code)
    first_obs, last_obs = county_run.inputs.first_year, county_run.inputs.last_year
    try:
        t_areas = ri.load_areas(
            DivisionLevel.TOWNSHIP, user=user, counties=[county.code], on=county_run.areas.on
        )
        t_inputs = ri.load_population(
            t_areas,
            basis=county_run.inputs.basis,
            user=user,
            max_age=county_run.settings.max_age,
            years=(first_obs, last_obs),
        )
    except PlanningInputError as exc:
        raise SitingInputError(
            f"{county.name}({county.code})没有乡镇人口,无法按村、乡镇布置需求点 / county {county.code} has no "
            f"township population, so its children cannot be placed in villages or townships: {exc}"
        ) from exc
    if t_inputs.last_year != last_obs:
        raise SitingInputError(
            f"{county.code} 乡镇人口止于 {t_inputs.last_year} 年,县级止于 {last_obs} 年 / the township population "
            f"of {county.code} ends in {t_inputs.last_year}, the county's in {last_obs}"
        )
    t_run = projection_run.project_inputs(t_inputs, county_run.settings, series, with_backtest=False)
    raked = rake_to_parent(
        t_run.projection.population,
        county_run.projection.population[:, [c_idx]],
        np.zeros(len(t_areas), dtype=np.int64),
    )
    start = min(year, last_obs)
    if start < t_inputs.first_year:
        raise SitingInputError(
            f"{year} 年早于乡镇人口的首年 {t_inputs.first_year} / {year} is before the first year of township "
            f"population, {t_inputs.first_year}"
        )
    years = tuple(range(start, max(cfg.report_end_year, year) + 1))
    stack = np.stack(
        [t_inputs.population[y - t_inputs.first_year] if y < last_obs else raked[y - last_obs] for y in years]
    )
    band = ri.band_on_cutoff(stack, KINDERGARTEN_AGES, ri.cutoff_fraction())
    notes = [
        n
        for n in (county_run.projection.notes((KINDERGARTEN_AGES,)) + county_run.notes + t_inputs.notes)
        if n
    ]
    if scenario is not None:
        notes.insert(
            0,
            f"情景 {scenario.name}({scenario.division.code}):出生 {scenario.births},口径 {scenario.basis} / "
            f"scenario {scenario.name} of {scenario.division.code}: births {scenario.births}, basis {scenario.basis}",
        )
    return _Projection(
        townships=[
            _Township(t_areas.ids[i], t_areas.codes[i], t_areas.names[i], band[:, i])
            for i in range(len(t_areas))
        ],
        years=years,
        base_year=last_obs,
        births=births,
        basis=county_run.inputs.basis,
        notes=notes,
    )


def _village_weights(
    county: Division, basis: str, base_year: int, user: Any
) -> tuple[dict[int, float], int | None]:
    """Children aged 0–5 of each village (and township's own rows) in the latest year up to the
    base year with village rows; ``{division id: weight}`` and that year."""
    qs = PopulationCount.objects.filter(
        division__county_id=county.pk,
        division__level=DivisionLevel.VILLAGE,
        basis=basis,
        year__lte=base_year,
    )
    if user is not None:
        qs = scope(user, qs)
    year = qs.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return {}, None
    rows = PopulationCount.objects.filter(
        division__county_id=county.pk,
        division__level__in=(DivisionLevel.VILLAGE, DivisionLevel.TOWNSHIP),
        basis=basis,
        year=year,
    )
    if user is not None:
        rows = scope(user, rows)
    lo, hi = SHARE_AGES
    young: dict[int, float] = defaultdict(float)
    total: dict[int, float] = defaultdict(float)
    for division_id, age_min, age_max, count in rows.values_list(
        "division_id", "age_min", "age_max", "count"
    ):
        total[division_id] += count
        if age_max is not None and age_min <= hi and age_max >= lo:
            overlap = min(age_max, hi) - max(age_min, lo) + 1
            young[division_id] += count * overlap / (age_max - age_min + 1)
    weights = young if sum(young.values()) > 0 else total
    return {k: float(weights.get(k, 0.0)) for k in total}, year


def _mean(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return float(np.mean([p[0] for p in points])), float(np.mean([p[1] for p in points]))


@dataclass
class _Places:
    """The county's divisions and kindergarten locations, and where each division stands."""

    by_id: dict[int, Division]
    by_code: dict[str, Division]
    villages: dict[int, list[Division]]
    kindergartens: dict[int, list[tuple[float, float]]]

    def point(self, div: Division) -> _Point | None:
        """The division's own coordinates, else the mean of its kindergartens' (for a township,
        its villages' too)."""
        if div.latitude is not None and div.longitude is not None:
            return _Point(div.latitude, div.longitude, "registry")
        mine = list(self.kindergartens.get(div.pk, []))
        if div.level == DivisionLevel.TOWNSHIP:
            for v in self.villages.get(div.pk, []):
                mine += self.kindergartens.get(v.pk, [])
        mean = _mean(mine)
        return _Point(mean[0], mean[1], "kindergartens") if mean else None

    def township(self, pk: int) -> Division:
        town = self.by_id.get(pk)
        if town is None:  # a township placed in this county through a boundary change
            town = self.by_id[pk] = Division.objects.get(pk=pk)
            self.by_code[town.code] = town
        return town


@dataclass
class _Demand:
    """Demand points (before splitting): ids, each one's township and share of its children."""

    ids: list[str] = field(default_factory=list)
    shares: list[tuple[_Township, float]] = field(default_factory=list)
    points: list[_Point] = field(default_factory=list)
    info: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, div: Division, town: Division, township: _Township, share: float, point: _Point) -> None:
        self.ids.append(div.code)
        self.shares.append((township, share))
        self.points.append(point)
        self.info[div.code] = {
            "name": div.name if div.pk == town.pk else f"{town.name}{div.name}",
            "division": div.code,
            "level": div.level,
            "township": town.code,
            "township_name": town.name,
            "synthetic": div.synthetic,
            "coordinates": point.source,
        }

    def children(self, n_years: int) -> np.ndarray:
        """``(years, points)``: each point's share of its township's children."""
        out = np.array([[t.children[k] * share for t, share in self.shares] for k in range(n_years)])
        return out.reshape(n_years, len(self.ids))


def _places(
    county: Division, user: Any, day: dt.date, supply: ri.PreschoolSupply, townships: set[int]
) -> tuple[_Places, dict[int, tuple[int, float | None, float | None]]]:
    divisions: QuerySet[Division] = Division.objects.filter(county_id=county.pk)
    if user is not None:
        divisions = scope(user, divisions)
    places = _Places(by_id={}, by_code={}, villages=defaultdict(list), kindergartens=defaultdict(list))
    for div in divisions.order_by("code"):
        places.by_id[div.pk] = div
        places.by_code[div.code] = div
        live = div.valid_from <= day and (div.valid_to is None or div.valid_to > day)
        if div.level == DivisionLevel.VILLAGE and live and div.parent_id in townships:
            places.villages[div.parent_id].append(div)
    located = {
        pk: (div_id, lat, lon)
        for pk, div_id, lat, lon in Institution.objects.filter(
            pk__in=[i.id for i in supply.institutions]
        ).values_list("id", "division_id", "latitude", "longitude")
    }
    for div_id, lat, lon in located.values():
        if lat is not None and lon is not None:
            places.kindergartens[div_id].append((lat, lon))
    return places, located


def _demand_points(county: Division, proj: _Projection, places: _Places, user: Any) -> _Demand:
    """Villages sharing their township's children (by population aged 0–5, else equally), or the
    township itself; refused when a division cannot be placed (see the module docstring)."""
    weights, weights_year = _village_weights(county, proj.basis, proj.base_year, user)
    demand = _Demand()
    unplaced: list[Division] = []
    equal_split: list[str] = []
    township_points: list[str] = []
    for t in proj.townships:
        town = places.township(t.id)
        vs = places.villages.get(t.id, [])
        v_points = {v.pk: places.point(v) for v in vs}
        if vs and any(v_points.values()):
            missing = [v for v in vs if v_points[v.pk] is None]
            if missing:
                unplaced += missing
                continue
            w = {v.pk: weights.get(v.pk, 0.0) for v in vs}
            own = weights.get(t.id, 0.0)
            if sum(w.values()) > 0:
                members = [(v, w[v.pk]) for v in vs] + ([(town, own)] if own > 0 else [])
            else:
                members = [(v, 1.0) for v in vs]
                equal_split.append(town.name)
        else:
            if vs:
                township_points.append(town.name)
            members = [(town, 1.0)]
        total = sum(weight for _, weight in members)
        for div, weight in members:
            point = v_points.get(div.pk) if div.pk != town.pk else places.point(town)
            if point is None:
                unplaced.append(div)
                continue
            demand.add(div, town, t, weight / total if total > 0 else 0.0, point)
    if unplaced:
        listed = ", ".join(f"{d.name}({d.code})" for d in unplaced[:10]) + (
            " …" if len(unplaced) > 10 else ""
        )
        raise SitingInputError(
            f"{len(unplaced)} 个区划没有经纬度,辖区内也没有带经纬度的幼儿园:{listed};请在登记库中补录经纬度 / "
            f"{len(unplaced)} divisions have no latitude/longitude and none of their kindergartens has any: "
            f"{listed} — enter their coordinates in the registry (Division latitude, longitude)"
        )
    if equal_split:
        demand.notes.append(
            f"以下乡镇的村没有人口数据,乡镇儿童在各村平均分配(假设):{'、'.join(equal_split)} / the villages of "
            f"these townships hold no population: the township's children are shared equally among them "
            f"(an assumption): {', '.join(equal_split)}"
        )
    elif weights_year is not None:
        demand.notes.append(
            f"乡镇儿童按 {weights_year} 年各村 0–5 岁人口比例分到村 / township children are shared among villages "
            f"by their population aged 0–5 in {weights_year}"
        )
    if township_points:
        demand.notes.append(
            f"以下乡镇的村无法定位,整个乡镇作为一个需求点:{'、'.join(township_points)} / the villages of these "
            f"townships cannot be placed: each township is one demand point: {', '.join(township_points)}"
        )
    return demand


def _split(
    demand: _Demand, children: np.ndarray, cfg: CountySitingSettings
) -> tuple[list[str], list[_Point], np.ndarray, dict[str, dict[str, Any]], list[str]]:
    """Points with more children than ``max_point_children`` in any year become equal parts at
    the same place (``code#1``, ``code#2`` …), so that several kindergartens can share them."""
    ids: list[str] = []
    points: list[_Point] = []
    cols: list[np.ndarray] = []
    info = dict(demand.info)
    split: list[str] = []
    for i, code in enumerate(demand.ids):
        parts = max(1, math.ceil(float(children[:, i].max()) / cfg.max_point_children - 1e-9))
        if parts == 1:
            ids.append(code)
            points.append(demand.points[i])
            cols.append(children[:, i])
            continue
        split.append(f"{info[code]['name']}({code}) × {parts}")
        for k in range(1, parts + 1):
            part = f"{code}{PART_SEPARATOR}{k}"
            ids.append(part)
            points.append(demand.points[i])
            cols.append(children[:, i] / parts)
            info[part] = {**info[code], "part": k, "parts": parts}
    notes = []
    if split:
        notes.append(
            f"儿童多于 {cfg.max_point_children:g} 人的需求点按同一位置等分([siting] max_point_children):"
            f"{'、'.join(split[:20])} / demand points with more than {cfg.max_point_children:g} children are "
            f"split into equal parts at the same place, so that several kindergartens can share them: "
            f"{', '.join(split[:20])}" + (" …" if len(split) > 20 else "")
        )
    matrix = np.column_stack(cols) if cols else np.zeros((children.shape[0], 0))
    return ids, points, matrix, info, notes


@dataclass
class _Sites:
    ids: list[str] = field(default_factory=list)
    capacity: list[float] = field(default_factory=list)
    closable: list[bool] = field(default_factory=list)
    points: list[_Point] = field(default_factory=list)
    info: dict[str, dict[str, Any]] = field(default_factory=dict)
    with_kindergarten: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def add(self, site_id: str, seats: float, closable: bool, point: _Point, info: dict[str, Any]) -> None:
        self.ids.append(site_id)
        self.capacity.append(seats)
        self.closable.append(closable)
        self.points.append(point)
        self.info[site_id] = {**info, "closable": closable, "coordinates": point.source}


def _existing_sites(
    supply: ri.PreschoolSupply,
    located: dict[int, tuple[int, float | None, float | None]],
    places: _Places,
    year: int,
    cfg: CountySitingSettings,
) -> _Sites:
    """Licensed kindergartens, teaching points (and attached classes) open on the census day of
    ``year``, with that year's seats; village kindergartens and teaching points may close."""
    day = ri.census_day(year)
    sites = _Sites()
    no_point: list[str] = []
    for inst in sorted(supply.institutions, key=lambda i: i.code):
        if not inst.counts or not inst.open_on(day):
            continue
        attached = inst.kind == InstitutionKind.ATTACHED_CLASS
        if attached and not cfg.include_attached_classes:
            continue
        div_id, lat, lon = located[inst.id]
        sites.with_kindergarten.add(div_id)
        point: _Point | None
        if lat is not None and lon is not None:
            point = _Point(lat, lon, "registry")
        else:
            home = places.by_id.get(div_id)
            point = places.point(home) if home is not None else None
            if point is None and home is not None and home.parent_id in places.by_id:
                point = places.point(places.by_id[home.parent_id])
            if point is None:
                no_point.append(f"{inst.name}({inst.code})")
                continue
            point = _Point(point.lat, point.lon, "division")
        may_close = (
            not attached
            and not inst.is_central
            and (inst.is_village or inst.licence_status == LicenceStatus.TEACHING_POINT)
        )
        sites.add(
            inst.code,
            float(supply.seats_of(inst, year)),
            may_close,
            point,
            {
                "name": inst.name,
                "kind": inst.kind,
                "ownership": inst.ownership,
                "licence_status": inst.licence_status,
                "central": inst.is_central,
                "village": inst.is_village,
                "existing": True,
            },
        )
    if no_point:
        listed = ", ".join(no_point[:10]) + (" …" if len(no_point) > 10 else "")
        raise SitingInputError(
            f"{len(no_point)} 所幼儿园及其所在区划都没有经纬度:{listed} / {len(no_point)} kindergartens and their "
            f"divisions have no latitude/longitude: {listed} — enter their coordinates in the registry"
        )
    placed = sum(1 for s in sites.info.values() if s["coordinates"] == "division")
    if placed:
        sites.notes.append(
            f"{placed} 所幼儿园没有经纬度,按所在区划的位置计 / {placed} kindergartens have no coordinates and are "
            f"placed at their division's"
        )
    return sites


def _propose_sites(sites: _Sites, demand: _Demand, places: _Places, cfg: CountySitingSettings) -> None:
    """A proposed kindergarten at every demand point whose division has none (``--new-sites``)."""
    before = len(sites.ids)
    for code, point in zip(demand.ids, demand.points, strict=True):
        if places.by_code[code].pk in sites.with_kindergarten:
            continue
        sites.add(
            f"{NEW_PREFIX}{code}",
            float(cfg.new_site_seats),
            True,
            point,
            {
                "name": f"{demand.info[code]['name']} 拟建 proposed",
                "kind": InstitutionKind.KINDERGARTEN.value,
                "existing": False,
            },
        )
    added = len(sites.ids) - before
    sites.notes.append(
        f"拟建园址 {added} 处(每个没有幼儿园的需求点一处,各 {cfg.new_site_seats} 个学位)/ {added} proposed "
        f"sites, one at each demand point without a kindergarten, {cfg.new_site_seats} seats each"
    )


def load_county_instance(
    county_code: str,
    year: int,
    *,
    user: Any = None,
    scenario: str | None = None,
    new_sites: bool = False,
) -> YearlyInstance:
    """Demand points, children by year and kindergartens of one county for school year ``year``
    (see the module docstring). Raises :class:`SitingInputError` with a message naming what to fix."""
    cfg = siting_defaults()
    county = find_county(county_code, user)
    chosen = find_scenario(scenario, county, user) if scenario else None
    proj = _township_children(county, year, cfg, user, chosen)
    areas = ri.load_areas(
        DivisionLevel.TOWNSHIP, user=user, counties=[county.code], on=ri.year_end(proj.base_year)
    )
    supply = ri.load_preschool_supply(areas, user=user)
    places, located = _places(county, user, ri.census_day(year), supply, {t.id for t in proj.townships})

    demand = _demand_points(county, proj, places, user)
    ids, points, children, demand_info, split_notes = _split(demand, demand.children(len(proj.years)), cfg)
    sites = _existing_sites(supply, located, places, year, cfg)
    n_existing = len(sites.ids)
    if new_sites:
        _propose_sites(sites, demand, places, cfg)
    notes = [*proj.notes, *demand.notes, *split_notes, *sites.notes]

    return YearlyInstance(
        demand_ids=tuple(ids),
        children=children[proj.years.index(year)].copy(),
        site_ids=tuple(sites.ids),
        capacity=np.array(sites.capacity, dtype=float),
        existing=np.arange(len(sites.ids)) < n_existing,
        closable=np.array(sites.closable, dtype=bool),
        demand_lat=np.array([p.lat for p in points], dtype=float),
        demand_lon=np.array([p.lon for p in points], dtype=float),
        site_lat=np.array([p.lat for p in sites.points], dtype=float),
        site_lon=np.array([p.lon for p in sites.points], dtype=float),
        demand_source=f"{county.name}({county.code})需求点 demand points",
        site_source=f"{county.name}({county.code})幼儿园 kindergartens",
        notes=tuple(notes),
        year=year,
        years=proj.years,
        children_by_year=children,
        base_year=proj.base_year,
        area_code=county.code,
        area_name=county.name,
        scenario=chosen.name if chosen else None,
        births=proj.births,
        basis=proj.basis,
        demand_info={
            code: {**demand_info[code], "lat": p.lat, "lon": p.lon}
            for code, p in zip(ids, points, strict=True)
        },
        site_info={
            sid: {**sites.info[sid], "lat": p.lat, "lon": p.lon}
            for sid, p in zip(sites.ids, sites.points, strict=True)
        },
    )


# ------------------------------------------------------------------------------ solve and report


@dataclass
class CountySitingRun:
    """A county's instance, the model's answer and the zones' children by year: what the
    ``eduplan plan site --county`` command prints and the officers' siting page draws."""

    instance: YearlyInstance
    result: SitingResult
    trends: ZoneTrends
    load_seconds: float

    def trend_records(self) -> list[dict[str, Any]]:
        return trend_records(self.instance, self.trends)

    def zone_rows(self) -> list[dict[str, Any]]:
        """The result's zones with the kindergarten's name, kind and flags."""
        flags = {r["site_id"]: r for r in self.trend_records()}
        rows = []
        for z in self.result.zones:
            info = self.instance.site_info.get(z["site_id"], {})
            trend = flags.get(z["site_id"], {})
            rows.append(
                {
                    **z,
                    "name": info.get("name", z["site_id"]),
                    "kind": info.get("kind", ""),
                    "central": bool(info.get("central")),
                    "flags": trend.get("flags", []),
                }
            )
        return rows

    def map_data(self) -> dict[str, Any]:
        """Places, sites and assignment lines for the Leaflet map (``siting_map.js``). The parts of a
        split demand point are one place on the map (their children summed), with a line to each
        kindergarten that serves some of them."""
        inst, res = self.instance, self.result
        opened = set(res.open_sites)
        zone_of = {sid: k for k, sid in enumerate(res.open_sites)}
        status = {d["demand_id"]: d for d in res.demand}
        rank = {"ok": 0, "beyond radius": 1, "no seat": 2}
        places: dict[str, dict[str, Any]] = {}
        for i, did in enumerate(inst.demand_ids):
            base = did.split(PART_SEPARATOR)[0]
            info = inst.demand_info.get(did, {})
            row = status.get(did, {})
            site = res.assignment.get(did)
            place = places.setdefault(
                base,
                {
                    "id": base,
                    "name": info.get("name", base),
                    "lat": float(inst.demand_lat[i]) if inst.demand_lat is not None else None,
                    "lon": float(inst.demand_lon[i]) if inst.demand_lon is not None else None,
                    "children": 0.0,
                    "parts": 0,
                    "sites": [],
                    "zone": None,
                    "km": None,
                    "status": "ok",
                },
            )
            place["children"] += float(inst.children[i])
            place["parts"] += 1
            if site and site not in place["sites"]:
                place["sites"].append(site)
                if place["zone"] is None:
                    place["zone"] = zone_of.get(site)
            if row.get("km") is not None:
                place["km"] = max(place["km"] or 0.0, row["km"])
            if rank.get(row.get("status", "ok"), 0) > rank.get(place["status"], 0):
                place["status"] = row["status"]
        for place in places.values():
            place["children"] = round(place["children"], 1)
        sites = []
        for j, sid in enumerate(inst.site_ids):
            info = inst.site_info.get(sid, {})
            existing = bool(inst.existing[j])
            is_open = sid in opened
            if not existing and not is_open:
                continue
            sites.append(
                {
                    "id": sid,
                    "name": info.get("name", sid),
                    "lat": float(inst.site_lat[j]) if inst.site_lat is not None else None,
                    "lon": float(inst.site_lon[j]) if inst.site_lon is not None else None,
                    "seats": float(inst.capacity[j]),
                    "state": "new" if is_open and not existing else ("open" if is_open else "closed"),
                    "zone": zone_of.get(sid),
                }
            )
        return {"points": list(places.values()), "sites": sites, "radius_km": res.radius_km}

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``eduplan plan site --county``: the solver's contract plus the county, the
        years and the zones' children by year (``trends``)."""
        return {**self.result.as_dict(), **registry_fields(self.instance, self.trend_records())}


def registry_fields(instance: YearlyInstance, trends: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "county": instance.area_code,
        "county_name": instance.area_name,
        "year": instance.year,
        "base_year": instance.base_year,
        "scenario": instance.scenario,
        "births": instance.births,
        "basis": instance.basis,
        "trend_years": list(instance.years),
        "trends": trends,
        "demand_points": [
            {
                "demand_id": did,
                "name": instance.demand_info.get(did, {}).get("name", did),
                "lat": instance.demand_info.get(did, {}).get("lat"),
                "lon": instance.demand_info.get(did, {}).get("lon"),
                "children": {
                    str(y): round(float(instance.children_by_year[t, i]), 1)
                    for t, y in enumerate(instance.years)
                }
                if instance.children_by_year is not None
                else {},
            }
            for i, did in enumerate(instance.demand_ids)
        ],
    }


def run_county_siting(
    county_code: str,
    year: int,
    model: str,
    *,
    p: int | None = None,
    user: Any = None,
    scenario: str | None = None,
    new_sites: bool = False,
    keep_existing: bool = False,
    capacitated: bool = True,
    method: str = "auto",
    settings: SitingSettings | None = None,
    max_pairs: int | None = None,
) -> CountySitingRun:
    """Load the county, solve ``model`` and follow its zones through the years. ``max_pairs``
    refuses instances too large to solve here (the officers' page), pointing to the command."""
    t0 = time.perf_counter()
    instance = load_county_instance(county_code, year, user=user, scenario=scenario, new_sites=new_sites)
    load_seconds = time.perf_counter() - t0
    if max_pairs is not None and instance.n * instance.m > max_pairs:
        raise SitingInputError(
            f"{instance.area_name} 有 {instance.n} 个需求点 × {instance.m} 个园址,超出页面可即时求解的规模"
            f"({max_pairs:,});请用命令 eduplan plan site --county {county_code} / {instance.n} demand points × "
            f"{instance.m} sites is more than the page solves in a request ({max_pairs:,} pairs): run "
            f"`eduplan plan site --county {county_code} --year {year} --model {model}` instead"
        )
    result = solve(
        instance,
        model,
        p=p,
        method=method,
        capacitated=capacitated,
        keep_existing=keep_existing,
        settings=settings or registry_settings(),
    )
    trends = result_trends(instance, result, siting_defaults().trend)
    return CountySitingRun(instance=instance, result=result, trends=trends, load_seconds=load_seconds)


def registry_settings(settings: SitingSettings | None = None) -> SitingSettings:
    """Solver settings for a registry instance: ``method="auto"`` stays exact up to
    ``[siting] registry_exact_max_pairs`` (HiGHS proves county instances in seconds; see the
    standards file), the rest as given."""
    base = settings or SitingSettings()
    return replace(
        base, exact_max_pairs=max(base.exact_max_pairs, siting_defaults().registry_exact_max_pairs)
    )


def page_settings(radius_km: float | None = None) -> SitingSettings:
    """Solver settings for a run inside a web request: the registry's (:func:`registry_settings`),
    ``[siting] page_time_limit_s`` split between the exact model and the heuristic, and no forked
    process (a web worker must not fork)."""
    cfg = siting_defaults()
    base = registry_settings()
    return replace(
        base,
        radius_km=radius_km if radius_km is not None else base.radius_km,
        exact_time_limit_s=cfg.page_time_limit_s / 2,
        heuristic_time_limit_s=cfg.page_time_limit_s / 2,
        parallel=False,
    )
