"""The demo generator: a seeded, reproducible synthetic city (or province, or nation) on real
divisions, with imperfections planted at known rates so that every rule and indicator of the plan
has something to find (``eduplan demo``).

All numbers — the calibration to STANDARDS.md's scale references and the planting rates — are in
:mod:`eduplan.demo.calibration` (``DemoSettings``); what is planted and where is returned as a
manifest (:mod:`eduplan.demo.planting`) and kept in the :class:`~eduplan.demo.models.DemoRun` row.

Reproducibility: every random draw comes from ``numpy.random.default_rng`` seeded by the seed and a
fixed key (a county's code), dates derive from ``calibration.REFERENCE_DATE``, and rows are written
in code order, so the same (scale, seed) gives the same rows on any machine (a fresh SQLite file is
byte-for-byte the same in every registry, demo and account table). The demo writes no history
rows (they would carry the clock); the registry's history starts with the first real edit.

Scale: counties are generated one at a time inside their own transaction with ``bulk_create``
batches; only the manifest (entity codes) and the city's high schools (for the trusteeship pass)
outlive a county, so memory stays bounded for the 2,860 counties of the nation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from eduplan.registry.choices import DivisionLevel, DivisionType, InstitutionKind, PairingKind, Role
from eduplan.registry.models import DataVersion, Division, Institution, Pairing, bump_version

from . import duties, gazetteer, geo, hazards, registers, timeline
from .calibration import DEFAULT_SETTINGS, GENERATOR_VERSION, REFERENCE_DATE, SCALES, DemoSettings, ScaleSpec
from .county import TRUSTEESHIP_COMPONENTS, CountyBuilder
from .gazetteer import County
from .planting import KINDS, Manifest, Quota
from .thresholds import Thresholds, check

#: The demo logins (one per role), all with this password (shown on screen: it is a demo).
DEMO_PASSWORD = "eduplan-demo"
DEMO_CITY = "530400"
DEMO_COUNTY = "530402"
DEMO_USERNAMES = ("admin", "city", "county", "supervisor", "principal", "viewer")
#: How many kindergartens the demo supervisor is assigned to.
SUPERVISED_KINDERGARTENS = 5
#: Trusteeship agreements start on or after this day.
TRUSTEESHIP_FROM = dt.date(2023, 3, 1)
#: Kinds decided per county before the counties are generated.
COUNTY_KINDS = (
    "county_no_preschool_researcher",
    "county_below_enrollment_target",
    "county_below_inclusive_target",
    "county_below_public_share_target",
    "county_no_first_level_hs",
    "hs_new_build_over_3000",
)


class DemoError(ValueError):
    """A problem the user can fix (unknown scale, a database holding other data)."""


@dataclass
class DemoResult:
    scale: str
    seed: int
    manifest: dict[str, Any]
    counts: dict[str, int]
    logins: list[dict[str, str]]


class Generator:
    def __init__(self, scale: str, seed: int, settings: DemoSettings = DEFAULT_SETTINGS) -> None:
        if scale not in SCALES:
            raise DemoError(f"未知规模 unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
        self.scale = scale
        self.seed = int(seed)
        self.spec: ScaleSpec = SCALES[scale]
        self.settings = settings
        self.th = Thresholds.from_standards()
        problems = check(self.th, settings.calibration)
        if problems:
            raise DemoError(
                "演示数据的校准与标准文件矛盾 / the demo calibration contradicts plan/standards.toml: "
                + "; ".join(problems)
            )
        self.manifest = Manifest()
        self.quotas: dict[str, Quota] = {}
        self.city_high_schools: dict[str, list[tuple[str, Institution, bool, bool]]] = {}
        self.county_flags: dict[str, set[str]] = {}
        self._cities: dict[str, Division] = {}
        self.county_seats: dict[str, tuple[float, float]] = {}
        self.registers = registers.RegisterFiller(
            self.seed,
            self.manifest,
            self.quota,
            school_years=self.spec.school_years,
            county_flags=self.county_flags,
        )
        self.duties = duties.DutyFiller(
            self.seed, self.manifest, self.quota, school_years=self.spec.school_years
        )
        self.register_counts: dict[str, int] = {}
        self._provinces: dict[str, Division] = {}

    def quota(self, kind: str) -> Quota:
        if kind not in self.quotas:
            self.quotas[kind] = Quota(getattr(self.settings.rates, kind))
            self.manifest.quotas[kind] = self.quotas[kind]
        return self.quotas[kind]

    # -- before the counties -------------------------------------------------------------------------

    def county_populations(self, counties: list[County]) -> dict[str, int]:
        """Residents per county: Yuxi's from the calibration table, scaled to the city total; the
        others lognormal around the province or nation mean (drawn once, in code order)."""
        cal = self.settings.calibration
        yuxi = cal.city_county_population
        scale = cal.city_population / sum(yuxi.values())
        rng = np.random.default_rng([self.seed, 0])
        out = {}
        for county in counties:
            draw = rng.lognormal(-(cal.county_population_sigma**2) / 2, cal.county_population_sigma)
            if county.code in yuxi:
                out[county.code] = round(yuxi[county.code] * scale)
            else:
                mean = (
                    cal.province_mean_county_population
                    if county.province_code == cal.home_province
                    else cal.nation_mean_county_population
                )
                out[county.code] = max(cal.min_county_population, round(mean * draw))
        return out

    def birth_rate(self, county: County) -> float:
        cal = self.settings.calibration
        if county.code in cal.city_county_population:
            return cal.city_birth_rate_2020
        home = county.province_code == cal.home_province
        return cal.province_birth_rate_2020 if home else cal.nation_birth_rate_2020

    def choose_county_kinds(self, counties: list[County], population: dict[str, int]) -> None:
        """County-level imperfections: exactly round(rate × eligible) counties each (at least one)."""
        rng = np.random.default_rng([self.seed, 1])
        cal = self.settings.calibration
        for kind in COUNTY_KINDS:
            if kind == "hs_new_build_over_3000":
                eligible = [
                    c
                    for c in counties
                    if population[c.code] * self.spec.population_factor
                    >= cal.hs_oversize_min_county_population
                ]
            else:
                eligible = counties
            rate = getattr(self.settings.rates, kind)
            k = min(len(eligible), max(1, int(np.floor(rate * len(eligible) + 0.5)))) if eligible else 0
            chosen = sorted(int(i) for i in rng.choice(len(eligible), size=k, replace=False)) if k else []
            for i in chosen:
                self.county_flags.setdefault(eligible[i].code, set()).add(kind)
                if kind != "hs_new_build_over_3000":  # the school's code is added when it exists
                    self.manifest.add(kind, eligible[i].code)
            quota = Quota(rate)
            quota.eligible, quota.planted = len(eligible), k
            self.manifest.quotas[kind] = quota

    def write_upper_divisions(self, counties: list[County]) -> None:
        for county in counties:
            if county.province_code not in self._provinces:
                centre = geo.province_centre(county.province_code)
                province = Division(
                    code=gazetteer.province_division_code(county.province_code),
                    name=gazetteer.provinces()[county.province_code],
                    level=DivisionLevel.PROVINCE,
                    type=DivisionType.PROVINCE,
                    latitude=centre[0] if centre else None,
                    longitude=centre[1] if centre else None,
                )
                province.skip_history_when_saving = True  # type: ignore[attr-defined]
                province.save()
                self._provinces[county.province_code] = province
            if county.city_code not in self._cities:
                name = gazetteer.cities()[county.city_code][0]
                lat, lon = geo.city_centre(county.city_code, county.province_code)
                city = Division(
                    code=gazetteer.city_division_code(county.city_code),
                    name=name,
                    level=DivisionLevel.CITY,
                    type=DivisionType.CITY,
                    parent=self._provinces[county.province_code],
                    latitude=lat,
                    longitude=lon,
                )
                city.skip_history_when_saving = True  # type: ignore[attr-defined]
                city.save()  # a city is its own city
                self._cities[county.city_code] = city

    def city_division(self, county: County) -> Division:
        return self._cities[county.city_code]

    # -- the run -----------------------------------------------------------------------------------------

    def run(self, *, progress: bool = False, users: bool = True) -> DemoResult:
        from .models import DemoRun

        counties = gazetteer.counties(self.spec.area_prefix)
        population = self.county_populations(counties)
        self.choose_county_kinds(counties, population)
        registers.choose_county_kinds(
            self.seed, [c.code for c in counties], self.settings.rates, self.manifest, self.county_flags
        )
        self.county_seats = geo.place_counties(counties)
        for kind in KINDS:
            if kind not in COUNTY_KINDS and kind not in registers.COUNTY_KINDS:
                self.quota(kind)
        self.quota("renamed_kindergartens")
        with transaction.atomic():
            self.write_upper_divisions(counties)
        bar = _progress(counties, enabled=progress, label=f"demo {self.scale}")
        written = 0
        for i, county in enumerate(bar):
            counts = CountyBuilder(self, county, population[county.code], last=i == len(counties) - 1).build()
            written += sum(counts.values())
            if progress:
                bar.set_postfix(rows=f"{written:,}", refresh=False)  # type: ignore[union-attr]
            next_city = counties[i + 1].city_code if i + 1 < len(counties) else None
            if next_city != county.city_code:
                self.trusteeship(county.city_code, last=next_city is None)
                with transaction.atomic():
                    self.count_registers(
                        self.duties.fill_city(self.city_division(county), last=next_city is None)
                    )
                with transaction.atomic():
                    self.count_registers(
                        {
                            "RectificationOrder": hazards.plant_city(
                                self.seed,
                                self.city_division(county),
                                self.manifest,
                                self.quota,
                                last=next_city is None,
                            )
                        }
                    )
        timeline.plant(self.seed, self.spec.school_years)  # the registry's past (attribute rows)
        self.plant_tasks()
        logins = create_demo_users(self.seed, self.manifest) if users else []
        if users:
            from .targets import adopt_demo_targets

            adopt_demo_targets(DEMO_CITY)
        from eduplan.registry.queries import registry_counts

        with transaction.atomic():
            # A bulk write like an import: derived results cached under the data version go stale.
            bump_version()
            # Both counters (the logins' profiles move the work counter): no wall clock.
            DataVersion.objects.update(changed_at=reference_moment())
        counts = {**registry_counts(), **dict(sorted(self.register_counts.items()))}
        manifest = self.manifest.as_json(
            header={
                "generator_version": GENERATOR_VERSION,
                "scale": self.scale,
                "seed": self.seed,
                "reference_date": REFERENCE_DATE.isoformat(),
                "school_years": list(self.spec.school_years),
                "latest_school_year": self.spec.school_years[-1],
            }
        )
        DemoRun.objects.create(
            generator_version=GENERATOR_VERSION,
            scale=self.scale,
            seed=self.seed,
            manifest=manifest,
            counts=counts,
        )
        # A regenerated demo restarts the version count in a new file: drop what was cached for
        # the database this replaces, whatever its version.
        cache.clear()
        return DemoResult(self.scale, self.seed, manifest, counts, logins)

    def plant_tasks(self) -> None:
        """The plan's tasks assigned to the plan city's counties with progress (``demo.tasks``, as
        ``eduplan tasks demo`` does), a quota of them with no responsible person named
        (``county_task_no_responsible``). Skipped when the demo area does not hold the plan's city."""
        from eduplan.plans.loader import load_plan

        from .tasks import demo_tasks

        if not Division.objects.filter(code=load_plan().city).exists():
            return
        rng = np.random.default_rng([self.seed, 17])
        kind = "county_task_no_responsible"

        def unnamed(tasks: list[Any]) -> list[Any]:
            picked = self.quota(kind).pick(rng, tasks, last=True)
            for task in picked:
                self.manifest.add(kind, f"{task.county.code}/{task.plan_task.code}")
            return picked

        counts = demo_tasks(REFERENCE_DATE, unnamed=unnamed)
        self.count_registers({"CountyTask": counts["assigned"]})

    def count_registers(self, counts: dict[str, int]) -> None:
        for model, n in counts.items():
            self.register_counts[model] = self.register_counts.get(model, 0) + n

    def trusteeship(self, city_code: str, *, last: bool) -> None:
        """Each county high school (县中) is taken in trusteeship by a first-level high
        school of its city that is not a county high school, or by one from outside (by name)."""
        schools = sorted(self.city_high_schools.pop(city_code, []), key=lambda s: s[0])
        county_hs = [s for s in schools if s[2]]
        supporters = [s for s in schools if s[3] and not s[2]]
        rng = np.random.default_rng([self.seed, int(city_code), 2])
        missing = {s[0] for s in self.quota("hs_county_no_trustee").pick(rng, county_hs, last=last)}
        outside = f"{gazetteer.provinces()[city_code[:2]]}省级示范高中(区外)"
        rows = []
        for n, (code, obj, _, _) in enumerate(county_hs):
            if code in missing:
                self.manifest.add("hs_county_no_trustee", code)
                continue
            supporter = supporters[n % len(supporters)][1] if supporters else None
            rows.append(
                Pairing(
                    kind=PairingKind.HS_TRUSTEESHIP,
                    supporter=supporter,
                    supporter_name="" if supporter else outside,
                    supported=obj,
                    start_date=TRUSTEESHIP_FROM + dt.timedelta(days=int(rng.integers(0, 300))),
                    agreement_signed=True,
                    components=list(TRUSTEESHIP_COMPONENTS),
                )
            )
        Pairing.objects.bulk_create(rows)
        self.trusteeship_channels(rows, rng, last=last)

    def trusteeship_channels(self, pairings: list[Pairing], rng: np.random.Generator, *, last: bool) -> None:
        """Each trusteeship runs through one of the five channels (五个一) with its agreement, but
        the planted ones (``hs_trusteeship_no_channel``); see registers for a registry filled later."""
        from eduplan.programmes.models import TrusteeshipChannel, TrusteeshipSupport

        planted = {
            p.supported.code for p in self.quota("hs_trusteeship_no_channel").pick(rng, pairings, last=last)
        }
        channels = [c for c, _ in TrusteeshipChannel.choices]
        supports = []
        for p in pairings:
            if p.supported.code in planted:
                self.manifest.add("hs_trusteeship_no_channel", p.supported.code)
                continue
            supports.append(
                TrusteeshipSupport(
                    institution=p.supported,
                    channel=channels[int(rng.integers(len(channels)))],
                    supporter=p.supporter.name if p.supporter else p.supporter_name,
                    started_on=p.start_date,
                    evidence="托管帮扶协议及实施方案(演示)",
                )
            )
        TrusteeshipSupport.objects.bulk_create(supports)
        self.register_counts["TrusteeshipSupport"] = self.register_counts.get("TrusteeshipSupport", 0) + len(
            supports
        )


def reference_moment() -> dt.datetime:
    """The demo's "now" for timestamps (user joined, data version): from REFERENCE_DATE."""
    return timezone.make_aware(dt.datetime.combine(REFERENCE_DATE, dt.time(9, 0)))


def _progress(items: list[County], *, enabled: bool, label: str):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="county", file=sys.stderr, dynamic_ncols=True)


def _fixed_password(seed: int) -> str:
    """The demo password hashed with a salt derived from the seed, so that two runs with the same
    seed write the same rows; one hash for every demo login, since the password is the same and
    public anyway (it is printed on screen) and each hash costs a good fraction of a second."""
    salt = hashlib.sha256(f"eduplan-demo:{seed}".encode()).hexdigest()[:22]
    return make_password(DEMO_PASSWORD, salt=salt)


def create_demo_users(seed: int, manifest: Manifest) -> list[dict[str, str]]:
    """One login per role (accounts.actions.create_user_with_role) plus a superuser ``admin``.

    The principal's kindergarten and some of the supervisor's have planted problems, so that
    both logins have something to do."""
    from eduplan.accounts.actions import create_user_with_role

    User = get_user_model()
    joined = reference_moment()
    city = Division.objects.get(code=DEMO_CITY)
    county = Division.objects.get(code=DEMO_COUNTY)
    kgs = list(Institution.objects.filter(county=county, kind=InstitutionKind.KINDERGARTEN).order_by("code"))
    flagged = {
        code
        for key, kind in KINDS.items()
        for code in (manifest.codes[key] if kind.entity == "institution" else manifest.institutions[key])
    }
    with_problems = [k for k in kgs if k.code in flagged]
    ordered = with_problems + [k for k in kgs if k.code not in flagged]
    principal_kg = ordered[0]
    supervised = sorted(
        with_problems[1:3] + [k for k in kgs if k.code not in flagged][: SUPERVISED_KINDERGARTENS - 2],
        key=lambda k: k.code,
    )[:SUPERVISED_KINDERGARTENS]
    with transaction.atomic():
        admin = User.objects.create_superuser(username="admin", email="", password=None)
        specs = [
            ("city", Role.CITY_OFFICER, {"division": city}, f"{city.name} {city.code}"),
            ("county", Role.COUNTY_OFFICER, {"division": county}, f"{county.name} {county.code}"),
            (
                "supervisor",
                Role.SUPERVISOR,
                {"supervised": supervised},
                "、".join(k.name for k in supervised),
            ),
            ("principal", Role.PRINCIPAL, {"institution": principal_kg}, principal_kg.name),
            ("viewer", Role.VIEWER, {"division": city}, f"{city.name} {city.code}"),
        ]
        users = [admin]
        for username, role, binding, _ in specs:
            profile = create_user_with_role(
                username,
                None,  # type: ignore[arg-type]  # hashed below with a reproducible salt
                role,
                full_name=f"演示{Role(role).label.split()[0]}",
                **binding,
            )
            users.append(profile.user)
        password = _fixed_password(seed)
        for user in users:
            user.password = password
            user.date_joined = joined
            user.save(update_fields=["password", "date_joined"])
    logins = [
        {
            "username": "admin",
            "role": "超级管理员 superuser",
            "scope": "全部 everything",
            "password": DEMO_PASSWORD,
        }
    ]
    for username, role, _, scope in specs:
        logins.append(
            {"username": username, "role": Role(role).label, "scope": scope, "password": DEMO_PASSWORD}
        )
    return logins


def generate(
    scale: str = "city",
    seed: int = 1,
    *,
    settings: DemoSettings = DEFAULT_SETTINGS,
    progress: bool = False,
    users: bool = True,
) -> DemoResult:
    """Generate the demo into the default database, which must hold no registry data."""
    return Generator(scale, seed, settings).run(progress=progress, users=users)
