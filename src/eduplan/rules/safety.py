"""Safety: the "three defences" items on each institution's latest safety
record, and major hazards left open past their rectification deadline.

Hazards are recorded by the supervision loop (inspections → findings → rectification orders). The
rule for overdue hazards reads them from a provider registered at start-up (the supervision app's
``AppConfig.ready`` registers ``supervision.hazards.overdue_major_hazards``) with
:func:`register_hazard_source`:

    overdue_major_hazards(ctx: RuleContext) -> Iterable[Mapping[str, Any]]

whose rows carry the institution's ``code``, ``name``, ``county__code``, ``county__name`` and the
hazard's ``hazard`` (description), ``found_on`` and ``deadline`` (dates) and ``order`` (the order's
number), reading through ``ctx.scoped(...)`` so a user's scope holds. The rules package keeps no
import of supervision: the provider comes to it, not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from eduplan.registry.models import SafetyRecord

from .catalogue import INSTITUTION_FIELDS, RuleContext, any_of, inst_fields, rule
from .findings import FindingKind, RuleFinding, Severity

HazardSource = Callable[[RuleContext], Iterable[Mapping[str, Any]]]

_hazard_source: HazardSource | None = None


def item_labels(item: str) -> tuple[str, str]:
    """(Chinese, English) label of a SafetyRecord item from its field's verbose name."""
    verbose = str(getattr(SafetyRecord._meta.get_field(item), "verbose_name", item))
    zh, _, en = verbose.partition(" ")
    return zh, en or item


def required_items(ctx: RuleContext) -> list[str]:
    items = list(ctx.param("safety.required_items"))
    known = {f.name for f in SafetyRecord._meta.get_fields()}
    unknown = [i for i in items if i not in known]
    if unknown:
        raise ValueError(
            f"[safety] required_items 含未知项目 {unknown} / unknown safety items {unknown}: "
            "use field names of SafetyRecord"
        )
    return items


def latest_records(ctx: RuleContext, kinds: Iterable[str]) -> Any:
    """Each open institution's latest safety record checked on or before ``as_of``."""
    latest = (
        SafetyRecord.objects.filter(institution=OuterRef("institution"), checked_on__lte=ctx.as_of)
        .order_by("-checked_on")
        .values("checked_on")[:1]
    )
    institutions = ctx.open_institutions().filter(kind__in=list(kinds)).values("pk")
    return ctx.records(SafetyRecord).filter(institution__in=institutions, checked_on=Subquery(latest))


def without_record(ctx: RuleContext, kinds: Iterable[str]) -> Any:
    """Open institutions with no safety record at all up to ``as_of``."""
    any_record = SafetyRecord.objects.filter(institution=OuterRef("pk"), checked_on__lte=ctx.as_of)
    return ctx.open_institutions().filter(kind__in=list(kinds)).filter(~Exists(any_record))


@rule(
    "SAFETY-ITEMS",
    severity=Severity.HIGH,
    title_zh="人防物防技防不达标(专职保安、封闭管理、一键报警、视频监控联网公安、防冲撞设施)",
    title_en="Safety items missing (guard, closed campus, one-key 110 alarm, video linked to police, "
    "anti-collision barriers)",
    params=("safety.required_items", "plan_scope.institution_kinds"),
)
def safety_items(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every kindergarten, attached class and general high school has all five items, judged on
    its latest record: flags each item missing there, passes a record with all five. Junior middle
    and vocational schools are outside the plans (``[plan_scope]``) and not judged. An institution
    in scope without any safety record is reported as not checkable (no data)."""
    items = required_items(ctx)
    kinds = list(ctx.param("plan_scope.institution_kinds"))
    missing = any_of(Q(**{item: False}) for item in items)
    rows = latest_records(ctx, kinds).filter(missing).values(*inst_fields(), "checked_on", *items)
    for row in rows:
        for item in items:
            if row[item]:
                continue
            zh, en = item_labels(item)
            yield ctx.at_institution(
                row,
                prefix="institution__",
                subject=zh,
                measured="无 no",
                required="有 yes",
                message_zh=f"{row['checked_on']}安全检查:缺少{zh}",
                message_en=f"safety check of {row['checked_on']}: no {en}",
                details={"item": item, "checked_on": row["checked_on"]},
            )
    for row in without_record(ctx, kinds).values(*INSTITUTION_FIELDS):
        yield ctx.at_institution(
            row,
            kind=FindingKind.NO_DATA,
            message_zh="登记册中没有安全检查记录,无法核查人防物防技防",
            message_en="no safety record in the registry: the safety items cannot be checked",
        )


def register_hazard_source(source: HazardSource | None) -> None:
    """Register the overdue-major-hazard reader (see the module docstring; ``None`` removes it)."""
    global _hazard_source
    _hazard_source = source


def hazard_source() -> HazardSource | None:
    """The registered overdue-hazard reader, or ``None`` while no app provides one."""
    return _hazard_source


@rule(
    "SAFETY-HAZARD-OVERDUE",
    severity=Severity.HIGH,
    title_zh="重大安全隐患逾期未整改(重大隐患督办)",
    title_en="Major safety hazards still open past their rectification deadline",
    checkable=lambda: hazard_source() is not None,
    note="读取督导整改通知中的重大隐患 / reads the major hazards of the supervision's rectification orders",
)
def overdue_hazards(ctx: RuleContext) -> Iterator[RuleFinding]:
    """重大隐患督办: a major hazard is rectified within its deadline. Flags each major-hazard
    rectification order past its deadline on the as-of day and not closed (verified) by then;
    passes an order still within its deadline, closed in time, or cancelled. Only when no app
    provides hazards (the supervision app is not installed) does it say, per county, that it
    cannot check."""
    source = hazard_source()
    if source is None:
        for county in ctx.counties():
            yield ctx.at_county(
                county,
                kind=FindingKind.NO_DATA,
                message_zh="未安装督导模块,没有重大隐患整改记录,无法核查逾期隐患",
                message_en="the supervision app is not installed: no major-hazard orders, overdue "
                "hazards cannot be checked",
            )
        return
    for row in source(ctx):
        hazard = str(row.get("hazard", ""))
        yield ctx.at_institution(
            row,
            subject=hazard,
            measured=f"期限 deadline {row.get('deadline')}",
            required="按期整改 rectified by the deadline",
            message_zh=f"重大隐患“{hazard}”({row.get('found_on')}发现)逾期未整改,期限{row.get('deadline')}",
            message_en=f"major hazard “{hazard}” found {row.get('found_on')} is still open "
            f"past its deadline {row.get('deadline')}",
            details={
                "found_on": row.get("found_on"),
                "deadline": row.get("deadline"),
                "order": row.get("order", ""),
            },
        )
