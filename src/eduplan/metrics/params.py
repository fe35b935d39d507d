"""The numbers the measures depend on, gathered in one value from ``plan/standards.toml`` and the
plan file's ``[settings]``, so that no measure holds a literal threshold (STYLE.md) and tests can
build variants without touching files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from eduplan.plans import standards
from eduplan.plans.loader import Plan, PlanError, load_plan
from eduplan.registry.choices import KindergartenGrade

from .concepts import Qualifications

# Day counts of a common (non-leap) year: the age cut-off is a month-day, the same every year.
_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
DAYS_IN_YEAR = 365


@dataclass(frozen=True)
class MonthDay:
    month: int
    day: int

    @classmethod
    def parse(cls, text: str, *, where: str) -> MonthDay:
        try:
            month, day = (int(x) for x in str(text).split("-"))
            dt.date(2001, month, day)  # a common year: 02-29 is refused
        except ValueError as exc:
            raise PlanError(
                f"{where}: 日期应为 MM-DD / expected a month-day such as 08-31, not {text!r}"
            ) from exc
        return cls(month, day)

    def key(self, year: int) -> int:
        """``yyyymmdd`` of this day in ``year``: dates are compared as such integers on every engine."""
        return year * 10000 + self.month * 100 + self.day

    def date(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)

    @property
    def day_of_year(self) -> int:
        return _DAYS_BEFORE_MONTH[self.month - 1] + self.day


@dataclass(frozen=True)
class AgeBand:
    lo: int
    hi: int


@dataclass(frozen=True)
class MeasureParams:
    """Everything a measure needs besides the registry tables (sources in the field comments)."""

    school_year_start: MonthDay  # [school_year] start_month: the census day of each school year
    age_cutoff: MonthDay  # [indicators] age_cutoff (unverified; a setting)
    preschool_ages: AgeBand  # [indicators] preschool_age_min/max
    high_school_ages: AgeBand  # [indicators] high_school_age_min/max
    population_basis: str  # plan [settings] population_basis
    kg_class_limits: dict[str, int]  # [kindergarten_class_size] by age group
    hs_normal_max: int  # [school_class_size] normal_max (≤ 45)
    hs_large_max: int  # [school_class_size] large_max (46–55)
    hs_big_min: int  # [school_class_size] big_class_min (大班额 56–65)
    hs_super_min: int  # [school_class_size] super_class_min (超大班额 66+)
    hs_new_intake_max: int  # [school_class_size] new_intake_max
    new_school_max_students: int  # [school_class_size] new_school_max_students
    kg_first_level: tuple[str, ...]  # [kindergarten_grades] first_level
    kg_top_grade: str  # 一级一等, the registry code
    hs_ratings: tuple[str, ...]  # [high_school_ratings] codes
    hs_first_level: tuple[str, ...]  # [high_school_ratings] first_level
    #: [certificates]: each post's roles and the certificates accepted by kind of institution
    #: (the one definition of a qualified teacher or principal, shared with the rules).
    qualifications: Qualifications
    #: [kindergarten_grades] rating_deadline (``yyyymmdd``): every kindergarten open by then is due
    #: for rating by then; one opened later is due ``rating_grace_months`` after its opening.
    rating_deadline: int = 20221231
    rating_grace_months: int = 12  # [kindergarten_grades] rating_grace_months (an assumption)
    #: First day of the plan period (plan ``[plan] start``, ``yyyymmdd``): a school approved or
    #: built from then on is built under the plan (the new-school size ban).
    plan_start: int = 0
    #: plan [settings] assessment_day: the day of each school year's first calendar year on which the
    #: 普及普惠 certification in force is counted.
    assessment_day: MonthDay = MonthDay(12, 31)
    notes: dict[str, str] = field(default_factory=dict)

    def census_key(self, school_year: int) -> int:
        return self.school_year_start.key(school_year)

    @property
    def cutoff_fraction(self) -> float:
        """Share of a birth year born on or before the cut-off day (births spread evenly)."""
        return self.age_cutoff.day_of_year / DAYS_IN_YEAR


def load_params(plan: Plan | None = None) -> MeasureParams:
    """Parameters from the standards file and the plan in use."""
    plan = plan or load_plan()
    ind = standards.section("indicators")
    size = standards.section("school_class_size")
    kg_size = standards.section("kindergarten_class_size")
    start_month = int(standards.value("school_year", "start_month"))
    return MeasureParams(
        school_year_start=MonthDay(start_month, 1),
        age_cutoff=MonthDay.parse(ind["age_cutoff"], where=f"{standards.standards_path()} [indicators]"),
        preschool_ages=AgeBand(int(ind["preschool_age_min"]), int(ind["preschool_age_max"])),
        high_school_ages=AgeBand(int(ind["high_school_age_min"]), int(ind["high_school_age_max"])),
        population_basis=str(plan.setting("population_basis")),
        kg_class_limits={k: int(v) for k, v in kg_size.items() if k in _KG_GROUPS},
        hs_normal_max=int(size["normal_max"]),
        hs_large_max=int(size["large_max"]),
        hs_big_min=int(size["big_class_min"]),
        hs_super_min=int(size["super_class_min"]),
        hs_new_intake_max=int(size["new_intake_max"]),
        new_school_max_students=int(size["new_school_max_students"]),
        kg_first_level=tuple(standards.value("kindergarten_grades", "first_level")),
        kg_top_grade=KindergartenGrade.L1_1.value,
        hs_ratings=tuple(standards.value("high_school_ratings", "codes")),
        hs_first_level=tuple(standards.value("high_school_ratings", "first_level")),
        qualifications=Qualifications.from_standards(),
        rating_deadline=_date_key(standards.value("kindergarten_grades", "rating_deadline")),
        rating_grace_months=int(standards.value("kindergarten_grades", "rating_grace_months")),
        plan_start=_date_key(plan.start) if plan.start != dt.date.min else 0,
        assessment_day=MonthDay.parse(
            str(plan.settings.get("assessment_day", "12-31")), where=f"{plan.path} [settings] assessment_day"
        ),
        notes={
            "age_cutoff": "unverified" if not standards.is_verified("indicators", "age_cutoff") else "",
        },
    )


def _date_key(value: object) -> int:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return day.year * 10000 + day.month * 100 + day.day


_KG_GROUPS = ("nursery", "small", "middle", "large", "mixed")
