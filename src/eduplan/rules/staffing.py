"""Staffing (幼儿园教职工配备标准(暂行) 教师〔2013〕1号; qualifications).

Per kindergarten: all staff : children and 保教人员 (teachers + nursery workers) : children by
service type, teachers and nursery workers per class, principals by number of classes, health staff
per 150 children, cooks per 40–45 children. Per staff member: principals and teachers without the
required certificate (持证上岗, 100%). Per county: teachers : children no worse than 1 : 15.

Two aggregate queries (classes by kindergarten, staff by kindergarten × role) feed every
kindergarten-level rule; they are computed once per run and shared.
"""

from __future__ import annotations

import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db.models import Count, Q, Sum

from eduplan.metrics.concepts import LICENSED, POSTS, PRESCHOOL, TEACHING_POST, Qualifications
from eduplan.registry.choices import PRESCHOOL_KINDS, Certificate, InstitutionKind, ServiceType, StaffRole

from .catalogue import INSTITUTION_FIELDS, RuleContext, inst_fields, rule
from .classes import HEADCOUNT
from .findings import EntityType, FindingKind, RuleFinding, Severity

S = "kindergarten_staffing"
#: Staff roles by their Chinese label (the choices' labels are "中文 English").
ROLE_LABELS = {code: str(label).split(" ")[0] for code, label in StaffRole.choices}
#: The roles and certificates as an English message names them (never their codes).
ROLE_LABELS_EN = {code: str(label).split(" ", 1)[1].lower() for code, label in StaffRole.choices}
CERTIFICATES_EN = {
    "kg_teacher": "kindergarten teacher's certificate",
    "primary_teacher": "primary teacher's certificate",
    "secondary_teacher": "secondary teacher's certificate",
    "principal": "principal's certificate",
    "nursery": "nursery worker's certificate",
    "health": "health-care staff qualification",
    "cook": "cook's or health certificate",
    "security": "security guard's certificate",
    "other": "other certificate",
}
PRINCIPAL_ROLES = (StaffRole.PRINCIPAL, StaffRole.VICE_PRINCIPAL)
TEACHING_ROLES = (StaffRole.TEACHER, StaffRole.NURSERY)


@dataclass
class KindergartenStaffing:
    """One kindergarten's children, classes and staff in post, as the staffing standard counts."""

    row: dict[str, Any]
    children: int
    classes: int
    boarding_classes: int
    staff: Counter[str] = field(default_factory=Counter)
    full_time: Counter[str] = field(default_factory=Counter)

    @property
    def service_type(self) -> str:
        return self.row.get("service_type") or ""

    @property
    def ratio_key(self) -> str:
        """Half-day kindergartens have their own ratios; boarding ones are full-day and more."""
        return "half_day" if self.service_type == ServiceType.HALF_DAY else "full_day"

    @property
    def service_note(self) -> tuple[str, str]:
        if not self.service_type:
            return "(办园形式未登记,按全日制)", " (service type not recorded: judged as full-day)"
        return "", ""

    @property
    def total_staff(self) -> int:
        return sum(self.staff.values())

    @property
    def teaching_staff(self) -> int:
        return sum(self.staff[r] for r in TEACHING_ROLES)


def staffing_profiles(ctx: RuleContext) -> list[KindergartenStaffing]:
    """Every kindergarten with classes in the school year, with its staff in post on ``as_of``."""

    def compute() -> list[KindergartenStaffing]:
        classes = {
            r["institution_id"]: r
            for r in ctx.classes()
            .filter(institution__kind=InstitutionKind.KINDERGARTEN)
            .values("institution_id")
            .order_by()
            .annotate(
                children=Sum(HEADCOUNT), n=Count("pk"), boarding=Count("pk", filter=Q(is_boarding=True))
            )
        }
        if not classes:
            return []
        profiles: dict[int, KindergartenStaffing] = {}
        rows = ctx.institutions().filter(kind=InstitutionKind.KINDERGARTEN)
        for row in rows.values("pk", *INSTITUTION_FIELDS, "service_type"):
            agg = classes.get(row["pk"])
            if agg is None:
                continue
            boarding = agg["n"] if row["service_type"] == ServiceType.BOARDING else agg["boarding"]
            profiles[row["pk"]] = KindergartenStaffing(row, int(agg["children"] or 0), agg["n"], boarding)
        staff = (
            ctx.staff()
            .filter(institution__kind=InstitutionKind.KINDERGARTEN)
            .values("institution_id", "role", "is_full_time")
            .order_by()
            .annotate(n=Count("pk"))
        )
        for r in staff:
            profile = profiles.get(r["institution_id"])
            if profile is not None:
                profile.staff[r["role"]] += r["n"]
                if r["is_full_time"]:
                    profile.full_time[r["role"]] += r["n"]
        return list(profiles.values())

    return ctx.cached("kindergarten_staffing", compute)


def _staffed(ctx: RuleContext) -> Iterator[KindergartenStaffing]:
    """Kindergartens with children and at least one staff member recorded (the others get one
    "no staff recorded" finding from KG-STAFF-RATIO instead of a finding from every rule)."""
    for p in staffing_profiles(ctx):
        if p.children > 0 and p.total_staff > 0:
            yield p


def _ratio_finding(
    ctx: RuleContext, p: KindergartenStaffing, *, staff: int, limit: int, what_zh: str, what_en: str
) -> RuleFinding:
    ratio = p.children / staff if staff else math.inf
    needed = math.ceil(p.children / limit)
    note_zh, note_en = p.service_note
    shown = f"1:{ratio:.1f}" if staff else "—"
    return ctx.at_institution(
        p.row,
        measured=round(ratio, 2) if staff else None,
        required=f"≤ {limit}",
        subject=what_zh,
        message_zh=(
            f"{what_zh}{staff}人、幼儿{p.children}人,比例{shown},低于1:{limit}的标准"
            f"(至少应配{needed}人){note_zh}"
        ),
        message_en=(
            f"{staff} {what_en} for {p.children} children ({shown}), worse than 1:{limit} "
            f"(at least {needed} needed){note_en}"
        ),
        details={"children": p.children, "staff": staff, "needed": needed, "service_type": p.service_type},
    )


@rule(
    "KG-STAFF-RATIO",
    severity=Severity.MEDIUM,
    title_zh="幼儿园教职工与幼儿比低于标准(全日制1:7、半日制1:10)",
    title_en="Kindergarten staff : children worse than the standard (full-day 1:7, half-day 1:10)",
    params=(f"{S}.full_day_staff_children_max", f"{S}.half_day_staff_children_max"),
)
def staff_ratio(ctx: RuleContext) -> Iterator[RuleFinding]:
    """教职工 : 幼儿 by service type (教师〔2013〕1号). A kindergarten with children and no staff
    recorded at all is reported as missing data, not as a ratio."""
    for p in staffing_profiles(ctx):
        if p.children <= 0:
            continue
        if p.total_staff == 0:
            yield ctx.at_institution(
                p.row,
                kind=FindingKind.NO_DATA,
                measured=0,
                message_zh=f"有幼儿{p.children}人,但登记册中没有在岗教职工,无法核查配备标准",
                message_en=f"{p.children} children but no staff in post recorded: staffing cannot be checked",
            )
            continue
        limit = int(ctx.param(f"{S}.{p.ratio_key}_staff_children_max"))
        if p.children > limit * p.total_staff:
            yield _ratio_finding(ctx, p, staff=p.total_staff, limit=limit, what_zh="教职工", what_en="staff")


@rule(
    "KG-TEACHING-RATIO",
    severity=Severity.MEDIUM,
    title_zh="幼儿园保教人员与幼儿比低于标准(全日制1:9、半日制1:13)",
    title_en="Kindergarten teachers + nursery workers : children worse than the standard (1:9, 1:13)",
    params=(f"{S}.full_day_teaching_children_max", f"{S}.half_day_teaching_children_max"),
)
def teaching_ratio(ctx: RuleContext) -> Iterator[RuleFinding]:
    """保教人员 (专任教师 + 保育员) : 幼儿 by service type (教师〔2013〕1号)."""
    for p in _staffed(ctx):
        limit = int(ctx.param(f"{S}.{p.ratio_key}_teaching_children_max"))
        if p.children > limit * p.teaching_staff:
            yield _ratio_finding(
                ctx,
                p,
                staff=p.teaching_staff,
                limit=limit,
                what_zh="保教人员",
                what_en="teachers and nursery workers",
            )


@rule(
    "KG-CLASS-STAFF",
    severity=Severity.MEDIUM,
    title_zh="幼儿园每班保教人员不足(全日制两教一保或三教,半日制两教,寄宿班另加一教一保)",
    title_en="Too few teachers and nursery workers per class (full-day 2+1 or 3, half-day 2, boarding +1+1)",
    params=(
        f"{S}.full_day_teachers_per_class",
        f"{S}.full_day_nursery_per_class",
        f"{S}.half_day_teachers_per_class",
        f"{S}.boarding_extra_teachers_per_class",
        f"{S}.boarding_extra_nursery_per_class",
        f"{S}.single_class_site_teachers",
    ),
)
def class_staff(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Per class, full-day: 2 teachers + 1 nursery worker or 3 teachers; half-day: 2 teachers;
    boarding adds ≥ 1 teacher and ≥ 1 nursery worker per class; a single-class site has 2 teachers."""
    keys = (
        "full_day_teachers_per_class",
        "full_day_nursery_per_class",
        "half_day_teachers_per_class",
        "boarding_extra_teachers_per_class",
        "boarding_extra_nursery_per_class",
        "single_class_site_teachers",
    )
    per = {k: int(ctx.param(f"{S}.{k}")) for k in keys}
    for p in _staffed(ctx):
        c, b = p.classes, p.boarding_classes
        teachers, nursery = p.staff[StaffRole.TEACHER], p.staff[StaffRole.NURSERY]
        needs: list[tuple[str, str, int, int]] = []
        extra_t = per["boarding_extra_teachers_per_class"] * b
        extra_n = per["boarding_extra_nursery_per_class"] * b
        if c == 1 and b == 0:
            needs.append(("专任教师", "teachers", teachers, per["single_class_site_teachers"]))
        elif p.ratio_key == "half_day":
            needs.append(("专任教师", "teachers", teachers, per["half_day_teachers_per_class"] * c + extra_t))
        else:
            t_per, n_per = per["full_day_teachers_per_class"], per["full_day_nursery_per_class"]
            needs.append(("专任教师", "teachers", teachers, t_per * c + extra_t))
            needs.append(
                (
                    "保教人员",
                    "teachers and nursery workers",
                    teachers + nursery,
                    (t_per + n_per) * c + extra_t + extra_n,
                )
            )
        if extra_n:
            needs.append(("保育员", "nursery workers", nursery, extra_n))
        note_zh, note_en = p.service_note
        for what_zh, what_en, have, need in needs:
            if have < need:
                yield ctx.at_institution(
                    p.row,
                    subject=what_zh,
                    measured=have,
                    required=f"≥ {need}",
                    message_zh=f"{c}个班(寄宿班{b}个)应配{what_zh}至少{need}人,实有{have}人{note_zh}",
                    message_en=(
                        f"{c} classes ({b} boarding) need at least {need} {what_en}, {have} in post{note_en}"
                    ),
                    details={"classes": c, "boarding_classes": b},
                )


@rule(
    "KG-PRINCIPALS",
    severity=Severity.LOW,
    title_zh="园长配备不符(不足6个班1名,6–9个班不超过2名,10个班以上可设3名)",
    title_en="Principals by class count (< 6 classes: 1; 6–9: at most 2; 10+: up to 3), or none",
    params=(
        f"{S}.principals_small_max_classes",
        f"{S}.principals_small",
        f"{S}.principals_medium_max_classes",
        f"{S}.principals_medium_max",
        f"{S}.principals_large_max",
    ),
)
def principals(ctx: RuleContext) -> Iterator[RuleFinding]:
    """园长 (principals and vice principals) by number of classes (教师〔2013〕1号); a kindergarten
    without any principal in post is reported as medium."""
    small_max = int(ctx.param(f"{S}.principals_small_max_classes"))
    medium_max = int(ctx.param(f"{S}.principals_medium_max_classes"))
    for p in _staffed(ctx):
        have = sum(p.staff[r] for r in PRINCIPAL_ROLES)
        if p.classes <= small_max:
            allowed = int(ctx.param(f"{S}.principals_small"))
        elif p.classes <= medium_max:
            allowed = int(ctx.param(f"{S}.principals_medium_max"))
        else:
            allowed = int(ctx.param(f"{S}.principals_large_max"))
        if have == 0:
            yield ctx.at_institution(
                p.row,
                severity=Severity.MEDIUM,
                measured=0,
                required=f"1–{allowed}",
                message_zh="没有在岗园长",
                message_en="no principal in post",
            )
        elif have > allowed:
            yield ctx.at_institution(
                p.row,
                measured=have,
                required=f"≤ {allowed}",
                message_zh=f"{p.classes}个班配园长(含副园长){have}名,超过{allowed}名",
                message_en=f"{have} principals and vice principals for {p.classes} classes, more than {allowed}",
            )


@rule(
    "KG-HEALTH-STAFF",
    severity=Severity.MEDIUM,
    title_zh="卫生保健人员不足(每150名幼儿至少1名专职)",
    title_en="Too few health staff (at least one full-time per 150 children)",
    params=(f"{S}.children_per_health_staff",),
)
def health_staff(ctx: RuleContext) -> Iterator[RuleFinding]:
    """托儿所幼儿园卫生保健管理办法 art. 12: ≥ 1 full-time health worker per 150 children; under
    150 children, a full- or part-time one."""
    per = int(ctx.param(f"{S}.children_per_health_staff"))
    for p in _staffed(ctx):
        if p.children >= per:
            have, need = p.full_time[StaffRole.HEALTH], math.ceil(p.children / per)
            zh, en = "专职卫生保健人员", "full-time health staff"
        else:
            have, need = p.staff[StaffRole.HEALTH], 1
            zh, en = "卫生保健人员(专职或兼职)", "health staff (full- or part-time)"
        if have < need:
            yield ctx.at_institution(
                p.row,
                measured=have,
                required=f"≥ {need}",
                message_zh=f"幼儿{p.children}人,应配{zh}至少{need}名,实有{have}名",
                message_en=f"{p.children} children need at least {need} {en}, {have} in post",
            )


@rule(
    "KG-COOKS",
    severity=Severity.LOW,
    title_zh="炊事人员不足(每40–45名幼儿1名;提供三餐一点的全日制、寄宿制园)",
    title_en="Too few cooks (one per 40–45 children, full-day and boarding kindergartens)",
    params=(f"{S}.children_per_cook_min", f"{S}.children_per_cook_max"),
)
def cooks(ctx: RuleContext) -> Iterator[RuleFinding]:
    """One cook per 40–45 children serving three meals and a snack (教师〔2013〕1号); judged at the
    lenient end (45), so the finding is certain. Half-day kindergartens are not checked (no meals)."""
    per = int(ctx.param(f"{S}.children_per_cook_max"))
    for p in _staffed(ctx):
        if p.ratio_key == "half_day":
            continue
        have, need = p.staff[StaffRole.COOK], math.ceil(p.children / per)
        if have < need:
            yield ctx.at_institution(
                p.row,
                measured=have,
                required=f"≥ {need}",
                message_zh=f"幼儿{p.children}人,应配炊事员至少{need}名,实有{have}名",
                message_en=f"{p.children} children need at least {need} cooks, {have} in post",
            )


@rule(
    "STAFF-CERTIFICATES",
    severity=Severity.HIGH,
    title_zh="园长(校长)、专任教师未持证上岗(要求100%)",
    title_en="Principals and teachers without the required certificate (100% required)",
    params=(*Qualifications.params(), "assessment.certified_share_min"),
)
def certificates(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The plan names "principals and teachers without required qualifications" for rectification
    and the county assessment requires 100% certified; schools' teachers need a teacher's
    qualification likewise (教师资格制度). Flags each principal or teacher in post in a
    kindergarten, attached class or general high school without an accepted certificate; passes one
    with it. Junior middle and vocational schools are outside the plans and not judged. One finding
    per person in post. Who is qualified is the one definition the certified-share indicator counts
    too (``metrics.concepts.Qualifications``)."""
    quals = Qualifications.from_standards()
    accepted = {
        (kind, role): list(quals.accepted_for(kind, post))
        for post in POSTS
        for kind, _ in quals.judged(post)
        for role in quals.roles_of(post)
    }
    rows = (
        ctx.staff()
        .filter(reduce(operator.or_, (quals.unqualified(post).q() for post in POSTS)))
        .values(*inst_fields(), "institution__kind", "name", "role", "certificate", "id_last4")
    )
    certificate_labels = dict(Certificate.choices)
    for row in rows:
        role = ROLE_LABELS.get(row["role"], row["role"])
        ok = accepted.get((row["institution__kind"], row["role"]), [])
        need = "、".join(str(certificate_labels.get(c, c)) for c in ok)
        held = certificate_labels.get(row["certificate"], row["certificate"]) if row["certificate"] else ""
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=f"{row['name']}({role})",
            measured=held or "无 none",
            required=need,
            message_zh=f"{role}{row['name']}未持有所需证书({need})" + (f",现持{held}" if held else ""),
            message_en=(
                f"{ROLE_LABELS_EN.get(row['role'], row['role'])} {row['name']} does not hold the required "
                f"certificate ({' or '.join(CERTIFICATES_EN.get(c, c) for c in ok)})"
            ),
            details={
                "staff": row["name"],
                "role": row["role"],
                "certificate": row["certificate"],
                "id_last4": row["id_last4"],
            },
        )


@rule(
    "KG-SOCIAL-INSURANCE",
    severity=Severity.MEDIUM,
    title_zh="幼儿园教职工未参加社会保险",
    title_en="Kindergarten staff without social insurance",
)
def social_insurance(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every kindergarten staff member is in social insurance: flags each staff member in post
    in a kindergarten or attached class without it, passes one with it (the housing fund is
    ``KG-HOUSING-FUND``)."""
    rows = (
        ctx.staff()
        .filter(institution__kind__in=PRESCHOOL_KINDS, social_insurance=False)
        .values(*inst_fields(), "name", "role", "employment")
    )
    for row in rows:
        role = ROLE_LABELS.get(row["role"], row["role"])
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=f"{row['name']}({role})",
            measured="未参保 none",
            required="参加社会保险 insured",
            message_zh=f"{role}{row['name']}未参加社会保险",
            message_en=f"{row['role']} {row['name']} has no social insurance",
            details={"staff": row["name"], "role": row["role"], "employment": row["employment"]},
        )


@rule(
    "KG-HOUSING-FUND",
    severity=Severity.MEDIUM,
    title_zh="幼儿园教职工未缴纳住房公积金",
    title_en="Kindergarten staff without the housing fund",
)
def housing_fund(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every kindergarten staff member is in the housing fund: flags each staff member in post in
    a kindergarten or attached class without it (``StaffMember.housing_fund``), passes one with it."""
    rows = (
        ctx.staff()
        .filter(institution__kind__in=PRESCHOOL_KINDS, housing_fund=False)
        .values(*inst_fields(), "name", "role", "employment")
    )
    for row in rows:
        role = ROLE_LABELS.get(row["role"], row["role"])
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=f"{row['name']}({role})",
            measured="未缴纳 none",
            required="缴纳住房公积金 paid",
            message_zh=f"{role}{row['name']}未缴纳住房公积金",
            message_en=f"{row['role']} {row['name']} is not in the housing fund",
            details={"staff": row["name"], "role": row["role"], "employment": row["employment"]},
        )


@rule(
    "COUNTY-TEACHER-RATIO",
    severity=Severity.MEDIUM,
    entity=EntityType.COUNTY,
    title_zh="县域幼儿园专任教师与幼儿比低于1:15(普及普惠督导评估)",
    title_en="County teachers : children worse than 1:15 (universal & inclusive assessment)",
    params=("assessment.children_per_teacher_max", "certificates.teacher_roles"),
)
def county_teacher_ratio(ctx: RuleContext) -> Iterator[RuleFinding]:
    """教督〔2020〕1号: a county's kindergarten teachers : children no worse than 1 : 15 — the
    children and teachers of licensed preschool institutions, as the indicator counts them
    (``metrics.concepts``: an unlicensed kindergarten's are counted apart)."""
    counted = PRESCHOOL.q() & LICENSED.q()
    teacher_roles = Qualifications.from_standards().roles_of(TEACHING_POST)
    limit = int(ctx.param("assessment.children_per_teacher_max"))
    counties = {c["code"]: c for c in ctx.counties()}
    children = {
        r["institution__county__code"]: r["n"]
        for r in ctx.classes()
        .filter(counted)
        .values("institution__county__code")
        .order_by()
        .annotate(n=Sum(HEADCOUNT))
    }
    teachers: dict[str, int] = defaultdict(int)
    for r in (
        ctx.staff()
        .filter(counted, role__in=teacher_roles)
        .values("institution__county__code")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        teachers[r["institution__county__code"]] = r["n"]
    for code, kids in children.items():
        county = counties.get(code)
        if county is None or not kids:
            continue
        have = teachers.get(code, 0)
        if kids > limit * have:
            ratio = kids / have if have else math.inf
            shown = f"1:{ratio:.1f}" if have else "—"
            yield ctx.at_county(
                county,
                measured=round(ratio, 2) if have else None,
                required=f"≤ {limit}",
                message_zh=f"全县专任教师{have}人、在园幼儿{kids}人,师幼比{shown},低于1:{limit}",
                message_en=f"{have} teachers for {kids} children in the county ({shown}), worse than 1:{limit}",
                details={"children": kids, "teachers": have},
            )
