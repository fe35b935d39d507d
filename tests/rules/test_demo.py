"""The demo's planted imperfections are all found, and nothing else (the demo's manifest, kept in
its DemoRun row, lists every entity of each kind; see eduplan.demo.planting).

The tiny scale keeps Yuxi's real divisions with few people, so every kind is planted at least once
and the whole comparison takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from eduplan.plans import standards
from eduplan.rules.catalogue import catalogue, run_rules, school_year_end, school_year_of
from eduplan.rules.findings import RuleFinding

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
generator = pytest.importorskip("eduplan.demo.generator")

Key = Callable[[RuleFinding], str]


def institution(f: RuleFinding) -> str:
    return f.entity_code


def county(f: RuleFinding) -> str:
    return f.division


def klass(f: RuleFinding) -> str:
    return f"{f.entity_code}/{f.school_year}/{f.subject}"


def staff(f: RuleFinding) -> str:
    return f"{f.entity_code}/{f.details['staff']}"


def fee(f: RuleFinding) -> str:
    return f"{f.entity_code}/{f.subject}"


def task(f: RuleFinding) -> str:
    return f"{f.entity_code}/{f.details['plan_task']}"


def category(name: str) -> Callable[[RuleFinding], bool]:
    return lambda f: f.details.get("category") == name


def everything(f: RuleFinding) -> bool:
    return True


#: Manifest kind → (rule, how a finding names its entity, which findings count, all school years?).
KINDS: dict[str, tuple[str, Key, Callable[[RuleFinding], bool], bool]] = {
    "kg_class_oversize": ("KG-CLASS-SIZE", klass, everything, True),
    "hs_class_56_65": ("HS-BIG-CLASS", klass, lambda f: f.details["band"] == "big", True),
    "hs_class_66_plus": ("HS-BIG-CLASS", klass, lambda f: f.details["band"] == "super", True),
    "hs_new_intake_over_55": ("HS-NEW-INTAKE", klass, everything, True),
    "kg_name_banned_word": ("KG-NAME", institution, category("banned"), False),
    "kg_name_feature_word": ("KG-NAME", institution, category("feature"), False),
    "kg_name_latin": ("KG-NAME", institution, category("latin_letters"), False),
    "kg_name_foreign_place": ("KG-NAME", institution, category("foreign_place"), False),
    "kg_name_foreign_word": ("KG-NAME", institution, category("foreign_word"), False),
    "kg_name_religious": ("KG-NAME", institution, category("religious"), False),
    "kg_name_uses_public_name": ("KG-NAME", institution, category("public_name"), False),
    "kg_unlicensed": ("KG-UNLICENSED", institution, everything, False),
    "kg_unrated": ("KG-UNRATED", institution, everything, False),
    "kg_over_360": ("KG-SIZE", institution, everything, False),
    "kg_info_not_published": ("KG-INFO-PUBLISHED", institution, everything, False),
    "kg_support_none": ("KG-PAIRING", institution, lambda f: f.measured == 0, False),
    "kg_support_too_many": ("KG-PAIRING", institution, lambda f: f.measured > 2, False),
    "kg_supporting_delivered_late": (
        "KG-SUPPORTING-SYNC",
        institution,
        lambda f: f.details.get("stage") == "delivered",
        False,
    ),
    "kg_supporting_out_of_sync": (
        "KG-SUPPORTING-SYNC",
        institution,
        lambda f: f.details.get("stage") in ("planned", "approved", "built"),
        False,
    ),
    "kg_quality_eval_overdue": ("KG-QUALITY-EVAL", institution, everything, False),
    "safety_item_missing": ("SAFETY-ITEMS", institution, everything, False),
    "kg_major_hazard_overdue": ("SAFETY-HAZARD-OVERDUE", institution, everything, False),
    "fee_filed_late": ("FEE-FILING", fee, everything, False),
    "staff_without_certificate": ("STAFF-CERTIFICATES", staff, everything, False),
    "staff_change_filed_late": ("STAFF-CHANGE-FILING", staff, everything, True),
    "staff_no_social_insurance": ("KG-SOCIAL-INSURANCE", staff, everything, False),
    "staff_no_housing_fund": ("KG-HOUSING-FUND", staff, everything, False),
    "hs_not_on_network": ("HS-NETWORK", institution, everything, False),
    "hs_county_no_trustee": ("HS-TRUSTEESHIP", institution, everything, False),
    "hs_trusteeship_no_channel": ("HS-TRUSTEESHIP-CHANNEL", institution, everything, False),
    "hs_new_build_over_3000": ("HS-NEW-SCHOOL-SIZE", institution, everything, False),
    "county_no_preschool_researcher": (
        "COUNTY-PRESCHOOL-POSTS",
        county,
        lambda f: f.details.get("post") == "preschool_researcher",
        False,
    ),
    "county_no_first_level_hs": ("COUNTY-FIRST-LEVEL-HS", county, everything, False),
    "kg_funding_below_standard": ("KG-FUNDING", institution, everything, False),
    "hs_funding_below_standard": ("HS-FUNDING", institution, everything, False),
    # The staffing shortfall breaks the per-class configuration and the 保教 ratio together.
    "kg_staffing_shortfall": ("KG-CLASS-STAFF", institution, everything, False),
    # The programme registers (eduplan.demo.registers).
    "hs_no_standardisation_plan": ("PROG-HS-NO-PLAN", institution, everything, False),
    "hs_plan_behind": ("PROG-HS-PLAN-BEHIND", institution, everything, False),
    "kg_demonstration_unrecorded": ("PROG-DEMO-KG-SYNC", institution, everything, False),
    "hs_group_no_members": ("PROG-GROUP-NO-MEMBERS", institution, everything, False),
    "hs_group_inactive": ("PROG-GROUP-INACTIVE", institution, everything, False),
    "kg_subsidy_short": ("PROG-SUBSIDY-SHORTFALL", institution, everything, False),
    "kg_subsidy_late": ("PROG-SUBSIDY-LATE", institution, everything, False),
    "kg_no_parent_committee": ("PROG-KG-NO-COMMITTEE", institution, everything, False),
    # The workforce registers: training is judged per institution (staff_training_behind lists
    # the institutions of the lagging staff) and per county.
    "county_training_behind": ("TRAINING-COVERAGE-COUNTY", county, everything, False),
    "staff_training_behind": ("TRAINING-COVERAGE-INSTITUTION", institution, everything, False),
    "hs_pay_not_tilted": ("HS-PAY-TILT", institution, everything, False),
    "hs_pay_class_teachers_not_above": ("HS-PAY-CLASS-TEACHER", institution, everything, False),
    "county_eval_by_admission": ("HS-EVAL-ADMISSION", county, everything, False),
    "county_spending_decreased": ("COUNTY-SPENDING-TREND", county, everything, False),
    "hs_publicity_hype": ("HS-HYPE", institution, everything, False),
    # The duty registers (eduplan.demo.duties).
    "kg_no_party_organisation": ("KG-PARTY-COVERAGE", institution, everything, False),
    "kg_central_not_registered": ("KG-CENTRAL-REGISTRATION", institution, everything, False),
    "kg_no_guidance": ("KG-GUIDANCE", institution, everything, False),
    "kg_village_not_integrated": ("KG-VILLAGE-INTEGRATION", institution, everything, False),
    "kg_surplus_distributed": ("KG-SURPLUS-DISTRIBUTED", institution, everything, False),
    "kg_fee_account_unfiled": ("KG-FEE-ACCOUNT", institution, everything, False),
    "kg_pay_below_public": ("KG-PAY-PARITY", institution, everything, False),
    "county_outflow_rising": ("HS-OUTFLOW", county, everything, False),
    "hs_no_three_classrooms": ("HS-THREE-CLASSROOMS", institution, everything, False),
    "hs_trusteeship_brand_fee": ("HS-TRUSTEESHIP-BRAND-FEE", institution, everything, False),
    # The plan's tasks (eduplan.demo.tasks, run by the generator).
    "county_task_no_responsible": ("TASK-RESPONSIBLE", task, everything, False),
}
#: Staff kinds whose rule reports the institution: compared with the manifest's institutions.
BY_INSTITUTION = {"staff_training_behind"}
#: The ethics rules run only for a user allowed to see ethics records (rules/workforce.py): with
#: no user they find nothing; for a superuser they find exactly these (kind → rule, key, and how a
#: manifest staff code names the finding's entity).
ETHICS_KINDS: dict[str, tuple[str, Key, Callable[[str], str]]] = {
    "staff_award_during_ethics_bar": ("HS-ETHICS-BAR", institution, lambda code: code.split("/")[0]),
    "staff_serious_ethics_unrecorded": ("HS-ETHICS-INCIDENT", county, lambda code: code[:6]),
}

#: Rules whose findings follow from a planted kind: they may only touch its entities (or their
#: counties). A rule not listed here and in no KINDS entry must find nothing in the demo.
CONSEQUENCES: dict[str, tuple[str, Key]] = {
    "KG-TEACHING-RATIO": ("kg_staffing_shortfall", institution),
    "KG-STAFF-RATIO": ("kg_staffing_shortfall", institution),
    "KG-PRINCIPALS": ("kg_staffing_shortfall", institution),
    "KG-HEALTH-STAFF": ("kg_staffing_shortfall", institution),
    "KG-COOKS": ("kg_staffing_shortfall", institution),
    "COUNTY-TEACHER-RATIO": ("kg_staffing_shortfall", county),
    "KG-CLASS-COMPLIANCE": ("kg_class_oversize", county),
}
#: Rules the demo gives nothing to judge (each must find nothing here): none.
NOTHING_TO_JUDGE: set[str] = set()
#: Manifest kinds that are not rule violations: indicators (the metrics' targets) and an approved
#: licence status (办园点 is a lawful outcome of PRE-4.1.2, not a finding).
NOT_RULES = {
    "county_below_enrollment_target",
    "county_below_inclusive_target",
    "county_below_public_share_target",
    "kg_teaching_point",
}
#: Kinds whose manifest codes name an institution (class, staff, fee) or a county (task) first.
PREFIXED = {"class", "staff", "fee", "task"}


def _generate() -> dict[str, Any]:
    from eduplan.demo.models import DemoRun

    generator.generate("tiny", 1, users=False)
    return DemoRun.objects.get().manifest


def _findings(manifest: dict[str, Any]) -> dict[int, list[RuleFinding]]:
    """Every rule for each school year of the demo; staff-change filing also for the earlier school
    years its changes go back to (the manifest's late filings start with the plan, in 2023)."""
    reference = dt.date.fromisoformat(manifest["reference_date"])
    found = {
        year: run_rules(year=year, as_of=min(reference, school_year_end(year)))
        for year in manifest["school_years"]
    }
    since = school_year_of(dt.date.fromisoformat(str(standards.value("staff_change_filing", "changes_from"))))
    for year in range(since, min(manifest["school_years"])):
        found[year] = run_rules(
            year=year, as_of=min(reference, school_year_end(year)), rule_ids=["STAFF-CHANGE-FILING"]
        )
    return found


def _entity_county(code: str) -> str:
    return code.split("/")[0][:6]


def _in_rule_scope(kind: str, codes: set[str]) -> set[str]:
    """The manifest's codes the rule is meant to judge. Staff-change filing follows PRE-4.2.4
    (kindergartens, ``[staff_change_filing] institution_kinds``); the demo plants late filings in
    schools too, which a city can bring in scope by listing their kinds there."""
    if kind != "staff_change_filed_late":
        return codes
    from eduplan.registry.models import Institution

    kinds = set(standards.value("staff_change_filing", "institution_kinds"))
    in_scope = set(Institution.objects.filter(kind__in=kinds).values_list("code", flat=True))
    return {c for c in codes if c.split("/")[0] in in_scope}


def test_every_planted_imperfection_is_found_and_nothing_else():
    manifest = _generate()
    by_year = _findings(manifest)
    latest = by_year[manifest["latest_school_year"]]
    every_year = [f for fs in by_year.values() for f in fs]
    problems: list[str] = []

    allowed: dict[str, set[str]] = defaultdict(set)
    for kind, (rule, key, counts, all_years) in KINDS.items():
        entry = manifest["kinds"][kind]
        planted = _in_rule_scope(kind, set(entry["institutions" if kind in BY_INSTITUTION else "codes"]))
        pool = every_year if all_years else latest
        found = {key(f) for f in pool if f.rule == rule and f.is_violation and counts(f)}
        missed, extra = planted - found, found - planted
        if extra:
            problems.append(f"{kind} ({rule}): found on unplanted {sorted(extra)[:5]}")
        if missed:
            problems.append(f"{kind} ({rule}): missed {sorted(missed)[:5]} of {len(planted)}")
        allowed[rule] |= (
            {c.split("/")[0] for c in planted} if manifest["kinds"][kind]["entity"] in PREFIXED else planted
        )

    # … and no rule finds anything on the clean parts of the demo.
    for f in latest:
        if not f.is_violation:
            # Every rule's data is in the demo: none may answer "not checkable".
            problems.append(f"{f.rule}: unexpected 'no data' on {f.entity_code}: {f.message_en}")
            continue
        if f.rule in CONSEQUENCES:
            kind, key = CONSEQUENCES[f.rule]
            codes = manifest["kinds"][kind].get("institutions") or manifest["kinds"][kind]["codes"]
            ok = key(f) in ({_entity_county(c) for c in codes} if key is county else set(codes))
        else:
            ok = f.entity_code in allowed.get(f.rule, set()) or f.division in allowed.get(f.rule, set())
        if not ok:
            problems.append(f"{f.rule}: finding on a clean entity {f.entity_code}: {f.message_en}")

    ethics = {r for r, *_ in ETHICS_KINDS.values()}
    assert not [f for fs in by_year.values() for f in fs if f.rule in ethics], (
        "ethics findings without a user"
    )
    # RETURNS-ONLY needs an institution known only by its statistical return, which the demo (all
    # records) does not hold: tests/returns and tests/rules/test_every_rule.py exercise it.
    assert set(catalogue()) <= {r for r, *_ in KINDS.values()} | set(
        CONSEQUENCES
    ) | NOTHING_TO_JUDGE | ethics | {"RETURNS-ONLY"}
    unknown = set(manifest["kinds"]) - set(KINDS) - set(ETHICS_KINDS) - NOT_RULES
    assert not unknown, f"the demo plants kinds no rule is mapped to: {sorted(unknown)}"
    assert not problems, "\n".join(problems)

    # The ethics rules, for a user allowed to see ethics records.
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("ethics-admin", "", None)
    reference = dt.date.fromisoformat(manifest["reference_date"])
    found = run_rules(
        year=manifest["latest_school_year"], as_of=reference, rule_ids=sorted(ethics), user=admin
    )
    for kind, (rule, key, entity) in ETHICS_KINDS.items():
        planted = {entity(code) for code in manifest["kinds"][kind]["codes"]}
        assert planted, kind
        assert {key(f) for f in found if f.rule == rule} == planted, kind
