"""A second real plan: the national 2021 action plans, chosen by EDUPLAN_PLAN or --plan (issue 17)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from eduplan import cli
from eduplan.plans.checks import clauses_for
from eduplan.plans.loader import PlanError, load_plan, plan_path

NATIONAL = Path(settings.PLAN_DIR) / "national-2021.toml"


@pytest.fixture
def national(monkeypatch):
    monkeypatch.setenv("EDUPLAN_PLAN", str(NATIONAL))
    return load_plan()


def test_the_yuxi_plan_is_the_default_among_several():
    assert plan_path().name == "yuxi-2022-26.toml"
    assert load_plan().level == "city" and load_plan().city == "530400"


def test_without_a_default_several_plan_files_are_an_error(tmp_path, settings):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text('[plan]\nid = "x"\n', encoding="utf-8")
    (tmp_path / "standards.toml").write_text("", encoding="utf-8")
    settings.PLAN_DIR = tmp_path
    with pytest.raises(PlanError, match="default = true"):
        plan_path()


def test_the_national_plan_has_its_own_clauses_jurisdiction_and_targets(national):
    assert national.level == "nation" and national.city == ""
    assert all(c.id.startswith("NAT-") for c in national.clauses)
    assert clauses_for("rule:HS-BIG-CLASS") == ("NAT-HS-T2",)
    assert clauses_for("rule:KG-NAME") == ()  # the national plan does not map the naming rule
    targets = {i.id: i.target.value for i in national.indicators if i.target}
    assert targets["preschool_ger"] == 90.0 and targets["high_school_ger"] == 92.0
    assert all(i.target.origin == "assumption" for i in national.indicators if i.target)


def test_plan_option_on_any_command_sets_the_plan_in_force(monkeypatch):
    monkeypatch.setenv("EDUPLAN_PLAN", "")  # restored (unset) after the test, whatever --plan sets
    rest = cli._apply_plan_option(["indicators", "--plan", "plan/national-2021.toml", "--format", "json"])
    assert rest == ["indicators", "--format", "json"]
    assert os.environ["EDUPLAN_PLAN"].endswith("plan/national-2021.toml")


@pytest.mark.django_db
def test_check_cites_only_the_national_clauses(national):
    from eduplan.rules.catalogue import run_rules
    from tests.rules.builders import clean_city, clean_kindergarten

    city = clean_city()
    clean_kindergarten(city, "K-X", "维也纳幼儿园", ownership="private_forprofit", sponsor="private")
    found = run_rules()
    cited = {c.strip() for f in found for c in f.clause.split(",") if c.strip()}
    assert cited <= {c.id for c in national.clauses}
    assert "KG-NAME" in {f.rule for f in found}  # still checked; the plan cites no clause for it


@pytest.mark.django_db
def test_coverage_live_lists_the_national_clauses_with_their_checks(national):
    out = io.StringIO()
    call_command("plan", "coverage", "--live", "--format", "json", stdout=out)
    rows = {r["clause"]: r["implemented_by"] for r in json.loads(out.getvalue())}
    assert set(rows) == {c.id for c in national.clauses}
    big = next(e for e in rows["NAT-HS-T2"] if e["kind"] == "rule")
    assert big == {"kind": "rule", "id": "HS-BIG-CLASS", "live": False}  # an empty registry
    assert all("live" in e for entries in rows.values() for e in entries)


PAGES = (
    "/office/",
    "/office/findings/",
    "/office/name-check/",
    "/office/supervision/",
    "/office/supervision/incidents/",
    "/office/workforce/",
    "/office/planning/",
    "/office/tasks/plans/",
    "/office/programmes/incentives/",
    "/office/plan/assumptions/",
)


@pytest.mark.django_db
def test_pages_run_on_the_national_plan_and_cite_only_its_clauses(national, client):
    import re

    from eduplan.accounts.actions import create_user_with_role
    from eduplan.registry import actions
    from eduplan.registry.choices import Role
    from tests.factories import mini_city

    m = mini_city()
    actions.record_class(m.kg_a, school_year=2024, name="小一班", age_group="small", boys=20, girls=12)
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    client.login(username="cityo", password="pw-123456")
    yuxi = re.compile(r"(?<![\w-])(?:PRE|HS)-(?:T\d+|\d+(?:\.\d+)*)(?![\w])")
    for url in PAGES:
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert not yuxi.findall(html), (url, yuxi.findall(html)[:5])
        assert "教基〔2021〕8号" in html, url  # the plan in force in the header
