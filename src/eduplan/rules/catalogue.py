"""The compliance catalogue: every rule of the plan, its clause, its parameters and their sources.

A rule is a plain function ``(ctx: RuleContext) -> Iterable[RuleFinding]`` registered with the
:func:`rule` decorator, which records its id (the check ``rule:<id>``; the plan file maps it to its clauses), its default
severity and the ``plan/standards.toml`` keys it reads. Adding a rule is adding one function (in the
module of its family) and one test. :func:`run_rules` runs a selection of the catalogue over the
registry; every read goes through the one scoping function when a user is given, so a county
officer's run never sees another county.

Rules are set-based: each one asks the database for aggregates or for the offending rows only and
turns those rows into findings, so the whole catalogue runs in seconds at city scale.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import operator
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from pathlib import Path
from typing import Any

from django.db.models import Count, Exists, Max, Model, OuterRef, Q, QuerySet

from eduplan.plans import checks, standards
from eduplan.plans.assumptions import PENDING_EN, PENDING_ZH, pending_for
from eduplan.plans.checks import clauses_for

from .findings import EntityType, FindingKind, RuleFinding, Severity

#: The modules holding the rule families, imported (and so registered) on first use.
RULE_MODULES = (
    "naming",
    "classes",
    "staffing",
    "safety",
    "filing",
    "licensing",
    "network",
    "funding",
    "tasks",
    "programmes",
    "workforce",
    "returns_only",
    "duties",
)

_CATALOGUE: dict[str, Rule] = {}
_LOADED = False
REMEDIES = Path(__file__).resolve().parent / "data" / "remedies.toml"


@functools.cache
def remedies() -> dict[str, dict[str, str]]:
    """Rule id → ``{"zh", "en"}``: what record or value clears a finding of that rule."""
    with REMEDIES.open("rb") as fh:
        return tomllib.load(fh)


class RuleInputError(ValueError):
    """A request the user can correct: an unknown rule id, county code or school year."""


@dataclass(frozen=True)
class Param:
    """One value of ``plan/standards.toml`` a rule reads, named ``section.key``."""

    section: str
    key: str

    @classmethod
    def parse(cls, spec: str) -> Param:
        section, _, key = spec.partition(".")
        if not key:
            raise ValueError(f"parameter {spec!r} must be written section.key")
        return cls(section, key)

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    def value(self) -> Any:
        return standards.value(self.section, self.key)

    def source(self) -> str:
        return standards.source_of(self.section, self.key)

    def verified(self) -> bool:
        return standards.is_verified(self.section, self.key)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value(),
            "source": self.source(),
            "verified": self.verified(),
        }


@dataclass(frozen=True)
class Rule:
    """A catalogue entry. ``checkable`` is False for a rule whose data the registry does not hold
    yet: it runs, and says per county that it cannot check (never a silent pass)."""

    id: str
    severity: Severity
    title_zh: str
    title_en: str
    entity_type: EntityType
    params: tuple[Param, ...]
    func: Callable[[RuleContext], Iterable[RuleFinding]]
    available: bool | Callable[[], bool] = True
    note: str = ""

    @property
    def checkable(self) -> bool:
        """Whether the registry holds the data this rule needs (a hook may make it so later)."""
        return bool(self.available()) if callable(self.available) else bool(self.available)

    def is_checkable(self) -> bool:
        return self.checkable

    @property
    def check_id(self) -> str:
        return f"rule:{self.id}"

    @property
    def clauses(self) -> tuple[str, ...]:
        """The clauses of the plan in force this rule serves (the plan file maps them)."""
        return clauses_for(self.check_id)

    @property
    def clause(self) -> str:
        return ", ".join(self.clauses)

    @property
    def remedy(self) -> tuple[str, str]:
        """(Chinese, English): what record or value clears this rule's findings."""
        entry = remedies().get(self.id, {})
        return entry.get("zh", ""), entry.get("en", "")

    @property
    def module(self) -> str:
        return self.func.__module__.rsplit(".", 1)[-1]

    def standard(self) -> str:
        """The documents behind this rule's numbers, unverified ones marked as such; a rule with no
        numbers rests on the plan itself."""
        if not self.params:
            return str(standards.standards().get("sources", {}).get("plan", "plan"))
        seen: dict[str, None] = {}
        for p in self.params:
            try:
                text = p.source()
                if not p.verified():
                    text += " (未核实 unverified)"
            except standards.StandardsError:
                continue
            if text:
                seen.setdefault(text, None)
        return "; ".join(seen)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "clause": self.clause,
            "severity": self.severity.value,
            "entity_type": self.entity_type.value,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "checkable": self.checkable,
            "note": self.note,
            "remedy_zh": self.remedy[0],
            "remedy_en": self.remedy[1],
            "standard": self.standard(),
            "parameters": [p.describe() for p in self.params],
        }


def rule(
    rule_id: str,
    *,
    title_zh: str,
    title_en: str,
    severity: Severity = Severity.MEDIUM,
    entity: EntityType = EntityType.INSTITUTION,
    params: Sequence[str] = (),
    checkable: bool | Callable[[], bool] = True,
    note: str = "",
) -> Callable[
    [Callable[[RuleContext], Iterable[RuleFinding]]], Callable[[RuleContext], Iterable[RuleFinding]]
]:
    """Register the decorated function in the catalogue under ``rule_id``."""

    def register(
        func: Callable[[RuleContext], Iterable[RuleFinding]],
    ) -> Callable[..., Iterable[RuleFinding]]:
        entry = Rule(
            id=rule_id,
            severity=Severity(severity),
            title_zh=title_zh,
            title_en=title_en,
            entity_type=EntityType(entity),
            params=tuple(Param.parse(p) for p in params),
            func=func,
            available=checkable,
            note=note,
        )
        existing = _CATALOGUE.get(rule_id)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"rule id {rule_id!r} is registered twice")
        _CATALOGUE[rule_id] = entry
        checks.register("rule", rule_id, title_zh)
        return func

    return register


def catalogue() -> dict[str, Rule]:
    """Every registered rule, in catalogue order (by family, then as written)."""
    global _LOADED
    if not _LOADED:
        for name in RULE_MODULES:
            importlib.import_module(f"{__package__}.{name}")
        _LOADED = True
    return dict(_CATALOGUE)


def get_rule(rule_id: str) -> Rule:
    rules = catalogue()
    found = rules.get(rule_id) or rules.get(rule_id.upper())
    if found is None:
        raise RuleInputError(
            f"未知规则 {rule_id!r}(用 eduplan rules 查看全部) / unknown rule {rule_id!r} "
            "(eduplan rules lists them all)"
        )
    return found


def any_of(conditions: Iterable[Q]) -> Q:
    """The disjunction of ``conditions``; a condition that matches nothing when there are none."""
    items = list(conditions)
    if not items:
        return Q(pk__in=[])
    return reduce(operator.or_, items)


# -- school years -------------------------------------------------------------------------------


def school_year_start(year: int) -> dt.date:
    """First day of the school year starting in ``year`` (standards: ``school_year``)."""
    return dt.date(year, int(standards.value("school_year", "start_month")), 1)


def school_year_end(year: int) -> dt.date:
    return school_year_start(year + 1) - dt.timedelta(days=1)


def school_year_of(day: dt.date) -> int:
    return day.year if day >= school_year_start(day.year) else day.year - 1


def default_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The day deadlines and "active staff" are judged on: today, kept inside the school year, so
    a past year is judged at its end and a year not yet started at its start."""
    today = today or dt.date.today()
    return min(max(today, school_year_start(year)), school_year_end(year))


# -- the context every rule reads through ------------------------------------------------------

INSTITUTION_FIELDS = ("code", "name", "county__code", "county__name")


def inst_fields(prefix: str = "institution__") -> tuple[str, ...]:
    """``values()`` names that identify an institution and its county through ``prefix``."""
    return tuple(prefix + f for f in INSTITUTION_FIELDS)


@dataclass
class RuleContext:
    """What a rule may read: the school year, the day deadlines are judged on, the area, and the
    user whose scope every query passes through. ``rule`` is set for the rule being run."""

    year: int
    as_of: dt.date
    county: str | None = None
    area_level: str = "county"
    user: Any = None
    rule: Rule | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def for_rule(self, entry: Rule) -> RuleContext:
        return replace(self, rule=entry)

    # parameters
    def param(self, spec: str) -> Any:
        """A value from ``plan/standards.toml`` (``section.key``)."""
        return Param.parse(spec).value()

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """Share an aggregate between the rules of one run (e.g. children per kindergarten)."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    # querysets, all scoped and restricted to the area
    def scoped(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` as the user may see it (``accounts.scoping.scope``), within the area."""
        from eduplan.accounts.scoping import model_scope, scope

        if self.user is not None:
            queryset = scope(self.user, queryset)
        if self.county:
            path = model_scope(queryset.model).county
            prefix = f"{path}__" if path else ""
            lookup = f"{prefix}city__code" if self.area_level == "city" else f"{prefix}code"
            queryset = queryset.filter(**{lookup: self.county})
        return queryset

    def institutions(self) -> QuerySet:
        from eduplan.registry.models import Institution

        return self.scoped(Institution.objects.all())

    def open_institutions(self) -> QuerySet:
        """Institutions operating on ``as_of`` (established, not closed)."""
        return (
            self.institutions()
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=self.as_of))
            .filter(Q(established_on__isnull=True) | Q(established_on__lte=self.as_of))
        )

    def classes(self) -> QuerySet:
        from eduplan.registry.models import SchoolClass

        return self.scoped(SchoolClass.objects.filter(school_year=self.year))

    def staff(self) -> QuerySet:
        """Staff members in post on ``as_of``."""
        from eduplan.registry.models import StaffMember

        return self.scoped(StaffMember.objects.active_on(self.as_of))

    def all_staff(self) -> QuerySet:
        from eduplan.registry.models import StaffMember

        return self.scoped(StaffMember.objects.all())

    def years(self) -> QuerySet:
        from eduplan.registry.models import InstitutionYear

        return self.scoped(InstitutionYear.objects.filter(school_year=self.year))

    def records(self, model: type[Model]) -> QuerySet:
        return self.scoped(model._default_manager.all())

    def counties(self) -> list[dict[str, Any]]:
        """Counties (code, name, pk) existing on ``as_of`` that hold institutions, and whose every
        institution the user sees.

        County-level rules (ratios, posts) judge a whole county; a principal or a supervisor, who
        sees only some institutions of a county, gets no county-level findings rather than a ratio
        computed on part of the county. Counties without any institution in the registry (the
        gazetteer holds the whole country) are not judged.
        """
        from eduplan.registry.models import Division, Institution

        def compute() -> list[dict[str, Any]]:
            holding = Institution.objects.filter(county_id=OuterRef("pk"))
            rows = list(
                self.scoped(Division.objects.counties().valid_on(self.as_of))
                .filter(Exists(holding))
                .values("pk", "code", "name")
            )
            if self.user is None or not rows:
                return rows
            ids = [r["pk"] for r in rows]
            total = dict(
                Institution.objects.filter(county_id__in=ids)
                .values_list("county_id")
                .annotate(n=Count("pk"))
                .values_list("county_id", "n")
            )
            seen = dict(
                self.institutions()
                .filter(county_id__in=ids)
                .values_list("county_id")
                .annotate(n=Count("pk"))
                .values_list("county_id", "n")
            )
            return [r for r in rows if seen.get(r["pk"], 0) == total.get(r["pk"], 0)]

        return self.cached("counties", compute)

    # building findings
    def _base(self) -> Rule:
        if self.rule is None:
            raise RuntimeError("RuleContext.rule is set by run_rules before a rule runs")
        return self.rule

    def finding(
        self,
        *,
        entity_type: EntityType,
        code: str,
        name: str,
        county_code: str,
        county_name: str,
        message_zh: str,
        message_en: str,
        measured: Any = None,
        required: Any = None,
        subject: str = "",
        severity: Severity | None = None,
        kind: FindingKind = FindingKind.VIOLATION,
        details: Mapping[str, Any] | None = None,
        standard: str | None = None,
        remedy_zh: str | None = None,
        remedy_en: str | None = None,
        due: dt.date | None = None,
    ) -> RuleFinding:
        """One finding of the rule being run. The remedy defaults to the rule's
        (``rules/data/remedies.toml``); ``due`` to a ``deadline`` date in ``details`` (a deadline
        the plan or its standards give), and is never set on a finding whose basis is pending."""
        entry = self._base()
        if kind == FindingKind.NO_DATA and severity is None:
            severity = Severity.INFO
        pending = pending_for(entry.check_id) if kind == FindingKind.VIOLATION else []
        if pending:
            # Rests on an unconfirmed assumption: shown, marked, never a sanction on its own.
            details = {**(details or {}), "basis_pending": pending}
            if PENDING_ZH not in message_zh:
                message_zh = f"{message_zh}({PENDING_ZH})"
                message_en = f"{message_en} ({PENDING_EN})"
        if due is None and isinstance((details or {}).get("deadline"), dt.date):
            due = (details or {})["deadline"]
        if pending or kind == FindingKind.NO_DATA:
            due = None  # an unconfirmed basis sets no deadline; missing data has none
        default_zh, default_en = entry.remedy
        if kind == FindingKind.NO_DATA:
            default_zh = "在登记册中录入所缺数据后重新核查"
            default_en = "record the missing data in the registry, then check again"
        return RuleFinding(
            rule=entry.id,
            clause=entry.clause,
            severity=(severity or entry.severity).value,
            entity_type=entity_type.value,
            entity_code=code,
            entity_name=name,
            division=county_code or "",
            division_name=county_name or "",
            message_zh=message_zh,
            message_en=message_en,
            measured=measured,
            required=required,
            standard=entry.standard() if standard is None else standard,
            subject=subject,
            school_year=self.year,
            kind=kind.value,
            details=dict(details or {}),
            remedy_zh=default_zh if remedy_zh is None else remedy_zh,
            remedy_en=default_en if remedy_en is None else remedy_en,
            due=due,
        )

    def at_institution(self, row: Mapping[str, Any], prefix: str = "", **kwargs: Any) -> RuleFinding:
        """A finding about the institution whose ``inst_fields(prefix)`` are in ``row``."""
        return self.finding(
            entity_type=EntityType.INSTITUTION,
            code=row[f"{prefix}code"],
            name=row[f"{prefix}name"],
            county_code=row[f"{prefix}county__code"],
            county_name=row[f"{prefix}county__name"],
            **kwargs,
        )

    def at_county(self, row: Mapping[str, Any], **kwargs: Any) -> RuleFinding:
        """A finding about a county (``row`` has ``code`` and ``name``)."""
        return self.finding(
            entity_type=EntityType.COUNTY,
            code=row["code"],
            name=row["name"],
            county_code=row["code"],
            county_name=row["name"],
            **kwargs,
        )


# -- running -----------------------------------------------------------------------------------


def latest_school_year(user: Any = None, county: str | None = None) -> int | None:
    """The latest school year with classes or yearly snapshots the user can see."""
    from eduplan.registry.models import InstitutionYear, SchoolClass

    probe = RuleContext(year=0, as_of=dt.date.today(), county=county, user=user)
    if county:
        probe.area_level = _area_level(county)
    years = [
        probe.scoped(SchoolClass.objects.all()).aggregate(y=Max("school_year"))["y"],
        probe.scoped(InstitutionYear.objects.all()).aggregate(y=Max("school_year"))["y"],
    ]
    found = [y for y in years if y is not None]
    return max(found) if found else None


def _area_level(code: str) -> str:
    from eduplan.registry.choices import DivisionLevel
    from eduplan.registry.models import Division

    level = Division.objects.filter(code=code).values_list("level", flat=True).first()
    if level not in (DivisionLevel.COUNTY, DivisionLevel.CITY):
        raise RuleInputError(
            f"找不到县(市、区)或市代码 {code!r} / no county or city with code {code!r} in the registry"
        )
    return str(level)


def select_rules(rule_ids: Iterable[str] | None) -> list[Rule]:
    if not rule_ids:
        return list(catalogue().values())
    return [get_rule(r) for r in rule_ids]


def run_rules(
    year: int | None = None,
    county: str | None = None,
    rule_ids: Iterable[str] | None = None,
    user: Any = None,
    *,
    as_of: dt.date | None = None,
    severities: Iterable[Severity | str] | None = None,
    timings: dict[str, float] | None = None,
) -> list[RuleFinding]:
    """Run the catalogue (or ``rule_ids``) and return the findings, most urgent first.

    ``year`` is the school year (its starting calendar year; default: the latest with data);
    ``county`` a county or city division code; ``user`` restricts every read to what that user may
    see. ``as_of`` is the day deadlines are judged on (default :func:`default_as_of`). ``timings``,
    when given, receives each rule's run time in seconds.
    """
    rules = select_rules(rule_ids)
    level = _area_level(county) if county else "county"
    if year is None:
        year = latest_school_year(user=user, county=county) or school_year_of(dt.date.today())
    ctx = RuleContext(
        year=int(year),
        as_of=as_of or default_as_of(int(year)),
        county=county,
        area_level=level,
        user=user,
    )
    wanted = {Severity(s) for s in severities} if severities else None
    findings: list[RuleFinding] = []
    for entry in rules:
        started = time.perf_counter()
        produced = list(entry.func(ctx.for_rule(entry)))
        if timings is not None:
            timings[entry.id] = time.perf_counter() - started
        findings.extend(f for f in produced if wanted is None or Severity(f.severity) in wanted)
    findings.sort(key=RuleFinding.sort_key)
    return findings
