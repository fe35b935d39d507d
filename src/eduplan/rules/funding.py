"""Funding: per-child public funding of public kindergartens, per-student
public funding of public high schools, and education spending that must not decrease year
on year (两个只增不减).

Both per-student standards are local figures not verified as national (``verified = false`` in
``plan/standards.toml``): every finding cites them as unverified. The registry holds no county
spending yet, so the spending rule reports, per county, that it cannot check — see docs/rules.md
for the fields it needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from eduplan.registry.choices import InstitutionKind, Ownership

from .catalogue import RuleContext, inst_fields, rule
from .findings import EntityType, FindingKind, RuleFinding, Severity


def _per_student(
    ctx: RuleContext, kind: str, minimum: Decimal, what_zh: str, what_en: str
) -> Iterator[RuleFinding]:
    years = ctx.years().filter(institution__kind=kind, institution__ownership=Ownership.PUBLIC)
    below = years.filter(funding_per_student__lt=minimum).values(*inst_fields(), "funding_per_student")
    for row in below:
        got = row["funding_per_student"]
        yield ctx.at_institution(
            row,
            prefix="institution__",
            measured=got,
            required=f"≥ {minimum}",
            message_zh=f"{ctx.year}学年{what_zh}{got}元,低于{minimum}元标准",
            message_en=f"{what_en} in {ctx.year}-{ctx.year + 1}: {got} yuan, below the standard of {minimum}",
        )
    for row in years.filter(funding_per_student__isnull=True).values(*inst_fields()):
        yield ctx.at_institution(
            row,
            prefix="institution__",
            kind=FindingKind.NO_DATA,
            message_zh=f"{ctx.year}学年{what_zh}未填报,无法核查",
            message_en=f"{what_en} for {ctx.year}-{ctx.year + 1} not recorded: cannot be checked",
        )


@rule(
    "KG-FUNDING",
    severity=Severity.MEDIUM,
    title_zh="公办园生均公用经费低于标准",
    title_en="Public kindergartens' per-child public funding below the standard",
    params=("funding.kindergarten_per_child_min",),
)
def kindergarten_funding(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Per-child public funding for public kindergartens (local standard)."""
    minimum = Decimal(str(ctx.param("funding.kindergarten_per_child_min")))
    yield from _per_student(
        ctx, InstitutionKind.KINDERGARTEN, minimum, "生均公用经费", "per-child public funding"
    )


@rule(
    "HS-FUNDING",
    severity=Severity.MEDIUM,
    title_zh="公办普通高中生均公用经费低于标准",
    title_en="Public high schools' per-student public funding below the standard",
    params=("high_school_funding.per_student_min",),
)
def high_school_funding(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The per-student public funding standard is met in full."""
    minimum = Decimal(str(ctx.param("high_school_funding.per_student_min")))
    yield from _per_student(
        ctx, InstitutionKind.HIGH_SCHOOL, minimum, "生均公用经费", "per-student public funding"
    )


@rule(
    "COUNTY-SPENDING-TREND",
    severity=Severity.HIGH,
    entity=EntityType.COUNTY,
    title_zh="县级教育经费同比下降(两个只增不减)",
    title_en="County education spending decreasing year on year",
    checkable=False,
    note="登记册尚无县级教育经费数据 / the registry holds no county education spending yet",
)
def spending_trend(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Basic-education spending must not decrease. Not checkable until the registry holds
    each county's yearly education spending: reported per county, explicitly."""
    for county in ctx.counties():
        yield ctx.at_county(
            county,
            kind=FindingKind.NO_DATA,
            message_zh="登记册尚无县级教育经费支出数据,无法核查“只增不减”",
            message_en="no county education spending in the registry: 'must not decrease' cannot be checked",
        )
