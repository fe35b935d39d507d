"""Institutions known only by their statistical return (eduplan.returns): the return's counts carry
the plan's indicators, but a rule that checks class by class or person by person cannot run on
them. This rule says so, per institution, instead of letting those rules fall silent."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db.models import Exists, OuterRef

from eduplan.registry.models import SchoolClass, StaffMember

from .catalogue import INSTITUTION_FIELDS, RuleContext, rule
from .findings import FindingKind, RuleFinding, Severity

CLASS_TABLES = ("kg_children", "hs_students", "hs_class_sizes")


@rule(
    "RETURNS-ONLY",
    severity=Severity.INFO,
    title_zh="仅有统计报表数据、无班级或教职工明细的学校(机构)",
    title_en="Institutions known only by their statistical return (no individual classes or staff)",
    note="班额与配备规则需要逐班、逐人数据 / class-size and staffing rules need individual records",
)
def known_only_by_return(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Say which institutions the class-size and staffing rules pass over because eduplan holds only
    their return's totals for the year (no classes that year; no staff records at all)."""
    aggregate = apps.get_model("returns", "ReturnAggregate")
    filed = aggregate.objects.filter(institution=OuterRef("pk"), school_year=ctx.year)
    classes = SchoolClass.objects.filter(institution=OuterRef("pk"), school_year=ctx.year)
    staff = StaffMember.objects.filter(institution=OuterRef("pk"))
    base = ctx.open_institutions()
    no_classes = base.filter(Exists(filed.filter(table_key__in=CLASS_TABLES)), ~Exists(classes))
    for row in no_classes.values(*INSTITUTION_FIELDS):
        yield ctx.at_institution(
            row,
            kind=FindingKind.NO_DATA,
            subject="classes",
            message_zh=(
                f"{ctx.year}学年只有统计报表的汇总数(无班级明细):班额规则(KG-CLASS-SIZE、HS-BIG-CLASS、"
                "HS-NEW-INTAKE)无法逐班核查,请导入班级数据"
            ),
            message_en=(
                f"only the statistical return's totals for {ctx.year}-{ctx.year + 1} (no individual classes): "
                "the class-size rules cannot check class by class; import the classes"
            ),
        )
    no_staff = base.filter(Exists(filed.filter(table_key="staff")), ~Exists(staff))
    for row in no_staff.values(*INSTITUTION_FIELDS):
        yield ctx.at_institution(
            row,
            kind=FindingKind.NO_DATA,
            subject="staff",
            message_zh=(
                f"{ctx.year}学年只有统计报表的教职工汇总数(无人员明细):配备与持证规则(KG-STAFF-RATIO、"
                "KG-CLASS-STAFF、KG-PRINCIPALS等)无法逐人核查,请导入教职工数据"
            ),
            message_en=(
                f"only the statistical return's staff totals for {ctx.year}-{ctx.year + 1} (no individual staff): "
                "the staffing and certificate rules cannot check person by person; import the staff"
            ),
        )
