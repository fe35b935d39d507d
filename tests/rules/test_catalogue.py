"""The catalogue as a whole: every rule is registered with a clause and resolvable parameters,
passes on a clean city, is tested, and reads through the user's scope."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from eduplan.accounts.models import Profile
from eduplan.registry.choices import Role
from eduplan.rules.catalogue import RuleInputError, catalogue, default_as_of, run_rules, school_year_of
from eduplan.rules.findings import FindingKind, Severity, SeverityError, parse_severities

from .builders import AS_OF, YEAR, clean_kindergarten, codes, run, violations

CLAUSE_ID = re.compile(r"^(PRE|HS)-(T\d+|\d+(\.\d+)*)$")
TESTS = Path(__file__).resolve().parent


def test_every_rule_cites_clauses_and_resolves_its_parameters():
    rules = catalogue()
    assert len(rules) >= 25
    for rule in rules.values():
        assert rule.clauses and all(CLAUSE_ID.match(c) for c in rule.clauses), rule.id
        assert rule.title_zh and rule.title_en
        assert rule.func.__doc__, f"{rule.id}: the function's docstring says why"
        described = rule.describe()
        for param in described["parameters"]:
            assert param["source"], f"{rule.id}: {param['name']} has no source"
        assert rule.standard()


def test_every_rule_has_a_test():
    text = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    untested = [r for r in catalogue() if f'"{r}"' not in text.replace("'", '"')]
    assert not untested, f"rules without a test: {untested}"


def test_rules_are_checks_the_coverage_map_shows_under_their_clauses():
    from eduplan.plans import checks, coverage

    rows = {r["clause"]: r["implemented_by"] for r in coverage.coverage().rows}
    for rule in catalogue().values():
        assert checks.is_registered(f"rule:{rule.id}")
        assert rule.clauses, rule.id  # the plan file maps every rule
        for clause in rule.clauses:
            assert {"kind": "rule", "id": rule.id} in rows[clause]


@pytest.mark.django_db
def test_a_clean_city_has_no_violations(city):
    found = run()
    assert [f for f in found if f.is_violation] == []
    # What cannot be checked is said explicitly, per county, never passed silently.
    # The clean city holds every record the rules read (training hours and performance pay
    # included), so no rule may say it cannot check.
    no_data = {(f.rule, f.entity_code) for f in found if f.kind == FindingKind.NO_DATA}
    assert no_data == set()


@pytest.mark.django_db
def test_an_empty_registry_runs_without_findings_or_errors():
    assert run_rules(as_of=AS_OF) == []


@pytest.mark.django_db
def test_findings_carry_the_json_contract(city):
    clean_kindergarten(city, "K-X", "国际双语幼儿园")
    found = violations("KG-NAME")
    assert {f.subject for f in found} == {"禁用词:国际", "片面特色词:双语"}
    record = found[0].as_dict()
    for key in (
        "rule",
        "clause",
        "severity",
        "entity_type",
        "entity_code",
        "entity_name",
        "division",
        "message_zh",
        "message_en",
        "measured",
        "required",
        "standard",
        "school_year",
    ):
        assert key in record
    assert record["division"] == "530402" and record["division_name"] == "红塔区"
    assert record["clause"] == "PRE-4.2.4" and record["school_year"] == YEAR


@pytest.mark.django_db
def test_county_filter_and_city_filter(city):
    clean_kindergarten(city, "K-X", "国际幼儿园")
    clean_kindergarten(city, "K-Y", "世界幼儿园", town=city.town_b)
    assert codes(violations("KG-NAME", county="530402")) == {"K-X"}
    assert codes(violations("KG-NAME", county="530423")) == {"K-Y"}
    assert codes(violations("KG-NAME", county="530400")) == {"K-X", "K-Y"}
    with pytest.raises(RuleInputError):
        run(county="999999")


@pytest.mark.django_db
def test_unknown_rule_is_an_error_the_user_can_act_on(city):
    with pytest.raises(RuleInputError) as err:
        run(rule_ids=["NO-SUCH-RULE"])
    assert "eduplan rules" in str(err.value)


@pytest.mark.django_db
def test_severity_filter(city):
    clean_kindergarten(city, "K-X", "国际幼儿园", licence_status="unlicensed")
    high = run(severities=[Severity.HIGH])
    assert high and all(f.severity == "high" for f in high)
    assert "KG-NAME" not in {f.rule for f in high}
    assert parse_severities("medium+") == {Severity.HIGH, Severity.MEDIUM}
    assert parse_severities("low,info") == {Severity.LOW, Severity.INFO}
    with pytest.raises(SeverityError):
        parse_severities("urgent")


@pytest.mark.django_db
def test_default_year_is_the_latest_with_data(city):
    found = run_rules(rule_ids=["KG-NAME"], as_of=AS_OF)
    assert found == []
    clean_kindergarten(city, "K-X", "国际幼儿园")
    assert {f.school_year for f in run_rules(rule_ids=["KG-NAME"])} == {YEAR}


def test_as_of_is_kept_inside_the_school_year():
    assert default_as_of(2020, today=dt.date(2025, 1, 1)) == dt.date(2021, 8, 31)
    assert default_as_of(2024, today=dt.date(2025, 1, 1)) == dt.date(2025, 1, 1)
    assert default_as_of(2030, today=dt.date(2025, 1, 1)) == dt.date(2030, 9, 1)
    assert school_year_of(dt.date(2025, 8, 31)) == 2024
    assert school_year_of(dt.date(2025, 9, 1)) == 2025


def _user(username, role, **profile):
    user = get_user_model().objects.create_user(username=username, password="x")
    Profile.objects.create(user=user, role=role, **profile)
    return user


@pytest.mark.django_db
def test_a_county_officer_sees_only_their_county(city):
    clean_kindergarten(city, "K-X", "国际幼儿园")
    clean_kindergarten(city, "K-Y", "世界幼儿园", town=city.town_b, licence_status="unlicensed")
    officer = _user("county_b", Role.COUNTY_OFFICER, division=city.county_b)
    found = run(user=officer)
    assert {f.division for f in found} == {"530423"}
    assert "K-X" not in codes(found) and "K-Y" in codes(found)
    # Asking for the other county explicitly yields nothing, not an error.
    assert [f for f in run(user=officer, county="530402")] == []


@pytest.mark.django_db
def test_a_principal_gets_no_county_level_findings(city):
    clean_kindergarten(city, "K-X", "国际幼儿园")
    principal = _user("principal", Role.PRINCIPAL, institution=city["K-X"])
    found = run(user=principal)
    assert codes(found) == {"K-X"}
    assert all(f.entity_type == "institution" for f in found)


@pytest.mark.django_db
def test_an_anonymous_or_unprofiled_user_sees_nothing(city):
    clean_kindergarten(city, "K-X", "国际幼儿园")
    nobody = get_user_model().objects.create_user(username="nobody", password="x")
    assert run(user=nobody) == []


@pytest.mark.django_db
def test_timings_are_reported_per_rule(city):
    timings: dict[str, float] = {}
    run(timings=timings)
    assert set(timings) == set(catalogue())


def test_every_rule_is_documented():
    doc = (TESTS.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [r for r in catalogue() if f"`{r}`" not in doc]
    assert not missing, f"docs/rules.md does not list {missing}"


def _table(doc: str, heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first table under ``heading`` in a Markdown text."""
    section = doc.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("## "):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_every_rule_has_its_scope_data_remedy_and_clause_in_the_docs():
    """docs/rules.md: one row per rule naming what it judges, what it reads, what clears its
    finding and the clause the plan file maps it to — the same remedy and clause the findings carry."""
    doc = (TESTS.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    header, *rows = _table(doc, "## Scope, data, remedy and clause of every rule")
    assert [h.split(" ")[0] for h in header] == ["id", "clause", "scope", "data", "remedy"]
    by_id: dict[str, list[str]] = {}
    for row in rows:
        assert len(row) == 5, row
        rule_id = row[0].strip("`")
        assert rule_id not in by_id, f"{rule_id} listed twice"
        by_id[rule_id] = row
    assert set(by_id) == set(catalogue()), sorted(set(by_id) ^ set(catalogue()))
    for rule in catalogue().values():
        _, clause, scope, data, remedy = by_id[rule.id]
        assert clause == rule.clause, f"{rule.id}: docs say {clause}, the plan file {rule.clause}"
        assert scope and data, f"{rule.id}: scope or data missing"
        zh, en = rule.remedy
        assert remedy == f"{zh}<br>{en}", f"{rule.id}: the remedy differs from remedies.toml"


def test_no_rule_is_permanently_not_checkable():
    """Every rule reads data the platform holds: none is declared not checkable, and none says
    "not checkable" from a hook nobody provides (the supervision app provides overdue hazards)."""
    for rule in catalogue().values():
        assert rule.available is not False, rule.id
        assert rule.checkable, rule.id
