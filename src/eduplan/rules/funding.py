"""Funding: per-child public funding of public kindergartens, per-student
public funding of public high schools, and education spending that must not decrease year
on year (两个只增不减).

Both per-student standards are local figures not verified as national (``verified = false`` in
``plan/standards.toml``): every finding cites them as unverified. County spending comes from the
county education spending register (``programmes.CountyEducationSpending``, one row per county and
budget year).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

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


#: (field, Chinese, English) of each spending figure that must not decrease.
SPENDING_FIGURES = (
    ("general_budget", "一般公共预算教育经费(万元)", "general public budget for education (10k yuan)"),
    ("per_pupil_preschool", "学前生均一般公共预算教育经费", "per-pupil funding, preschool"),
    ("per_pupil_primary", "小学生均一般公共预算教育经费", "per-pupil funding, primary"),
    ("per_pupil_junior", "初中生均一般公共预算教育经费", "per-pupil funding, junior middle"),
    ("per_pupil_high", "普通高中生均一般公共预算教育经费", "per-pupil funding, general high school"),
)


def spending_year(ctx: RuleContext) -> int:
    """The budget year judged: the school year's second calendar year, whose final accounts close
    within it (school year 2024-2025 → budget year 2025), never after the as-of day's year."""
    return min(ctx.year + 1, ctx.as_of.year)


@rule(
    "COUNTY-SPENDING-TREND",
    severity=Severity.HIGH,
    entity=EntityType.COUNTY,
    title_zh="县级教育经费同比下降(两个只增不减)",
    title_en="County education spending decreasing year on year",
    note="读取县级教育经费登记册 / reads the county education spending register",
)
def spending_trend(ctx: RuleContext) -> Iterator[RuleFinding]:
    """两个只增不减: the general public budget for education, and the per-pupil general public
    budget funding of each stage, do not decrease from one budget year to the next. Flags each
    figure of the judged budget year (:func:`spending_year`) below the same figure of the year
    before; passes equal or higher figures, and a stage left empty in either year. A county
    missing either year's row is reported as not checkable (no data) for that year."""
    from eduplan.programmes.models import CountyEducationSpending

    year = spending_year(ctx)
    rows = ctx.records(CountyEducationSpending).filter(year__in=(year - 1, year))
    by_county: dict[str, dict[int, dict[str, Any]]] = {}
    for row in rows.values("county__code", "year", *(f for f, _, _ in SPENDING_FIGURES)):
        by_county.setdefault(row["county__code"], {})[row["year"]] = row
    for county in ctx.counties():
        years = by_county.get(county["code"], {})
        if year not in years or year - 1 not in years:
            missing = [y for y in (year - 1, year) if y not in years]
            yield ctx.at_county(
                county,
                kind=FindingKind.NO_DATA,
                subject=str(year),
                message_zh=f"县级教育经费登记册缺少{'、'.join(map(str, missing))}年度数据,无法核查“只增不减”",
                message_en=f"the county education spending register has no row for {missing}: "
                "'must not decrease' cannot be checked",
                details={"missing_years": missing},
            )
            continue
        before, now = years[year - 1], years[year]
        for name, zh, en in SPENDING_FIGURES:
            old, new = before[name], now[name]
            if old is None or new is None or new >= old:
                continue
            yield ctx.at_county(
                county,
                subject=zh,
                measured=new,
                required=f"≥ {old}",
                message_zh=f"{year}年{zh}{new},低于{year - 1}年的{old}",
                message_en=f"{en} {new} in {year}, below {old} in {year - 1}",
                details={"figure": name, "year": year, "previous": old},
            )
