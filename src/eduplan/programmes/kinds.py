"""The programme registers as intake *kinds* (``eduplan.intake.kinds``): one column spec per
register drives its Excel template, import, export and API list, exactly as for the registry.

The kinds are deliberately **not** in ``intake.kinds.KINDS``: that dict is the registry workbook
("export all", the round-trip tests, the generated record endpoints), and the programme registers
are not registry data. The intake importer takes a kind set instead; the programmes' set (registry
kinds, then these) is registered at start-up as ``"programmes"`` (``intake.kindsets``) and
``programmes.transfer`` imports through it.
"""

from __future__ import annotations

import datetime as dt

from eduplan.intake import kinds as intake_kinds
from eduplan.intake.kinds import (
    YEAR_BOUNDS,
    Kind,
    KindSet,
    county_column,
    field_column,
    find_kind,
    institution_column,
)
from eduplan.registry.choices import DivisionLevel, InstitutionKind

from .models import (
    CountyCertification,
    CountyEducationSpending,
    DemonstrationArea,
    Designation,
    ParentCommittee,
    QualityEvaluation,
    ResidentialProject,
    SchoolGroup,
    SchoolGroupActivity,
    SchoolGroupMember,
    StandardisationProject,
    SubsidyDisbursement,
    SubsidyStandard,
    TeachingPointStandard,
    TrusteeshipSupport,
    VolunteerDuty,
)

_D = dt.date
HS = (InstitutionKind.HIGH_SCHOOL.value,)
KG = (InstitutionKind.KINDERGARTEN.value,)
ORDER = 5  # after every registry kind: programme rows hang from institutions and divisions


PROJECTS = Kind(
    key="hs_projects",
    label="高中标准化建设",
    model=StandardisationProject,
    order=ORDER,
    description="普通高中标准化建设一校一案 one standardisation plan per high school",
    columns=(
        institution_column(StandardisationProject, "H1", HS),
        field_column(StandardisationProject, "title", example="一校一案(2023-2025)"),
        field_column(StandardisationProject, "scope", example="学科教室、创新实验室、智慧校园"),
        field_column(StandardisationProject, "budget", example="1200.00"),
        field_column(StandardisationProject, "starts_on", example=_D(2023, 3, 1)),
        field_column(StandardisationProject, "ends_on", example=_D(2025, 12, 31)),
        field_column(StandardisationProject, "stage", example="building"),
        field_column(StandardisationProject, "completion", example=60),
    ),
    natural_key=("institution", "title"),
    link="institution_code",
    export_order=("institution_code", "title"),
)

DESIGNATIONS = Kind(
    key="designations",
    label="学科基地与示范认定",
    model=Designation,
    order=ORDER,
    description=(
        "学科基地、特色学校,名校网络课堂,课程游戏化示范园 "
        "subject bases, characteristic schools, online classrooms, demonstration kindergartens"
    ),
    columns=(
        institution_column(Designation, "H1"),
        field_column(Designation, "kind", example="subject_base"),
        field_column(Designation, "subject", example="mathematics"),
        field_column(Designation, "level", example="city"),
        field_column(Designation, "designated_on", example=_D(2023, 9, 1)),
        field_column(Designation, "revoked_on"),
        field_column(Designation, "document", example="玉教体〔2023〕12号"),
    ),
    natural_key=("institution", "kind", "subject"),
    link="institution_code",
    export_order=("kind", "institution_code", "subject"),
)

AREAS = Kind(
    key="demo_areas",
    label="课程游戏化示范区",
    model=DemonstrationArea,
    order=ORDER,
    description="课程游戏化示范区:县或乡镇 play-based curriculum demonstration areas",
    columns=(
        field_column(
            DemonstrationArea,
            "division",
            "division_code",
            label="区划代码",
            example="530402",
            levels=(DivisionLevel.COUNTY.value, DivisionLevel.TOWNSHIP.value),
        ),
        field_column(DemonstrationArea, "level", example="city"),
        field_column(DemonstrationArea, "designated_on", example=_D(2024, 6, 1)),
        field_column(DemonstrationArea, "revoked_on"),
        field_column(DemonstrationArea, "document", example="玉教体〔2024〕8号"),
    ),
    natural_key=("division",),
    link="division_code",
    export_order=("division_code",),
)

GROUPS = Kind(
    key="school_groups",
    label="教育集团",
    model=SchoolGroup,
    order=ORDER,
    description="集团化办学,以牵头学校标识 school groups, named by their lead school",
    columns=(
        institution_column(SchoolGroup, "H1", field="lead", key="lead_code", label="牵头学校代码"),
        field_column(SchoolGroup, "name", example="玉溪一中教育集团"),
        field_column(SchoolGroup, "kind", example="one_plus_n"),
        field_column(SchoolGroup, "partner"),
        field_column(SchoolGroup, "started_on", example=_D(2023, 9, 1)),
        field_column(SchoolGroup, "ended_on"),
        field_column(SchoolGroup, "joint_plan", example="玉溪一中教育集团发展规划(2023-2026)"),
        field_column(SchoolGroup, "joint_plan_adopted_on", example=_D(2023, 10, 1)),
    ),
    natural_key=("lead",),
    link="lead_code",
    export_order=("lead_code",),
)

MEMBERS = Kind(
    key="group_members",
    label="集团成员",
    model=SchoolGroupMember,
    order=ORDER + 1,
    description="教育集团成员学校 member schools of each group",
    columns=(
        institution_column(SchoolGroupMember, "H1", field="lead", key="lead_code", label="牵头学校代码"),
        institution_column(SchoolGroupMember, "H2", field="member", key="member_code", label="成员学校代码"),
        field_column(SchoolGroupMember, "joined_on", example=_D(2023, 9, 1)),
        field_column(SchoolGroupMember, "left_on"),
    ),
    natural_key=("lead", "member"),
    link="lead_code",
    export_order=("lead_code", "member_code"),
)

STANDARDS = Kind(
    key="subsidy_standards",
    label="普惠民办园奖补标准",
    model=SubsidyStandard,
    order=ORDER,
    description="各县普惠性民办园生均奖补标准 each county's subsidy per child",
    columns=(
        county_column(SubsidyStandard),
        field_column(SubsidyStandard, "school_year", **YEAR_BOUNDS, example=2024),
        field_column(SubsidyStandard, "per_child", example="600.00"),
        field_column(SubsidyStandard, "document"),
    ),
    natural_key=("county", "school_year"),
    link="county_code",
    export_order=("county_code", "school_year"),
    year_column="school_year",
)

SUBSIDIES = Kind(
    key="subsidies",
    label="奖补资金拨付",
    model=SubsidyDisbursement,
    order=ORDER + 1,
    description="普惠性民办园奖补资金拨付 subsidies paid to inclusive private kindergartens",
    columns=(
        institution_column(SubsidyDisbursement, "K9", KG),
        field_column(SubsidyDisbursement, "school_year", **YEAR_BOUNDS, example=2024),
        field_column(SubsidyDisbursement, "children", example=120),
        field_column(SubsidyDisbursement, "due_on", example=_D(2024, 12, 31)),
        field_column(SubsidyDisbursement, "paid_amount", example="72000.00"),
        field_column(SubsidyDisbursement, "paid_on", example=_D(2024, 12, 20)),
    ),
    natural_key=("institution", "school_year"),
    link="institution_code",
    export_order=("institution_code", "school_year"),
    year_column="school_year",
)

COMMITTEES = Kind(
    key="parent_committees",
    label="家长委员会",
    model=ParentCommittee,
    order=ORDER,
    description="幼儿园家长委员会 parent committees",
    columns=(
        institution_column(ParentCommittee, "K1", KG),
        field_column(ParentCommittee, "established_on", example=_D(2023, 10, 1)),
        field_column(ParentCommittee, "members", example=7),
        field_column(ParentCommittee, "dissolved_on"),
    ),
    natural_key=("institution", "established_on"),
    link="institution_code",
    export_order=("institution_code", "established_on"),
)

DUTIES = Kind(
    key="volunteer_duties",
    label="家长志愿者值守",
    model=VolunteerDuty,
    order=ORDER,
    description="家长志愿者值守记录 parent volunteer duty",
    columns=(
        institution_column(VolunteerDuty, "K1", KG),
        field_column(VolunteerDuty, "on", example=_D(2024, 10, 8)),
        field_column(VolunteerDuty, "duty", example="gate"),
        field_column(VolunteerDuty, "volunteers", example=4),
    ),
    natural_key=("institution", "on", "duty"),
    link="institution_code",
    export_order=("institution_code", "on", "duty"),
)

CERTIFICATIONS = Kind(
    key="certifications",
    label="普及普惠县认定",
    model=CountyCertification,
    order=ORDER,
    description="学前教育普及普惠县认定(率先认定) county certifications",
    columns=(
        county_column(CountyCertification),
        field_column(CountyCertification, "kind", example="provincial"),
        field_column(CountyCertification, "certified_on", example=_D(2024, 11, 1)),
        field_column(CountyCertification, "document"),
        field_column(CountyCertification, "revoked_on"),
    ),
    natural_key=("county", "kind"),
    link="county_code",
    export_order=("certified_on", "county_code"),
)

SPENDING = Kind(
    key="education_spending",
    label="县级教育经费",
    model=CountyEducationSpending,
    order=ORDER,
    description="县级教育经费决算(两个只增不减) county education spending by year",
    columns=(
        county_column(CountyEducationSpending),
        field_column(CountyEducationSpending, "year", **YEAR_BOUNDS, example=2024),
        field_column(CountyEducationSpending, "general_budget", example="52000.00"),
        field_column(CountyEducationSpending, "per_pupil_preschool", example="4100.00"),
        field_column(CountyEducationSpending, "per_pupil_primary", example="11800.00"),
        field_column(CountyEducationSpending, "per_pupil_junior", example="15200.00"),
        field_column(CountyEducationSpending, "per_pupil_high", example="16300.00"),
        field_column(CountyEducationSpending, "document"),
    ),
    natural_key=("county", "year"),
    link="county_code",
    export_order=("county_code", "year"),
)

TEACHING_POINT_STANDARDS = Kind(
    key="teaching_point_standards",
    label="县级办园点标准",
    sheet_name="办园点标准 teaching_point_standards",  # "label key" is 32 characters
    model=TeachingPointStandard,
    order=ORDER,
    description="县(市、区)制定的办园点标准(无证园分类治理) a county's own teaching-point standard",
    columns=(
        county_column(TeachingPointStandard),
        field_column(TeachingPointStandard, "effective_on", example=_D(2023, 3, 1)),
        field_column(TeachingPointStandard, "min_seats", example=15),
        field_column(TeachingPointStandard, "min_classes", example=1),
        field_column(TeachingPointStandard, "min_teachers_per_class", example="2"),
        field_column(TeachingPointStandard, "min_certified_share", example="0.5"),
        field_column(TeachingPointStandard, "safety_items", example="closed_management,one_key_alarm"),
        field_column(TeachingPointStandard, "document"),
    ),
    natural_key=("county", "effective_on"),
    link="county_code",
    export_order=("county_code", "effective_on"),
)

QUALITY_EVALUATIONS = Kind(
    key="quality_evaluations",
    label="保教质量评估",
    model=QualityEvaluation,
    order=ORDER,
    description="幼儿园保教质量评估(日期、结果、报告) dated quality evaluations of kindergartens",
    columns=(
        institution_column(QualityEvaluation, "K1", KG),
        field_column(QualityEvaluation, "evaluated_on", example=_D(2024, 5, 20)),
        field_column(QualityEvaluation, "result", example="good"),
        field_column(QualityEvaluation, "evaluator", example="红塔区教育体育局"),
        field_column(QualityEvaluation, "evidence", example="红教体〔2024〕15号"),
    ),
    natural_key=("institution", "evaluated_on"),
    link="institution_code",
    export_order=("institution_code", "evaluated_on"),
)

GROUP_ACTIVITIES = Kind(
    key="group_activities",
    label="集团共享活动",
    model=SchoolGroupActivity,
    order=ORDER + 2,
    description="教育集团成员学校参加的共享活动 shared activities of school groups, one row per member",
    columns=(
        institution_column(SchoolGroupActivity, "H1", field="lead", key="lead_code", label="牵头学校代码"),
        institution_column(
            SchoolGroupActivity, "H2", field="member", key="member_code", label="成员学校代码"
        ),
        field_column(SchoolGroupActivity, "held_on", example=_D(2024, 11, 12)),
        field_column(SchoolGroupActivity, "kind", example="research"),
        field_column(SchoolGroupActivity, "title", example="高三数学联合教研"),
        field_column(SchoolGroupActivity, "evidence", example="活动简报2024-11"),
    ),
    natural_key=("lead", "member", "held_on", "title"),
    link="lead_code",
    export_order=("lead_code", "held_on", "member_code"),
)

TRUSTEESHIP_SUPPORTS = Kind(
    key="trusteeship_channels",
    label="托管帮扶渠道",
    model=TrusteeshipSupport,
    order=ORDER,
    description="县中托管帮扶的五个一渠道及协议佐证 county high schools' trusteeship channels (五个一)",
    columns=(
        institution_column(TrusteeshipSupport, "H1", HS),
        field_column(TrusteeshipSupport, "channel", example="city_high_school"),
        field_column(TrusteeshipSupport, "supporter", example="玉溪一中"),
        field_column(TrusteeshipSupport, "started_on", example=_D(2023, 9, 1)),
        field_column(TrusteeshipSupport, "ended_on"),
        field_column(TrusteeshipSupport, "evidence", example="托管帮扶协议(2023)"),
    ),
    natural_key=("institution", "channel", "started_on"),
    link="institution_code",
    export_order=("institution_code", "channel", "started_on"),
)

RESIDENTIAL_PROJECTS = Kind(
    key="residential_projects",
    label="小区配套项目",
    model=ResidentialProject,
    order=ORDER,
    description="小区配套园所属住宅项目及其规划、审批、竣工、交付日期(四同步) housing projects of supporting kindergartens",
    columns=(
        institution_column(ResidentialProject, "K1", KG),
        field_column(ResidentialProject, "name", example="玉兴花园"),
        field_column(ResidentialProject, "planned_on", example=_D(2021, 3, 1)),
        field_column(ResidentialProject, "approved_on", example=_D(2021, 9, 1)),
        field_column(ResidentialProject, "built_on", example=_D(2023, 6, 30)),
        field_column(ResidentialProject, "delivered_on", example=_D(2023, 9, 1)),
        field_column(ResidentialProject, "document"),
    ),
    natural_key=("institution", "name"),
    link="institution_code",
    export_order=("institution_code", "name"),
)

PROGRAMME_KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        PROJECTS,
        DESIGNATIONS,
        AREAS,
        GROUPS,
        MEMBERS,
        STANDARDS,
        SUBSIDIES,
        COMMITTEES,
        DUTIES,
        CERTIFICATIONS,
        SPENDING,
        TEACHING_POINT_STANDARDS,
        QUALITY_EVALUATIONS,
        GROUP_ACTIVITIES,
        TRUSTEESHIP_SUPPORTS,
        RESIDENTIAL_PROJECTS,
    )
}


def get_programme_kind(name: str) -> Kind:
    return find_kind(PROGRAMME_KINDS.values(), name, what=("登记册", "register"))


def programme_kind_set() -> KindSet:
    """The programmes' import pipeline: the registry workbook's kinds followed by the programme
    registers (a workbook may carry both; programme rows are written after the registry's), as
    registered at start-up (``ProgrammesConfig.ready``)."""
    return KindSet("programmes", [*intake_kinds.KINDS.values(), *PROGRAMME_KINDS.values()])
