"""The duty registers as intake *kinds* (``eduplan.intake.kinds``): one column spec per register
drives its Excel template, import, export and API list, as for the programme registers.

They are registered at start-up as the kind set ``"duties"`` (``intake.kindsets``; registry kinds
first, so a workbook may carry both), and ``duties.transfer`` imports through it.
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
from eduplan.registry.choices import InstitutionKind

from .models import (
    ClassroomPairing,
    GuidanceVisit,
    NonProfitAccounts,
    PartyCoverage,
    PublicRegistration,
    TalentOutflow,
    TeacherPay,
    TrusteeshipFee,
)

_D = dt.date
HS = (InstitutionKind.HIGH_SCHOOL.value,)
KG = (InstitutionKind.KINDERGARTEN.value,)
ORDER = 5  # after every registry kind: these rows hang from institutions and divisions


PARTY = Kind(
    key="party_coverage",
    label="幼儿园党组织覆盖",
    model=PartyCoverage,
    order=ORDER,
    description="覆盖每所幼儿园的党组织(单独、联合或选派党建指导员) the party organisation covering each kindergarten",
    columns=(
        institution_column(PartyCoverage, "K1", KG),
        field_column(PartyCoverage, "form", example="joint"),
        field_column(PartyCoverage, "organisation", example="某镇幼儿园联合党支部"),
        field_column(PartyCoverage, "established_on", example=_D(2023, 7, 1)),
        field_column(PartyCoverage, "ended_on"),
        field_column(PartyCoverage, "document", example="某党〔2023〕5号"),
    ),
    natural_key=("institution", "established_on"),
    link="institution_code",
    export_order=("institution_code", "established_on"),
)

REGISTRATION = Kind(
    key="public_registration",
    label="中心园事业单位登记",
    model=PublicRegistration,
    order=ORDER,
    description="乡镇中心幼儿园事业单位法人登记 public-institution registration of township central kindergartens",
    columns=(
        institution_column(PublicRegistration, "K2", KG),
        field_column(PublicRegistration, "credit_code", example="12530402MB1234567X"),
        field_column(PublicRegistration, "registered_on", example=_D(2023, 5, 10)),
        field_column(PublicRegistration, "valid_until", example=_D(2028, 5, 9)),
    ),
    natural_key=("institution", "registered_on"),
    link="institution_code",
    export_order=("institution_code", "registered_on"),
)

GUIDANCE = Kind(
    key="guidance_visits",
    label="教研指导",
    model=GuidanceVisit,
    order=ORDER,
    description="县级教研机构或指导园对幼儿园的教研指导 research guidance visits to kindergartens",
    columns=(
        institution_column(GuidanceVisit, "K1", KG),
        field_column(GuidanceVisit, "on", example=_D(2024, 10, 15)),
        field_column(GuidanceVisit, "guide_kind", example="county_unit"),
        institution_column(GuidanceVisit, "", KG, field="guide", key="guide_code", label="指导园代码"),
        field_column(GuidanceVisit, "topic", example="游戏活动观察与指导"),
    ),
    natural_key=("institution", "on", "guide_kind"),
    link="institution_code",
    export_order=("institution_code", "on"),
)

ACCOUNTS = Kind(
    key="nonprofit_accounts",
    label="非营利性民办园财务",
    model=NonProfitAccounts,
    order=ORDER,
    description="非营利性民办园年度审计、结余分配与收费账户备案 audited accounts, surplus and the filed fee account",
    columns=(
        institution_column(NonProfitAccounts, "K9", KG),
        field_column(NonProfitAccounts, "school_year", example=2024, **YEAR_BOUNDS),
        field_column(NonProfitAccounts, "audited_on", example=_D(2025, 9, 20)),
        field_column(NonProfitAccounts, "audit_report", example="某审字〔2025〕18号"),
        field_column(NonProfitAccounts, "surplus", example="86000.00", min_value=-1e12),
        field_column(NonProfitAccounts, "distributed", example="0"),
        field_column(NonProfitAccounts, "fee_account_bank", example="农业银行某支行"),
        field_column(NonProfitAccounts, "fee_account_last4", example="0427"),
        field_column(NonProfitAccounts, "fee_account_filed_on", example=_D(2024, 8, 20)),
    ),
    natural_key=("institution", "school_year"),
    link="institution_code",
    export_order=("institution_code", "school_year"),
    year_column="school_year",
)

CLASSROOMS = Kind(
    key="classroom_pairings",
    label="三个课堂结对",
    model=ClassroomPairing,
    order=ORDER,
    description="三个课堂(专递课堂、名师课堂、名校网络课堂)结对与开课节数 three-classrooms pairings and sessions",
    columns=(
        institution_column(
            ClassroomPairing, "H1", HS, field="provider", key="provider_code", label="输出学校代码"
        ),
        institution_column(
            ClassroomPairing, "H2", HS, field="receiver", key="receiver_code", label="接收学校代码"
        ),
        field_column(ClassroomPairing, "mode", example="delivery"),
        field_column(ClassroomPairing, "school_year", example=2024, **YEAR_BOUNDS),
        field_column(ClassroomPairing, "sessions", example=36),
    ),
    natural_key=("provider", "receiver", "mode", "school_year"),
    link="receiver_code",
    export_order=("receiver_code", "school_year", "provider_code"),
    year_column="school_year",
)

FEES = Kind(
    key="trusteeship_fees",
    label="托管帮扶费用",
    model=TrusteeshipFee,
    order=ORDER,
    description="受托管学校支付给托管方的费用(不得收取品牌费) payments under trusteeship; no brand fee",
    columns=(
        institution_column(TrusteeshipFee, "H2", HS),
        field_column(TrusteeshipFee, "payee", example="玉溪一中"),
        field_column(TrusteeshipFee, "paid_on", example=_D(2024, 12, 1)),
        field_column(TrusteeshipFee, "amount", example="12000.00"),
        field_column(TrusteeshipFee, "purpose", example="training"),
        field_column(TrusteeshipFee, "description"),
        field_column(TrusteeshipFee, "voucher", example="记-2024-118"),
    ),
    natural_key=("institution", "voucher"),
    link="institution_code",
    export_order=("institution_code", "paid_on"),
)

OUTFLOW = Kind(
    key="talent_outflow",
    label="县中生源与师资流失",
    model=TalentOutflow,
    order=ORDER,
    description="县域高分段考生县外录取数和高中教师调往市区学校数,按县和年度计数 outflow counts by county and year",
    columns=(
        county_column(TalentOutflow, "530421"),
        field_column(TalentOutflow, "year", example=2024, **YEAR_BOUNDS),
        field_column(TalentOutflow, "top_candidates", example=120),
        field_column(TalentOutflow, "top_admitted_outside", example=18),
        field_column(TalentOutflow, "hs_teachers", example=420),
        field_column(TalentOutflow, "teachers_to_city", example=6),
    ),
    natural_key=("county", "year"),
    link="county_code",
    export_order=("county_code", "year"),
    year_column="year",
)

PAY = Kind(
    key="teacher_pay",
    label="幼儿园教师工资",
    model=TeacherPay,
    order=ORDER,
    description="幼儿园专任教师月平均应发工资(民办园参照公办园) kindergarten teachers' average monthly pay",
    columns=(
        institution_column(TeacherPay, "K1", KG),
        field_column(TeacherPay, "school_year", example=2024, **YEAR_BOUNDS),
        field_column(TeacherPay, "teachers", example=12),
        field_column(TeacherPay, "average_monthly", example="4200.00"),
    ),
    natural_key=("institution", "school_year"),
    link="institution_code",
    export_order=("institution_code", "school_year"),
    year_column="school_year",
)

DUTY_KINDS: dict[str, Kind] = {
    k.key: k for k in (PARTY, REGISTRATION, GUIDANCE, ACCOUNTS, CLASSROOMS, FEES, OUTFLOW, PAY)
}


def get_duty_kind(name: str) -> Kind:
    return find_kind(DUTY_KINDS.values(), name, what=("登记册", "register"))


def duty_kind_set() -> KindSet:
    """The duty registers' import pipeline: the registry workbook's kinds, then these."""
    return KindSet("duties", [*intake_kinds.KINDS.values(), *DUTY_KINDS.values()])
