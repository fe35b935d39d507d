"""Workforce rules: rotation training coverage, performance pay tilted to front-line
and class teachers, evaluation not by admission rate, teacher-ethics bars on
awards and promotion, and no hyping of admission rates or top scorers.

The two ethics rules read restricted records (``workforce.models.ETHICS_ROLES``): they produce
findings only for a user allowed to see ethics records. A run without a user (the shared findings
list, which is cut by institution afterwards and shown to viewers and supervisors too) gets none
from them, so no ethics case ever reaches a page through the findings list; the workforce pages
and ``eduplan workforce list ethics-conflicts`` show them to those allowed.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

from eduplan.accounts import permissions
from eduplan.registry.choices import InstitutionKind

from .catalogue import RuleContext, rule, school_year_end, school_year_start
from .findings import EntityType, FindingKind, RuleFinding, Severity
from .naming import WordList

# -- rotation training coverage --------------------------------------------------------

_TRAINING_PARAMS = (
    "workforce.cycle_years",
    "workforce.cycle_hours_min",
    "workforce.cycle_first_year",
    "workforce.training_roles",
    "workforce.coverage_min",
)


def _coverage(ctx: RuleContext) -> Any:
    from eduplan.workforce import training

    return ctx.cached("training_coverage", lambda: training.coverage(ctx.as_of, staff=ctx.all_staff()))


def _coverage_message(what_zh: str, what_en: str, t: Any, cycle: Any, minimum: Decimal) -> dict[str, Any]:
    return {
        "measured": t.rate,
        "required": f"≥ {minimum}%",
        "message_zh": (
            f"{what_zh}{cycle.label}周期轮训进度达标率{t.rate}%(截至{cycle.judged_on},"
            f"{t.on_track}/{t.staff}人达到按年折算学时),低于{minimum}%"
        ),
        "message_en": (
            f"{what_en}: {t.rate}% of staff on track in the {cycle.label} rotation cycle "
            f"({t.on_track}/{t.staff} by {cycle.judged_on}), below {minimum}%"
        ),
        "details": {"cycle": cycle.label, "judged_on": str(cycle.judged_on), "staff": t.staff},
    }


@rule(
    "TRAINING-COVERAGE-COUNTY",
    severity=Severity.MEDIUM,
    entity=EntityType.COUNTY,
    title_zh="县域教职工轮训覆盖率不足",
    title_en="County rotation-training coverage below the target",
    params=_TRAINING_PARAMS,
)
def training_coverage_county(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every staff member is trained in rotation (360 hours in five years, pro-rated)."""
    cov = _coverage(ctx)
    minimum = Decimal(str(ctx.param("workforce.coverage_min")))
    tallies = {t.code: t for t in cov.counties}
    for county in ctx.counties():
        t = tallies.get(county["code"])
        if t is None or not t.staff:
            continue
        if county["code"] not in cov.has_records:
            yield ctx.at_county(
                county,
                kind=FindingKind.NO_DATA,
                message_zh=f"{cov.cycle.label}周期没有培训记录,无法核查轮训覆盖率",
                message_en=f"no training records in the {cov.cycle.label} cycle: coverage cannot be checked",
            )
        elif t.rate < minimum:
            yield ctx.at_county(county, **_coverage_message("", "County", t, cov.cycle, minimum))


@rule(
    "TRAINING-COVERAGE-INSTITUTION",
    severity=Severity.LOW,
    title_zh="园(校)教职工轮训覆盖率不足",
    title_en="Institution rotation-training coverage below the target",
    params=_TRAINING_PARAMS,
)
def training_coverage_institution(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Rotation training per institution: lists the staff behind on their hours (names, never identities)."""
    cov = _coverage(ctx)
    minimum = Decimal(str(ctx.param("workforce.coverage_min")))
    for t in cov.institutions:
        if t.county_code not in cov.has_records or t.rate >= minimum:
            continue
        row = {"code": t.code, "name": t.name, "county__code": t.county_code, "county__name": t.county_name}
        msg = _coverage_message("", "Institution", t, cov.cycle, minimum)
        msg["details"]["lagging"] = [f"{p['name']} {p['hours']}/{p['required']}" for p in t.lagging[:20]]
        yield ctx.at_institution(row, **msg)


# -- performance pay -----------------------------------------------------------------------


def _pay_rows(ctx: RuleContext) -> Any:
    from eduplan.workforce.models import PerformancePay

    return ctx.records(PerformancePay).filter(year=ctx.year).select_related("institution__county")


def _row(inst: Any) -> dict[str, Any]:
    return {
        "code": inst.code,
        "name": inst.name,
        "county__code": inst.county.code,
        "county__name": inst.county.name,
    }


@rule(
    "HS-PAY-TILT",
    severity=Severity.MEDIUM,
    title_zh="绩效工资未向一线教师和班主任倾斜",
    title_en="Performance pay not tilted to front-line and class teachers",
)
def pay_tilt(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The average performance pay of front-line and class teachers is above everyone
    else's. High schools without the year's figures are reported as not checkable."""
    recorded: set[int] = set()
    for pay in _pay_rows(ctx):
        recorded.add(pay.institution_id)
        teachers, others = pay.frontline_average, pay.other_average
        if teachers is None or others is None or teachers > others:
            continue
        yield ctx.at_institution(
            _row(pay.institution),
            measured=teachers,
            required=f"> {others}",
            message_zh=(f"{pay.year}年一线教师和班主任人均绩效工资{teachers}元,不高于其他人员人均{others}元"),
            message_en=(
                f"{pay.year}: front-line and class teachers' average performance pay {teachers} yuan is "
                f"not above the others' {others}"
            ),
        )
    schools = ctx.open_institutions().filter(kind=InstitutionKind.HIGH_SCHOOL).exclude(pk__in=recorded)
    for row in schools.values("code", "name", "county__code", "county__name"):
        yield ctx.at_institution(
            row,
            kind=FindingKind.NO_DATA,
            message_zh=f"未登记{ctx.year}年绩效工资分配,无法核查向一线教师和班主任倾斜",
            message_en=f"no performance-pay allocation recorded for {ctx.year}: the tilt cannot be checked",
        )


@rule(
    "HS-PAY-CLASS-TEACHER",
    severity=Severity.LOW,
    title_zh="班主任人均绩效工资不高于其他一线教师",
    title_en="Class teachers' performance pay not above other front-line teachers'",
)
def pay_class_teachers(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Class teachers (班主任) carry extra duty; their average is above other teachers'."""
    for pay in _pay_rows(ctx):
        head, plain = pay.class_teacher_average, pay.plain_teacher_average
        if head is None or plain is None or head > plain:
            continue
        yield ctx.at_institution(
            _row(pay.institution),
            measured=head,
            required=f"> {plain}",
            message_zh=f"{pay.year}年班主任人均绩效工资{head}元,不高于其他一线教师人均{plain}元",
            message_en=(
                f"{pay.year}: class teachers' average performance pay {head} yuan is not above other "
                f"front-line teachers' {plain}"
            ),
        )


# -- evaluation schemes --------------------------------------------------------------------

#: Criterion names read as admission-rate criteria whatever category they were filed under.
ADMISSION_NAME_WORDS = ("升学率", "上线率", "一本率", "本科率", "重点率", "录取率", "清北")


def is_admission_criterion(name: str, category: str) -> bool:
    return category == "admission_rate" or any(w in name for w in ADMISSION_NAME_WORDS)


@rule(
    "HS-EVAL-ADMISSION",
    severity=Severity.HIGH,
    entity=EntityType.COUNTY,
    title_zh="以升学率作为评价学校和教师的唯一或主要标准,或向学校下达升学指标",
    title_en="Schools or teachers judged by admission rate alone or mainly, or admission targets given",
    params=("workforce.admission_weight_max",),
)
def evaluation_admission(ctx: RuleContext) -> Iterator[RuleFinding]:
    """No admission-rate targets for schools; schools and teachers not judged by admission
    rate alone. A scheme is flagged when admission-rate criteria are its only criteria, or hold at
    least ``admission_weight_max`` % of its weight, or when it gives schools admission targets.
    Findings are on the scheme's county (the scheme's issuer is named)."""
    from eduplan.workforce.models import EvaluationScheme

    limit = Decimal(str(ctx.param("workforce.admission_weight_max")))
    schemes = (
        ctx.records(EvaluationScheme)
        .filter(year__in=(ctx.year, ctx.year + 1))
        .select_related("county", "institution")
        .prefetch_related("criteria")
    )
    for s in schemes:
        criteria = list(s.criteria.all())
        total = sum((c.weight for c in criteria), Decimal(0))
        admission = sum(
            (c.weight for c in criteria if is_admission_criterion(c.name, c.category)), Decimal(0)
        )
        share = (admission * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)
        only = bool(criteria) and admission == total
        reasons_zh, reasons_en = [], []
        if only:
            reasons_zh.append("升学率是唯一评价指标")
            reasons_en.append("admission rate is the only criterion")
        elif share >= limit:
            reasons_zh.append(f"升学率类指标权重占{share}%(≥{limit}%)")
            reasons_en.append(f"admission-rate criteria carry {share}% of the weight (≥ {limit}%)")
        if s.admission_targets:
            reasons_zh.append("向学校下达升学率指标")
            reasons_en.append("admission-rate targets are given to schools")
        if not reasons_zh:
            continue
        county = {"code": s.county.code, "name": s.county.name}
        yield ctx.at_county(
            county,
            measured=f"{share}%",
            required=f"< {limit}%",
            subject=s.title,
            message_zh=f"{s.issuer}《{s.title}》({s.year}):" + ";".join(reasons_zh),
            message_en=f"{s.issuer} '{s.title}' ({s.year}): " + "; ".join(reasons_en),
            details={"scheme_id": s.pk, "issuer": s.issuer, "target": s.target},
        )


# -- teacher ethics (restricted) ----------------------------------------------------------


def _may_see_ethics(ctx: RuleContext) -> bool:
    """Only for users allowed to see ethics records; never in a run without a user (see above)."""

    user = ctx.user
    if user is None:
        return False
    return permissions.may_see_ethics(user)


@rule(
    "HS-ETHICS-BAR",
    severity=Severity.HIGH,
    title_zh="师德负面清单处理期内评优评先或晋升",
    title_en="Award or promotion during a teacher-ethics bar",
    note="仅对可查看师德档案的角色运行 / runs only for roles that may see ethics records",
)
def ethics_bar(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A teacher on the negative list is barred from awards and promotion while the
    consequence lasts (``NegativeListEntry.barred_until``); an award or promotion granted in that
    time is flagged."""
    if not _may_see_ethics(ctx):
        return
    from eduplan.workforce.models import BARRING_CONSEQUENCES, CareerEvent, NegativeListEntry

    entries = ctx.records(NegativeListEntry).filter(consequence__in=BARRING_CONSEQUENCES)
    bars: dict[int, list[Any]] = defaultdict(list)
    for e in entries:
        bars[e.staff_id].append(e)
    if not bars:
        return
    events = (
        ctx.records(CareerEvent)
        .filter(staff_id__in=list(bars))
        .select_related("staff__institution__county")
        .order_by("granted_on", "pk")
    )
    for ev in events:
        for e in bars[ev.staff_id]:
            if not e.bars_on(ev.granted_on):
                continue
            until = e.barred_until
            until_text = "长期" if until == until.max else str(until)
            yield ctx.at_institution(
                _row(ev.staff.institution),
                measured=str(ev.granted_on),
                required=f"≥ {until_text}",
                subject=ev.staff.name,
                message_zh=(
                    f"{ev.staff.name}于{ev.granted_on}获“{ev.title}”({ev.get_kind_display().split(' ')[0]}),"
                    f"但其师德处理({e.get_consequence_display().split(' ')[0]},{e.decided_on})影响期至{until_text}"
                ),
                message_en=(
                    f"{ev.staff.name} received '{ev.title}' on {ev.granted_on} while barred by an ethics "
                    f"decision of {e.decided_on} (until {until if until != until.max else 'indefinitely'})"
                ),
                details={"event_id": ev.pk, "entry_id": e.pk},
            )
            break


@rule(
    "HS-ETHICS-INCIDENT",
    severity=Severity.HIGH,
    entity=EntityType.COUNTY,
    title_zh="严重师德师风问题未登记为重大事件",
    title_en="Serious teacher-ethics case not recorded as an incident",
    note="仅对可查看师德档案的角色运行 / runs only for roles that may see ethics records",
)
def ethics_incident(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A serious teacher-ethics problem bars the county from certification for two years;
    the bar is read from supervision's incidents, so a negative-list entry marked ``serious`` needs
    an incident of kind ``teacher_ethics`` in its county on the day it occurred."""
    if not _may_see_ethics(ctx):
        return
    from eduplan.supervision.models import Incident, IncidentKind
    from eduplan.workforce.models import NegativeListEntry

    serious = ctx.records(NegativeListEntry).filter(serious=True).select_related("staff__institution__county")
    for e in serious:
        county = e.staff.institution.county
        found = Incident.objects.filter(
            county=county, kind=IncidentKind.TEACHER_ETHICS, occurred_on=e.occurred_on, withdrawn=False
        ).exists()
        if found:
            continue
        yield ctx.at_county(
            {"code": county.code, "name": county.name},
            measured="未登记 missing",
            required="重大事件 incident",
            message_zh=(
                f"{e.occurred_on}发生的严重师德师风问题({e.staff.institution.name})未登记为重大事件,"
                "普及普惠申报限制无法生效"
            ),
            message_en=(
                f"the serious ethics case of {e.occurred_on} ({e.staff.institution.name}) is not recorded "
                "as an incident: the certification bar cannot take effect"
            ),
            details={"entry_id": e.pk},
        )


# -- publicity -----------------------------------------------------------------------------


@cache
def hype_words() -> WordList:
    return WordList.load("hype")


def hype_hits(text: str) -> list[str]:
    """The hype words in ``text`` (``wordlists/hype.txt``; ``!phrase`` lines excuse a word)."""
    words = hype_words()
    text = unicodedata.normalize("NFKC", text)
    hits: dict[str, None] = {}
    for start, end, word, _ in words.occurrences(text):
        excused = False
        for phrase in words.exceptions_for(word):
            at = text.find(phrase)
            while at >= 0:
                if at <= start and end <= at + len(phrase):
                    excused = True
                    break
                at = text.find(phrase, at + 1)
            if excused:
                break
        if not excused:
            hits.setdefault(word, None)
    return sorted(hits, key=lambda w: (text.find(w), w))


@rule(
    "HS-HYPE",
    severity=Severity.MEDIUM,
    title_zh="炒作升学率、高考状元",
    title_en="Publicity hyping admission rates or top scorers",
    note="词表 wordlists/hype.txt",
)
def publicity_hype(ctx: RuleContext) -> Iterator[RuleFinding]:
    """No hyping of admission rates or top scorers. Each publicity item of the school year
    is scanned for the words of ``wordlists/hype.txt``; each hit is a finding citing the item."""
    from eduplan.workforce.models import PublicityItem

    items = (
        ctx.records(PublicityItem)
        .filter(published_on__gte=school_year_start(ctx.year), published_on__lte=school_year_end(ctx.year))
        .select_related("institution__county")
        .order_by("published_on", "pk")
    )
    for item in items:
        hits = hype_hits(f"{item.title}\n{item.text}")
        if not hits:
            continue
        yield ctx.at_institution(
            _row(item.institution),
            measured="、".join(hits),
            required="不宣传升学率、状元 no hype",
            subject=item.title,
            message_zh=f"{item.published_on}{item.get_channel_display().split(' ')[0]}《{item.title}》含炒作用语:{'、'.join(hits)}",
            message_en=f"'{item.title}' ({item.published_on}) hypes admission results: {', '.join(hits)}",
            details={"item_id": item.pk, "words": hits, "url": item.url},
        )
