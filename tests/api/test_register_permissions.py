"""The registers' endpoints (programmes, workforce, plan tasks) keep counties apart like the
registry's: a county's token reads nothing of another county and writes nothing into it.

``REGISTER_PROBES`` names, for every such endpoint, the test that probes it (here or in the app's
own tests); ``tests/api/test_permissions.py`` fails on any endpoint that no probe covers."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from eduplan.api.models import create_token
from eduplan.duties import actions as duties
from eduplan.duties.kinds import DUTY_KINDS
from eduplan.intake.kinds import ColumnType
from eduplan.programmes import actions as programmes
from eduplan.programmes.kinds import PROGRAMME_KINDS
from eduplan.programmes.models import DesignationKind
from eduplan.registry import actions as registry_actions
from eduplan.workforce import actions as workforce
from tests.workforce.helpers import world

pytestmark = pytest.mark.django_db

HERE = "tests.api.test_register_permissions"
PROGRAMME_PATHS = {f"/api/programmes/{k.url_name}" for k in PROGRAMME_KINDS.values()}
DUTY_PATHS = {f"/api/duties/{k.url_name}" for k in DUTY_KINDS.values()}

#: (method, path) → "module::test" that probes it.
ADOPT_PROBE = "tests.planning.test_adopted_targets::test_the_city_adopts_on_the_allocation_page_a_county_officer_gets_403"
REGISTER_PROBES: dict[tuple[str, str], str] = {
    **{
        ("GET", p): f"{HERE}::test_programme_registers_show_nothing_of_another_county"
        for p in PROGRAMME_PATHS
    },
    **{
        ("POST", p): f"{HERE}::test_programme_registers_refuse_rows_of_another_county"
        for p in PROGRAMME_PATHS
    },
    **{("GET", p): f"{HERE}::test_duty_registers_show_nothing_of_another_county" for p in DUTY_PATHS},
    **{("POST", p): f"{HERE}::test_duty_registers_refuse_rows_of_another_county" for p in DUTY_PATHS},
    (
        "POST",
        "/api/tasks/{pk}/responsible",
    ): "tests.tasks.test_responsible::test_only_the_county_or_the_city_names_one_and_never_an_empty_one",
    ("GET", "/api/programmes/incentives"): f"{HERE}::test_incentives_and_coverage_stay_in_the_county",
    ("GET", "/api/workforce/coverage"): f"{HERE}::test_incentives_and_coverage_stay_in_the_county",
    ("POST", "/api/workforce/training"): f"{HERE}::test_training_cannot_be_recorded_for_another_county",
    ("GET", "/api/workforce/{name}"): "tests.workforce.test_permissions::test_ethics_page_api_and_export",
    ("GET", "/api/tasks"): "tests.tasks.test_scoping::test_api_is_scoped",
    ("GET", "/api/tasks/{pk}"): "tests.tasks.test_scoping::test_api_is_scoped",
    ("POST", "/api/tasks/{pk}/progress"): "tests.tasks.test_scoping::test_api_is_scoped",
    ("GET", "/api/plan/assumptions"): "tests.web.test_plan_pages::test_the_plan_api_stays_in_the_county",
    (
        "POST",
        "/api/plan/assumptions/{ident}/confirm",
    ): "tests.web.test_plan_pages::test_the_plan_api_stays_in_the_county",
    ("GET", "/api/plan/explain"): "tests.web.test_plan_pages::test_the_plan_api_stays_in_the_county",
    ("GET", "/api/plan/targets"): ADOPT_PROBE,
    ("POST", "/api/plan/targets/adopt"): ADOPT_PROBE,
}


def test_every_named_probe_exists():
    for target in set(REGISTER_PROBES.values()):
        module, _, name = target.partition("::")
        assert callable(getattr(importlib.import_module(module), name, None)), target


@pytest.fixture
def w():
    w = world()
    w.token_a = {"HTTP_AUTHORIZATION": "Bearer " + create_token(w.users["county_own"])[1]}
    # County B has rows in the registers: a designation, a committee, a training course.
    programmes.designate(w.m.kg_b, DesignationKind.DEMO_KINDERGARTEN, designated_on=dt.date(2023, 9, 1))
    workforce.record_training(
        w.teacher_b,
        level="county",
        course="B县轮训",
        hours=40,
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 3, 5),
    )
    return w


def test_programme_registers_show_nothing_of_another_county(client, w):
    for path in sorted(PROGRAMME_PATHS):
        mine = client.get(path, {"limit": 1000}, **w.token_a)
        assert mine.status_code == 200, path
        text = mine.content.decode()
        assert "K2" not in text and "530403" not in text, path
        other = client.get(path, {"county": "530403"}, **w.token_a)
        assert other.status_code == 404 or other.json()["count"] == 0, path
    # … while the city sees county B's designation.
    city = {"HTTP_AUTHORIZATION": "Bearer " + create_token(w.users["city"])[1]}
    assert "K2" in client.get("/api/programmes/designations", **city).content.decode()


def test_programme_registers_refuse_rows_of_another_county(client, w):
    # County B's high school, for the registers that take one.
    registry_actions.create_institution(
        code="H2",
        name="江川一中",
        kind="high_school",
        division=w.m.town_b,
        ownership="public",
        sponsor="education",
    )
    targets = {"county_code": "530403", "division_code": "530403100"}
    for kind in PROGRAMME_KINDS.values():
        row = {c.key: c.example for c in kind.columns if c.example is not None}
        row = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
        for col in kind.columns:
            if col.key in row and col.key in targets:
                row[col.key] = targets[col.key]
            elif col.key in row and col.type == ColumnType.INSTITUTION:  # a school or kindergarten of B
                kinds = col.institution_kinds or ("high_school",)
                row[col.key] = "H2" if "high_school" in kinds else "K2"
        path = f"/api/programmes/{kind.url_name}"
        before = kind.model.objects.count()
        response = client.post(path, {"rows": [row]}, content_type="application/json", **w.token_a)
        assert response.status_code == 403, (path, response.json())
        assert {e["code"] for e in response.json()["errors"]} == {"not_permitted"}, path
        assert kind.model.objects.count() == before, path


def test_incentives_and_coverage_stay_in_the_county(client, w):
    incentives = client.get("/api/programmes/incentives", **w.token_a)
    assert incentives.status_code == 200
    assert {r["county"] for r in incentives.json()} <= {"530402"}
    coverage = client.get("/api/workforce/coverage", {"as_of": "2025-01-15"}, **w.token_a)
    assert coverage.status_code == 200
    body = coverage.json()
    assert body["counties"] and {c["code"] for c in body["counties"]} == {"530402"}
    assert "530403" not in str(body["institutions"]) and "K2" not in str(body["institutions"])


def test_training_cannot_be_recorded_for_another_county(client, w):
    before = w.teacher_b.training_records.count()
    response = client.post(
        "/api/workforce/training",
        {
            "institution_code": "K2",
            "id_hash": w.teacher_b.id_hash,
            "level": "county",
            "course": "越权",
            "hours": "10",
            "start_date": "2024-04-01",
            "end_date": "2024-04-02",
        },
        content_type="application/json",
        **w.token_a,
    )
    assert response.status_code in (403, 404)
    assert w.teacher_b.training_records.count() == before


def test_duty_registers_show_nothing_of_another_county(client, w):
    duties.record_party_coverage(  # county B's kindergarten is covered
        w.m.kg_b,
        established_on=dt.date(2023, 7, 1),
        form="own",
        organisation="B园党支部",
        document="B党〔2023〕1号",
    )
    for path in sorted(DUTY_PATHS):
        mine = client.get(path, {"limit": 1000}, **w.token_a)
        assert mine.status_code == 200, path
        text = mine.content.decode()
        assert "K2" not in text and "530403" not in text, path
        other = client.get(path, {"county": "530403"}, **w.token_a)
        assert other.status_code == 404 or other.json()["count"] == 0, path
    city = {"HTTP_AUTHORIZATION": "Bearer " + create_token(w.users["city"])[1]}
    assert "K2" in client.get("/api/duties/party-coverage", **city).content.decode()


def test_duty_registers_refuse_rows_of_another_county(client, w):
    registry_actions.create_institution(
        code="H2",
        name="江川一中",
        kind="high_school",
        division=w.m.town_b,
        ownership="public",
        sponsor="education",
    )
    targets = {"county_code": "530403"}
    for kind in DUTY_KINDS.values():
        row = {c.key: c.example for c in kind.columns if c.example not in (None, "")}
        row = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
        for col in kind.columns:
            if col.key in row and col.key in targets:
                row[col.key] = targets[col.key]
            elif col.key in row and col.type == ColumnType.INSTITUTION:  # a school or kindergarten of B
                kinds = col.institution_kinds or ("high_school",)
                row[col.key] = "H2" if "high_school" in kinds else "K2"
        path = f"/api/duties/{kind.url_name}"
        before = kind.model.objects.count()
        response = client.post(path, {"rows": [row]}, content_type="application/json", **w.token_a)
        assert response.status_code == 403, (path, response.json())
        assert {e["code"] for e in response.json()["errors"]} == {"not_permitted"}, path
        assert kind.model.objects.count() == before, path
