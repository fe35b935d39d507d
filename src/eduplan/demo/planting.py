"""What the demo plants on purpose, and the manifest that says where.

Every later rule and indicator needs something to find in the demo, and its tests need to know
exactly what: each imperfection *kind* below has a precise definition, the set of entities it
was planted among (its eligible set) and a rate (``calibration.Rates``). The manifest lists, per
kind, every entity that satisfies the definition — planted on purpose or, where noted, implied by
another plant — so a rule's test can assert "all planted found, nothing else".

Entity codes:

- institution: ``Institution.code``
- class: ``<institution code>/<school year>/<class name>``
- staff: ``<institution code>/<staff name>`` (names are unique within an institution)
- fee: ``<institution code>/<effective date, ISO>``
- county: ``Division.code``

Kinds of entity class, staff and fee also list the institutions concerned (rules report findings
per institution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


@dataclass(frozen=True)
class Kind:
    key: str
    entity: str
    clause: str
    description: str
    eligible: str


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "kg_class_oversize",
            "class",
            "PRE-4.1.2",
            "preschool class over its age group's limit ([kindergarten_class_size]: 小班 25, 中班 30, 大班 35, "
            "混合班 30), any school year",
            "preschool classes with a limit (not 托班), every school year",
        ),
        Kind(
            "hs_class_56_65",
            "class",
            "HS-T5",
            "general high school class of 56–65 students (大班额, [school_class_size]), any school year; "
            "includes every class of hs_new_intake_over_55",
            "grade 11 and 12 classes of general high schools, every school year",
        ),
        Kind(
            "hs_class_66_plus",
            "class",
            "HS-T5",
            "general high school class of 66 or more students (超大班额), any school year",
            "grade 11 and 12 classes of general high schools, every school year",
        ),
        Kind(
            "hs_new_intake_over_55",
            "class",
            "HS-T6",
            "new-intake (grade 10) class of a general high school with more than 55 students (56–60)",
            "grade 10 classes of general high schools, every school year",
        ),
        Kind(
            "kg_name_banned_word",
            "institution",
            "PRE-4.2.4",
            "kindergarten name with 中国/中华/全国/国际/世界/全球",
            "private kindergartens",
        ),
        Kind(
            "kg_name_feature_word",
            "institution",
            "PRE-4.2.4",
            "kindergarten name with a one-sided feature word (双语/艺术/国学/私塾)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_latin",
            "institution",
            "PRE-4.2.4",
            "kindergarten name with Latin letters",
            "private kindergartens",
        ),
        Kind(
            "kg_name_foreign_place",
            "institution",
            "PRE-4.2.4",
            "kindergarten name with a foreign place name (维也纳, 剑桥 …)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_foreign_word",
            "institution",
            "PRE-4.2.4",
            "kindergarten name with a transliterated foreign word (蒙特梭利, 迪士尼 …)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_religious",
            "institution",
            "PRE-4.2.4",
            "kindergarten name with a religious word (福音, 菩提 …)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_uses_public_name",
            "institution",
            "PRE-4.2.4",
            "private kindergarten whose name contains the full name of a public kindergarten or "
            "high school of its county",
            "private kindergartens",
        ),
        Kind(
            "kg_unlicensed",
            "institution",
            "PRE-4.1.2",
            "unlicensed kindergarten (licence_status unlicensed; also unrated)",
            "private kindergartens not recognised as inclusive",
        ),
        Kind(
            "kg_teaching_point",
            "institution",
            "PRE-4.1.2",
            "kindergarten approved as a teaching point (办园点) rather than licensed",
            "public village kindergartens",
        ),
        Kind(
            "kg_unrated",
            "institution",
            "PRE-T6",
            "kindergarten without a grade (评级定等); includes every kg_unlicensed one",
            "licensed kindergartens and teaching points",
        ),
        Kind(
            "kg_over_360",
            "institution",
            "PRE-4.1.2",
            "kindergarten with more than 360 children (and more than 12 classes) in every school year "
            "([kindergarten_class_size] max_children, max_classes)",
            "county-level public kindergartens (第N幼儿园)",
        ),
        Kind(
            "kg_staffing_shortfall",
            "institution",
            "PRE-4.3.1",
            "kindergarten whose teaching staff in post fall short in the latest school year: fewer "
            "than 2 teachers + 1 nursery worker per class, teachers + nursery workers fewer than "
            "children/9 and teachers fewer than children/15 (the all-staff ratio may still pass)",
            "kindergartens with at least 3 classes in the latest school year",
        ),
        Kind(
            "kg_info_not_published",
            "institution",
            "PRE-4.2.4",
            "kindergarten whose information is not published in the latest school year",
            "kindergartens",
        ),
        Kind(
            "kg_funding_below_standard",
            "institution",
            "PRE-5.3",
            "public kindergarten receiving less than 500 yuan per child in the latest school year "
            "(300–480; clean ones get 520 or more)",
            "public kindergartens",
        ),
        Kind(
            "kg_support_none",
            "institution",
            "PRE-4.5.2",
            "first-level kindergarten supporting no kindergarten (kg_support pairings in force)",
            "first-level kindergartens",
        ),
        Kind(
            "kg_support_too_many",
            "institution",
            "PRE-4.5.2",
            "first-level kindergarten supporting 3 kindergartens",
            "first-level kindergartens",
        ),
        Kind(
            "kg_supporting_delivered_late",
            "institution",
            "PRE-4.1.2",
            "residential supporting kindergarten delivered after its housing (四同步 broken)",
            "residential supporting kindergartens",
        ),
        Kind(
            "safety_item_missing",
            "institution",
            "PRE-4.2.3",
            "institution whose latest safety record lacks one or two of the five items",
            "every institution (each has a safety record per school year)",
        ),
        Kind(
            "fee_filed_late",
            "fee",
            "PRE-4.1.3",
            "fee standard filed less than one month (0–25 days) before it takes effect",
            "current fee standards of preschool institutions",
        ),
        Kind(
            "staff_without_certificate",
            "staff",
            "PRE-4.2.4",
            "principal or teacher in post without a certificate",
            "principals and teachers in post, every institution",
        ),
        Kind(
            "staff_change_filed_late",
            "staff",
            "PRE-4.2.4",
            "principal or teacher whose latest change (start, or end if ended) was filed more than "
            "one month (35–120 days) after it",
            "principals and teachers whose latest change is on or after 2023-01-01",
        ),
        Kind(
            "staff_no_social_insurance",
            "staff",
            "PRE-4.3.1",
            "kindergarten staff member in post without social insurance",
            "staff in post in kindergartens",
        ),
        Kind(
            "hs_not_on_network",
            "institution",
            "HS-T8",
            "general high school not on the education network",
            "general high schools",
        ),
        Kind(
            "hs_funding_below_standard",
            "institution",
            "HS-2.8",
            "public general high school receiving less than 1000 yuan per student in the latest "
            "school year (650–950; clean ones get 1050 or more)",
            "public general high schools",
        ),
        Kind(
            "hs_county_no_trustee",
            "institution",
            "HS-T10",
            "county high school (县中) without a trusteeship pairing",
            "county high schools",
        ),
        Kind(
            "hs_new_build_over_3000",
            "institution",
            "HS-T7",
            "newly built general high school with more than 3000 students (and seats) in every school year",
            "counties of at least hs_oversize_min_county_population residents (one school each)",
        ),
        Kind(
            "county_no_preschool_researcher",
            "county",
            "PRE-4.2.1",
            "county without a preschool researcher (幼教专职教研员) appointment",
            "counties",
        ),
        Kind(
            "county_below_enrollment_target",
            "county",
            "PRE-T1",
            "county whose preschool gross enrollment rate in the latest school year is below 85% "
            "(clean counties are at or above 96%)",
            "counties",
        ),
        Kind(
            "county_below_inclusive_target",
            "county",
            "PRE-T2",
            "county whose inclusive coverage in the latest school year is below 80% (clean: ≥ 90.5%)",
            "counties",
        ),
        Kind(
            "county_below_public_share_target",
            "county",
            "PRE-T3",
            "county whose public share of children in the latest school year is below 50% (clean: ≥ 60%)",
            "counties",
        ),
        Kind(
            "county_no_first_level_hs",
            "county",
            "HS-T3",
            "county without a provincial first-level (省一级) high school",
            "counties",
        ),
        # -- the programme and workforce registers (eduplan.demo.registers) --------------------------
        Kind(
            "hs_no_standardisation_plan",
            "institution",
            "HS-2.2",
            "general high school without a standardisation project (一校一案)",
            "open general high schools",
        ),
        Kind(
            "hs_plan_behind",
            "institution",
            "HS-2.2",
            "standardisation project past its planned end (30–300 days before the reference date) "
            "and 40–85% complete; clean projects end after it or are accepted at 100%",
            "general high schools with a standardisation project",
        ),
        Kind(
            "kg_demonstration_unrecorded",
            "institution",
            "PRE-T7",
            "kindergarten marked as a demonstration kindergarten (is_demonstration) without a "
            "designation record",
            "demonstration kindergartens",
        ),
        Kind(
            "hs_group_no_members",
            "institution",
            "HS-2.6",
            "high school leading a school group formed in the reference year without a member yet",
            "general high schools neither leading nor members of their county's group",
        ),
        Kind(
            "kg_subsidy_short",
            "institution",
            "PRE-4.1.4",
            "inclusive private kindergarten paid 70–90% of its subsidy (the county's standard × "
            "children) in the latest school year, on time",
            "inclusive private kindergartens with children in the latest school year",
        ),
        Kind(
            "kg_subsidy_late",
            "institution",
            "PRE-4.1.4",
            "inclusive private kindergarten paid its full subsidy 10–60 days after the due date "
            "(31 December) in the latest school year; clean ones are paid 5–40 days before",
            "inclusive private kindergartens with children in the latest school year, not short",
        ),
        Kind(
            "kg_no_parent_committee",
            "institution",
            "PRE-4.2.2",
            "kindergarten without a parent committee",
            "open kindergartens that are not unlicensed",
        ),
        Kind(
            "county_training_behind",
            "county",
            "PRE-4.3.2",
            "county whose rotation-training coverage is below [workforce] coverage_min: some of its "
            "staff (staff_training_behind) miss their last two years of training",
            "counties",
        ),
        Kind(
            "staff_training_behind",
            "staff",
            "PRE-4.3.2",
            "staff member in a training role with no training record in the last two completed years "
            "of the cycle (below the pro-rated hours; clean staff have 72–96 hours a year)",
            "staff in training roles of county_training_behind counties, in post since before the "
            "last two completed years",
        ),
        Kind(
            "hs_pay_not_tilted",
            "institution",
            "HS-2.3",
            "high school whose other staff earn 15–30% more performance pay on average than its "
            "front-line and class teachers in the latest year (clean: 10–20% less)",
            "open general high schools",
        ),
        Kind(
            "hs_pay_class_teachers_not_above",
            "institution",
            "HS-2.3",
            "high school whose class teachers earn 0–2,000 yuan less performance pay on average than "
            "its other teachers in the latest year (clean: 6,000–9,000 more)",
            "open general high schools not in hs_pay_not_tilted",
        ),
        Kind(
            "county_eval_by_admission",
            "county",
            "HS-3.1",
            "county whose evaluation scheme for the year after the latest school year gives "
            "admission-rate criteria 60% of the weight (clean: 15%)",
            "counties",
        ),
        Kind(
            "staff_award_during_ethics_bar",
            "staff",
            "HS-2.4",
            "high-school teacher given an award during a two-year ethics bar (no_promotion)",
            "high-school teachers in post",
        ),
        Kind(
            "staff_serious_ethics_unrecorded",
            "staff",
            "PRE-5.4",
            "serious teacher-ethics case (negative-list entry marked serious) with no incident "
            "recorded in its county (the finding is on the county)",
            "high-school teachers in post, not staff_award_during_ethics_bar",
        ),
        Kind(
            "hs_publicity_hype",
            "institution",
            "HS-3.4",
            "high school with a publicity item hyping admission results (wordlists/hype.txt) in the "
            "latest school year",
            "open general high schools",
        ),
    )
}

#: How the manifest's county-level indicators are computed (so a test can recompute them).
CONVENTIONS = {
    "enrollment_rate": (
        "children in all preschool classes (kindergartens and attached classes, any age) in school "
        "year Y ÷ resident population aged 3–5 at the end of calendar year Y"
    ),
    "inclusive_coverage": "children in public or inclusive private preschool institutions ÷ all children",
    "public_share": "children in public preschool institutions ÷ all children",
    "one_month": "a clean filing is 0–28 days after a change (35–90 days before a fee); a late one 35–120 days after (0–25 before)",
    "latest_school_year": "the last school year of the scale; county and 'latest' kinds refer to it",
}


class Quota:
    """Exact planting counts spread over batches (counties, years) in a fixed order.

    After batches with N eligible entities in all, round(rate × N) have been planted: each batch
    gets what the running total is owed, chosen at random inside the batch. ``minimum`` entities are
    planted by the last batch whatever the rate, so every kind exists at every scale."""

    def __init__(self, rate: float, minimum: int = 1) -> None:
        self.rate = rate
        self.minimum = minimum
        self.eligible = 0
        self.planted = 0

    def pick(self, rng: np.random.Generator, candidates: list[T], *, last: bool = False) -> list[T]:
        self.eligible += len(candidates)
        owed = math.floor(self.rate * self.eligible + 0.5) - self.planted
        if last:
            owed = max(owed, self.minimum - self.planted)
        k = max(0, min(owed, len(candidates)))
        if k == 0:
            return []
        idx = np.sort(rng.choice(len(candidates), size=k, replace=False))
        self.planted += k
        return [candidates[int(i)] for i in idx]

    def stats(self) -> dict[str, Any]:
        return {"rate": self.rate, "eligible": self.eligible, "planted": self.planted}


@dataclass
class Manifest:
    """Entity codes per kind, with the quotas that planted them."""

    codes: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in KINDS})
    institutions: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in KINDS})
    quotas: dict[str, Quota] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)

    def add(self, kind: str, code: str, institution: str | None = None) -> None:
        self.codes[kind].append(code)
        if institution is not None:
            self.institutions[kind].append(institution)

    def as_json(self, *, header: dict[str, Any]) -> dict[str, Any]:
        kinds: dict[str, Any] = {}
        for key, kind in KINDS.items():
            entry: dict[str, Any] = {
                "entity": kind.entity,
                "clause": kind.clause,
                "description": kind.description,
                "eligible_set": kind.eligible,
                **(self.quotas[key].stats() if key in self.quotas else {}),
                "count": len(set(self.codes[key])),
                "codes": sorted(set(self.codes[key])),
            }
            if kind.entity in ("class", "staff", "fee"):
                entry["institutions"] = sorted(set(self.institutions[key]))
            kinds[key] = entry
        return {
            **header,
            "conventions": CONVENTIONS,
            "entity_codes": {
                "institution": "Institution.code",
                "class": "<institution code>/<school year>/<class name>",
                "staff": "<institution code>/<staff name>",
                "fee": "<institution code>/<effective date ISO>",
                "county": "Division.code",
            },
            "kinds": kinds,
            "renamed": sorted(self.renamed),
        }
