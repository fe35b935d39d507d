"""Every number the demo generator uses, in one place: the calibration of the synthetic registry to
the scale references of ``plan/STANDARDS.md`` and the rates at which imperfections are planted.

Nothing the generator writes is a real statistic of a real institution: division codes and names
are real (GB/T 2260 / NBS statistical codes, ``eduplan/data/divisions``), everything below them is
drawn from the distributions set here and labelled synthetic. The generator reads these values and
nothing else, so a change of calibration is a change of this file, reviewed like code.

Sources (see STANDARDS.md, "Scale references"):

- Yuxi: 2,249,502 residents (2020 census); county populations (2018 estimates, 峨山 and 元江 from
  the 2020 census, 新平 not found: the remainder); "≈ 20,000 births a year, a few hundred
  kindergartens, ~30–40 general high schools".
- Yunnan births 2020–2024 (an *unverified* compilation) give the shape of the birth decline
  (2020 → 2022: −26%); Yunnan 2016: 7,310 kindergartens.
- China: 253,300 kindergartens with 35.84 M children (2024); 15,755 general high schools.
- Values marked ``assumption`` are the generator's own choices, made to look plausible; they are
  not calibrated to any source and a city may change them freely.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Bump when a change to the generator changes the rows a given (scale, seed) produces.
GENERATOR_VERSION = "3"

#: The demo's "today": end of the 2024–25 school year. Every date in the data derives from it and
#: the seed, never from the clock, so two runs give the same rows.
REFERENCE_DATE = dt.date(2025, 6, 30)
#: The plan's date (玉教体联〔2022〕26号): changes after it fall under its filing rules.
PLAN_DATE = dt.date(2022, 12, 6)
#: Staff and fee changes are dated on or after this day when they are meant to be checked.
RECENT_CHANGES_FROM = dt.date(2023, 1, 1)


@dataclass(frozen=True)
class ScaleSpec:
    """What a scale covers and how much detail it holds (``eduplan demo --scale``)."""

    name: str
    description: str
    #: Division prefix selecting the counties: "5304" (Yuxi), "53" (Yunnan), "" (China).
    area_prefix: str
    school_years: tuple[int, ...]
    population_years: tuple[int, ...]
    birth_years: tuple[int, ...]
    #: "township" (single-year ages per township) or "county" (held at county level only).
    population_level: str
    #: Multiplies every population count (``tiny`` keeps Yuxi's real divisions with fewer people).
    population_factor: float = 1.0
    #: Multiplies the typical size of an institution (China's are larger than Yunnan's on average).
    institution_size_factor: float = 1.0
    #: Synthetic villages per town/township (min, max); subdistricts get none.
    villages_per_township: tuple[int, int] = (3, 8)


_YEARS_2020_2024 = tuple(range(2020, 2025))
_BIRTH_YEARS = tuple(range(2015, 2025))

SCALES: dict[str, ScaleSpec] = {
    spec.name: spec
    for spec in (
        ScaleSpec(
            name="tiny",
            description="玉溪9县76乡镇, 人口×0.2, 两个学年 / Yuxi's real divisions, a fifth of the people, 2 school years (tests)",
            area_prefix="5304",
            school_years=(2023, 2024),
            population_years=(2023, 2024),
            birth_years=_BIRTH_YEARS,
            population_level="township",
            population_factor=0.2,
        ),
        ScaleSpec(
            name="city",
            description="玉溪市 Yuxi: 9 counties, 76 townships, school years 2020–2024",
            area_prefix="5304",
            school_years=_YEARS_2020_2024,
            population_years=_YEARS_2020_2024,
            birth_years=_BIRTH_YEARS,
            population_level="township",
        ),
        ScaleSpec(
            name="province",
            description="云南省 Yunnan: 129 counties and their townships, school years 2020–2024",
            area_prefix="53",
            school_years=_YEARS_2020_2024,
            population_years=_YEARS_2020_2024,
            birth_years=_BIRTH_YEARS,
            population_level="township",
        ),
        ScaleSpec(
            name="nation",
            description=(
                "全国 China: every county-level division; population by county, latest year only; "
                "school year 2024 only"
            ),
            area_prefix="",
            school_years=(2024,),
            population_years=(2024,),
            birth_years=_BIRTH_YEARS,
            population_level="county",
            # 35.84 M children in 253,300 kindergartens, 29.22 M students in 15,755 general high
            # schools (2024): institutions are larger than Yunnan's on average.
            institution_size_factor=1.2,
        ),
    )
}


def _births_index() -> dict[int, float]:
    """Births relative to 2020. 2020–2024 from Yunnan's births (STANDARDS.md, *unverified*:
    516,555 / 438,515 / 382,122 / 384,121 / 401,261); 2015–2019 an assumption (the two-child
    policy peak of 2016–2017, then decline)."""
    yunnan = {2020: 516_555, 2021: 438_515, 2022: 382_122, 2023: 384_121, 2024: 401_261}
    index = {2015: 1.10, 2016: 1.16, 2017: 1.17, 2018: 1.11, 2019: 1.05}  # assumption
    index.update({year: births / yunnan[2020] for year, births in yunnan.items()})
    return index


@dataclass(frozen=True)
class Calibration:
    """Population, births, institution sizes and the trajectories of the plan's indicators."""

    # -- population (STANDARDS.md scale references) --------------------------------------------
    #: The city's province (Yunnan): its other counties are calibrated to the province's figures.
    home_province: str = "53"
    city_population: int = 2_249_502  # Yuxi, 2020 census
    #: Yuxi county populations used as weights (2018 estimates; 峨山, 元江: 2020 census; 新平: the
    #: remainder of the city total). Scaled so the counties add up to ``city_population``.
    city_county_population: dict[str, int] = field(
        default_factory=lambda: {
            "530402": 515_000,  # 红塔区
            "530403": 288_200,  # 江川区
            "530481": 182_000,  # 澄江市
            "530423": 311_600,  # 通海县
            "530424": 221_500,  # 华宁县
            "530425": 181_100,  # 易门县
            "530426": 143_903,  # 峨山 (2020 census)
            "530428": 195_647,  # 元江 (2020 census)
            "530427": 210_552,  # 新平: remainder (not found)
        }
    )
    #: Other Yunnan and Chinese counties: mean population (province/nation totals over counties);
    #: 47.2 M (Yunnan) and 1.41 B (China), 2020 census — not in STANDARDS.md.
    province_mean_county_population: int = 366_000
    nation_mean_county_population: int = 493_000
    #: Spread of county populations (lognormal sigma) and the smallest county, assumption.
    county_population_sigma: float = 0.55
    min_county_population: int = 20_000
    #: Township weights inside a county: type factor × lognormal(0, sigma) (assumption).
    township_type_weight: dict[str, float] = field(
        default_factory=lambda: {"subdistrict": 1.6, "town": 1.0, "township": 0.55, "other": 0.8}
    )
    township_weight_sigma: float = 0.45
    #: Yearly change of the total population (assumption: slight decline).
    population_growth: float = -0.002

    # -- births -----------------------------------------------------------------------------------
    #: ≈ 20,000 births a year in Yuxi (STANDARDS.md), i.e. a crude birth rate in 2020 of:
    city_birth_rate_2020: float = 20_000 / 2_249_502
    #: Other Yunnan counties: 516,555 births (2020) over 47.2 M people.
    province_birth_rate_2020: float = 516_555 / 47_209_277
    #: Elsewhere in China: 8.52‰ (NBS 2020; not in STANDARDS.md).
    nation_birth_rate_2020: float = 0.00852
    births_index: dict[int, float] = field(default_factory=_births_index)
    #: Cohorts born before 2015 (the 6–19 year olds), relative to 2020 (assumption).
    births_index_before_2015: float = 1.08
    #: Township birth rates vary by type (rural higher) and at random (assumption).
    township_birth_factor: dict[str, float] = field(
        default_factory=lambda: {"subdistrict": 0.9, "town": 1.0, "township": 1.12, "other": 1.0}
    )
    births_noise: float = 0.04
    #: Random variation of each township's cohort around its births (assumption).
    children_noise: float = 0.02
    male_share: float = 0.52  # sex ratio at birth ≈ 108
    adult_male_share: float = 0.505
    #: Survival from birth to the year-end count, per year of age (assumption).
    child_survival_per_year: float = 0.9985
    #: Children move towards towns: resident children ÷ cohort births, by township type.
    child_migration: dict[str, float] = field(
        default_factory=lambda: {"subdistrict": 1.06, "town": 0.99, "township": 0.93, "other": 0.98}
    )
    #: Registered (户籍) ÷ resident, by township type (people registered in the village live in
    #: town); per-age noise below.
    registered_ratio: dict[str, float] = field(
        default_factory=lambda: {"subdistrict": 0.92, "town": 1.01, "township": 1.07, "other": 1.0}
    )
    registered_noise: float = 0.03
    #: Share of children from ethnic minorities: autonomous counties (自治县), other Yunnan
    #: counties, elsewhere (assumption; Yuxi ≈ 1/3 minority).
    minority_share: dict[str, float] = field(
        default_factory=lambda: {"autonomous": 0.62, "yunnan": 0.25, "other": 0.08}
    )

    # -- preschool: the plan's indicators by county (shares of children, latest school year) ------
    #: Gross enrollment rate: "clean" counties end above the plan target (96%), lagging
    #: ones below the assessment threshold (85%); everyone starts lower in the first school year.
    enrollment_rate_clean_end: tuple[float, float] = (0.985, 1.03)
    enrollment_rate_lagging_end: tuple[float, float] = (0.74, 0.80)
    enrollment_rate_start_drop: tuple[float, float] = (0.05, 0.10)
    #: Inclusive coverage (90.5%; assessment 80%).
    inclusive_clean_end: tuple[float, float] = (0.925, 0.965)
    inclusive_lagging_end: tuple[float, float] = (0.70, 0.76)
    inclusive_start_drop: tuple[float, float] = (0.03, 0.08)
    #: Public share (60%; assessment 50%).
    public_clean_end: tuple[float, float] = (0.63, 0.72)
    public_lagging_end: tuple[float, float] = (0.40, 0.46)
    public_start_drop: tuple[float, float] = (0.02, 0.06)
    #: Inclusive private kindergartens always hold at least this share of children.
    min_inclusive_private_share: float = 0.05
    #: Share of kindergarten children in nursery (托班, under 3) classes where a KG has them; only
    #: kindergartens of at most nursery_max_children run them (so they stay within 12 classes), and
    #: only when at least nursery_min_class children would be in one.
    nursery_share: float = 0.05
    nursery_max_children: int = 240
    nursery_min_class: int = 5
    #: Typical children per institution before noise (assumption, tuned to "a few hundred
    #: kindergartens" for Yuxi and ~10,000 for Yunnan).
    typical_children: dict[str, int] = field(
        default_factory=lambda: {
            "urban_public": 230,
            "central": 165,
            "village": 48,
            "attached": 28,
            "private_inclusive": 135,
            "private_other": 95,
        }
    )
    institution_size_sigma: float = 0.3
    #: A typical institution fills at most this share of its cap (room for the allocation).
    typical_share_of_cap: float = 0.8
    #: Institutions with a fixed planted size vary by up to this many from year to year.
    fixed_size_wobble: int = 20
    #: How much a township's number of 3–5 year olds raises its institutions' size (elasticity).
    township_size_elasticity: float = 0.3
    #: Sponsors of county-level public kindergartens (the first one is always the education
    #: department's); share of village kindergartens run by the village collective (assumption).
    urban_public_sponsors: dict[str, float] = field(
        default_factory=lambda: {
            "education": 0.7,
            "other_dept": 0.1,
            "state_enterprise": 0.1,
            "subdistrict": 0.1,
        }
    )
    village_collective_share: float = 0.5
    #: Where private kindergartens open: weight by township type (assumption).
    private_location_weight: dict[str, float] = field(
        default_factory=lambda: {"subdistrict": 3.0, "town": 1.0, "township": 0.3, "other": 1.0}
    )
    #: Private kindergartens running a nursery class (托班).
    private_nursery_share: float = 0.3
    #: Years institutions were established in, by role (all before the first school year).
    established_years: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {
            "urban_public": (1955, 2015),
            "central": (1985, 2012),
            "village": (1995, 2018),
            "attached": (2000, 2018),
            "private": (2000, 2019),
            "hs": (1940, 2005),
            "private_hs": (2000, 2015),
            "voc": (1980, 2010),
            "jms": (1958, 2010),
        }
    )
    #: Newly built high schools opened on this day.
    new_build_opened: dt.date = dt.date(2019, 9, 1)
    #: Housing of residential supporting kindergartens delivered between these years; the
    #: kindergarten's steps that many days before it (a clean 四同步).
    housing_delivered_years: tuple[int, int] = (2010, 2018)
    supporting_lead_days: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {
            "planned": (900, 1200),
            "approved": (700, 900),
            "built": (90, 300),
            "delivered": (0, 60),
        }
    )
    #: Clean kindergartens stay at or under this many children: below 360 (幼儿园工作规程) and, with
    #: the class limits, at most 12 classes (建标175-2016, unverified).
    kindergarten_max_children: int = 280
    kindergarten_max_classes: int = 12
    attached_max_children: int = 70
    #: A preschool institution never has fewer children than this in a year.
    min_children: int = 8
    #: Small kindergartens run mixed-age classes only.
    mixed_only_below: int = 50
    #: Classes are filled to their limit minus a random slack of up to this many places.
    class_slack_max: int = 3
    #: Attached classes per town/township (min, max) and village kindergartens per town/township.
    attached_per_township: tuple[int, int] = (0, 3)
    village_kgs_per_township: tuple[int, int] = (1, 3)
    #: Probability a kindergarten is rated first level, by role; share of first-level ones that are
    #: curriculum demonstration kindergartens (50 by 2025, 27 — the demo city is
    #: below both); residential supporting KGs among urban ones (assumption).
    first_level_probability: dict[str, float] = field(
        default_factory=lambda: {
            "urban_public": 0.25,
            "central": 0.12,
            "village": 0.0,
            "attached": 0.0,
            "private_inclusive": 0.05,
            "private_other": 0.02,
        }
    )
    demonstration_share_of_first_level: float = 0.4
    residential_supporting_share: float = 0.25
    #: Group members (1+N, led by the county's first kindergarten) among village kindergartens.
    group_member_share: float = 0.25
    #: Private kindergartens: share of the non-inclusive ones that are for-profit.
    forprofit_share: float = 0.4

    # -- high-school stage ----------------------------------------------------------------------------
    #: High-school-stage gross enrollment (97%): first and last school year ranges.
    hs_enrollment_start: tuple[float, float] = (0.86, 0.92)
    hs_enrollment_end: tuple[float, float] = (0.93, 0.995)
    #: Share of the high-school stage in general high schools (the rest vocational), assumption.
    general_share: float = 0.58
    #: Typical students per general high school (Yuxi: ~43,000 students in ~35 schools).
    typical_hs_students: int = 1150
    #: Clean high schools stay at or under this (3000 for new schools).
    hs_max_students: int = 2900
    #: A county of at least this many residents (≈ 6,000 general high school students) may host a
    #: planted oversized new school.
    hs_oversize_min_county_population: int = 400_000
    hs_oversize_students: tuple[int, int] = (3050, 3300)
    #: Clean classes hold at most this many (≤ 55; 50 is the class standard).
    hs_class_max: int = 52
    vocational_class_max: int = 45
    typical_vocational_students: int = 2000
    #: Every general high school has at least this many students when the county allows it.
    hs_min_students: int = 300
    private_hs_share: float = 0.15
    hs_new_build_share: float = 0.08
    #: Probability a general high school other than the county's first is rated 省一级.
    hs_first_level_share: float = 0.3
    #: Weight of a county's first high school (一中) in sharing out students; spread of school sizes.
    hs_first_school_weight: float = 2.0
    school_size_sigma: float = 0.25
    #: Rating draw for high schools other than the county's first when not 省一级 (assumption).
    hs_other_ratings: tuple[str, ...] = ("p2", "p3", "")
    #: Junior middle schools: subdistricts get one per this many residents (min 1). Grade 7 (初一)
    #: holds the township's cohort aged jms_entry_age on the age cut-off day, grades 8 and 9 the
    #: next two (so grade 9, the graduates, is the 14-year-old cohort and grade 10 the 15-year-old
    #: one of the high-school-stage rate), each times jms_enrolment_share (nine-year compulsory education, a few attend
    #: school elsewhere: assumption). Classes hold at most jms_class_max (assumption, under the
    #: standard class of 50 and clear of 大班额).
    jms_residents_per_school: int = 60_000
    jms_entry_age: int = 12
    jms_enrolment_share: float = 0.97
    jms_class_max: int = 50

    # -- ratings, evaluations, pairings, posts (dates) ------------------------------------------------
    #: Kindergartens were graded in these years (all before the deadline).
    grade_years: tuple[int, int] = (2017, 2022)
    #: Private kindergartens recognised as inclusive between these dates.
    inclusive_recognised: tuple[dt.date, dt.date] = (dt.date(2017, 1, 1), dt.date(2020, 8, 31))
    #: Latest quality evaluation and renames between these dates.
    quality_evaluated: tuple[dt.date, dt.date] = (dt.date(2023, 3, 1), dt.date(2024, 12, 31))
    renamed: tuple[dt.date, dt.date] = (dt.date(2023, 3, 1), dt.date(2024, 12, 31))
    #: Kindergarten support pairings and county posts started between these dates.
    kg_support_started: tuple[dt.date, dt.date] = (dt.date(2023, 1, 1), dt.date(2024, 6, 30))
    posts_started: tuple[dt.date, dt.date] = (dt.date(2016, 1, 1), dt.date(2023, 12, 31))
    #: Safety checks happen in this month of each school year.
    safety_check_month: int = 10

    @property
    def last_grade_year(self) -> int:
        return self.grade_years[1]

    # -- staff -------------------------------------------------------------------------------------------
    #: Students per teacher in high schools and vocational schools (assumption).
    hs_students_per_teacher: float = 12.5
    vocational_students_per_teacher: float = 18.0
    #: Share of current staff who started recently (since RECENT_CHANGES_FROM), and share of
    #: principal/teacher posts whose previous holder left recently (both filed as changes).
    recent_hire_share: float = 0.12
    recent_departure_share: float = 0.06
    #: Public kindergarten teachers in establishment (编制); the rest purchased services.
    establishment_share_kg: float = 0.55
    establishment_share_hs: float = 0.9
    #: Public institutions' other staff (nursery, cooks, guards…) bought as services.
    purchased_share_support: float = 0.8
    #: Days between a leaver's last day and the successor's first.
    vacancy_days: tuple[int, int] = (1, 20)
    female_share_kg: float = 0.97
    female_share_school: float = 0.55
    female_share_security: float = 0.05
    female_share_posts: float = 0.6
    #: Staff ages at the reference date (a leaver is at least leaver_min_age); start working at.
    staff_age: tuple[int, int] = (23, 57)
    leaver_min_age: int = 35
    working_age: int = 21
    training_hours: tuple[int, int] = (24, 120)

    # -- dates -------------------------------------------------------------------------------------------
    #: Clean filings: within this many days after a staff change (standards: 30).
    clean_filing_days: tuple[int, int] = (0, 28)
    #: Late filings: this many days after (more than one month).
    late_filing_days: tuple[int, int] = (35, 120)
    #: Clean fee filings: this many days before the fee takes effect (standards: ≥ 30).
    clean_fee_days_before: tuple[int, int] = (35, 90)
    late_fee_days_before: tuple[int, int] = (0, 25)
    #: Fees take effect on these days (the current standard last).
    fee_effective_dates: tuple[dt.date, ...] = (dt.date(2021, 9, 1), dt.date(2024, 9, 1))
    #: Each later fee standard is this much higher than the one before.
    fee_increase: float = 0.06

    # -- the shape of planted imperfections -------------------------------------------------------------
    #: An oversize kindergarten class is over its limit by 1 to this many children.
    oversize_extra_max: int = 8
    #: Sizes of planted high school classes: 大班额, 超大班额, and new-intake classes over 55.
    hs_big_class: tuple[int, int] = (56, 65)
    hs_huge_class: tuple[int, int] = (66, 72)
    hs_big_intake_class: tuple[int, int] = (56, 60)
    #: Children in a planted very large kindergarten, every school year (over 360).
    kg_over_max_children: tuple[int, int] = (365, 430)
    #: Days a planted residential supporting kindergarten is delivered after its housing.
    supporting_late_days: tuple[int, int] = (180, 720)
    #: Items missing from a planted incomplete safety record (at least, at most).
    safety_items_missing: tuple[int, int] = (1, 2)

    # -- money (yuan) -------------------------------------------------------------------------------------
    #: Monthly fees by category (assumption); public ones by grade band.
    fee_public: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {"1": (480, 650), "2": (350, 480), "3": (220, 340), "": (200, 300)}
    )
    fee_private_inclusive: tuple[int, int] = (450, 800)
    fee_private_other: tuple[int, int] = (1000, 2800)
    #: Per-child public funding received (standards: ≥ 500 for public kindergartens, ≥ 1000 for
    #: high schools, local/unverified); subsidies for inclusive private kindergartens.
    funding_public_kg: tuple[int, int] = (520, 900)
    funding_inclusive_private: tuple[int, int] = (200, 400)
    funding_hs: tuple[int, int] = (1050, 1600)
    funding_vocational: tuple[int, int] = (1200, 2000)
    funding_jms: tuple[int, int] = (850, 1100)
    #: Planted shortfalls of per-child funding in the latest school year (below 500 and 1000).
    funding_public_kg_short: tuple[int, int] = (300, 480)
    funding_hs_short: tuple[int, int] = (650, 950)


@dataclass(frozen=True)
class Rates:
    """How often each imperfection is planted: the share of the eligible entities (see
    ``planting.KINDS`` for each kind's definition and eligible set). Counts are exact: a rate r
    over N eligible plants round(r × N) (at least one at every scale), spread over counties."""

    kg_class_oversize: float = 0.04
    hs_class_56_65: float = 0.05
    hs_class_66_plus: float = 0.015
    hs_new_intake_over_55: float = 0.04
    kg_name_banned_word: float = 0.016
    kg_name_feature_word: float = 0.016
    kg_name_latin: float = 0.01
    kg_name_foreign_place: float = 0.01
    kg_name_foreign_word: float = 0.008
    kg_name_religious: float = 0.008
    kg_name_uses_public_name: float = 0.012
    kg_unlicensed: float = 0.03
    kg_teaching_point: float = 0.08
    kg_unrated: float = 0.03
    kg_over_360: float = 0.04
    kg_staffing_shortfall: float = 0.04
    kg_info_not_published: float = 0.03
    kg_funding_below_standard: float = 0.03
    kg_support_none: float = 0.08
    kg_support_too_many: float = 0.08
    kg_supporting_delivered_late: float = 0.15
    safety_item_missing: float = 0.03
    fee_filed_late: float = 0.04
    staff_without_certificate: float = 0.01
    staff_change_filed_late: float = 0.08
    staff_no_social_insurance: float = 0.01
    staff_no_housing_fund: float = 0.01
    hs_not_on_network: float = 0.06
    hs_funding_below_standard: float = 0.06
    hs_county_no_trustee: float = 0.1
    hs_new_build_over_3000: float = 0.34
    county_no_preschool_researcher: float = 0.1
    county_below_enrollment_target: float = 0.2
    county_below_inclusive_target: float = 0.2
    county_below_public_share_target: float = 0.2
    county_no_first_level_hs: float = 0.1
    # The programme and workforce registers (eduplan.demo.registers).
    hs_no_standardisation_plan: float = 0.08
    hs_plan_behind: float = 0.1
    kg_demonstration_unrecorded: float = 0.1
    hs_group_no_members: float = 0.1
    kg_subsidy_short: float = 0.06
    kg_subsidy_late: float = 0.06
    kg_no_parent_committee: float = 0.05
    hs_group_inactive: float = 0.2
    kg_quality_eval_overdue: float = 0.03
    # Overdue major hazards (eduplan.demo.hazards): a few kindergartens per city, at least one.
    kg_major_hazard_overdue: float = 0.005
    # County tasks assigned without a responsible person (eduplan.demo.tasks, TASK-RESPONSIBLE).
    county_task_no_responsible: float = 0.04
    hs_trusteeship_no_channel: float = 0.1
    kg_supporting_out_of_sync: float = 0.1
    # The duty registers (eduplan.demo.duties).
    kg_no_party_organisation: float = 0.05
    kg_central_not_registered: float = 0.1
    kg_no_guidance: float = 0.05
    kg_village_not_integrated: float = 0.05
    kg_surplus_distributed: float = 0.05
    kg_fee_account_unfiled: float = 0.06
    kg_pay_below_public: float = 0.06
    county_outflow_rising: float = 0.2
    hs_no_three_classrooms: float = 0.1
    hs_trusteeship_brand_fee: float = 0.1
    county_training_behind: float = 0.2
    staff_training_behind: float = 0.1
    hs_pay_not_tilted: float = 0.1
    hs_pay_class_teachers_not_above: float = 0.06
    county_eval_by_admission: float = 0.2
    county_spending_decreased: float = 0.2
    staff_award_during_ethics_bar: float = 0.001
    staff_serious_ethics_unrecorded: float = 0.0005
    hs_publicity_hype: float = 0.1
    #: Not an imperfection: kindergartens renamed after the name clean-up (NameChange rows).
    renamed_kindergartens: float = 0.01


@dataclass(frozen=True)
class DemoSettings:
    calibration: Calibration = field(default_factory=Calibration)
    rates: Rates = field(default_factory=Rates)


DEFAULT_SETTINGS = DemoSettings()
