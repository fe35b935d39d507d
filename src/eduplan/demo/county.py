"""One county of the demo: its townships and villages, people, institutions, classes, staff, fees,
safety records, pairings and management posts, with the imperfections planted at known rates.

A county is generated and written on its own (one transaction), from a random generator seeded by
(seed, county code): memory stays bounded at any scale and a county's rows do not depend on which
other counties are generated, except for the planting quotas, which run over counties in code
order so the totals are exact.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import models, transaction

from eduplan.plans import standards
from eduplan.registry.choices import (
    FIRST_LEVEL_KG_GRADES,
    AgeGroup,
    DivisionLevel,
    DivisionType,
    HighSchoolRating,
    InstitutionKind,
    KindergartenGrade,
    LicenceStatus,
    Locality,
    ManagementPost,
    Ownership,
    PairingKind,
    PopulationBasis,
    ServiceType,
    Sex,
    Sponsor,
)
from eduplan.registry.models import (
    Births,
    Division,
    FeeStandard,
    Institution,
    InstitutionYear,
    ManagementAppointment,
    NameChange,
    Pairing,
    PopulationCount,
    SafetyRecord,
    SchoolClass,
    StaffMember,
)

from . import contact, geo, staffing
from .allocation import allocate, even_split, largest_remainder
from .calibration import RECENT_CHANGES_FROM
from .gazetteer import LOCALITY_OF, County
from .population import FEMALE, MALE, OPEN_AGE, synthesize
from .rows import TableWriter
from .vocabulary import (
    BANNED_WORDS,
    FEATURE_WORDS,
    FOREIGN_PLACES,
    FOREIGN_WORDS,
    LATIN_WORDS,
    PRIVATE_HS_WORDS,
    PRIVATE_KG_WORDS,
    RELIGIOUS_WORDS,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
    chinese_number,
    looks_clean,
    looks_clean_private,
    short_name,
)

if TYPE_CHECKING:
    from .generator import Generator

BATCH = 2000
#: Preschool age groups with a class limit ([kindergarten_class_size] in plan/standards.toml).
PRESCHOOL_GROUPS = (AgeGroup.NURSERY, AgeGroup.SMALL, AgeGroup.MIDDLE, AgeGroup.LARGE, AgeGroup.MIXED)
CLASS_PREFIX: dict[str, str] = {
    AgeGroup.NURSERY: "托",
    AgeGroup.SMALL: "小",
    AgeGroup.MIDDLE: "中",
    AgeGroup.LARGE: "大",
    AgeGroup.MIXED: "混龄",
}
#: Ages of the small, middle and large classes at the start of the school year (幼儿园工作规程).
CLASS_AGES = (3, 4, 5)
JMS_GRADES = (AgeGroup.GRADE_7, AgeGroup.GRADE_8, AgeGroup.GRADE_9)
HS_GRADES = (AgeGroup.GRADE_10, AgeGroup.GRADE_11, AgeGroup.GRADE_12)
VOC_GRADES = (AgeGroup.VOC_1, AgeGroup.VOC_2, AgeGroup.VOC_3)
#: Entry grades (``SchoolClass.is_new_intake``).
NEW_INTAKE_GRADES = (AgeGroup.GRADE_7, AgeGroup.GRADE_10, AgeGroup.VOC_1)
GRADE_LABEL: dict[str, str] = {
    AgeGroup.GRADE_7: "初一",
    AgeGroup.GRADE_8: "初二",
    AgeGroup.GRADE_9: "初三",
    AgeGroup.GRADE_10: "高一",
    AgeGroup.GRADE_11: "高二",
    AgeGroup.GRADE_12: "高三",
    AgeGroup.VOC_1: "中职一年级",
    AgeGroup.VOC_2: "中职二年级",
    AgeGroup.VOC_3: "中职三年级",
}
SAFETY_ITEMS = (
    "full_time_guard",
    "closed_management",
    "one_key_alarm",
    "video_linked_police",
    "anti_collision",
)
TRUSTEESHIP_COMPONENTS = ["管理帮扶", "教学指导", "教研共建", "师资培训", "资源共享"]
PRESCHOOL_ROLES = ("urban_public", "central", "village", "attached", "private_inclusive", "private_other")
CATEGORY_OF = {
    "urban_public": "public",
    "central": "public",
    "village": "public",
    "attached": "public",
    "private_inclusive": "inclusive",
    "private_other": "other",
}


def _day(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    span = (hi - lo).days
    return lo + dt.timedelta(days=int(rng.integers(0, span + 1))) if span > 0 else lo


def _money(rng: np.random.Generator, bounds: tuple[int, int]) -> Decimal:
    return Decimal(int(rng.integers(bounds[0], bounds[1] + 1))).quantize(Decimal("0.01"))


@dataclass(eq=False)
class Inst:
    """An institution being planned; becomes an Institution row plus its yearly data."""

    code: str
    name: str
    kind: str
    role: str
    township: int
    ownership: str
    sponsor: str
    established_on: dt.date
    village: str = ""
    weight: float = 1.0
    cap: int = 0
    fixed: dict[int, int] | None = None
    is_central: bool = False
    central: Inst | None = None
    group_lead: Inst | None = None
    inclusive: bool = False
    inclusive_since: dt.date | None = None
    licence: str = LicenceStatus.LICENSED
    grade: str = ""
    grade_year: int | None = None
    rating: str = ""
    is_county_hs: bool = False
    is_new_build: bool = False
    network: bool = False
    has_nursery: bool = False
    slack: tuple[int, int, int, int] = (0, 0, 0, 0)
    is_demonstration: bool = False
    residential: dict[str, dt.date] = field(default_factory=dict)
    quality_evaluated_on: dt.date | None = None
    children: dict[int, int] = field(default_factory=dict)
    seats: dict[int, int] = field(default_factory=dict)
    obj: Institution | None = None

    @property
    def preschool(self) -> bool:
        return self.kind in (InstitutionKind.KINDERGARTEN, InstitutionKind.ATTACHED_CLASS)

    @property
    def is_kg(self) -> bool:
        return self.kind == InstitutionKind.KINDERGARTEN

    @property
    def public(self) -> bool:
        return self.ownership == Ownership.PUBLIC

    @property
    def first_level(self) -> bool:
        return self.grade.startswith("1-") or self.rating.startswith("p1")

    @property
    def row(self) -> Institution:
        """The written Institution (after ``write_institutions``)."""
        assert self.obj is not None, self.code
        return self.obj

    def fixed_children(self, year: int) -> int:
        return self.fixed[year] if self.fixed else 0


@dataclass(slots=True, eq=False)
class ClassRow:
    """A SchoolClass row before it is written (planting resizes some)."""

    inst: Inst
    school_year: int
    name: str
    age_group: str
    boys: int
    girls: int
    minority: int
    age_under3: int = 0
    age_3: int = 0
    age_4: int = 0
    age_5: int = 0
    age_over5: int = 0

    FIELDS = (
        "institution",
        "school_year",
        "name",
        "age_group",
        "is_new_intake",
        "is_boarding",
        "boys",
        "girls",
        "minority",
        "age_under3",
        "age_3",
        "age_4",
        "age_5",
        "age_over5",
    )

    @property
    def size(self) -> int:
        return self.boys + self.girls

    @property
    def code(self) -> str:
        return f"{self.inst.code}/{self.school_year}/{self.name}"

    def values(self) -> tuple[Any, ...]:
        return (
            self.inst.row.pk,
            self.school_year,
            self.name,
            self.age_group,
            self.age_group in NEW_INTAKE_GRADES,
            False,
            self.boys,
            self.girls,
            self.minority,
            self.age_under3,
            self.age_3,
            self.age_4,
            self.age_5,
            self.age_over5,
        )


@dataclass(slots=True, eq=False)
class YearRow:
    inst: Inst
    school_year: int
    seats: int
    entered: int
    left: int
    funding: Decimal | None
    info_published: bool = True

    FIELDS = (
        "institution",
        "school_year",
        "seats",
        "entered",
        "left",
        "funding_per_student",
        "info_published",
    )

    def values(self) -> tuple[Any, ...]:
        pk = self.inst.row.pk
        return (pk, self.school_year, self.seats, self.entered, self.left, self.funding, self.info_published)


POPULATION_FIELDS = ("division", "year", "age_min", "age_max", "sex", "basis", "count")
BIRTHS_FIELDS = ("division", "year", "basis", "count")
STAFF_FIELDS = (
    "institution",
    "name",
    "sex",
    "role",
    "certificate",
    "employment",
    "is_full_time",
    "social_insurance",
    "housing_fund",
    "training_hours",
    "start_date",
    "end_date",
    "change_filed_on",
    "id_hash",
    "id_last4",
)
FEE_FIELDS = ("institution", "monthly_fee", "filed_on", "effective_on", "contracted_ceiling")
SAFETY_FIELDS = ("institution", "checked_on", *SAFETY_ITEMS)


class CountyBuilder:
    def __init__(self, gen: Generator, county: County, population: int, *, last: bool) -> None:
        self.gen = gen
        self.county = county
        self.population_total = population
        self.last = last
        self.cal = gen.settings.calibration
        self.th = gen.th
        self.limit = gen.th.class_limit
        self.spec = gen.spec
        self.rng = np.random.default_rng([gen.seed, int(county.code)])
        # Coordinates and registers draw from their own generators: the rest does not move.
        self.places = geo.CountyPlaces(gen.seed, county.code, gen.county_seats[county.code])
        self.flags = gen.county_flags.get(county.code, set())
        self.insts: list[Inst] = []
        self.counters: dict[str, int] = {}
        self.names: set[str] = set()
        self.counts: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------------------

    def pick(self, kind: str, candidates: list[Any], *, last: bool | None = None) -> list[Any]:
        return self.gen.quota(kind).pick(self.rng, candidates, last=self.last if last is None else last)

    def next_code(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{self.county.code}{prefix}{n:04d}"

    def unique(self, name: str) -> str:
        if name not in self.names:
            self.names.add(name)
            return name
        n = 2
        while f"{name}({n})" in self.names:
            n += 1
        self.names.add(f"{name}({n})")
        return f"{name}({n})"

    def bulk(self, model: type[models.Model], objs: list[Any]) -> None:
        """bulk_create: for rows that need their primary key back or are few."""
        if objs:
            model._default_manager.bulk_create(objs, batch_size=BATCH)
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(objs)

    def insert(self, model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Plain tuples for the big leaf tables (see ``rows``)."""
        if rows:
            TableWriter(model, fields).write(rows)
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(rows)

    # -- the whole county ------------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        with transaction.atomic():
            self.write_divisions()
            self.pop = synthesize(
                self.county,
                int(self.population_total * self.spec.population_factor),
                self.gen.birth_rate(self.county),
                self.spec,
                self.cal,
                self.rng,
            )
            self.write_population()
            self.set_targets()
            self.plan_preschool()
            self.plan_schools()
            self.plant_institutions()
            self.write_institutions()
            self.write_years_and_classes()
            self.write_staff()
            self.write_fees_and_safety()
            self.write_pairings_and_posts()
            for model, n in self.gen.registers.fill_county(self.cdiv, last=self.last).items():
                self.gen.register_counts[model] = self.gen.register_counts.get(model, 0) + n
            self.gen.count_registers(self.gen.duties.fill_county(self.cdiv, last=self.last))
        return self.counts

    # -- divisions --------------------------------------------------------------------------------------

    def write_divisions(self) -> None:
        county, city = self.county, self.gen.city_division(self.county)
        seat = self.places.seat
        cdiv = Division(
            code=county.code,
            name=county.name,
            level=DivisionLevel.COUNTY,
            type=county.type,
            parent=city,
            latitude=seat[0],
            longitude=seat[1],
        )
        cdiv.skip_history_when_saving = True  # type: ignore[attr-defined]  # no wall-clock rows
        cdiv.save()  # save() sets county = itself and city from the parent chain
        self.cdiv = cdiv
        self.tpoints = [self.places.township(t.type) for t in county.townships]
        self.tdivs = [
            Division(
                code=t.code,
                name=t.name,
                level=DivisionLevel.TOWNSHIP,
                type=t.type,
                parent=cdiv,
                county=cdiv,
                city=city,
                locality=LOCALITY_OF.get(t.type, Locality.RURAL),
                latitude=point[0],
                longitude=point[1],
            )
            for t, point in zip(county.townships, self.tpoints, strict=True)
        ]
        Division.objects.bulk_create(self.tdivs, batch_size=BATCH)
        self.villages: list[list[str]] = []
        vdivs = []
        lo, hi = self.spec.villages_per_township
        for t, tdiv, tpoint in zip(county.townships, self.tdivs, self.tpoints, strict=True):
            names: list[str] = []
            if t.type != DivisionType.SUBDISTRICT:
                wanted = int(self.rng.integers(lo, hi + 1))
                while len(names) < wanted:
                    name = (
                        VILLAGE_FIRST[int(self.rng.integers(len(VILLAGE_FIRST)))]
                        + VILLAGE_SECOND[int(self.rng.integers(len(VILLAGE_SECOND)))]
                        + "村"
                    )
                    if name not in names:
                        names.append(name)
                for i, name in enumerate(names):
                    vpoint = self.places.village(tpoint)
                    vdivs.append(
                        Division(
                            code=f"{t.code}{200 + i + 1:03d}",
                            name=name,
                            level=DivisionLevel.VILLAGE,
                            type=DivisionType.VILLAGE,
                            parent=tdiv,
                            county=cdiv,
                            city=city,
                            locality=Locality.RURAL,
                            synthetic=True,
                            latitude=vpoint[0],
                            longitude=vpoint[1],
                        )
                    )
            self.villages.append(names)
        self.bulk(Division, vdivs)
        self.counts["Division"] = self.counts.get("Division", 0) + 1 + len(self.tdivs)

    # -- people ---------------------------------------------------------------------------------------

    def write_population(self) -> None:
        """Single-year ages 0–19 and 20+ by sex, resident and registered, per township (or per
        county at nation scale); births per township and year."""
        pop = self.pop
        rows: list[tuple[Any, ...]] = []
        if self.spec.population_level == "township":
            targets = list(enumerate(self.tdivs))
        else:
            targets = [(-1, self.cdiv)]
        for ti, div in targets:
            for basis, arr in (
                (PopulationBasis.RESIDENT, pop.resident),
                (PopulationBasis.REGISTERED, pop.registered),
            ):
                block = (arr[ti] if ti >= 0 else arr.sum(axis=0)).tolist()
                for yi, year in enumerate(pop.years):
                    for age in range(OPEN_AGE + 1):
                        age_max = None if age == OPEN_AGE else age
                        for s, sex in ((MALE, Sex.MALE), (FEMALE, Sex.FEMALE)):
                            rows.append((div.pk, year, age, age_max, sex, basis, block[yi][age][s]))
        self.insert(PopulationCount, POPULATION_FIELDS, rows)
        births = []
        for ti, div in targets:
            series = (pop.births[ti] if ti >= 0 else pop.births.sum(axis=0)).tolist()
            for bi, year in enumerate(pop.birth_years):
                births.append((div.pk, year, PopulationBasis.RESIDENT, series[bi]))
        self.insert(Births, BIRTHS_FIELDS, births)

    # -- targets --------------------------------------------------------------------------------------

    def set_targets(self) -> None:
        """Trajectories of the county's enrollment rate, inclusive coverage, public share and
        high-school-stage rate over the school years, ending above the plan's targets unless the
        county was chosen to lag."""
        cal, rng, years = self.cal, self.rng, self.spec.school_years

        def path(end: tuple[float, float], drop: tuple[float, float]) -> dict[int, float]:
            last = rng.uniform(*end)
            first = last - rng.uniform(*drop)
            if len(years) == 1:
                return {years[0]: last}
            return {y: first + (last - first) * i / (len(years) - 1) for i, y in enumerate(years)}

        lag = self.flags
        self.ger = path(
            cal.enrollment_rate_lagging_end
            if "county_below_enrollment_target" in lag
            else cal.enrollment_rate_clean_end,
            cal.enrollment_rate_start_drop,
        )
        q = path(
            cal.inclusive_lagging_end if "county_below_inclusive_target" in lag else cal.inclusive_clean_end,
            cal.inclusive_start_drop,
        )
        p = path(
            cal.public_lagging_end if "county_below_public_share_target" in lag else cal.public_clean_end,
            cal.public_start_drop,
        )
        self.public_share = {y: min(p[y], q[y] - cal.min_inclusive_private_share) for y in years}
        self.inclusive_share = q
        first_hs, last_hs = rng.uniform(*cal.hs_enrollment_start), rng.uniform(*cal.hs_enrollment_end)
        steps = max(1, len(years) - 1)
        self.hs_rate = {
            y: last_hs - (last_hs - first_hs) * (len(years) - 1 - i) / steps for i, y in enumerate(years)
        }
        self.children_total = {
            y: round(self.ger[y] * self.pop.ages(y, *self.th.preschool_ages)) for y in years
        }
        self.category_total: dict[int, dict[str, int]] = {}
        for y in years:
            c = self.children_total[y]
            pub = round(c * self.public_share[y])
            inc = round(c * (self.inclusive_share[y] - self.public_share[y]))
            self.category_total[y] = {"public": pub, "inclusive": inc, "other": c - pub - inc}
        if self.county.is_autonomous:
            self.minority_share = cal.minority_share["autonomous"]
        elif self.county.province_code == cal.home_province:
            self.minority_share = cal.minority_share["yunnan"]
        else:
            self.minority_share = cal.minority_share["other"]

    # -- preschool institutions ---------------------------------------------------------------------

    def typical(self, role: str) -> float:
        """Typical children of an institution of this role, kept well under its cap so that the
        county's children always fit."""
        cal = self.cal
        cap = cal.attached_max_children if role == "attached" else cal.kindergarten_max_children
        return min(
            cal.typical_children[role] * self.spec.institution_size_factor, cal.typical_share_of_cap * cap
        )

    def place(self, ti: int) -> str:
        """A township's name for a public institution's name, if nothing in it looks unclean."""
        name = self.county.townships[ti].name
        if looks_clean(name):
            return name
        return self.county.name if looks_clean(self.county.name) else ""

    def private_place(self, ti: int) -> str:
        for candidate in (short_name(self.county.townships[ti].name), short_name(self.county.name)):
            if looks_clean_private(candidate):
                return candidate
        return ""

    def private_name(self, ti: int) -> str:
        stem = self.private_place(ti)
        words = PRIVATE_KG_WORDS
        start = int(self.rng.integers(len(words)))
        for i in range(len(words)):
            name = f"{stem}{words[(start + i) % len(words)]}幼儿园"
            if name not in self.names:
                self.names.add(name)
                return name
        while True:
            a, b = (words[int(i)] for i in self.rng.choice(len(words), size=2, replace=False))
            name = f"{stem}{a}{b}幼儿园"
            if name not in self.names:
                self.names.add(name)
                return name

    def new_inst(self, prefix: str, **kw: Any) -> Inst:
        inst = Inst(code=self.next_code(prefix), **kw)
        self.insts.append(inst)
        return inst

    def plan_preschool(self) -> None:
        cal, rng, county = self.cal, self.rng, self.county
        years = self.spec.school_years
        factor = self.spec.population_factor
        towns = county.townships
        subdistricts = [i for i, t in enumerate(towns) if t.type == DivisionType.SUBDISTRICT]
        rural = [i for i, t in enumerate(towns) if t.type != DivisionType.SUBDISTRICT]
        seat = subdistricts or [0]
        peak_year = max(years, key=lambda y: self.children_total[y])
        ages = self.th.preschool_ages
        kids = np.array([self.pop.ages(peak_year, *ages, township=i) for i in range(len(towns))], dtype=float)
        kids_rel = (kids + 1.0) / (kids.mean() + 1.0)

        def scaled(bounds: tuple[int, int]) -> int:
            n = int(rng.integers(bounds[0], bounds[1] + 1)) * factor
            return math.floor(n + rng.random())

        def size_weight(role: str, ti: int) -> float:
            return (
                self.typical(role)
                * float(rng.lognormal(0.0, cal.institution_size_sigma))
                * kids_rel[ti] ** cal.township_size_elasticity
            )

        def established(role: str) -> dt.date:
            lo, hi = cal.established_years[role]
            return _day(rng, dt.date(lo, 1, 1), dt.date(hi, 8, 31))

        def slack() -> tuple[int, int, int, int]:
            return tuple(int(x) for x in rng.integers(0, cal.class_slack_max + 1, size=4))  # type: ignore[return-value]

        kg_cap = cal.kindergarten_max_children
        # Township central kindergartens, village kindergartens and attached classes.
        self.centrals: dict[int, Inst] = {}
        rural_capacity = 0.0
        for ti in rural:
            villages = self.villages[ti]
            central = self.new_inst(
                "K",
                name=self.unique(f"{self.place(ti)}中心幼儿园"),
                kind=InstitutionKind.KINDERGARTEN,
                role="central",
                township=ti,
                ownership=Ownership.PUBLIC,
                sponsor=Sponsor.EDUCATION_DEPT,
                established_on=established("central"),
                weight=size_weight("central", ti),
                cap=kg_cap,
                is_central=True,
                slack=slack(),
            )
            self.centrals[ti] = central
            rural_capacity += self.typical("central")
            n_village = min(scaled(cal.village_kgs_per_township), len(villages))
            n_attached = min(scaled(cal.attached_per_township), len(villages) - n_village)
            order = [int(i) for i in rng.permutation(len(villages))]
            for j in range(n_village):
                village = villages[order[j]]
                self.new_inst(
                    "K",
                    name=self.unique(f"{self.place(ti)}{village}幼儿园"),
                    kind=InstitutionKind.KINDERGARTEN,
                    role="village",
                    township=ti,
                    village=village,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.COLLECTIVE
                    if rng.random() < cal.village_collective_share
                    else Sponsor.EDUCATION_DEPT,
                    established_on=established("village"),
                    weight=size_weight("village", ti),
                    cap=kg_cap,
                    central=central,
                    slack=slack(),
                )
                rural_capacity += self.typical("village")
            for j in range(n_village, n_village + n_attached):
                village = villages[order[j]]
                self.new_inst(
                    "A",
                    name=self.unique(f"{self.place(ti)}{village}小学附设幼儿班"),
                    kind=InstitutionKind.ATTACHED_CLASS,
                    role="attached",
                    township=ti,
                    village=village,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.EDUCATION_DEPT,
                    established_on=established("attached"),
                    weight=size_weight("attached", ti),
                    cap=cal.attached_max_children,
                    slack=slack(),
                )
                rural_capacity += self.typical("attached")
        # County-level public kindergartens (第N幼儿园) in the subdistricts or the county seat.
        peak = {
            cat: max(self.category_total[y][cat] for y in years) for cat in ("public", "inclusive", "other")
        }
        n_urban = max(1, math.ceil(max(0.0, peak["public"] - rural_capacity) / self.typical("urban_public")))
        seat_kids = kids[seat] + 1.0
        per_seat = largest_remainder(n_urban, seat_kids)
        county_place = self.county.name if looks_clean(self.county.name) else ""
        self.first_kg: Inst | None = None
        number = 0
        for ti, count in zip(seat, per_seat, strict=True):
            for _ in range(int(count)):
                number += 1
                sponsors = list(cal.urban_public_sponsors)
                shares = np.array(list(cal.urban_public_sponsors.values()))
                sponsor = sponsors[int(rng.choice(len(sponsors), p=shares / shares.sum()))]
                inst = self.new_inst(
                    "K",
                    name=self.unique(f"{county_place}第{chinese_number(number)}幼儿园"),
                    kind=InstitutionKind.KINDERGARTEN,
                    role="urban_public",
                    township=ti,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.EDUCATION_DEPT if number == 1 else sponsor,
                    established_on=established("urban_public"),
                    weight=size_weight("urban_public", ti),
                    cap=kg_cap,
                    has_nursery=True,
                    slack=slack(),
                )
                if number == 1:
                    self.first_kg = inst
        # Private kindergartens, more of them where towns are.
        urban_factor = np.array([cal.private_location_weight[t.weight_key] for t in towns])
        p_town = (kids + 1.0) * urban_factor
        p_town = p_town / p_town.sum()
        for role, cat in (("private_inclusive", "inclusive"), ("private_other", "other")):
            n = max(1, math.ceil(peak[cat] / self.typical(role)))
            where = np.sort(rng.choice(len(towns), size=n, p=p_town))
            for ti in where:
                ti = int(ti)
                inclusive = role == "private_inclusive"
                ownership = (
                    Ownership.PRIVATE_NONPROFIT
                    if inclusive or rng.random() >= cal.forprofit_share
                    else Ownership.PRIVATE_FORPROFIT
                )
                self.new_inst(
                    "K",
                    name=self.private_name(ti),
                    kind=InstitutionKind.KINDERGARTEN,
                    role=role,
                    township=ti,
                    ownership=ownership,
                    sponsor=Sponsor.PRIVATE,
                    established_on=established("private"),
                    weight=size_weight(role, ti),
                    cap=kg_cap,
                    inclusive=inclusive,
                    inclusive_since=_day(rng, *cal.inclusive_recognised) if inclusive else None,
                    has_nursery=rng.random() < cal.private_nursery_share,
                    slack=slack(),
                )
        # Group members (1+N) led by the county's first kindergarten; residential supporting ones.
        for inst in self.insts:
            if inst.role == "village" and self.first_kg is not None and rng.random() < cal.group_member_share:
                inst.group_lead = self.first_kg
            if (
                inst.is_kg
                and towns[inst.township].type == DivisionType.SUBDISTRICT
                and inst.role in ("urban_public", "private_inclusive", "private_other")
                and inst is not self.first_kg
                and rng.random() < cal.residential_supporting_share
            ):
                first, last = cal.housing_delivered_years
                housing = _day(rng, dt.date(first, 1, 1), dt.date(last, 6, 30))

                def before(days: tuple[int, int], housing: dt.date = housing) -> dt.date:
                    return housing - dt.timedelta(days=int(rng.integers(days[0], days[1] + 1)))

                # Planned, approved, built and delivered with the housing (四同步).
                delivered = before(cal.supporting_lead_days["delivered"])
                inst.residential = {
                    "supporting_planned_on": before(cal.supporting_lead_days["planned"]),
                    "supporting_approved_on": before(cal.supporting_lead_days["approved"]),
                    "supporting_built_on": before(cal.supporting_lead_days["built"]),
                    "supporting_delivered_on": delivered,
                    "housing_delivered_on": housing,
                }
                inst.established_on = delivered

    # -- schools --------------------------------------------------------------------------------------

    def plan_schools(self) -> None:
        cal, rng, county, years = self.cal, self.rng, self.county, self.spec.school_years
        pop = self.pop
        # The high-school-stage gross rate's denominator: the 15–17-year-olds on the age cut-off day.
        aged = {y: pop.on_cutoff(y, *self.th.high_school_ages, self.th.cutoff_fraction) for y in years}
        self.general = {y: round(self.hs_rate[y] * aged[y] * cal.general_share) for y in years}
        self.vocational_total = {y: round(self.hs_rate[y] * aged[y] * (1 - cal.general_share)) for y in years}
        seat = next((i for i, t in enumerate(county.townships) if t.type == DivisionType.SUBDISTRICT), 0)
        county_place = county.name if looks_clean(county.name) else ""
        short = short_name(county.name) if looks_clean(short_name(county.name)) else ""
        # 县中: the public high schools of counties and county-level cities (not of districts).
        county_hs = county.type in (DivisionType.COUNTY, DivisionType.COUNTY_CITY)
        typical = min(
            cal.typical_hs_students * self.spec.institution_size_factor,
            cal.typical_share_of_cap * cal.hs_max_students,
        )

        def established(role: str) -> dt.date:
            lo, hi = cal.established_years[role]
            return _day(rng, dt.date(lo, 1, 1), dt.date(hi, 8, 31))

        def size() -> float:
            return float(rng.lognormal(0.0, cal.school_size_sigma))

        others = list(cal.hs_other_ratings)

        oversize = "hs_new_build_over_3000" in self.flags
        self.oversize_hs: Inst | None = None
        peak = max(self.general.values())
        if oversize:
            big = int(rng.integers(cal.hs_oversize_students[0], cal.hs_oversize_students[1] + 1))
            peak = max(0, peak - big)
        n_rest = max(1, math.ceil(peak / typical))
        n_private = round(n_rest * cal.private_hs_share) if n_rest >= 3 else 0
        n_public = n_rest - n_private
        self.high_schools: list[Inst] = []
        no_first = "county_no_first_level_hs" in self.flags
        for i in range(n_public):
            if i == 1 and county.is_autonomous:
                name = f"{county_place}民族中学"
            else:
                name = f"{county_place}第{chinese_number(i + 1)}中学"
            if no_first:
                rating = HighSchoolRating.P2 if i == 0 else str(rng.choice(others[:2]))
            elif i == 0:
                rating = str(rng.choice([HighSchoolRating.P1_1, HighSchoolRating.P1_2]))
            elif rng.random() < cal.hs_first_level_share:
                rating = HighSchoolRating.P1_3
            else:
                rating = str(rng.choice(others))
            inst = self.new_inst(
                "H",
                name=self.unique(name),
                kind=InstitutionKind.HIGH_SCHOOL,
                role="hs",
                township=seat,
                ownership=Ownership.PUBLIC,
                sponsor=Sponsor.EDUCATION_DEPT,
                established_on=established("hs"),
                weight=(cal.hs_first_school_weight if i == 0 else 1.0) * size(),
                cap=cal.hs_max_students,
                rating=rating,
                is_county_hs=county_hs,
                network=True,
            )
            if i > 0 and not inst.first_level and rng.random() < cal.hs_new_build_share:
                inst.is_new_build = True
                inst.established_on = cal.new_build_opened
            self.high_schools.append(inst)
        for _ in range(n_private):
            word = PRIVATE_HS_WORDS[int(rng.integers(len(PRIVATE_HS_WORDS)))]
            self.high_schools.append(
                self.new_inst(
                    "H",
                    name=self.unique(f"{short}{word}高级中学"),
                    kind=InstitutionKind.HIGH_SCHOOL,
                    role="hs",
                    township=seat,
                    ownership=Ownership.PRIVATE_NONPROFIT,
                    sponsor=Sponsor.PRIVATE,
                    established_on=established("private_hs"),
                    weight=size(),
                    cap=cal.hs_max_students,
                    rating=str(rng.choice(others)),
                    network=True,
                )
            )
        if oversize:
            inst = self.new_inst(
                "H",
                name=self.unique(f"{county_place}第{chinese_number(n_public + 1)}中学"),
                kind=InstitutionKind.HIGH_SCHOOL,
                role="hs",
                township=seat,
                ownership=Ownership.PUBLIC,
                sponsor=Sponsor.EDUCATION_DEPT,
                established_on=cal.new_build_opened,
                rating=HighSchoolRating.P2,
                is_county_hs=county_hs,
                is_new_build=True,
                network=True,
                fixed={
                    y: big + int(rng.integers(-cal.fixed_size_wobble, cal.fixed_size_wobble + 1))
                    for y in years
                },
            )
            self.oversize_hs = inst
            self.high_schools.append(inst)
            self.gen.manifest.add("hs_new_build_over_3000", inst.code)
        # Secondary vocational schools.
        self.vocational: list[Inst] = []
        n_voc = max(1, round(max(self.vocational_total.values()) / cal.typical_vocational_students))
        for i in range(n_voc):
            name = (
                f"{county_place}职业高级中学"
                if i == 0
                else f"{county_place}第{chinese_number(i + 1)}职业高级中学"
            )
            self.vocational.append(
                self.new_inst(
                    "V",
                    name=self.unique(name),
                    kind=InstitutionKind.VOCATIONAL,
                    role="voc",
                    township=seat,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.EDUCATION_DEPT,
                    established_on=established("voc"),
                    weight=size(),
                    network=True,
                )
            )
        # Junior middle schools: one per town/township, more in the subdistricts.
        self.junior: list[Inst] = []
        number = 0
        for ti, t in enumerate(county.townships):
            if t.type == DivisionType.SUBDISTRICT:
                n = max(1, round(self.pop.township_total[ti] / cal.jms_residents_per_school))
                names = []
                for _ in range(n):
                    number += 1
                    names.append(f"{county_place}第{chinese_number(number)}初级中学")
            else:
                names = [f"{self.place(ti)}中学"]
            for name in names:
                self.junior.append(
                    self.new_inst(
                        "J",
                        name=self.unique(name),
                        kind=InstitutionKind.JUNIOR_MIDDLE,
                        role="jms",
                        township=ti,
                        ownership=Ownership.PUBLIC,
                        sponsor=Sponsor.EDUCATION_DEPT,
                        established_on=established("jms"),
                        network=True,
                    )
                )
        self.junior_by_township: dict[int, list[Inst]] = {}
        for inst in self.junior:
            self.junior_by_township.setdefault(inst.township, []).append(inst)

    # -- institution-level plants -------------------------------------------------------------------

    def plant_institutions(self) -> None:
        cal, rng, manifest = self.cal, self.rng, self.gen.manifest
        kgs = [i for i in self.insts if i.is_kg]
        private = [i for i in kgs if not i.public]
        # Names: each planted name breaks exactly one naming rule.
        public_models = [
            i
            for i in self.insts
            if i.public and i.kind in (InstitutionKind.KINDERGARTEN, InstitutionKind.HIGH_SCHOOL)
        ]
        renamed: set[Inst] = set()
        for inst in self.pick("kg_name_uses_public_name", private):
            model = public_models[int(rng.integers(len(public_models)))]
            word = PRIVATE_KG_WORDS[int(rng.integers(len(PRIVATE_KG_WORDS)))]
            inst.name = self.unique(
                f"{model.name}附属幼儿园"
                if model.kind == InstitutionKind.HIGH_SCHOOL
                else f"{model.name}{word}分园"
            )
            renamed.add(inst)
            manifest.add("kg_name_uses_public_name", inst.code)
        for kind, words in (
            ("kg_name_banned_word", BANNED_WORDS),
            ("kg_name_feature_word", FEATURE_WORDS),
            ("kg_name_latin", LATIN_WORDS),
            ("kg_name_foreign_place", FOREIGN_PLACES),
            ("kg_name_foreign_word", FOREIGN_WORDS),
            ("kg_name_religious", RELIGIOUS_WORDS),
        ):
            pool = [i for i in private if i not in renamed]
            for inst in self.pick(kind, pool):
                word = words[int(rng.integers(len(words)))]
                inst.name = self.unique(f"{self.private_place(inst.township)}{word}幼儿园")
                renamed.add(inst)
                manifest.add(kind, inst.code)
        # Kindergartens renamed in the clean-up (published old → new, not imperfections).
        self.renames = []
        for inst in self.pick("renamed_kindergartens", [i for i in private if i not in renamed]):
            word = (BANNED_WORDS + FEATURE_WORDS)[int(rng.integers(len(BANNED_WORDS) + len(FEATURE_WORDS)))]
            old = f"{self.private_place(inst.township)}{word}幼儿园"
            self.renames.append((inst, old))
            self.gen.manifest.renamed.append(inst.code)
        # Licences.
        others = [i for i in kgs if i.role == "private_other"]
        for inst in self.pick("kg_unlicensed", others):
            inst.licence = LicenceStatus.UNLICENSED
            manifest.add("kg_unlicensed", inst.code)
            manifest.add("kg_unrated", inst.code)
        for inst in self.pick("kg_teaching_point", [i for i in kgs if i.role == "village"]):
            inst.licence = LicenceStatus.TEACHING_POINT
            manifest.add("kg_teaching_point", inst.code)
        # Grades (every kindergarten rated before 2023), first level by role.
        rated = [i for i in kgs if i.licence != LicenceStatus.UNLICENSED]
        unrated = set(self.pick("kg_unrated", rated))
        for inst in unrated:
            manifest.add("kg_unrated", inst.code)
        first_level = [g.value for g in FIRST_LEVEL_KG_GRADES]
        lower = [g.value for g in KindergartenGrade if g.value and g.value not in first_level]
        lowest = [g for g in lower if g.startswith("3-")]  # 三级: teaching points and village sites
        for inst in kgs:
            if inst.licence == LicenceStatus.UNLICENSED or inst in unrated:
                continue
            inst.grade_year = int(rng.integers(cal.grade_years[0], cal.grade_years[1] + 1))
            if (
                inst.licence == LicenceStatus.LICENSED
                and rng.random() < cal.first_level_probability[inst.role]
            ):
                inst.grade = str(rng.choice(first_level))
                inst.is_demonstration = rng.random() < cal.demonstration_share_of_first_level
            elif inst.licence == LicenceStatus.TEACHING_POINT or inst.role == "village":
                inst.grade = str(rng.choice(lowest))
            else:
                inst.grade = str(rng.choice(lower))
        for inst in self.insts:
            if inst.preschool:
                inst.quality_evaluated_on = _day(rng, *cal.quality_evaluated)
        # Very large kindergartens (more than [kindergarten_class_size] max_children).
        lo, hi = cal.kg_over_max_children
        for inst in self.pick("kg_over_360", [i for i in kgs if i.role == "urban_public"]):
            inst.fixed = {y: int(rng.integers(lo, hi + 1)) for y in self.spec.school_years}
            inst.has_nursery = False
            manifest.add("kg_over_360", inst.code)
        # Residential supporting kindergartens delivered after their housing (四同步 broken).
        supporting = [i for i in kgs if i.residential]
        for inst in self.pick("kg_supporting_delivered_late", supporting):
            days = int(rng.integers(cal.supporting_late_days[0], cal.supporting_late_days[1] + 1))
            late = inst.residential["housing_delivered_on"] + dt.timedelta(days=days)
            inst.residential["supporting_delivered_on"] = late
            inst.established_on = late
            manifest.add("kg_supporting_delivered_late", inst.code)
        # High schools off the education network.
        general = [i for i in self.insts if i.kind == InstitutionKind.HIGH_SCHOOL]
        for inst in self.pick("hs_not_on_network", general):
            inst.network = False
            manifest.add("hs_not_on_network", inst.code)

    # -- writing institutions ------------------------------------------------------------------------

    def institution_row(self, inst: Inst) -> Institution:
        tdiv = self.tdivs[inst.township]
        preschool = inst.preschool
        lat, lon = self.places.institution(
            self.tpoints[inst.township], urban=tdiv.type == DivisionType.SUBDISTRICT
        )
        obj = Institution(
            code=inst.code,
            name=inst.name,
            kind=inst.kind,
            division=tdiv,
            county=self.cdiv,
            address=contact.street_address(self.gen.seed, inst.code, tdiv.name, inst.village),
            telephone=(
                contact.telephone(self.gen.seed, inst.code, self.county.city_code) if preschool else ""
            ),
            latitude=lat,
            longitude=lon,
            ownership=inst.ownership,
            sponsor=inst.sponsor,
            established_on=inst.established_on,
            synthetic=True,
            inclusive=inst.inclusive,
            inclusive_since=inst.inclusive_since,
            licence_status=inst.licence,
            grade=inst.grade,
            grade_year=inst.grade_year,
            service_type=ServiceType.FULL_DAY if preschool else "",
            is_central=inst.is_central,
            central=inst.central.obj if inst.central else None,
            group_lead=inst.group_lead.obj if inst.group_lead else None,
            is_residential_supporting=bool(inst.residential),
            is_demonstration=inst.is_demonstration,
            in_quality_evaluation=preschool,
            quality_evaluated_on=inst.quality_evaluated_on,
            rating=inst.rating,
            is_county_high_school=inst.is_county_hs,
            is_new_build=inst.is_new_build,
            network_connected=inst.network,
            **inst.residential,
        )
        inst.obj = obj
        return obj

    def write_institutions(self) -> None:
        # Referenced institutions (central kindergartens, the group lead) first, so the others can
        # point at them.
        first = [i for i in self.insts if i.central is None and i.group_lead is None]
        second = [i for i in self.insts if i.central is not None or i.group_lead is not None]
        self.bulk(Institution, [self.institution_row(i) for i in first])
        self.bulk(Institution, [self.institution_row(i) for i in second])
        self.renames_rows = [
            NameChange(
                institution=inst.row,
                old_name=old,
                new_name=inst.name,
                changed_on=_day(self.rng, *self.cal.renamed),
                reason="规范幼儿园名称 name clean-up",
            )
            for inst, old in self.renames
        ]
        self.bulk(NameChange, self.renames_rows)

    # -- school years: children, classes, yearly snapshots ------------------------------------------

    def preschool_classes(self, inst: Inst, year: int, n: int, *, slack: bool = True) -> list[ClassRow]:
        """Classes by age group, each filled to its limit less the kindergarten's slack; a clean
        kindergarten that would need more than the class cap fills its classes to the limit."""
        cal = self.cal
        profile = self.pop.age_profile(year, inst.township, CLASS_AGES) + 1.0
        groups: list[tuple[str, int]] = []
        if inst.kind == InstitutionKind.ATTACHED_CLASS or n < cal.mixed_only_below:
            groups.append((AgeGroup.MIXED, n))
        else:
            nursery = 0
            if inst.has_nursery and n <= cal.nursery_max_children:
                nursery = round(n * cal.nursery_share)
                if nursery < cal.nursery_min_class:
                    nursery = 0
            if nursery:
                groups.append((AgeGroup.NURSERY, nursery))
            split = largest_remainder(n - nursery, profile)
            groups += [
                (AgeGroup.SMALL, int(split[0])),
                (AgeGroup.MIDDLE, int(split[1])),
                (AgeGroup.LARGE, int(split[2])),
            ]
        slack_of = {
            AgeGroup.SMALL: 0,
            AgeGroup.MIDDLE: 1,
            AgeGroup.LARGE: 2,
            AgeGroup.MIXED: 3,
            AgeGroup.NURSERY: 3,
        }
        out = []
        for group, count in groups:
            if count <= 0:
                continue
            cap = max(1, self.limit[group] - (inst.slack[slack_of[group]] if slack else 0))  # type: ignore[index]
            k = math.ceil(count / cap)
            for i, size in enumerate(even_split(count, k)):
                out.append(
                    self.class_row(
                        inst, year, f"{CLASS_PREFIX[group]}{chinese_number(i + 1)}班", group, size, profile
                    )
                )
        if slack and not inst.fixed and len(out) > cal.kindergarten_max_classes:
            return self.preschool_classes(inst, year, n, slack=False)
        return out

    def class_row(
        self, inst: Inst, year: int, name: str, group: str, size: int, profile: np.ndarray | None = None
    ) -> ClassRow:
        boys = int(self.rng.binomial(size, self.cal.male_share))
        row = ClassRow(
            inst=inst,
            school_year=year,
            name=name,
            age_group=group,
            boys=boys,
            girls=size - boys,
            minority=int(self.rng.binomial(size, self.minority_share)),
        )
        self.set_ages(row, size, profile)
        return row

    def set_ages(self, row: ClassRow, size: int, profile: np.ndarray | None) -> None:
        """Children by age (statistics' cut: under 3, 3, 4, 5, over 5) adding up to the class."""
        group = row.age_group
        row.age_under3 = row.age_3 = row.age_4 = row.age_5 = row.age_over5 = 0
        if group == AgeGroup.NURSERY:
            row.age_under3 = size
        elif group == AgeGroup.SMALL:
            row.age_3 = size
        elif group == AgeGroup.MIDDLE:
            row.age_4 = size
        elif group == AgeGroup.LARGE:
            row.age_5 = size
        elif group == AgeGroup.MIXED:
            split = largest_remainder(size, profile if profile is not None else np.ones(3))
            row.age_3, row.age_4, row.age_5 = (int(x) for x in split)

    def resize(self, row: ClassRow, size: int) -> None:
        """Change a class's headcount (planting), keeping sexes, minority and ages consistent."""
        boys = int(self.rng.binomial(size, self.cal.male_share))
        row.boys, row.girls = boys, size - boys
        row.minority = min(row.minority, size)
        if row.age_group in PRESCHOOL_GROUPS:
            profile = np.array([row.age_3, row.age_4, row.age_5], dtype=float) + 0.1
            self.set_ages(row, size, profile)

    def school_classes(
        self, inst: Inst, year: int, n: int, grades: tuple[str, ...], class_max: int
    ) -> list[ClassRow]:
        yi = self.pop.year_index(year)
        lo, hi = self.th.high_school_ages
        profile = self.pop.resident[:, yi, lo : hi + 1, :].sum(axis=(0, 2)).astype(float)
        out = []
        for grade, count in zip(grades, largest_remainder(n, profile + 1.0), strict=True):
            count = int(count)
            if count <= 0:
                continue
            k = math.ceil(count / class_max)
            for i, size in enumerate(even_split(count, k)):
                out.append(self.class_row(inst, year, f"{GRADE_LABEL[grade]}({i + 1})班", grade, size))
        return out

    def junior_classes(self, year: int) -> dict[Inst, list[ClassRow]]:
        """Junior middle school classes: grade 7–9 of each township are its residents aged
        ``jms_entry_age`` … +2 on the age cut-off day (f·P(a) + (1 − f)·P(a + 1) of year-end ages,
        as the indicators count them) times the enrolment share, shared among the township's junior
        schools by weight; classes of at most ``jms_class_max``. So grade 9 (the year's graduates)
        is the 14-year-old cohort and the next year's grade 10 draws on it."""
        cal, f = self.cal, self.th.cutoff_fraction
        yi = self.pop.year_index(year)
        out: dict[Inst, list[ClassRow]] = {}
        for ti, schools in self.junior_by_township.items():
            people = self.pop.resident[ti, yi].sum(axis=1)
            weights = np.array([i.weight for i in schools])
            shares = []
            for g in range(len(JMS_GRADES)):
                age = cal.jms_entry_age + g
                cohort = f * people[age] + (1 - f) * people[age + 1]
                shares.append(largest_remainder(round(cohort * cal.jms_enrolment_share), weights))
            for si, inst in enumerate(schools):
                rows: list[ClassRow] = []
                for grade, split in zip(JMS_GRADES, shares, strict=True):
                    count = int(split[si])
                    if count <= 0:
                        continue
                    k = math.ceil(count / cal.jms_class_max)
                    for i, size in enumerate(even_split(count, k)):
                        rows.append(
                            self.class_row(inst, year, f"{GRADE_LABEL[grade]}({i + 1})班", grade, size)
                        )
                inst.children[year] = sum(r.size for r in rows)
                out[inst] = rows
        return out

    def write_years_and_classes(self) -> None:
        """Children per institution per school year (county totals shared out under the caps),
        their classes, the planted class sizes, and the yearly snapshots."""
        cal, rng, manifest = self.cal, self.rng, self.gen.manifest
        years = self.spec.school_years
        latest = years[-1]
        preschool = [i for i in self.insts if i.preschool]
        by_category: dict[str, list[Inst]] = {"public": [], "inclusive": [], "other": []}
        for inst in preschool:
            by_category[CATEGORY_OF[inst.role]].append(inst)
        self.classes_latest: dict[Inst, list[ClassRow]] = {}
        hs = [i for i in self.insts if i.kind == InstitutionKind.HIGH_SCHOOL]
        previous_leaving: dict[Inst, int] = {}
        year_rows: list[YearRow] = []
        writer = TableWriter(SchoolClass, ClassRow.FIELDS)
        for y in years:
            last_batch = self.last and y == latest
            for cat, members in by_category.items():
                fixed = [i for i in members if i.fixed]
                free = [i for i in members if not i.fixed]
                total = self.category_total[y][cat] - sum(i.fixed_children(y) for i in fixed)
                alloc = allocate(
                    max(0, total),
                    np.array([i.weight for i in free]),
                    np.array([i.cap for i in free]),
                    cal.min_children,
                )
                for inst, n in zip(free, alloc.tolist(), strict=True):
                    inst.children[y] = n
                for inst in fixed:
                    inst.children[y] = inst.fixed_children(y)
            classes: dict[Inst, list[ClassRow]] = {}
            for inst in preschool:
                classes[inst] = self.preschool_classes(inst, y, inst.children[y])
            limited = [c for inst in preschool for c in classes[inst] if c.age_group != AgeGroup.NURSERY]
            for row in self.pick("kg_class_oversize", limited, last=last_batch):
                self.resize(row, self.limit[row.age_group] + int(rng.integers(1, cal.oversize_extra_max + 1)))
                manifest.add("kg_class_oversize", row.code, row.inst.code)
            # General high schools, vocational schools.
            fixed_hs = [i for i in hs if i.fixed]
            free_hs = [i for i in hs if not i.fixed]
            total = self.general[y] - sum(i.fixed_children(y) for i in fixed_hs)
            alloc = allocate(
                max(0, total),
                np.array([i.weight for i in free_hs]),
                np.array([i.cap for i in free_hs]),
                cal.hs_min_students,
            )
            for inst, n in zip(free_hs, alloc.tolist(), strict=True):
                inst.children[y] = n
            for inst in fixed_hs:
                inst.children[y] = inst.fixed_children(y)
            for inst in hs:
                classes[inst] = self.school_classes(inst, y, inst.children[y], HS_GRADES, cal.hs_class_max)
            upper = [c for inst in hs for c in classes[inst] if c.age_group != AgeGroup.GRADE_10]
            intake = [c for inst in hs for c in classes[inst] if c.age_group == AgeGroup.GRADE_10]
            big = self.pick("hs_class_56_65", upper, last=last_batch)
            chosen = set(map(id, big))
            huge = self.pick("hs_class_66_plus", [c for c in upper if id(c) not in chosen], last=last_batch)
            new_big = self.pick("hs_new_intake_over_55", intake, last=last_batch)
            for rows, kinds, bounds in (
                (big, ("hs_class_56_65",), cal.hs_big_class),
                (huge, ("hs_class_66_plus",), cal.hs_huge_class),
                (new_big, ("hs_new_intake_over_55", "hs_class_56_65"), cal.hs_big_intake_class),
            ):
                for row in rows:
                    self.resize(row, int(rng.integers(bounds[0], bounds[1] + 1)))
                    for kind in kinds:
                        manifest.add(kind, row.code, row.inst.code)
            voc_alloc = largest_remainder(
                self.vocational_total[y], np.array([i.weight for i in self.vocational])
            )
            for inst, n in zip(self.vocational, voc_alloc.tolist(), strict=True):
                inst.children[y] = n
                classes[inst] = self.school_classes(inst, y, n, VOC_GRADES, cal.vocational_class_max)
            classes.update(self.junior_classes(y))
            for inst in self.insts:
                year_rows.append(self.year_row(inst, y, classes.get(inst, []), previous_leaving))
            rows_out = [c.values() for rows in classes.values() for c in rows]
            writer.write(rows_out)
            self.counts["SchoolClass"] = self.counts.get("SchoolClass", 0) + len(rows_out)
            if y == latest:
                self.classes_latest = classes
        # Kindergartens whose information is not published in the latest school year.
        latest_rows = {row.inst.code: row for row in year_rows if row.school_year == latest}
        for inst in self.pick("kg_info_not_published", [i for i in self.insts if i.is_kg]):
            latest_rows[inst.code].info_published = False
            manifest.add("kg_info_not_published", inst.code)
        # Public funding below the standard in the latest school year.
        for kind, pool, bounds in (
            (
                "kg_funding_below_standard",
                # The standard is for public kindergartens (KG-FUNDING); attached classes are funded
                # with their primary school.
                [i for i in self.insts if i.is_kg and i.public],
                cal.funding_public_kg_short,
            ),
            (
                "hs_funding_below_standard",
                [i for i in self.insts if i.kind == InstitutionKind.HIGH_SCHOOL and i.public],
                cal.funding_hs_short,
            ),
        ):
            for inst in self.pick(kind, pool):
                latest_rows[inst.code].funding = _money(rng, bounds)
                manifest.add(kind, inst.code)
        for inst in self.insts:
            inst.row.seats = latest_rows[inst.code].seats
        Institution.objects.bulk_update([i.row for i in self.insts], ["seats"], batch_size=BATCH)
        self.insert(InstitutionYear, YearRow.FIELDS, [r.values() for r in year_rows])

    def year_row(self, inst: Inst, y: int, rows: list[ClassRow], leaving: dict[Inst, int]) -> YearRow:
        """Seats, children entering and leaving, funding received (InstitutionYear)."""
        cal, rng = self.cal, self.rng
        if inst.preschool:
            seats = sum(self.limit[r.age_group] for r in rows)
            entered = sum(r.size for r in rows if r.age_group in (AgeGroup.NURSERY, AgeGroup.SMALL))
            entered += sum(r.age_3 for r in rows if r.age_group == AgeGroup.MIXED)
            graduating = sum(r.size for r in rows if r.age_group == AgeGroup.LARGE)
            graduating += sum(r.age_5 for r in rows if r.age_group == AgeGroup.MIXED)
            if inst.public:
                funding: Decimal | None = _money(rng, cal.funding_public_kg)
            elif inst.inclusive:
                funding = _money(rng, cal.funding_inclusive_private)
            else:
                funding = None
        elif inst.kind == InstitutionKind.JUNIOR_MIDDLE:
            seats = len(rows) * self.th.hs_standard_class
            entered = sum(r.size for r in rows if r.age_group == JMS_GRADES[0])
            graduating = sum(r.size for r in rows if r.age_group == JMS_GRADES[-1])
            funding = _money(rng, cal.funding_jms)
        else:
            first = AgeGroup.GRADE_10 if inst.kind == InstitutionKind.HIGH_SCHOOL else AgeGroup.VOC_1
            final = AgeGroup.GRADE_12 if inst.kind == InstitutionKind.HIGH_SCHOOL else AgeGroup.VOC_3
            seats = len(rows) * self.th.hs_standard_class
            if inst is self.oversize_hs:
                seats = max(seats, sum(r.size for r in rows) + self.th.hs_standard_class)
            entered = sum(r.size for r in rows if r.age_group == first)
            graduating = sum(r.size for r in rows if r.age_group == final)
            bounds = cal.funding_hs if inst.kind == InstitutionKind.HIGH_SCHOOL else cal.funding_vocational
            funding = _money(rng, bounds) if inst.public else None
        left = leaving.get(inst, graduating)
        leaving[inst] = graduating
        inst.seats[y] = seats
        return YearRow(inst, y, seats, entered, left, funding)

    # -- staff ----------------------------------------------------------------------------------------

    def write_staff(self) -> None:
        """Staff in post in the latest school year (and the recent leavers), with the planted
        shortfalls, missing certificates, late filings and missing social insurance."""
        cal, manifest = self.cal, self.gen.manifest
        latest = self.spec.school_years[-1]
        factory = staffing.PeopleFactory(self.county.code, self.rng, cal)
        kgs = [i for i in self.insts if i.is_kg]
        eligible = [i for i in kgs if len(self.classes_latest.get(i, [])) >= 3]
        short = set(self.pick("kg_staffing_shortfall", eligible))
        for inst in short:
            manifest.add("kg_staffing_shortfall", inst.code)
        people: list[tuple[Inst, staffing.Person]] = []
        for inst in self.insts:
            in_class = self.classes_latest.get(inst, [])
            # Staffed for the children actually in the classes (planted oversize ones included).
            n = sum(r.size for r in in_class) if in_class else inst.children.get(latest, 0)
            k = len(in_class)
            part_time: tuple[str, ...] = ()
            if inst.is_kg:
                posts = staffing.kindergarten_posts(n, k, self.th, shortfall=inst in short)
            elif inst.kind == InstitutionKind.ATTACHED_CLASS:
                posts = staffing.attached_class_posts(n, k, self.th)
                part_time = staffing.ATTACHED_PART_TIME
            else:
                posts = staffing.school_posts(inst.kind, n, cal)
            for person in factory.staff(
                posts,
                preschool=inst.preschool,
                public=inst.public,
                established_on=inst.established_on,
                part_time_roles=part_time,
            ):
                people.append((inst, person))
        in_plan = set(standards.value("plan_scope", "institution_kinds"))
        certified = [
            (i, p)
            for i, p in people
            if p.end_date is None and p.role in staffing.CERTIFIED_ROLES and i.kind in in_plan
        ]
        for inst, person in self.pick("staff_without_certificate", certified):
            person.certificate = ""
            manifest.add("staff_without_certificate", f"{inst.code}/{person.name}", inst.code)
        recent = [
            (i, p)
            for i, p in people
            if p.role in staffing.CERTIFIED_ROLES and p.change_date >= RECENT_CHANGES_FROM
        ]
        lo, hi = cal.late_filing_days
        for inst, person in self.pick("staff_change_filed_late", recent):
            person.change_filed_on = person.change_date + dt.timedelta(
                days=int(self.rng.integers(lo, hi + 1))
            )
            manifest.add("staff_change_filed_late", f"{inst.code}/{person.name}", inst.code)
        in_kg = [(i, p) for i, p in people if i.is_kg and p.end_date is None]
        for inst, person in self.pick("staff_no_social_insurance", in_kg):
            person.social_insurance = False
            manifest.add("staff_no_social_insurance", f"{inst.code}/{person.name}", inst.code)
        for inst, person in self.pick("staff_no_housing_fund", in_kg):
            person.housing_fund = False
            manifest.add("staff_no_housing_fund", f"{inst.code}/{person.name}", inst.code)
        rows = [
            (
                inst.row.pk,
                p.name,
                p.sex,
                p.role,
                p.certificate,
                p.employment,
                p.is_full_time,
                p.social_insurance,
                p.housing_fund,
                p.training_hours,
                p.start_date,
                p.end_date,
                p.change_filed_on,
                p.id_hash,
                p.id_last4,
            )
            for inst, p in people
        ]
        self.insert(StaffMember, STAFF_FIELDS, rows)

    # -- fees and safety ------------------------------------------------------------------------------

    def write_fees_and_safety(self) -> None:
        cal, rng, manifest = self.cal, self.rng, self.gen.manifest
        fees: list[list[Any]] = []
        current: list[tuple[Inst, list[Any]]] = []
        lo, hi = cal.clean_fee_days_before
        for inst in self.insts:
            if not inst.preschool:
                continue
            if inst.public:
                bounds = cal.fee_public[inst.grade[:1]]
            elif inst.inclusive:
                bounds = cal.fee_private_inclusive
            else:
                bounds = cal.fee_private_other
            fee = int(rng.integers(bounds[0], bounds[1] + 1))
            for i, effective in enumerate(cal.fee_effective_dates):
                amount = Decimal(round(fee * (1 + cal.fee_increase * i))).quantize(Decimal("0.01"))
                filed = effective - dt.timedelta(days=int(rng.integers(lo, hi + 1)))
                # Inclusive private kindergartens stand for the 政—企—园 co-run ones whose fee
                # ceiling is contracted; only those fees are pre-filed (FEE-FILING).
                contracted = inst.inclusive and not inst.public
                row = [inst.row.pk, amount, filed, effective, contracted]
                fees.append(row)
                if i == len(cal.fee_effective_dates) - 1 and contracted:
                    current.append((inst, row))
        lo, hi = cal.late_fee_days_before
        for inst, row in self.pick("fee_filed_late", current):
            row[2] = row[3] - dt.timedelta(days=int(rng.integers(lo, hi + 1)))
            manifest.add("fee_filed_late", f"{inst.code}/{row[3].isoformat()}", inst.code)
        self.insert(FeeStandard, FEE_FIELDS, [tuple(r) for r in fees])
        records: list[list[Any]] = []
        latest: list[tuple[Inst, list[Any]]] = []
        in_plan = set(standards.value("plan_scope", "institution_kinds"))  # safety items judged here
        years = self.spec.school_years
        for inst in self.insts:
            for y in years:
                checked = dt.date(y, cal.safety_check_month, int(rng.integers(1, 29)))
                row = [inst.row.pk, checked, *([True] * len(SAFETY_ITEMS))]
                records.append(row)
                if y == years[-1] and inst.kind in in_plan:
                    latest.append((inst, row))
        for inst, row in self.pick("safety_item_missing", latest):
            few, many = cal.safety_items_missing
            for item in rng.choice(len(SAFETY_ITEMS), size=int(rng.integers(few, many + 1)), replace=False):
                row[2 + int(item)] = False
            manifest.add("safety_item_missing", inst.code)
        self.insert(SafetyRecord, SAFETY_FIELDS, [tuple(r) for r in records])

    # -- pairings, management posts --------------------------------------------------------------------

    def write_pairings_and_posts(self) -> None:
        rng, manifest = self.rng, self.gen.manifest
        kgs = [i for i in self.insts if i.is_kg]
        first = [i for i in kgs if i.first_level]
        weak = [i for i in kgs if not i.first_level and i.licence == LicenceStatus.LICENSED and i.grade]
        none = set(self.pick("kg_support_none", first))
        many = set(self.pick("kg_support_too_many", [i for i in first if i not in none]))
        pairings = []
        for inst in first:
            if inst in none:
                manifest.add("kg_support_none", inst.code)
                continue
            if inst in many:
                count = self.th.kg_support_max + 1
                manifest.add("kg_support_too_many", inst.code)
            else:
                count = int(rng.integers(self.th.kg_support_min, self.th.kg_support_max + 1))
            if not weak:
                continue
            picks = rng.choice(len(weak), size=min(count, len(weak)), replace=False)
            for j in np.sort(picks):
                pairings.append(
                    Pairing(
                        kind=PairingKind.KG_SUPPORT,
                        supporter=inst.row,
                        supported=weak[int(j)].row,
                        start_date=_day(rng, *self.cal.kg_support_started),
                        agreement_signed=True,
                    )
                )
        self.bulk(Pairing, pairings)
        posts = []
        for post in (ManagementPost.PRESCHOOL_ADMIN, ManagementPost.PRESCHOOL_RESEARCHER):
            if post == ManagementPost.PRESCHOOL_RESEARCHER and "county_no_preschool_researcher" in self.flags:
                continue
            sex = Sex.FEMALE if rng.random() < self.cal.female_share_posts else Sex.MALE
            posts.append(
                ManagementAppointment(
                    county=self.cdiv,
                    post=post,
                    person_name=staffing.PeopleFactory(self.county.code, rng, self.cal).name(sex, set()),
                    is_dedicated=True,
                    start_date=_day(rng, *self.cal.posts_started),
                )
            )
        self.bulk(ManagementAppointment, posts)
        # For the city-wide trusteeship pass.
        self.gen.city_high_schools.setdefault(self.county.city_code, []).extend(
            (i.code, i.row, i.is_county_hs, i.first_level)
            for i in self.insts
            if i.kind == InstitutionKind.HIGH_SCHOOL
        )
