"""The standards' numbers the demo must respect, read from ``plan/standards.toml`` (the same file
the rules read), so that "clean" and "planted" stay on the right side of every threshold when a
city changes a standard.

The calibration (``calibration.py``) says how far inside or outside a threshold the data lies;
this module says where the threshold is. :func:`check` refuses a calibration that would put clean
data over a threshold or planted data under it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eduplan.metrics.params import DAYS_IN_YEAR, MonthDay
from eduplan.plans import standards

from .calibration import Calibration


@dataclass(frozen=True)
class Thresholds:
    #: Class limits by age group (幼儿园工作规程 art. 11; 托班 in the same section).
    class_limit: dict[str, int]
    kg_max_children: int
    kg_max_classes: int
    #: 大班额 from, 超大班额 from, new-intake maximum, new school maximum, standard class.
    hs_big_class_min: int
    hs_super_class_min: int
    hs_new_intake_max: int
    hs_new_school_max: int
    hs_standard_class: int
    #: Kindergarten staffing (教师〔2013〕1号) and the county assessment's teacher ratio.
    teachers_per_class: int
    nursery_per_class: int
    teaching_children_max: int
    all_staff_children_max: int
    teacher_children_max: int
    children_per_health: int
    children_per_cook: int
    principals_small_max_classes: int
    principals_medium_max_classes: int
    #: Filing deadlines (days).
    staff_change_days: int
    fee_filing_days: int
    #: First-level kindergartens support this many.
    kg_support_min: int
    kg_support_max: int
    #: Per-child public funding minimums (local/unverified).
    kg_funding_min: int
    hs_funding_min: int
    rating_deadline: dt.date
    #: Age groups of the enrollment rates (毛入园率 3–5, 高中阶段毛入学率 15–17).
    preschool_ages: tuple[int, int]
    high_school_ages: tuple[int, int]
    #: Share of a birth year born on or before the age cut-off day (``[indicators] age_cutoff``):
    #: of the people aged a at year end, this share was a on the cut-off day, the rest a − 1.
    cutoff_fraction: float

    @classmethod
    def from_standards(cls) -> Thresholds:
        v = standards.value
        size = standards.section("kindergarten_class_size")
        return cls(
            class_limit={g: int(size[g]) for g in ("nursery", "small", "middle", "large", "mixed")},
            kg_max_children=int(size["max_children"]),
            kg_max_classes=int(size["max_classes"]),
            hs_big_class_min=int(v("school_class_size", "big_class_min")),
            hs_super_class_min=int(v("school_class_size", "super_class_min")),
            hs_new_intake_max=int(v("school_class_size", "new_intake_max")),
            hs_new_school_max=int(v("school_class_size", "new_school_max_students")),
            hs_standard_class=int(v("school_class_size", "standard_class")),
            teachers_per_class=int(v("kindergarten_staffing", "full_day_teachers_per_class")),
            nursery_per_class=int(v("kindergarten_staffing", "full_day_nursery_per_class")),
            teaching_children_max=int(v("kindergarten_staffing", "full_day_teaching_children_max")),
            all_staff_children_max=int(v("kindergarten_staffing", "full_day_staff_children_max")),
            teacher_children_max=int(v("assessment", "children_per_teacher_max")),
            children_per_health=int(v("kindergarten_staffing", "children_per_health_staff")),
            children_per_cook=int(v("kindergarten_staffing", "children_per_cook_min")),
            principals_small_max_classes=int(v("kindergarten_staffing", "principals_small_max_classes")),
            principals_medium_max_classes=int(v("kindergarten_staffing", "principals_medium_max_classes")),
            staff_change_days=int(v("filing", "staff_change_days")),
            fee_filing_days=int(v("filing", "fee_filing_days_before")),
            kg_support_min=int(v("pairing", "kg_support_min")),
            kg_support_max=int(v("pairing", "kg_support_max")),
            kg_funding_min=int(v("funding", "kindergarten_per_child_min")),
            hs_funding_min=int(v("high_school_funding", "per_student_min")),
            rating_deadline=dt.date.fromisoformat(str(v("kindergarten_grades", "rating_deadline"))),
            preschool_ages=(
                int(v("indicators", "preschool_age_min")),
                int(v("indicators", "preschool_age_max")),
            ),
            high_school_ages=(
                int(v("indicators", "high_school_age_min")),
                int(v("indicators", "high_school_age_max")),
            ),
            cutoff_fraction=MonthDay.parse(
                str(v("indicators", "age_cutoff")), where="[indicators] age_cutoff"
            ).day_of_year
            / DAYS_IN_YEAR,
        )


def check(th: Thresholds, cal: Calibration) -> list[str]:
    """What in the calibration contradicts the standards (empty when the demo can be generated)."""
    problems = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    need(
        cal.kindergarten_max_children < th.kg_max_children,
        "kindergarten_max_children ≥ [kindergarten_class_size] max_children",
    )
    need(cal.kindergarten_max_classes <= th.kg_max_classes, "kindergarten_max_classes > max_classes")
    need(cal.hs_max_students <= th.hs_new_school_max, "hs_max_students > new_school_max_students")
    need(cal.hs_class_max < th.hs_big_class_min, "hs_class_max ≥ big_class_min")
    need(cal.jms_class_max < th.hs_big_class_min, "jms_class_max ≥ big_class_min")
    need(
        cal.jms_entry_age + 3 == th.high_school_ages[0],
        "jms_entry_age + 3 is not the high school entry age (high_school_age_min)",
    )
    need(cal.funding_public_kg[0] >= th.kg_funding_min, "funding_public_kg below the kindergarten minimum")
    need(cal.funding_public_kg_short[1] < th.kg_funding_min, "funding_public_kg_short not below the minimum")
    need(cal.funding_hs[0] >= th.hs_funding_min, "funding_hs below the high school minimum")
    need(cal.funding_hs_short[1] < th.hs_funding_min, "funding_hs_short not below the minimum")
    need(cal.clean_filing_days[1] <= th.staff_change_days, "clean_filing_days beyond the filing deadline")
    need(cal.late_filing_days[0] > th.staff_change_days, "late_filing_days within the filing deadline")
    need(cal.clean_fee_days_before[0] >= th.fee_filing_days, "clean_fee_days_before under the fee deadline")
    need(cal.late_fee_days_before[1] < th.fee_filing_days, "late_fee_days_before not under the fee deadline")
    need(cal.last_grade_year <= th.rating_deadline.year, "grades given after the rating deadline")
    need(cal.kg_over_max_children[0] > th.kg_max_children, "kg_over_max_children not over max_children")
    need(
        cal.hs_oversize_students[0] > th.hs_new_school_max,
        "hs_oversize_students not over the new school maximum",
    )
    big_lo, big_hi = cal.hs_big_class
    need(th.hs_big_class_min <= big_lo and big_hi < th.hs_super_class_min, "hs_big_class outside 大班额")
    need(cal.hs_huge_class[0] >= th.hs_super_class_min, "hs_huge_class under 超大班额")
    intake_lo, intake_hi = cal.hs_big_intake_class
    need(intake_lo > th.hs_new_intake_max, "hs_big_intake_class within the new-intake maximum")
    need(
        th.hs_big_class_min <= intake_lo and intake_hi < th.hs_super_class_min,
        "hs_big_intake_class outside 大班额",
    )
    return problems
