"""Licensing and supply: every unlicensed kindergarten (无证园), classified as the plan
asks; residential supporting kindergartens delivered with their housing (四同步).

- meets the kindergarten standard → rectify and license (整改后颁发办园许可证);
- meets the county's 办园点 standard → approve as a teaching point (审批为办园点);
- neither → close (取缔);
- below the kindergarten standard in a county that has set no 办园点 standard → the gaps, and no
  verdict: neither closure nor approval rests on a standard nobody set.

The kindergarten standard: ``[licensing]`` in ``plan/standards.toml`` holds default criteria (seats,
classes, teachers per class, certified share, safety items; assumptions until confirmed) and a
county overrides any of them in ``[licensing.counties."CODE"]``. The 办园点 standard is only the
county's own, a dated register row (``programmes.TeachingPointStandard``): the one in force on the
as-of day. Measured values come from the registry: seats of the school year (or the
institution's), classes, teachers in post and their certificates, the latest safety record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from eduplan.metrics.concepts import Qualifications
from eduplan.plans import standards
from eduplan.plans.assumptions import pending_for
from eduplan.registry.choices import InstitutionKind, LicenceStatus, StaffRole

from .catalogue import INSTITUTION_FIELDS, RuleContext, rule
from .findings import FindingKind, RuleFinding, Severity
from .safety import item_labels, latest_records

LEVELS = ("kindergarten", "teaching_point")
#: The safety items measured for the criteria: every item of a safety record.
SAFETY_ITEMS = (
    "full_time_guard",
    "closed_management",
    "one_key_alarm",
    "video_linked_police",
    "anti_collision",
)
OUTCOMES = {
    "license": (
        "符合幼儿园标准:整改后颁发办园许可证",
        "meets the kindergarten standard: rectify and license",
    ),
    "teaching_point": (
        "符合办园点标准:审批为办园点",
        "meets the 办园点 standard: approve as a teaching point",
    ),
    "close": ("两项标准均不符合:予以取缔", "meets neither standard: close"),
    "no_county_standard": (
        "不符合幼儿园标准;本县尚未制定办园点标准:待县定标准后再提处理意见",
        "below the kindergarten standard; the county has set no 办园点 standard: no closure or "
        "teaching-point verdict",
    ),
    # While the county standards are unconfirmed assumptions, a closure is never proposed.
    "close_pending": (
        "两项标准均不符合,但所依据的标准待确认(依据待确认):标准确认后再定处理",
        "meets neither standard, but the standards are not yet confirmed (basis to be confirmed): "
        "no closure proposed",
    ),
}


@dataclass(frozen=True)
class Criteria:
    """One level's criteria as a county sets them."""

    min_seats: int
    min_classes: int
    min_teachers_per_class: float
    min_certified_share: float
    safety_items: tuple[str, ...]

    @classmethod
    def from_record(cls, record: Any) -> Criteria:
        """A county's own 办园点 standard (``programmes.TeachingPointStandard``)."""
        return cls(
            min_seats=int(record.min_seats),
            min_classes=int(record.min_classes),
            min_teachers_per_class=float(record.min_teachers_per_class),
            min_certified_share=float(record.min_certified_share),
            safety_items=record.items,
        )

    @classmethod
    def for_county(cls, level: str, county_code: str) -> Criteria:
        sec = standards.section("licensing")
        override = dict(sec.get("counties", {}).get(county_code, {}))

        def get(key: str) -> Any:
            name = f"{level}_{key}"
            return override[name] if name in override else sec[name]

        return cls(
            min_seats=int(get("min_seats")),
            min_classes=int(get("min_classes")),
            min_teachers_per_class=float(get("min_teachers_per_class")),
            min_certified_share=float(get("min_certified_share")),
            safety_items=tuple(get("safety_items")),
        )

    def unmet(self, m: dict[str, Any]) -> list[tuple[str, str]]:
        """(Chinese, English) descriptions of the criteria that ``m`` (measured values) fails."""
        out: list[tuple[str, str]] = []
        if m["seats"] < self.min_seats:
            out.append((f"学位{m['seats']}<{self.min_seats}", f"seats {m['seats']} < {self.min_seats}"))
        if m["classes"] < self.min_classes:
            out.append(
                (f"班数{m['classes']}<{self.min_classes}", f"classes {m['classes']} < {self.min_classes}")
            )
        need = self.min_teachers_per_class * max(m["classes"], self.min_classes)
        if m["teachers"] < need:
            out.append((f"专任教师{m['teachers']}<{need:g}", f"teachers {m['teachers']} < {need:g}"))
        share = m["certified"] / m["teachers"] if m["teachers"] else 0.0
        if share < self.min_certified_share:
            out.append(
                (
                    f"持证教师占比{share:.0%}<{self.min_certified_share:.0%}",
                    f"certified teachers {share:.0%} < {self.min_certified_share:.0%}",
                )
            )
        for item in self.safety_items:
            if not m["safety"].get(item):
                zh, en = item_labels(item)
                out.append((f"缺{zh}", f"no {en}"))
        return out


def classify(
    measured: dict[str, Any], county_code: str, teaching_point: Criteria | None
) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """The outcome for one unlicensed kindergarten and the unmet criteria of each level;
    ``teaching_point`` is the county's own 办园点 standard, ``None`` when it has set none."""
    unmet = {
        "kindergarten": Criteria.for_county("kindergarten", county_code).unmet(measured),
        "teaching_point": teaching_point.unmet(measured) if teaching_point is not None else [],
    }
    if not unmet["kindergarten"]:
        return "license", unmet
    if teaching_point is None:
        return "no_county_standard", unmet
    if not unmet["teaching_point"]:
        return "teaching_point", unmet
    return "close", unmet


def teaching_point_standards(ctx: RuleContext) -> dict[str, Criteria]:
    """Each county's own 办园点 standard in force on ``ctx.as_of`` (the latest one from before it)."""
    from eduplan.programmes.models import TeachingPointStandard

    found: dict[str, Criteria] = {}
    rows = (
        ctx.records(TeachingPointStandard)
        .filter(effective_on__lte=ctx.as_of)
        .select_related("county")
        .order_by("county__code", "effective_on")
    )
    for record in rows:
        found[record.county.code] = Criteria.from_record(record)
    return found


def _measure(ctx: RuleContext, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Seats, classes, teachers, certified teachers and safety items of the given kindergartens."""
    from eduplan.registry.models import Institution

    measured: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"seats": 0, "classes": 0, "teachers": 0, "certified": 0, "safety": {}}
    )
    targets = Institution.objects.filter(pk__in=ids)
    for pk, seats in targets.values_list("pk", "seats"):
        measured[pk]["seats"] = seats
    for pk, seats in (
        ctx.years().filter(institution__in=targets, seats__gt=0).values_list("institution_id", "seats")
    ):
        measured[pk]["seats"] = seats
    classes = ctx.classes().filter(institution__in=targets).values("institution_id").order_by()
    for r in classes.annotate(n=Count("pk")):
        measured[r["institution_id"]]["classes"] = r["n"]
    accepted = list(Qualifications.from_standards().accepted_for(InstitutionKind.KINDERGARTEN, "teacher"))
    teachers = (
        ctx.staff()
        .filter(institution__in=targets, role=StaffRole.TEACHER)
        .values("institution_id")
        .order_by()
    )
    for r in teachers.annotate(n=Count("pk"), certified=Count("pk", filter=Q(certificate__in=accepted))):
        measured[r["institution_id"]]["teachers"] = r["n"]
        measured[r["institution_id"]]["certified"] = r["certified"]
    items = list(SAFETY_ITEMS)
    records = latest_records(ctx, [InstitutionKind.KINDERGARTEN]).filter(institution__in=targets)
    for r in records.values("institution_id", *items):
        measured[r["institution_id"]]["safety"] = {i: r[i] for i in items}
    return measured


def _measured_text(m: dict[str, Any]) -> str:
    safety = m["safety"]
    items = f"{sum(map(bool, safety.values()))}/{len(safety)}" if safety else "无记录 no record"
    return (
        f"学位 seats {m['seats']}; 班 classes {m['classes']}; 教师 teachers {m['teachers']}"
        f" (持证 certified {m['certified']}); 安全项 safety items {items}"
    )


@rule(
    "KG-UNLICENSED",
    severity=Severity.HIGH,
    title_zh="无证幼儿园分类治理(整改颁证/审批为办园点/取缔)",
    title_en="Unlicensed kindergartens, classified: rectify and license / approve as a teaching point (办园点) / close",
    params=(
        "licensing.kindergarten_min_seats",
        "licensing.kindergarten_min_classes",
        "licensing.kindergarten_min_teachers_per_class",
        "licensing.kindergarten_min_certified_share",
        "licensing.kindergarten_safety_items",
        "licensing.counties",
    ),
)
def unlicensed(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Review every unlicensed kindergarten against the county's standards: flags each one,
    with the outcome — license, approve as 办园点 (the county's own standard), close (only under
    the county's own 办园点 standard, and only once the kindergarten standard is confirmed), or,
    where the county has set no 办园点 standard, the gaps without a verdict. A licensed kindergarten
    or an approved teaching point passes. A kindergarten whose licence status is not recorded is
    reported as not checkable."""
    base = ctx.open_institutions().filter(kind=InstitutionKind.KINDERGARTEN)
    rows = list(base.filter(licence_status=LicenceStatus.UNLICENSED).values("pk", *INSTITUTION_FIELDS))
    measured = _measure(ctx, [r["pk"] for r in rows]) if rows else {}
    held = pending_for("rule:KG-UNLICENSED")
    own = teaching_point_standards(ctx) if rows else {}
    for row in rows:
        m = measured[row["pk"]]
        outcome, unmet = classify(m, row["county__code"], own.get(row["county__code"]))
        if outcome == "close" and held:
            outcome = "close_pending"
        zh, en = OUTCOMES[outcome]
        gaps = unmet["teaching_point"] if outcome.startswith("close") else unmet["kindergarten"]
        gap_zh = ";".join(g[0] for g in gaps)
        gap_en = "; ".join(g[1] for g in gaps)
        yield ctx.at_institution(
            row,
            subject=zh.split(":")[-1],
            measured=_measured_text(m),
            required="取得办学许可 licensed",
            message_zh=f"无证办园。{zh}" + (f"(差距:{gap_zh})" if gap_zh else ""),
            message_en=f"unlicensed. {en}" + (f" (gaps: {gap_en})" if gap_en else ""),
            details={
                "outcome": outcome,
                "measured": m,
                "unmet_kindergarten": [g[1] for g in unmet["kindergarten"]],
                "unmet_teaching_point": [g[1] for g in unmet["teaching_point"]],
            },
        )
    for row in base.filter(licence_status="").values(*INSTITUTION_FIELDS):
        yield ctx.at_institution(
            row,
            kind=FindingKind.NO_DATA,
            message_zh="办学许可状态未登记,无法核查",
            message_en="licence status not recorded: licensing cannot be checked",
        )


@rule(
    "KG-SUPPORTING-SYNC",
    severity=Severity.MEDIUM,
    title_zh="城镇小区配套园未与住宅同步规划、审批、建设、交付(四同步)",
    title_en="Residential supporting kindergartens not planned, approved, built and delivered with the housing (四同步)",
)
def supporting_delivery(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A residential supporting kindergarten is planned, approved, built and delivered together with
    the housing (四同步). Each of the kindergarten's four dates (on the institution) is compared with
    the same date of its residential project (``programmes.ResidentialProject``): a stage the
    kindergarten reached after the housing did, or has not reached although the housing has by the
    as-of day, breaks 同步 for that stage. Without a project record only delivery can be judged
    (against the institution's housing delivery date), and the missing project is said; with no
    housing date at all the kindergarten is reported as missing data."""
    from eduplan.programmes.models import SYNC_STAGES, ResidentialProject

    base = (
        ctx.institutions()
        .filter(kind=InstitutionKind.KINDERGARTEN, is_residential_supporting=True)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.as_of))
    )
    kg_fields = [k for k, _, _, _ in SYNC_STAGES]
    rows = list(base.values(*INSTITUTION_FIELDS, "pk", "housing_delivered_on", *kg_fields))
    projects: dict[int, list[ResidentialProject]] = {}
    for project in ResidentialProject.objects.filter(institution__in=[r["pk"] for r in rows]):
        projects.setdefault(project.institution_id, []).append(project)
    for row in rows:
        own = projects.get(row["pk"], [])
        housing: list[tuple[str, dict[str, dt.date | None]]] = [
            (p.name, {h: getattr(p, h) for _, h, _, _ in SYNC_STAGES}) for p in own
        ]
        if not housing:
            if row["housing_delivered_on"] is None:
                yield ctx.at_institution(
                    row,
                    kind=FindingKind.NO_DATA,
                    message_zh="配套园未登记所属小区项目及其日期,无法核查四同步",
                    message_en="no residential project or housing date recorded: 四同步 cannot be checked",
                )
                continue
            yield ctx.at_institution(
                row,
                kind=FindingKind.NO_DATA,
                subject="规划、审批、建设 planned, approved, built",
                message_zh="未登记所属小区项目,只能核查同步交付(规划、审批、建设无从比较)",
                message_en="no residential project recorded: only delivery can be checked, not planning, approval or building",
            )
            housing = [("", {"delivered_on": row["housing_delivered_on"]})]
        for name, dates in housing:
            for kg_field, h_field, zh, en in SYNC_STAGES:
                h_day = dates.get(h_field)
                if h_day is None or h_day > ctx.as_of:
                    continue
                kg_day = row[kg_field]
                where = f"「{name}」" if name else ""
                if kg_day is None:
                    yield ctx.at_institution(
                        row,
                        subject=f"{zh} {en}",
                        measured=f"未{zh} not {en}",
                        required=f"≤ {h_day}",
                        message_zh=f"小区{where}已于{h_day}{zh},配套园尚未{zh}",
                        message_en=f"the housing {name} was {en} on {h_day}; the kindergarten is not yet",
                        details={"stage": en, "housing_on": h_day, "kindergarten_on": None},
                    )
                elif kg_day > h_day:
                    days = (kg_day - h_day).days
                    yield ctx.at_institution(
                        row,
                        subject=f"{zh} {en}",
                        measured=f"{kg_day}",
                        required=f"≤ {h_day}",
                        message_zh=f"小区{where}{h_day}{zh},配套园{kg_day}才{zh},晚{days}天",
                        message_en=f"{en} on {kg_day}, {days} days after the housing {name} ({h_day})",
                        details={
                            "stage": en,
                            "housing_on": h_day,
                            "kindergarten_on": kg_day,
                            "days_late": days,
                        },
                    )
