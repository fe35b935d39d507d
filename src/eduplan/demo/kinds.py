"""The kinds of problem the demo plants (see :mod:`eduplan.demo.planting`), apart from the
planting itself so that start-up can register them as checks without loading numpy."""

from __future__ import annotations

from dataclasses import dataclass

from eduplan.plans.checks import clause_text


@dataclass(frozen=True)
class Kind:
    """A kind of planted problem; the plan file maps the check ``demo:<key>`` to its clauses."""

    key: str
    entity: str
    description: str
    eligible: str

    @property
    def clause(self) -> str:
        return clause_text(f"demo:{self.key}")


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "kg_class_oversize",
            "class",
            "preschool class over its age group's limit ([kindergarten_class_size]: 小班 25, 中班 30, 大班 35, "
            "混合班 30), any school year",
            "preschool classes with a limit (not 托班), every school year",
        ),
        Kind(
            "hs_class_56_65",
            "class",
            "general high school class of 56–65 students (大班额, [school_class_size]), any school year; "
            "includes every class of hs_new_intake_over_55",
            "grade 11 and 12 classes of general high schools, every school year",
        ),
        Kind(
            "hs_class_66_plus",
            "class",
            "general high school class of 66 or more students (超大班额), any school year",
            "grade 11 and 12 classes of general high schools, every school year",
        ),
        Kind(
            "hs_new_intake_over_55",
            "class",
            "new-intake (grade 10) class of a general high school with more than 55 students (56–60)",
            "grade 10 classes of general high schools, every school year",
        ),
        Kind(
            "kg_name_banned_word",
            "institution",
            "kindergarten name with 中国/中华/全国/国际/世界/全球",
            "private kindergartens",
        ),
        Kind(
            "kg_name_feature_word",
            "institution",
            "kindergarten name with a one-sided feature word (双语/艺术/国学/私塾)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_latin",
            "institution",
            "kindergarten name with Latin letters",
            "private kindergartens",
        ),
        Kind(
            "kg_name_foreign_place",
            "institution",
            "kindergarten name with a foreign place name (维也纳, 剑桥 …)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_foreign_word",
            "institution",
            "kindergarten name with a transliterated foreign word (蒙特梭利, 迪士尼 …)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_religious",
            "institution",
            "kindergarten name with a religious word (福音, 菩提 …)",
            "private kindergartens",
        ),
        Kind(
            "kg_name_uses_public_name",
            "institution",
            "private kindergarten whose name contains the full name of a public kindergarten or "
            "high school of its county",
            "private kindergartens",
        ),
        Kind(
            "kg_unlicensed",
            "institution",
            "unlicensed kindergarten (licence_status unlicensed; also unrated)",
            "private kindergartens not recognised as inclusive",
        ),
        Kind(
            "kg_teaching_point",
            "institution",
            "kindergarten approved as a teaching point (办园点) rather than licensed",
            "public village kindergartens",
        ),
        Kind(
            "kg_unrated",
            "institution",
            "kindergarten without a grade (评级定等); includes every kg_unlicensed one",
            "licensed kindergartens and teaching points",
        ),
        Kind(
            "kg_over_360",
            "institution",
            "kindergarten with more than 360 children (and more than 12 classes) in every school year "
            "([kindergarten_class_size] max_children, max_classes)",
            "county-level public kindergartens (第N幼儿园)",
        ),
        Kind(
            "kg_staffing_shortfall",
            "institution",
            "kindergarten whose teaching staff in post fall short in the latest school year: fewer "
            "than 2 teachers + 1 nursery worker per class, teachers + nursery workers fewer than "
            "children/9 and teachers fewer than children/15 (the all-staff ratio may still pass)",
            "kindergartens with at least 3 classes in the latest school year",
        ),
        Kind(
            "kg_info_not_published",
            "institution",
            "kindergarten whose information is not published in the latest school year",
            "kindergartens",
        ),
        Kind(
            "kg_funding_below_standard",
            "institution",
            "public kindergarten receiving less than 500 yuan per child in the latest school year "
            "(300–480; clean ones get 520 or more)",
            "public kindergartens",
        ),
        Kind(
            "kg_support_none",
            "institution",
            "first-level kindergarten supporting no kindergarten (kg_support pairings in force)",
            "first-level kindergartens",
        ),
        Kind(
            "kg_support_too_many",
            "institution",
            "first-level kindergarten supporting 3 kindergartens",
            "first-level kindergartens",
        ),
        Kind(
            "kg_supporting_delivered_late",
            "institution",
            "residential supporting kindergarten delivered after its housing (四同步 broken)",
            "residential supporting kindergartens",
        ),
        Kind(
            "safety_item_missing",
            "institution",
            "institution whose latest safety record lacks one or two of the five items",
            "kindergartens, attached classes and general high schools ([plan_scope]; each has a "
            "safety record per school year)",
        ),
        Kind(
            "fee_filed_late",
            "fee",
            "contracted fee ceiling filed less than one month (0–25 days) before it takes effect",
            "current contracted fee ceilings (those of inclusive private kindergartens in the demo)",
        ),
        Kind(
            "staff_without_certificate",
            "staff",
            "principal or teacher in post without a certificate",
            "principals and teachers in post in kindergartens, attached classes and general high "
            "schools ([plan_scope])",
        ),
        Kind(
            "staff_change_filed_late",
            "staff",
            "principal or teacher whose latest change (start, or end if ended) was filed more than "
            "one month (35–120 days) after it",
            "principals and teachers whose latest change is on or after 2023-01-01",
        ),
        Kind(
            "staff_no_social_insurance",
            "staff",
            "kindergarten staff member in post without social insurance",
            "staff in post in kindergartens",
        ),
        Kind(
            "staff_no_housing_fund",
            "staff",
            "kindergarten staff member in post without the housing fund",
            "staff in post in kindergartens",
        ),
        Kind(
            "hs_not_on_network",
            "institution",
            "general high school not on the education network",
            "general high schools",
        ),
        Kind(
            "hs_funding_below_standard",
            "institution",
            "public general high school receiving less than 1000 yuan per student in the latest "
            "school year (650–950; clean ones get 1050 or more)",
            "public general high schools",
        ),
        Kind(
            "hs_county_no_trustee",
            "institution",
            "county high school (县中) without a trusteeship pairing",
            "county high schools",
        ),
        Kind(
            "hs_new_build_over_3000",
            "institution",
            "newly built general high school with more than 3000 students (and seats) in every school year",
            "counties of at least hs_oversize_min_county_population residents (one school each)",
        ),
        Kind(
            "county_no_preschool_researcher",
            "county",
            "county without a preschool researcher (幼教专职教研员) appointment",
            "counties",
        ),
        Kind(
            "county_below_enrollment_target",
            "county",
            "county whose preschool gross enrollment rate in the latest school year is below 85% "
            "(clean counties are at or above 96%)",
            "counties",
        ),
        Kind(
            "county_below_inclusive_target",
            "county",
            "county whose inclusive coverage in the latest school year is below 80% (clean: ≥ 90.5%)",
            "counties",
        ),
        Kind(
            "county_below_public_share_target",
            "county",
            "county whose public share of children in the latest school year is below 50% (clean: ≥ 60%)",
            "counties",
        ),
        Kind(
            "county_no_first_level_hs",
            "county",
            "county without a provincial first-level (省一级) high school",
            "counties",
        ),
        # -- the programme and workforce registers (eduplan.demo.registers) --------------------------
        Kind(
            "hs_no_standardisation_plan",
            "institution",
            "general high school without a standardisation project (一校一案)",
            "open general high schools",
        ),
        Kind(
            "hs_plan_behind",
            "institution",
            "standardisation project past its planned end (30–300 days before the reference date) "
            "and 40–85% complete; clean projects end after it or are accepted at 100%",
            "general high schools with a standardisation project",
        ),
        Kind(
            "kg_demonstration_unrecorded",
            "institution",
            "kindergarten marked as a demonstration kindergarten (is_demonstration) without a "
            "designation record",
            "demonstration kindergartens",
        ),
        Kind(
            "hs_group_no_members",
            "institution",
            "high school leading a school group formed in the reference year without a member yet",
            "general high schools neither leading nor members of their county's group",
        ),
        Kind(
            "hs_group_inactive",
            "institution",
            "high school leading a school group whose members took part in no shared activity in the "
            "school year before the reference day (their activities are older)",
            "lead schools of groups with members and a joint plan",
        ),
        Kind(
            "county_task_no_responsible",
            "task",
            "plan task assigned to a county with no responsible person named, still open "
            "(code: <county code>/<plan task code>)",
            "the plan's tasks assigned to the demo city's counties",
        ),
        Kind(
            "kg_major_hazard_overdue",
            "institution",
            "kindergarten with a major hazard (a failed checklist line marked major_hazard) whose "
            "rectification order was due before the reference day and is still open (重大隐患督办)",
            "open kindergartens of each city, inspected 90 days before the reference day",
        ),
        Kind(
            "kg_quality_eval_overdue",
            "institution",
            "kindergarten last quality-evaluated more than the evaluation cycle "
            "([quality_evaluation] cycle_years) before the reference day",
            "licensed kindergartens and teaching points",
        ),
        Kind(
            "hs_trusteeship_no_channel",
            "institution",
            "county high school in trusteeship with no channel of the five (五个一) and no agreement recorded",
            "county high schools with a trusteeship pairing in force",
        ),
        Kind(
            "kg_supporting_out_of_sync",
            "institution",
            "residential supporting kindergarten planned, approved or built 30–200 days after its housing "
            "project (delivered in step)",
            "residential supporting kindergartens delivered in step and built by the reference day",
        ),
        Kind(
            "kg_subsidy_short",
            "institution",
            "inclusive private kindergarten paid 70–90% of its subsidy (the county's standard × "
            "children) in the latest school year, on time",
            "inclusive private kindergartens with children in the latest school year",
        ),
        Kind(
            "kg_subsidy_late",
            "institution",
            "inclusive private kindergarten paid its full subsidy 10–60 days after the due date "
            "(31 December) in the latest school year; clean ones are paid 5–40 days before",
            "inclusive private kindergartens with children in the latest school year, not short",
        ),
        Kind(
            "kg_no_parent_committee",
            "institution",
            "kindergarten without a parent committee",
            "open kindergartens that are not unlicensed",
        ),
        Kind(
            "county_training_behind",
            "county",
            "county whose rotation-training coverage is below [workforce] coverage_min: some of its "
            "staff (staff_training_behind) miss their last two years of training",
            "counties",
        ),
        Kind(
            "staff_training_behind",
            "staff",
            "staff member in a training role with no training record in the last two completed years "
            "of the cycle (below the pro-rated hours; clean staff have 72–96 hours a year)",
            "staff in training roles of county_training_behind counties, in post since before the "
            "last two completed years",
        ),
        Kind(
            "hs_pay_not_tilted",
            "institution",
            "high school whose other staff earn 15–30% more performance pay on average than its "
            "front-line and class teachers in the latest year (clean: 10–20% less)",
            "open general high schools",
        ),
        Kind(
            "hs_pay_class_teachers_not_above",
            "institution",
            "high school whose class teachers earn 0–2,000 yuan less performance pay on average than "
            "its other teachers in the latest year (clean: 6,000–9,000 more)",
            "open general high schools not in hs_pay_not_tilted",
        ),
        Kind(
            "county_eval_by_admission",
            "county",
            "county whose evaluation scheme for the year after the latest school year gives "
            "admission-rate criteria 60% of the weight (clean: 15%)",
            "counties",
        ),
        Kind(
            "county_spending_decreased",
            "county",
            "county one of whose education spending figures (general public budget for education or "
            "a stage's per-pupil funding) falls 1–5% in the budget year COUNTY-SPENDING-TREND judges "
            "for the latest school year (clean: every figure rises 2–6% a year)",
            "counties",
        ),
        Kind(
            "staff_award_during_ethics_bar",
            "staff",
            "high-school teacher given an award during a two-year ethics bar (no_promotion)",
            "high-school teachers in post",
        ),
        Kind(
            "staff_serious_ethics_unrecorded",
            "staff",
            "serious teacher-ethics case (negative-list entry marked serious) with no incident "
            "recorded in its county (the finding is on the county)",
            "high-school teachers in post, not staff_award_during_ethics_bar",
        ),
        Kind(
            "kg_no_party_organisation",
            "institution",
            "kindergarten with no party organisation coverage record (own or joint branch)",
            "open kindergartens that are not unlicensed",
        ),
        Kind(
            "kg_central_not_registered",
            "institution",
            "public township central kindergarten without a public-institution registration in force: "
            "never registered, or its certificate lapsed 30–400 days before the reference date",
            "open public township central kindergartens",
        ),
        Kind(
            "kg_no_guidance",
            "institution",
            "kindergarten whose last research guidance visit was 500–700 days before the reference "
            "date (clean: a visit in the latest school year)",
            "open kindergartens that are not unlicensed",
        ),
        Kind(
            "kg_village_not_integrated",
            "institution",
            "public village kindergarten whose link to its township central kindergarten is cleared",
            "open public kindergartens linked to a central kindergarten",
        ),
        Kind(
            "kg_surplus_distributed",
            "institution",
            "non-profit private kindergarten whose latest audited accounts distribute 40% of the surplus",
            "open non-profit private kindergartens",
        ),
        Kind(
            "kg_fee_account_unfiled",
            "institution",
            "non-profit private kindergarten with no filed fee account for the latest school year "
            "(no accounts, or accounts without a filing date)",
            "open non-profit private kindergartens, not kg_surplus_distributed",
        ),
        Kind(
            "kg_pay_below_public",
            "institution",
            "private kindergarten whose teachers' average monthly pay (2500–3400) is below "
            "[duties] private_pay_min_share of the county's public average (4800–5200)",
            "open private kindergartens that are not unlicensed",
        ),
        Kind(
            "county_outflow_rising",
            "county",
            "county whose share of top candidates admitted outside it rose from the year before the "
            "latest school year to the latest (clean: both shares fall)",
            "counties with high schools",
        ),
        Kind(
            "hs_no_three_classrooms",
            "institution",
            "county high school with no three-classrooms pairing in the latest school year, or one "
            "with no session held",
            "open county high schools with another high school of the city to pair with",
        ),
        Kind(
            "hs_trusteeship_brand_fee",
            "institution",
            "county high school that paid its trustee a brand fee in the latest school year",
            "county high schools under trusteeship",
        ),
        Kind(
            "hs_publicity_hype",
            "institution",
            "high school with a publicity item hyping admission results (wordlists/hype.txt) in the "
            "latest school year",
            "open general high schools",
        ),
    )
}
