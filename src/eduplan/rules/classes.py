"""Class and school size: kindergarten classes over their age group's limit, kindergartens over
360 children, high school 大班额 (56–65) and 超大班额 (66+), new-intake classes over 55, newly built
high schools over 3000 students.

Each rule is one query over the school year's classes: the database computes headcounts and keeps
only the offending rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, F, Q, Sum

from eduplan.metrics.concepts import LICENSED, NEW_INTAKE_CLASS, PRESCHOOL, SENIOR_HS_CLASS
from eduplan.registry.choices import PRESCHOOL_KINDS, AgeGroup, InstitutionKind

from .catalogue import RuleContext, any_of, inst_fields, rule
from .findings import EntityType, RuleFinding, Severity

HEADCOUNT = F("boys") + F("girls")

#: Age group → its limit's key in ``[kindergarten_class_size]`` (幼儿园工作规程 art. 11).
KG_CLASS_LIMIT_KEYS = {
    AgeGroup.NURSERY: "nursery",
    AgeGroup.SMALL: "small",
    AgeGroup.MIDDLE: "middle",
    AgeGroup.LARGE: "large",
    AgeGroup.MIXED: "mixed",
}


def kg_class_limits(ctx: RuleContext) -> dict[str, int]:
    return {
        group.value: int(ctx.param(f"kindergarten_class_size.{key}"))
        for group, key in KG_CLASS_LIMIT_KEYS.items()
    }


def _oversize_condition(limits: dict[str, int]) -> Q:
    return any_of(Q(age_group=group, size__gt=limit) for group, limit in limits.items())


@rule(
    "KG-CLASS-SIZE",
    severity=Severity.MEDIUM,
    title_zh="幼儿园班额超过年龄组上限(小班25、中班30、大班35、混合班30)",
    title_en="Kindergarten classes over their age group's limit (25/30/35, mixed 30)",
    params=(
        "kindergarten_class_size.nursery",
        "kindergarten_class_size.small",
        "kindergarten_class_size.middle",
        "kindergarten_class_size.large",
        "kindergarten_class_size.mixed",
    ),
)
def kindergarten_class_size(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The plan asks to eliminate large kindergarten classes; no national 大班额 definition exists,
    so a class over its age group's limit (幼儿园工作规程 art. 11) is oversize (STANDARDS.md)."""
    limits = kg_class_limits(ctx)
    labels = dict(AgeGroup.choices)
    rows = (
        ctx.classes()
        .filter(institution__kind__in=PRESCHOOL_KINDS)
        .annotate(size=HEADCOUNT)
        .filter(_oversize_condition(limits))
        .values(*inst_fields(), "name", "age_group", "size")
    )
    for row in rows:
        limit = limits[row["age_group"]]
        label = labels.get(row["age_group"], row["age_group"])
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=row["name"],
            measured=row["size"],
            required=f"≤ {limit}",
            message_zh=f"{row['name']}({label})有幼儿{row['size']}人,超过班额上限{limit}人",
            message_en=f"class {row['name']} ({label}) has {row['size']} children, over the limit of {limit}",
            details={"age_group": row["age_group"], "limit": limit},
        )


@rule(
    "KG-SIZE",
    severity=Severity.LOW,
    title_zh="幼儿园规模超过360人",
    title_en="Kindergartens with more than 360 children",
    params=("kindergarten_class_size.max_children",),
)
def kindergarten_size(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A kindergarten generally has at most 360 children (幼儿园工作规程 art. 11)."""
    limit = int(ctx.param("kindergarten_class_size.max_children"))
    rows = (
        ctx.classes()
        .filter(institution__kind=InstitutionKind.KINDERGARTEN)
        .values(*inst_fields())
        .order_by()
        .annotate(children=Sum(HEADCOUNT), classes=Count("pk"))
        .filter(children__gt=limit)
    )
    for row in rows:
        yield ctx.at_institution(
            row,
            prefix="institution__",
            measured=row["children"],
            required=f"≤ {limit}",
            message_zh=f"在园幼儿{row['children']}人({row['classes']}个班),超过{limit}人的规模上限",
            message_en=f"{row['children']} children in {row['classes']} classes, over the limit of {limit}",
        )


@rule(
    "KG-CLASS-COMPLIANCE",
    severity=Severity.MEDIUM,
    entity=EntityType.COUNTY,
    title_zh="县域幼儿园班额达标率低于85%(普及普惠督导评估)",
    title_en="County kindergarten class-size compliance rate below 85% (universal & inclusive assessment)",
    params=("assessment.class_size_compliance_min", "kindergarten_class_size.small"),
)
def county_class_compliance(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The county assessment (教督〔2020〕1号) asks that ≥ 85% of kindergarten classes are within
    their limit; a county below it cannot be certified 普及普惠. The classes are those the
    indicator counts: of licensed preschool institutions (``metrics.concepts``; an unlicensed
    kindergarten is for KG-UNLICENSED)."""
    minimum = float(ctx.param("assessment.class_size_compliance_min"))
    limits = kg_class_limits(ctx)
    counties = {c["code"]: c for c in ctx.counties()}
    rows = (
        ctx.classes()
        .filter(PRESCHOOL.q() & LICENSED.q(), age_group__in=list(limits))
        .annotate(size=HEADCOUNT)
        .values("institution__county__code")
        .order_by()
        .annotate(total=Count("pk"), oversize=Count("pk", filter=_oversize_condition(limits)))
    )
    for row in rows:
        county = counties.get(row["institution__county__code"])
        if county is None or not row["total"]:
            continue
        rate = 100.0 * (row["total"] - row["oversize"]) / row["total"]
        if rate < minimum:
            yield ctx.at_county(
                county,
                measured=round(rate, 1),
                required=f"≥ {minimum:g}%",
                message_zh=f"班额达标率{rate:.1f}%({row['oversize']}/{row['total']}个班超额),低于{minimum:g}%",
                message_en=(
                    f"class-size compliance {rate:.1f}% ({row['oversize']} of {row['total']} classes "
                    f"oversize), below {minimum:g}%"
                ),
            )


def _high_school_classes(ctx: RuleContext) -> Any:
    """Senior classes of general high schools (``metrics.concepts.SENIOR_HS_CLASS``, as the measure ``hs_classes_56_plus``):
    a complete school's junior classes are not high-school 大班额."""
    return ctx.classes().filter(SENIOR_HS_CLASS.q()).annotate(size=HEADCOUNT)


@rule(
    "HS-BIG-CLASS",
    severity=Severity.MEDIUM,
    title_zh="普通高中大班额(56–65人)和超大班额(66人及以上)",
    title_en="High school classes of 56–65 (大班额) and 66 or more (超大班额)",
    params=("school_class_size.big_class_min", "school_class_size.super_class_min"),
)
def high_school_big_classes(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Basically eliminate classes of 56 or more; 66+ (超大班额) is reported as high."""
    big = int(ctx.param("school_class_size.big_class_min"))
    huge = int(ctx.param("school_class_size.super_class_min"))
    rows = _high_school_classes(ctx).filter(size__gte=big).values(*inst_fields(), "name", "size")
    for row in rows:
        is_huge = row["size"] >= huge
        band_zh, band_en = ("超大班额", f"{huge}+") if is_huge else ("大班额", f"{big}–{huge - 1}")
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=row["name"],
            severity=Severity.HIGH if is_huge else Severity.MEDIUM,
            measured=row["size"],
            required=f"< {big}",
            message_zh=f"{row['name']}有学生{row['size']}人,属{band_zh}",
            message_en=f"class {row['name']} has {row['size']} students: a large class ({band_en})",
            details={"band": "super" if is_huge else "big"},
        )


@rule(
    "HS-NEW-INTAKE",
    severity=Severity.MEDIUM,
    title_zh="普通高中新入学年级班额超过55人",
    title_en="High school new-intake classes over 55",
    params=("school_class_size.new_intake_max",),
)
def high_school_new_intake(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Classes of the entry grade may not exceed 55 students: new-intake classes as the measure ``hs_new_intake_classes`` counts
    them (``metrics.concepts.NEW_INTAKE_CLASS``)."""
    limit = int(ctx.param("school_class_size.new_intake_max"))
    rows = (
        _high_school_classes(ctx)
        .filter(NEW_INTAKE_CLASS.q(), size__gt=limit)
        .values(*inst_fields(), "name", "size")
    )
    for row in rows:
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=row["name"],
            measured=row["size"],
            required=f"≤ {limit}",
            message_zh=f"新入学年级{row['name']}有学生{row['size']}人,超过{limit}人",
            message_en=f"new-intake class {row['name']} has {row['size']} students, over {limit}",
        )


@rule(
    "HS-NEW-SCHOOL-SIZE",
    severity=Severity.MEDIUM,
    title_zh="新建普通高中规模超过3000人",
    title_en="Newly built high schools with more than 3000 students",
    params=("school_class_size.new_school_max_students",),
)
def new_high_school_size(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A newly built general high school has at most 3000 students."""
    limit = int(ctx.param("school_class_size.new_school_max_students"))
    rows = (
        ctx.classes()
        .filter(institution__kind=InstitutionKind.HIGH_SCHOOL, institution__is_new_build=True)
        .values(*inst_fields())
        .order_by()
        .annotate(students=Sum(HEADCOUNT))
        .filter(students__gt=limit)
    )
    for row in rows:
        yield ctx.at_institution(
            row,
            prefix="institution__",
            measured=row["students"],
            required=f"≤ {limit}",
            message_zh=f"新建高中在校生{row['students']}人,超过{limit}人",
            message_en=f"newly built high school with {row['students']} students, over {limit}",
        )
