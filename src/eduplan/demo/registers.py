"""The programme and workforce registers of the demo: standardisation projects, designations,
demonstration areas, school groups, subsidies, parent committees and volunteer duty, certifications
(``eduplan.programmes``); rotation training, performance pay, evaluation schemes, ethics records and
publicity (``eduplan.workforce``) — mostly clean, with the imperfections of ``planting.KINDS``
planted at the rates of ``calibration.Rates`` and listed in the manifest.

One implementation for both uses:

- ``eduplan demo`` calls :meth:`RegisterFiller.fill_county` for each county right after the
  county's registry rows, inside its transaction, with the generator's quotas and manifest;
- ``eduplan programmes demo`` / ``eduplan workforce demo`` call :func:`fill_existing`, which fills
  one part for every county of a database that already holds a registry (a demo of an older
  version, an imported one) and discards the manifest.

Everything is read back from the database (a few queries per county) and written with
``bulk_create`` (training records, the one large table, as plain tuples through
:class:`~eduplan.demo.rows.TableWriter`): no ``full_clean`` per row and no history rows, like the
rest of the demo. Every draw comes from ``numpy.random.default_rng([seed, county code, 10])``, so a
seed gives the same rows, and the registry's own draws do not move.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F, Q, Sum

from eduplan.plans import standards
from eduplan.registry.choices import InstitutionKind, LicenceStatus, Ownership, PairingKind, StaffRole
from eduplan.registry.models import Division, Institution, Pairing, SchoolClass, StaffMember

from .calibration import DEFAULT_SETTINGS, REFERENCE_DATE, Rates
from .planting import Manifest, Quota
from .rows import TableWriter

PROGRAMMES = "programmes"
WORKFORCE = "workforce"
PARTS = (PROGRAMMES, WORKFORCE)
#: Share of the counties meeting the preschool targets that are certified 普及普惠,
#: assumption; at least one is whenever any county qualifies.
CERTIFIED_SHARE = 0.3
#: County-level kinds of the registers, chosen before the counties are filled.
COUNTY_KINDS = ("county_training_behind", "county_eval_by_admission", "county_spending_decreased")
#: Kinds of each part (for the standalone fill).
PART_KINDS = {
    PROGRAMMES: (
        "hs_no_standardisation_plan",
        "hs_plan_behind",
        "kg_demonstration_unrecorded",
        "hs_group_no_members",
        "kg_subsidy_short",
        "kg_subsidy_late",
        "kg_no_parent_committee",
        "county_spending_decreased",
        "hs_group_inactive",
        "kg_quality_eval_overdue",
        "hs_trusteeship_no_channel",
        "kg_supporting_out_of_sync",
    ),
    WORKFORCE: (
        "county_training_behind",
        "staff_training_behind",
        "hs_pay_not_tilted",
        "hs_pay_class_teachers_not_above",
        "county_eval_by_admission",
        "staff_award_during_ethics_bar",
        "staff_serious_ethics_unrecorded",
        "hs_publicity_hype",
    ),
}

PROJECT_SCOPES = (
    "学科教室、创新实验室",
    "智慧校园、学科教室",
    "创新实验室、三个课堂",
    "图书馆、体育场馆提升",
    "学生宿舍、食堂改造",
)
SUBJECTS = ("mathematics", "chinese", "physics", "english", "history", "chemistry", "biology", "politics")
COURSES = {
    "national": "国培计划骨干教师研修",
    "province": "省培计划学科教学能力提升",
    "city": "市级新课程新教材培训",
    "county": "县级全员轮训",
    "township": "乡镇片区教研",
}
TRAINING_HOURS = (72, 76, 80, 90, 96)
#: Clean publicity (no word of wordlists/hype.txt) and the planted hype.
PUBLICITY = (
    ("website", "我校举行秋季运动会", "全校师生参加运动会,展示青春风采。"),
    ("website", "开展研究性学习成果展示", "学生展示课题研究成果,家长代表参观。"),
    ("wechat", "教师节表彰大会", "表彰优秀教师和优秀班主任。"),
    ("wechat", "高一新生入学教育", "新生参加入学教育和国防教育。"),
    ("banner", "家长开放日", "欢迎各位家长走进课堂。"),
    ("website", "科技节作品展", "学生科技作品、创客作品展示。"),
    ("wechat", "消防安全演练", "全校开展应急疏散演练。"),
)
HYPE = (
    ("wechat", "高考喜报:我校再创佳绩", "热烈祝贺我校考生荣获全市理科状元,一本上线率再创新高!"),
    ("banner", "热烈祝贺我校高考升学率全市第一", ""),
    ("website", "喜报:我校清北录取三人", "清华北大录取三人,金榜题名。"),
)
CLEAN_CRITERIA = (
    ("立德树人落实", "moral", 30),
    ("学生综合素质发展", "all_round", 30),
    ("教育教学过程", "teaching", 25),
    ("学业质量(含升学)", "admission_rate", 15),
)
ADMISSION_CRITERIA = (
    ("高考本科上线率", "admission_rate", 60),
    ("教学常规", "teaching", 25),
    ("德育工作", "moral", 15),
)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def choose_county_kinds(
    seed: int,
    counties: list[str],
    rates: Rates,
    manifest: Manifest,
    flags: dict[str, set[str]],
) -> None:
    """The registers' county-level kinds: exactly round(rate × counties) counties each (at least
    one), recorded in ``flags`` (county code → kinds) and the manifest."""
    rng = np.random.default_rng([seed, 13])
    for kind in COUNTY_KINDS:
        rate = getattr(rates, kind)
        k = min(len(counties), max(1, int(np.floor(rate * len(counties) + 0.5)))) if counties else 0
        chosen = sorted(int(i) for i in rng.choice(len(counties), size=k, replace=False)) if k else []
        for i in chosen:
            flags.setdefault(counties[i], set()).add(kind)
            if kind != "county_training_behind":  # added once its staff are planted
                manifest.add(kind, counties[i])
        quota = Quota(rate)
        quota.eligible, quota.planted = len(counties), k
        manifest.quotas[kind] = quota


class RegisterFiller:
    """Fills the registers of one county at a time (see the module docstring)."""

    def __init__(
        self,
        seed: int,
        manifest: Manifest,
        quota: Callable[[str], Quota],
        *,
        school_years: Iterable[int],
        county_flags: dict[str, set[str]],
        reference: dt.date = REFERENCE_DATE,
        parts: Iterable[str] = PARTS,
    ) -> None:
        self.seed = seed
        self.manifest = manifest
        self.quota = quota
        self.years = tuple(sorted(school_years))
        self.latest = self.years[-1]
        self.flags = county_flags
        self.reference = reference
        self.parts = tuple(parts)
        #: County certifications written so far, and the first qualifying county left uncertified.
        self.certified = 0
        self.passed_over: Division | None = None

    def pick(self, kind: str, rng: np.random.Generator, candidates: list[Any], last: bool) -> list[Any]:
        return self.quota(kind).pick(rng, candidates, last=last)

    # -- one county ----------------------------------------------------------------------------

    def fill_county(self, county: Division, *, last: bool) -> dict[str, int]:
        self.counts: dict[str, int] = defaultdict(int)
        rng = np.random.default_rng([self.seed, int(county.code), 10])
        ref = self.reference
        insts = list(
            Institution.objects.filter(county=county)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ref))
            .filter(Q(established_on__isnull=True) | Q(established_on__lte=ref))
            .order_by("code")
            .values(
                "pk",
                "code",
                "name",
                "kind",
                "ownership",
                "inclusive",
                "inclusive_since",
                "licence_status",
                "rating",
                "is_demonstration",
                "established_on",
            )
        )
        self.county = county
        self.hs = [i for i in insts if i["kind"] == InstitutionKind.HIGH_SCHOOL]
        self.kgs = [i for i in insts if i["kind"] == InstitutionKind.KINDERGARTEN]
        if PROGRAMMES in self.parts:
            self.programmes(rng, last)
        if WORKFORCE in self.parts:
            self.workforce(rng, last)
        return dict(self.counts)

    def bulk(self, objs: list[Any]) -> list[Any]:
        if objs:
            type(objs[0])._default_manager.bulk_create(objs, batch_size=2000)
            self.counts[type(objs[0]).__name__] += len(objs)
        return objs

    # -- programmes ---------------------------------------------------------------------------------

    def programmes(self, rng: np.random.Generator, last: bool) -> None:
        from eduplan.programmes import models as pm

        man, ref, latest, county = self.manifest, self.reference, self.latest, self.county
        # One standardisation project per high school (一校一案); some missing, some behind.
        missing = {i["code"] for i in self.pick("hs_no_standardisation_plan", rng, self.hs, last)}
        planned = [i for i in self.hs if i["code"] not in missing]
        behind = {i["code"] for i in self.pick("hs_plan_behind", rng, planned, last)}
        projects = []
        for i in self.hs:
            if i["code"] in missing:
                man.add("hs_no_standardisation_plan", i["code"])
                continue
            starts = dt.date(2022 + int(rng.integers(0, 2)), int(rng.integers(3, 10)), 1)
            if i["code"] in behind:
                man.add("hs_plan_behind", i["code"])
                stage, completion = pm.ProjectStage.BUILDING, int(rng.integers(40, 86))
                ends = ref - _days(int(rng.integers(30, 301)))
            elif rng.random() < 0.25:
                stage, completion = pm.ProjectStage.ACCEPTED, 100
                ends = ref - _days(int(rng.integers(30, 300)))
            else:
                stage = (pm.ProjectStage.DRAFTING, pm.ProjectStage.APPROVED, pm.ProjectStage.BUILDING)[
                    int(rng.integers(0, 3))
                ]
                completion = {"drafting": 5, "approved": 20, "building": 50}[stage] + int(rng.integers(0, 30))
                ends = dt.date(ref.year + 1 + int(rng.integers(0, 2)), 12, 31)
            projects.append(
                pm.StandardisationProject(
                    institution_id=i["pk"],
                    title=f"{i['name']}标准化建设一校一案",
                    scope=PROJECT_SCOPES[int(rng.integers(len(PROJECT_SCOPES)))],
                    budget=Decimal(int(rng.integers(300, 3001))),
                    starts_on=starts,
                    ends_on=max(ends, starts + _days(180)),
                    stage=stage,
                    completion=completion,
                )
            )
        self.bulk(projects)

        # Designations; every demonstration kindergarten has its record
        # but the planted ones.
        designated = dt.date(latest - 1, 6, 1)
        rows = []
        first_level = [i for i in self.hs if i["rating"].startswith("p1")]
        for n, i in enumerate(first_level):
            rows.append(
                pm.Designation(
                    institution_id=i["pk"],
                    kind=pm.DesignationKind.SUBJECT_BASE,
                    subject=SUBJECTS[int(rng.integers(len(SUBJECTS)))],
                    designated_on=designated,
                    document="市级学科基地认定",
                )
            )
            if n == 0:
                rows.append(
                    pm.Designation(
                        institution_id=i["pk"],
                        kind=pm.DesignationKind.ONLINE_CLASSROOM,
                        level=pm.DesignationLevel.CITY,
                        designated_on=dt.date(latest, 3, 1),
                    )
                )
        for i in self.hs:
            if rng.random() < 0.3:
                rows.append(
                    pm.Designation(
                        institution_id=i["pk"],
                        kind=pm.DesignationKind.CHARACTERISTIC,
                        designated_on=designated,
                    )
                )
        demonstration = [k for k in self.kgs if k["is_demonstration"]]
        unrecorded = {k["code"] for k in self.pick("kg_demonstration_unrecorded", rng, demonstration, last)}
        for k in demonstration:
            if k["code"] in unrecorded:
                man.add("kg_demonstration_unrecorded", k["code"])
                continue
            rows.append(
                pm.Designation(
                    institution_id=k["pk"],
                    kind=pm.DesignationKind.DEMO_KINDERGARTEN,
                    designated_on=dt.date(latest - 1, 12, 1),
                    document="课程游戏化示范园认定",
                )
            )
        self.bulk(rows)
        if rng.random() < 0.35:
            self.bulk(
                [
                    pm.DemonstrationArea(
                        division=county,
                        designated_on=dt.date(latest - 1, 12, 1),
                        document="课程游戏化示范区认定",
                    )
                ]
            )

        # The county's best high school leads a 1+N group; planted groups have no member yet.
        groups, members = [], []
        grouped: set[str] = set()
        if len(self.hs) >= 2:
            lead = (first_level or self.hs)[0]
            others = [i for i in self.hs if i is not lead]
            n = min(3, max(1, len(others) // 2))
            chosen = [others[int(j)] for j in np.sort(rng.choice(len(others), size=n, replace=False))]
            groups.append(
                pm.SchoolGroup(
                    lead_id=lead["pk"],
                    name=f"{lead['name']}教育集团",
                    started_on=dt.date(2023, 9, 1),
                    joint_plan=f"{lead['name']}教育集团发展规划(2023-2026)",
                    joint_plan_adopted_on=dt.date(2023, 10, 1),
                )
            )
            members += [
                pm.SchoolGroupMember(lead_id=lead["pk"], member_id=m["pk"], joined_on=dt.date(2023, 9, 1))
                for m in chosen
            ]
            grouped = {lead["code"], *(m["code"] for m in chosen)}
        free = [i for i in self.hs if i["code"] not in grouped]
        for i in self.pick("hs_group_no_members", rng, free, last):
            man.add("hs_group_no_members", i["code"])
            groups.append(
                pm.SchoolGroup(
                    lead_id=i["pk"],
                    name=f"{i['name']}教育集团(筹)",
                    started_on=dt.date(ref.year, int(rng.integers(1, ref.month + 1)), 1),
                )
            )
        self.bulk(groups)
        self.bulk(members)
        # Shared activities: every member of a real group takes part twice a term; a planted group's
        # members saw none in the school year before the reference day (only older ones).
        led = [g for g in groups if g.joint_plan]
        # Few counties have a group with members: plant in the first that has one, then by rate.
        first = self.quota("hs_group_inactive").planted == 0
        inactive = {g.lead_id for g in self.pick("hs_group_inactive", rng, led, last or first)}
        activities = []
        kinds = [k for k, _ in pm.ActivityKind.choices if k != pm.ActivityKind.OTHER]
        for g in led:
            if g.lead_id in inactive:
                man.add("hs_group_inactive", next(i["code"] for i in self.hs if i["pk"] == g.lead_id))
            for m in (m for m in members if m.lead_id == g.lead_id):
                # Distinct days (a repeated draw is one activity, not two with the same title and day).
                days = [400, 500] if g.lead_id in inactive else [400, *sorted(set(rng.integers(20, 330, 3)))]
                for d in days:
                    kind = kinds[int(rng.integers(len(kinds)))]
                    activities.append(
                        pm.SchoolGroupActivity(
                            lead_id=g.lead_id,
                            member_id=m.member_id,
                            held_on=ref - _days(int(d)),
                            kind=kind,
                            title=f"集团{pm.ActivityKind(kind).label.split()[0]}({int(d)})",
                            evidence="集团活动简报(演示)",
                        )
                    )
        self.bulk(activities)

        # Quality evaluations: every licensed kindergarten evaluated within the cycle (two rounds);
        # planted ones last evaluated more than a cycle before the reference day.
        cycle = int(standards.value("quality_evaluation", "cycle_years"))
        evaluated = [k for k in self.kgs if k["licence_status"] != LicenceStatus.UNLICENSED]
        overdue = {k["code"] for k in self.pick("kg_quality_eval_overdue", rng, evaluated, last)}
        results = [r for r, _ in pm.EvaluationResult.choices]
        evaluations = []
        for k in evaluated:
            if k["code"] in overdue:
                man.add("kg_quality_eval_overdue", k["code"])
                days = [int(rng.integers(30, 300)) + 366 * cycle]
            else:
                days = [int(rng.integers(30, 500)), int(rng.integers(900, 1400))]
            for d in days:
                evaluations.append(
                    pm.QualityEvaluation(
                        institution_id=k["pk"],
                        evaluated_on=ref - _days(d),
                        result=results[int(rng.integers(0, 3))],
                        evaluator=f"{county.name}教育体育局",
                        evidence=f"{county.name}保教质量评估报告(演示)",
                    )
                )
        self.bulk(evaluations)

        # Trusteeship through the five channels: every county high school in trusteeship has its
        # channel and agreement recorded, but the planted ones.
        pairings = list(
            Pairing.objects.filter(
                kind=PairingKind.HS_TRUSTEESHIP, supported__county=county, start_date__lte=ref
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=ref))
            .values("supported_id", "supported__code", "supporter__name", "supporter_name", "start_date")
            .order_by("supported__code", "start_date")
        )
        supported = list({p["supported_id"]: p for p in pairings}.values())
        unchannelled = {
            p["supported__code"] for p in self.pick("hs_trusteeship_no_channel", rng, supported, last)
        }
        channels = [c for c, _ in pm.TrusteeshipChannel.choices]
        supports = []
        for p in supported:
            if p["supported__code"] in unchannelled:
                man.add("hs_trusteeship_no_channel", p["supported__code"])
                continue
            supports.append(
                pm.TrusteeshipSupport(
                    institution_id=p["supported_id"],
                    channel=channels[int(rng.integers(len(channels)))],
                    supporter=p["supporter__name"] or p["supporter_name"],
                    started_on=p["start_date"],
                    evidence="托管帮扶协议及实施方案(演示)",
                )
            )
        self.bulk(supports)

        # The residential projects of supporting kindergartens, with the housing's four dates: the
        # kindergarten in step with the housing, but one stage late in the planted ones (delivery
        # lateness is the registry's own kind, kg_supporting_delivered_late).
        homes = list(
            Institution.objects.filter(county=county, is_residential_supporting=True)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ref))
            .order_by("code")
            .values(
                "pk",
                "code",
                "name",
                "supporting_planned_on",
                "supporting_approved_on",
                "supporting_built_on",
                "supporting_delivered_on",
                "housing_delivered_on",
            )
        )
        in_step = [
            h
            for h in homes
            if h["housing_delivered_on"]
            and h["supporting_delivered_on"]
            and h["supporting_delivered_on"] <= h["housing_delivered_on"]
            and h["supporting_built_on"]
            and h["supporting_built_on"] <= ref
        ]
        out_of_step = {h["code"] for h in self.pick("kg_supporting_out_of_sync", rng, in_step, last)}
        projects_out = []
        for h in homes:
            dates = {
                "planned_on": h["supporting_planned_on"],
                "approved_on": h["supporting_approved_on"],
                "built_on": h["supporting_built_on"],
                "delivered_on": h["housing_delivered_on"],
            }
            if h["code"] in out_of_step:
                man.add("kg_supporting_out_of_sync", h["code"])
                step = ("planned_on", "approved_on", "built_on")[int(rng.integers(0, 3))]
                early = dates[step]
                assert early is not None, h["code"]  # the demo's supporting kindergartens carry all four
                dates[step] = early - _days(int(rng.integers(30, 200)))
            projects_out.append(
                pm.ResidentialProject(
                    institution_id=h["pk"],
                    name=f"{h['name']}所在小区",
                    document="住宅项目批文(演示)",
                    **dates,
                )
            )
        self.bulk(projects_out)

        # The county's subsidy standard each school year and a disbursement to every
        # inclusive private kindergarten with children; a few short or late in the latest year.
        per_child = Decimal((500, 600, 800)[int(rng.integers(0, 3))])
        self.bulk(
            [
                pm.SubsidyStandard(
                    county=county, school_year=y, per_child=per_child, document="县级普惠性民办园奖补办法"
                )
                for y in self.years
            ]
        )
        children = {
            (r["institution_id"], r["school_year"]): int(r["n"] or 0)
            for r in SchoolClass.objects.filter(institution__county=county, school_year__in=self.years)
            .values("institution_id", "school_year")
            .annotate(n=Sum(F("boys") + F("girls")))
        }
        private = [
            k
            for k in self.kgs
            if k["inclusive"]
            and k["ownership"] != Ownership.PUBLIC
            and k["licence_status"] != LicenceStatus.UNLICENSED
        ]

        def entitled(k: Any, y: int) -> bool:
            since = k["inclusive_since"]
            return bool(children.get((k["pk"], y))) and (since is None or since <= dt.date(y, 9, 1))

        latest_paid = [k for k in private if entitled(k, latest)]
        short = {k["code"] for k in self.pick("kg_subsidy_short", rng, latest_paid, last)}
        late = {
            k["code"]
            for k in self.pick(
                "kg_subsidy_late", rng, [k for k in latest_paid if k["code"] not in short], last
            )
        }
        disbursements = []
        for y in self.years:
            for k in private:
                if not entitled(k, y):
                    continue
                kids = children[(k["pk"], y)]
                due_on = dt.date(y, 12, 31)
                due = per_child * kids
                paid, paid_on = due, due_on - _days(int(rng.integers(5, 41)))
                if y == latest and k["code"] in short:
                    man.add("kg_subsidy_short", k["code"])
                    paid = (due * Decimal(int(rng.integers(70, 91))) / 100).quantize(Decimal("1"))
                elif y == latest and k["code"] in late:
                    man.add("kg_subsidy_late", k["code"])
                    paid_on = due_on + _days(int(rng.integers(10, 61)))
                disbursements.append(
                    pm.SubsidyDisbursement(
                        institution_id=k["pk"],
                        school_year=y,
                        children=kids,
                        due_on=due_on,
                        paid_amount=paid,
                        paid_on=paid_on,
                    )
                )
        self.bulk(disbursements)

        # A parent committee in every kindergarten but the planted ones; volunteers on
        # duty in about half of them.
        eligible = [k for k in self.kgs if k["licence_status"] != LicenceStatus.UNLICENSED]
        without = {k["code"] for k in self.pick("kg_no_parent_committee", rng, eligible, last)}
        committees, duties = [], []
        term = dt.date(latest, 9, 1)
        for k in eligible:
            if k["code"] in without:
                man.add("kg_no_parent_committee", k["code"])
                continue
            opened = k["established_on"] or dt.date(2021, 9, 1)
            start = max(opened + _days(30), dt.date(2021, 10, 1)) + _days(int(rng.integers(0, 60)))
            committees.append(
                pm.ParentCommittee(
                    institution_id=k["pk"],
                    established_on=min(start, ref - _days(30)),
                    members=int(rng.integers(5, 12)),
                )
            )
            if rng.random() < 0.5:
                for week in range(int(rng.integers(2, 5))):
                    duties.append(
                        pm.VolunteerDuty(
                            institution_id=k["pk"],
                            on=term + _days(7 * (week + 1) + int(rng.integers(0, 5))),
                            volunteers=int(rng.integers(2, 7)),
                        )
                    )
        self.bulk(committees)
        self.bulk(duties)

        # Some counties meeting the preschool targets are certified 普及普惠.
        lagging = {
            "county_below_enrollment_target",
            "county_below_inclusive_target",
            "county_below_public_share_target",
        }

        # At least one when any county qualifies: the last county certifies the first one passed over.
        def certify(where: Division) -> None:
            self.certified += 1
            self.bulk(
                [
                    pm.CountyCertification(
                        county=where,
                        kind=pm.CertificationKind.PROVINCIAL,
                        certified_on=dt.date(latest, 11, 1) + _days(int(rng.integers(0, 60))),
                        document="云南省学前教育普及普惠县认定",
                    )
                ]
            )

        if not (self.flags.get(county.code, set()) & lagging):
            if rng.random() < CERTIFIED_SHARE:
                certify(county)
            elif self.passed_over is None:
                self.passed_over = county
        if last and not self.certified and self.passed_over is not None:
            certify(self.passed_over)
        self.spending(rng)
        # The county's own 办园点 standard, set when the plan began (KG-UNLICENSED closes only
        # under it); every county of the demo has one.
        self.bulk(
            [
                pm.TeachingPointStandard(
                    county=county,
                    effective_on=dt.date(self.years[0], 3, 1),
                    min_seats=int(rng.choice([15, 20, 30])),
                    min_classes=1,
                    min_teachers_per_class=Decimal("2"),
                    min_certified_share=Decimal("0.5"),
                    safety_items="closed_management,one_key_alarm,video_linked_police",
                    document=f"{county.name}办园点设置标准(演示)",
                )
            ]
        )

    def spending(self, rng: np.random.Generator) -> None:
        """The county's education spending (两个只增不减) for each budget year from the first
        school year to the one ``COUNTY-SPENDING-TREND`` judges for the latest school year (its
        second calendar year, not after the reference day): every figure rises, except one figure
        of the judged year in the planted counties."""
        from eduplan.programmes import models as pm

        judged = min(self.latest + 1, self.reference.year)
        figures = {
            "general_budget": float(rng.integers(20000, 90000)),
            "per_pupil_preschool": float(rng.integers(3000, 5000)),
            "per_pupil_primary": float(rng.integers(9000, 13000)),
            "per_pupil_junior": float(rng.integers(12000, 17000)),
            "per_pupil_high": float(rng.integers(13000, 19000)),
        }
        planted = "county_spending_decreased" in self.flags.get(self.county.code, set())
        falling = str(rng.choice(list(figures)))
        rows = []
        for year in range(self.years[0], judged + 1):
            if year > self.years[0]:
                for name in figures:
                    if planted and year == judged and name == falling:
                        figures[name] *= 1 - float(rng.uniform(0.01, 0.05))
                    else:
                        figures[name] *= 1 + float(rng.uniform(0.02, 0.06))
            rows.append(
                pm.CountyEducationSpending(
                    county=self.county,
                    year=year,
                    document=f"{self.county.name}{year}年教育经费决算(演示)",
                    **{name: Decimal(f"{value:.2f}") for name, value in figures.items()},
                )
            )
        self.bulk(rows)

    # -- workforce ----------------------------------------------------------------------------------

    def workforce(self, rng: np.random.Generator, last: bool) -> None:
        from eduplan.workforce import models as wm
        from eduplan.workforce import training

        man, ref, latest, county = self.manifest, self.reference, self.latest, self.county
        codes = {i["pk"]: i["code"] for i in (*self.hs, *self.kgs)}
        codes.update(
            Institution.objects.filter(county=county).exclude(pk__in=list(codes)).values_list("pk", "code")
        )
        staff = list(
            StaffMember.objects.filter(institution__county=county)
            .order_by("pk")
            .values_list("pk", "institution_id", "name", "role", "start_date", "end_date")
        )

        # Training records each year of the cycle up to the last completed year; in the
        # planted counties some staff miss the last two years.
        cycle = training.cycle_for(ref)
        roles = set(training.settings()["training_roles"])
        judged = cycle.judged_year
        in_roles = [s for s in staff if s[3] in roles]
        lagging: set[int] = set()
        if "county_training_behind" in self.flags.get(county.code, set()):
            eligible = [
                s
                for s in in_roles
                if s[4] <= dt.date(judged - 1, 1, 1) and (s[5] is None or s[5] >= cycle.judged_on)
            ]
            for s in self.quota("staff_training_behind").pick(rng, eligible):
                lagging.add(s[0])
                man.add("staff_training_behind", f"{codes[s[1]]}/{s[2]}", codes[s[1]])
            if lagging:
                man.add("county_training_behind", county.code)
        # One record a year; the draws for all of them at once (a city has some 60,000).
        slots = [
            (pk, year, start)
            for pk, _, _, _, start, end in in_roles
            for year in range(max(cycle.first_year, start.year), min(judged, end.year if end else judged) + 1)
            if not (pk in lagging and year >= judged - 1)
        ]
        n = len(slots)
        level_ix = rng.integers(0, len(COURSES), size=n)
        hours_ix = rng.integers(0, len(TRAINING_HOURS), size=n)
        months = rng.integers(3, 11, size=n)
        days = rng.integers(1, 21, size=n)
        levels = list(COURSES)
        rows = []
        for k, (pk, year, start) in enumerate(slots):
            level = levels[level_ix[k]]
            hours = 72 if pk in lagging else TRAINING_HOURS[hours_ix[k]]
            begin = max(dt.date(year, int(months[k]), int(days[k])), start)
            rows.append((pk, year, level, COURSES[level], hours, begin, begin + _days(hours // 8), ""))
        if rows:
            TableWriter(
                wm.TrainingRecord,
                ("staff", "year", "level", "course", "hours", "start_date", "end_date", "provider"),
            ).write(rows)
            self.counts["TrainingRecord"] += len(rows)

        # Performance pay of every high school each school year, tilted to front-line and
        # class teachers but at the planted schools in the latest year.
        teachers: dict[int, int] = defaultdict(int)
        others: dict[int, int] = defaultdict(int)
        for _, inst, _, role, start, end in staff:
            if start <= ref and (end is None or end >= ref):
                if role == StaffRole.TEACHER:
                    teachers[inst] += 1
                elif role not in (StaffRole.PRINCIPAL, StaffRole.VICE_PRINCIPAL):
                    others[inst] += 1
        flat = {i["code"] for i in self.pick("hs_pay_not_tilted", rng, self.hs, last)}
        heads_low = {
            i["code"]
            for i in self.pick(
                "hs_pay_class_teachers_not_above", rng, [i for i in self.hs if i["code"] not in flat], last
            )
        }
        pay = []
        for i in self.hs:
            n_teachers = max(teachers[i["pk"]], 12)
            heads = max(1, round(n_teachers * 0.3))
            plain = n_teachers - heads
            n_others = max(others[i["pk"]], 4)
            for y in self.years:
                base = int(rng.integers(38_000, 46_001))
                head = base + int(rng.integers(6_000, 9_001))
                other = round(base * float(rng.uniform(0.8, 0.9)))
                if y == latest and i["code"] in flat:
                    other = round(base * float(rng.uniform(1.15, 1.3)))
                    head = base + int(rng.integers(1_000, 3_001))
                elif y == latest and i["code"] in heads_low:
                    head = base - int(rng.integers(0, 2_001))
                amounts = (Decimal(base * plain), Decimal(head * heads), Decimal(other * n_others))
                pay.append(
                    wm.PerformancePay(
                        institution_id=i["pk"],
                        year=y,
                        total=sum(amounts, Decimal(0)),
                        frontline_amount=amounts[0],
                        frontline_count=plain,
                        class_teacher_amount=amounts[1],
                        class_teacher_count=heads,
                        other_amount=amounts[2],
                        other_count=n_others,
                    )
                )
        for code in sorted(flat):
            man.add("hs_pay_not_tilted", code)
        for code in sorted(heads_low):
            man.add("hs_pay_class_teachers_not_above", code)
        self.bulk(pay)

        # The county's evaluation scheme for each year after a school year; the planted
        # counties' latest one leans on admission rates.
        heavy = "county_eval_by_admission" in self.flags.get(county.code, set())
        schemes, criteria = [], []
        for y in self.years:
            schemes.append(
                wm.EvaluationScheme(
                    county=county,
                    year=y + 1,
                    title=f"{county.name}{y + 1}年普通高中办学质量评价方案",
                    target=wm.EvaluationTarget.SCHOOLS,
                    issued_on=dt.date(y + 1, 3, 1),
                )
            )
        self.bulk(schemes)
        for y, scheme in zip(self.years, schemes, strict=True):
            for name, category, weight in ADMISSION_CRITERIA if heavy and y == latest else CLEAN_CRITERIA:
                criteria.append(
                    wm.EvaluationCriterion(
                        scheme=scheme, name=name, category=category, weight=Decimal(weight)
                    )
                )
        self.bulk(criteria)

        # The yearly ethics assessment of high-school teachers; a few awards; negative-list
        # entries only where planted (an award during a bar; a serious case with no incident).
        hs_pks = {i["pk"] for i in self.hs}
        hs_teachers = [
            s for s in staff if s[1] in hs_pks and s[3] == StaffRole.TEACHER and s[4] <= ref and s[5] is None
        ]
        results = ("excellent",) * 20 + ("qualified",) * 78 + ("basic",) * 2
        assessed = dt.date(ref.year - 1, 12, 20)
        ethics = [
            (s[0], ref.year - 1, results[int(rng.integers(len(results)))], assessed, "")
            for s in hs_teachers
            if s[4] <= assessed
        ]
        if ethics:
            TableWriter(wm.EthicsAssessment, ("staff", "year", "result", "assessed_on", "note")).write(ethics)
            self.counts["EthicsAssessment"] += len(ethics)
        barred = self.pick("staff_award_during_ethics_bar", rng, hs_teachers, last)
        barred_pks = {s[0] for s in barred}
        serious = self.pick(
            "staff_serious_ethics_unrecorded", rng, [s for s in hs_teachers if s[0] not in barred_pks], last
        )
        entries, events = [], []
        for s in barred:
            man.add("staff_award_during_ethics_bar", f"{codes[s[1]]}/{s[2]}", codes[s[1]])
            decided = ref - _days(int(rng.integers(300, 500)))
            entries.append(
                wm.NegativeListEntry(
                    staff_id=s[0],
                    category=wm.NegativeCategory.PAID_TUTORING,
                    occurred_on=decided - _days(20),
                    decided_on=decided,
                    consequence=wm.Consequence.NO_PROMOTION,
                    ban_years=2,
                    description="假期组织有偿补课,退还费用并取消评优资格。",
                )
            )
            events.append(
                wm.CareerEvent(
                    staff_id=s[0],
                    kind=wm.CareerEventKind.AWARD,
                    title="县级优秀教师",
                    granted_on=ref - _days(int(rng.integers(30, 200))),
                    granted_by=f"{county.name}教育体育局",
                )
            )
        for s in serious:
            man.add("staff_serious_ethics_unrecorded", f"{codes[s[1]]}/{s[2]}", codes[s[1]])
            occurred = ref - _days(int(rng.integers(40, 200)))
            entries.append(
                wm.NegativeListEntry(
                    staff_id=s[0],
                    category=wm.NegativeCategory.CORPORAL,
                    occurred_on=occurred,
                    decided_on=occurred + _days(15),
                    consequence=wm.Consequence.DEMOTION,
                    ban_years=2,
                    serious=True,
                    description="体罚学生致伤,降低岗位等级。",
                )
            )
        honoured = [s for s in hs_teachers if s[0] not in barred_pks and rng.random() < 0.02]
        for s in honoured:
            events.append(
                wm.CareerEvent(
                    staff_id=s[0],
                    kind=wm.CareerEventKind.AWARD,
                    title="市级优秀班主任",
                    granted_on=ref - _days(int(rng.integers(10, 300))),
                    granted_by="市教育体育局",
                )
            )
        self.bulk(entries)
        self.bulk(events)

        # Publicity items of the latest school year; the planted schools hype results.
        hype = {i["code"] for i in self.pick("hs_publicity_hype", rng, self.hs, last)}
        start, span = dt.date(latest, 9, 1), (ref - dt.date(latest, 9, 1)).days
        items = []
        for i in self.hs:
            picked = rng.choice(len(PUBLICITY), size=int(rng.integers(2, 5)), replace=False)
            chosen = [PUBLICITY[int(j)] for j in np.sort(picked)]
            if i["code"] in hype:
                man.add("hs_publicity_hype", i["code"])
                chosen.append(HYPE[int(rng.integers(len(HYPE)))])
            for channel, title, text in chosen:
                items.append(
                    wm.PublicityItem(
                        institution_id=i["pk"],
                        published_on=start + _days(int(rng.integers(0, span + 1))),
                        channel=channel,
                        title=title,
                        text=text,
                    )
                )
        self.bulk(items)


# -- filling a database that already holds a registry ---------------------------------------------


class RegistersExist(ValueError):
    """The part's registers already hold rows (the demo fills them itself)."""


def _part_models(part: str) -> list[Any]:
    if part == PROGRAMMES:
        from eduplan.programmes import models as pm

        return [
            pm.StandardisationProject,
            pm.Designation,
            pm.DemonstrationArea,
            pm.SchoolGroupActivity,
            pm.SchoolGroupMember,
            pm.SchoolGroup,
            pm.QualityEvaluation,
            pm.TrusteeshipSupport,
            pm.ResidentialProject,
            pm.SubsidyStandard,
            pm.SubsidyDisbursement,
            pm.VolunteerDuty,
            pm.ParentCommittee,
            pm.CountyCertification,
            pm.CountyEducationSpending,
            pm.TeachingPointStandard,
        ]
    from eduplan.workforce import models as wm

    return [
        wm.TrainingRecord,
        wm.PerformancePay,
        wm.EvaluationCriterion,
        wm.EvaluationScheme,
        wm.EthicsAssessment,
        wm.NegativeListEntry,
        wm.CareerEvent,
        wm.PublicityItem,
    ]


def fill_existing(
    seed: int = 1, *, parts: Iterable[str] = PARTS, reference: dt.date = REFERENCE_DATE
) -> dict[str, int]:
    """Fill ``parts`` for every county of the database (``eduplan programmes demo``, ``eduplan
    workforce demo``): the same rows ``eduplan demo`` writes, for a registry that has none yet.
    Refuses when the registers already hold rows; returns row counts by model."""
    parts = tuple(parts)
    for part in parts:
        filled = [m.__name__ for m in _part_models(part) if m._default_manager.exists()]
        if filled:
            raise RegistersExist(
                f"登记册已有数据({', '.join(filled)}),eduplan demo 已自动填充 / the registers already hold "
                f"rows ({', '.join(filled)}): `eduplan demo` fills them itself"
            )
    years = sorted(
        y
        for y in SchoolClass.objects.order_by("school_year").values_list("school_year", flat=True).distinct()
        if dt.date(y, 9, 1) <= reference
    )
    if not years:
        raise ValueError(
            "数据库中没有班级数据,请先运行 eduplan demo / no classes in the database: run `eduplan demo` first"
        )
    counties = list(
        Division.objects.counties()
        .filter(county_institutions__isnull=False)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    rates = DEFAULT_SETTINGS.rates
    manifest = Manifest()
    quotas: dict[str, Quota] = {}

    def quota(kind: str) -> Quota:
        return quotas.setdefault(kind, Quota(getattr(rates, kind)))

    flags: dict[str, set[str]] = {}
    choose_county_kinds(seed, counties, rates, manifest, flags)
    filler = RegisterFiller(
        seed, manifest, quota, school_years=years, county_flags=flags, reference=reference, parts=parts
    )
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        for n, code in enumerate(counties):
            for model, k in filler.fill_county(
                Division.objects.get(code=code), last=n == len(counties) - 1
            ).items():
                counts[model] += k
    return dict(counts)
