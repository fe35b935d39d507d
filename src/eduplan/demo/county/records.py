"""What a county is built from before it is written: the planned institutions (``Inst``), class
and yearly rows, the columns of the big leaf tables, and the fixed labels and groups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from eduplan.registry.choices import AgeGroup, InstitutionKind, LicenceStatus, Ownership
from eduplan.registry.models import Institution, SafetyRecord

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
SAFETY_ITEMS = SafetyRecord.ITEMS
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


def day_between(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    span = (hi - lo).days
    return lo + dt.timedelta(days=int(rng.integers(0, span + 1))) if span > 0 else lo


def money_between(rng: np.random.Generator, bounds: tuple[int, int]) -> Decimal:
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
