"""The duty registers of the demo (``eduplan.duties``): party coverage, public-institution
registrations, research guidance, non-profit accounts, teachers' pay and the county outflow counts
per county; "three classrooms" pairings and trusteeship fees per city, once its trusteeships exist.
Mostly clean, with the imperfections of ``planting.KINDS`` below planted at the rates of
``calibration.Rates`` and listed in the manifest.

``eduplan demo`` calls :meth:`DutyFiller.fill_county` right after each county's programme registers
(inside its transaction) and :meth:`DutyFiller.fill_city` after each city's trusteeships. Rows are
written with ``bulk_create`` (no ``full_clean``, no history rows, like the rest of the demo); every
draw comes from ``numpy.random.default_rng([seed, code, 11])``, so the registry's own draws do not move.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Model, Q

from eduplan.registry.choices import InstitutionKind, LicenceStatus, Ownership, PairingKind
from eduplan.registry.models import Division, Institution, Pairing

from .calibration import REFERENCE_DATE
from .planting import Manifest, Quota

#: The kinds this module plants (docs: demo/kinds.py).
KINDS = (
    "kg_no_party_organisation",
    "kg_central_not_registered",
    "kg_no_guidance",
    "kg_village_not_integrated",
    "kg_surplus_distributed",
    "kg_fee_account_unfiled",
    "kg_pay_below_public",
    "county_outflow_rising",
    "hs_no_three_classrooms",
    "hs_trusteeship_brand_fee",
)
GUIDANCE_TOPICS = (
    "游戏活动观察与指导",
    "一日生活组织",
    "区域活动环境创设",
    "幼小衔接科学准备",
    "保育工作规范",
)
BANKS = ("农业银行", "建设银行", "工商银行", "农村信用社", "邮政储蓄银行")


def _day(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=int(rng.integers(0, max(1, (hi - lo).days + 1))))


class DutyFiller:
    """Fills the duty registers one county (and one city) at a time."""

    def __init__(
        self,
        seed: int,
        manifest: Manifest,
        quota: Callable[[str], Quota],
        *,
        school_years: Iterable[int],
        reference: dt.date = REFERENCE_DATE,
    ) -> None:
        self.seed = seed
        self.manifest = manifest
        self.quota = quota
        self.latest = max(school_years)
        self.reference = reference
        self.counts: dict[str, int] = defaultdict(int)

    def pick(self, kind: str, rng: np.random.Generator, candidates: list[Any], last: bool) -> set[str]:
        return {c["code"] for c in self.quota(kind).pick(rng, candidates, last=last)}

    def bulk(self, objs: list[Any]) -> None:
        if objs:
            type(objs[0])._default_manager.bulk_create(objs, batch_size=2000)
            self.counts[type(objs[0]).__name__] += len(objs)

    def _open(self, **filters: Any) -> list[dict[str, Any]]:
        ref = self.reference
        qs = (
            Institution.objects.filter(**filters)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ref))
            .filter(Q(established_on__isnull=True) | Q(established_on__lte=ref))
            .order_by("code")
            .values("pk", "code", "name", "kind", "ownership", "is_central", "central_id", "licence_status")
        )
        return [dict(row) for row in qs]

    # -- one county ------------------------------------------------------------------------------------

    def fill_county(self, county: Division, *, last: bool) -> dict[str, int]:
        from eduplan.duties import models as dm

        self.counts = defaultdict(int)
        rng = np.random.default_rng([self.seed, int(county.code), 11])
        man, ref, year = self.manifest, self.reference, self.latest
        kgs = [
            k
            for k in self._open(county=county, kind=InstitutionKind.KINDERGARTEN)
            if k["licence_status"] != LicenceStatus.UNLICENSED
        ]

        # Party organisation: every kindergarten covered (own or joint branch) but the planted ones.
        uncovered = self.pick("kg_no_party_organisation", rng, kgs, last)
        rows: list[Model] = []
        for k in kgs:
            if k["code"] in uncovered:
                man.add("kg_no_party_organisation", k["code"])
                continue
            own = k["ownership"] == Ownership.PUBLIC and rng.random() < 0.6
            rows.append(
                dm.PartyCoverage(
                    institution_id=k["pk"],
                    form=dm.PartyForm.OWN if own else dm.PartyForm.JOINT,
                    organisation=f"{k['name']}党支部" if own else f"{county.name}幼儿园联合党支部",
                    established_on=_day(rng, dt.date(2019, 7, 1), dt.date(2023, 7, 1)),
                    document=f"{county.name}教育党委〔{2019 + int(rng.integers(0, 5))}〕{int(rng.integers(1, 60))}号",
                )
            )
        self.bulk(rows)

        # Township central kindergartens registered as public institutions; planted: none, or lapsed.
        centrals = [k for k in kgs if k["is_central"] and k["ownership"] == Ownership.PUBLIC]
        unregistered = self.pick("kg_central_not_registered", rng, centrals, last)
        rows = []
        for n, k in enumerate(centrals):
            registered = _day(rng, dt.date(2016, 1, 1), dt.date(2022, 12, 31))
            until: dt.date | None = registered + dt.timedelta(days=365 * 10)
            if k["code"] in unregistered:
                man.add("kg_central_not_registered", k["code"])
                if n % 2:
                    continue  # never registered
                until = ref - dt.timedelta(days=int(rng.integers(30, 400)))  # lapsed
            rows.append(
                dm.PublicRegistration(
                    institution_id=k["pk"],
                    credit_code=f"12{county.code}MB{int(rng.integers(0, 10**7)):07d}{'0123456789X'[n % 11]}",
                    registered_on=registered,
                    valid_until=until,
                )
            )
        self.bulk(rows)

        # Research guidance: a visit or two in the last year, by the county unit or the central one.
        unguided = self.pick("kg_no_guidance", rng, kgs, last)
        rows = []
        for k in kgs:
            if k["code"] in unguided:
                man.add("kg_no_guidance", k["code"])
                # An old visit only: outside the year the rule looks at.
                rows.append(
                    dm.GuidanceVisit(
                        institution_id=k["pk"],
                        on=ref - dt.timedelta(days=int(rng.integers(500, 700))),
                        guide_kind=dm.GuideKind.COUNTY_UNIT,
                        topic=GUIDANCE_TOPICS[int(rng.integers(len(GUIDANCE_TOPICS)))],
                    )
                )
                continue
            by_central = k["central_id"] is not None and rng.random() < 0.5
            rows.append(
                dm.GuidanceVisit(
                    institution_id=k["pk"],
                    on=_day(rng, dt.date(year, 10, 8), ref - dt.timedelta(days=7)),
                    guide_kind=dm.GuideKind.KINDERGARTEN if by_central else dm.GuideKind.COUNTY_UNIT,
                    guide_id=k["central_id"] if by_central else None,
                    topic=GUIDANCE_TOPICS[int(rng.integers(len(GUIDANCE_TOPICS)))],
                )
            )
        self.bulk(rows)

        # Integrated management: village kindergartens name their central one; planted: the link cleared.
        villages = [
            k for k in kgs if k["ownership"] == Ownership.PUBLIC and not k["is_central"] and k["central_id"]
        ]
        detached = self.pick("kg_village_not_integrated", rng, villages, last)
        for code in sorted(detached):
            man.add("kg_village_not_integrated", code)
        if detached:
            Institution.objects.filter(code__in=detached).update(central=None)

        # Non-profit private kindergartens: audited accounts with the filed fee account.
        nonprofit = [k for k in kgs if k["ownership"] == Ownership.PRIVATE_NONPROFIT]
        distributed = self.pick("kg_surplus_distributed", rng, nonprofit, last)
        unfiled = self.pick(
            "kg_fee_account_unfiled", rng, [k for k in nonprofit if k["code"] not in distributed], last
        )
        rows = []
        for n, k in enumerate(nonprofit):
            surplus = Decimal(int(rng.integers(-20, 200)) * 1000)
            filed: dt.date | None = dt.date(year, 8, int(rng.integers(1, 29)))
            if k["code"] in unfiled:
                man.add("kg_fee_account_unfiled", k["code"])
                if n % 2:
                    continue  # no accounts at all
                filed = None
            paid_out = Decimal("0")
            if k["code"] in distributed:
                man.add("kg_surplus_distributed", k["code"])
                surplus = max(surplus, Decimal(60000))
                paid_out = (surplus * Decimal("0.4")).quantize(Decimal("1"))
            rows.append(
                dm.NonProfitAccounts(
                    institution_id=k["pk"],
                    school_year=year,
                    audited_on=ref - dt.timedelta(days=int(rng.integers(10, 60))),
                    audit_report=f"{county.name}审字〔{year + 1}〕{n + 1}号",
                    surplus=surplus,
                    distributed=paid_out,
                    fee_account_bank=f"{BANKS[int(rng.integers(len(BANKS)))]}{county.name}支行",
                    fee_account_last4=f"{int(rng.integers(0, 10000)):04d}",
                    fee_account_filed_on=filed,
                )
            )
        self.bulk(rows)

        # Teachers' pay: public kindergartens 4800–5200 a month; private ones at least 80% of that
        # but the planted ones, well under 75%.
        private = [k for k in kgs if k["ownership"] != Ownership.PUBLIC]
        underpaid = self.pick("kg_pay_below_public", rng, private, last)
        rows = []
        for k in kgs:
            if k["ownership"] == Ownership.PUBLIC:
                pay = int(rng.integers(4800, 5201))
            elif k["code"] in underpaid:
                man.add("kg_pay_below_public", k["code"])
                pay = int(rng.integers(2500, 3401))
            else:
                pay = int(rng.integers(4200, 5001))
            rows.append(
                dm.TeacherPay(
                    institution_id=k["pk"],
                    school_year=year,
                    teachers=int(rng.integers(3, 20)),
                    average_monthly=Decimal(pay),
                )
            )
        self.bulk(rows)

        # Outflow counts for the last two years: falling, but in the planted counties.
        if Institution.objects.filter(county=county, kind=InstitutionKind.HIGH_SCHOOL).exists():
            rising = self.pick("county_outflow_rising", rng, [{"code": county.code}], last)
            top, teachers = int(rng.integers(60, 300)), int(rng.integers(80, 600))
            out_before, moved_before = (
                int(top * rng.uniform(0.1, 0.3)),
                max(2, int(teachers * rng.uniform(0.01, 0.04))),
            )
            out_now, moved_now = max(0, out_before - int(rng.integers(1, 6))), max(0, moved_before - 1)
            if rising:
                man.add("county_outflow_rising", county.code)
                out_now = min(top, out_before + int(rng.integers(3, 12)))
            self.bulk(
                [
                    dm.TalentOutflow(
                        county=county,
                        year=year - 1,
                        top_candidates=top,
                        top_admitted_outside=out_before,
                        hs_teachers=teachers,
                        teachers_to_city=moved_before,
                    ),
                    dm.TalentOutflow(
                        county=county,
                        year=year,
                        top_candidates=top,
                        top_admitted_outside=out_now,
                        hs_teachers=teachers,
                        teachers_to_city=moved_now,
                    ),
                ]
            )
        return dict(self.counts)

    # -- one city, after its trusteeships -------------------------------------------------------------

    def fill_city(self, city: Division, *, last: bool) -> dict[str, int]:
        """Three-classrooms pairings for each county high school of the city (provided by the city's
        first-level schools that are not county schools, else by its other non-county schools, else by
        any other of its high schools), and
        the fees paid under each trusteeship."""
        from eduplan.duties import models as dm

        self.counts = defaultdict(int)
        rng = np.random.default_rng([self.seed, int(city.code), 11])
        man, year = self.manifest, self.latest
        schools = list(
            Institution.objects.filter(county__city=city, kind=InstitutionKind.HIGH_SCHOOL)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=self.reference))
            .filter(Q(established_on__isnull=True) | Q(established_on__lte=self.reference))
            .order_by("code")
            .values("pk", "code", "is_county_high_school", "rating")
        )
        county_hs = [s for s in schools if s["is_county_high_school"]]
        providers = [
            s for s in schools if not s["is_county_high_school"] and str(s["rating"]).startswith("p1")
        ]
        providers = providers or [s for s in schools if not s["is_county_high_school"]] or schools
        # A county school with no other school of its city to pair with is not judged by the demo.
        pairable = [s for s in county_hs if any(p["pk"] != s["pk"] for p in providers)]
        unpaired = self.pick("hs_no_three_classrooms", rng, pairable, last)
        rows: list[Model] = []
        for n, s in enumerate(pairable):
            choices = [p for p in providers if p["pk"] != s["pk"]]
            if s["code"] in unpaired:
                man.add("hs_no_three_classrooms", s["code"])
                if n % 2:
                    continue  # no pairing at all; else one on paper, without sessions
            provider = choices[n % len(choices)]
            rows.append(
                dm.ClassroomPairing(
                    provider_id=provider["pk"],
                    receiver_id=s["pk"],
                    mode=(dm.ClassroomMode.DELIVERY, dm.ClassroomMode.TEACHER, dm.ClassroomMode.SCHOOL)[
                        n % 3
                    ],
                    school_year=year,
                    sessions=0 if s["code"] in unpaired else int(rng.integers(20, 80)),
                )
            )
        self.bulk(rows)

        trusteeships = list(
            Pairing.objects.filter(kind=PairingKind.HS_TRUSTEESHIP, supported__county__city=city)
            .select_related("supporter", "supported")
            .order_by("supported__code")
        )
        branded = {
            p["code"]
            for p in self.quota("hs_trusteeship_brand_fee").pick(
                rng, [{"code": t.supported.code, "t": t} for t in trusteeships], last=last
            )
        }
        start = dt.date(year, 9, 1)
        rows = []
        for t in trusteeships:
            payee = t.supporter.name if t.supporter else t.supporter_name
            paid = max(start, t.start_date) + dt.timedelta(days=int(rng.integers(10, 90)))
            rows.append(
                dm.TrusteeshipFee(
                    institution_id=t.supported_id,
                    payee=payee,
                    paid_on=paid,
                    amount=Decimal(int(rng.integers(5, 40)) * 1000),
                    purpose=dm.FeePurpose.TRAINING,
                    voucher=f"记-{year}-{int(rng.integers(100, 999))}",
                )
            )
            if t.supported.code in branded:
                man.add("hs_trusteeship_brand_fee", t.supported.code)
                rows.append(
                    dm.TrusteeshipFee(
                        institution_id=t.supported_id,
                        payee=payee,
                        paid_on=paid + dt.timedelta(days=30),
                        amount=Decimal(int(rng.integers(10, 50)) * 10000),
                        purpose=dm.FeePurpose.BRAND,
                        description="品牌使用费",
                        voucher=f"记-{year}-B{int(rng.integers(100, 999))}",
                    )
                )
        self.bulk(rows)
        return dict(self.counts)
