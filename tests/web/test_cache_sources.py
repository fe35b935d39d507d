"""Caches keyed on what they read (issue 16, item 8): the dashboard parts and the findings list are
cached per data version, so every source a measure, rule or dashboard reads must move it. One test
per source: a write through that source's own action, and the cached dashboard, the cached findings
list and the API show it on the very next request."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from eduplan.planning.allocation import adopt
from eduplan.planning.allocation.adopted_models import AdoptionOrigin
from eduplan.programmes import actions as programmes
from eduplan.registry import actions
from eduplan.supervision import incidents
from eduplan.tasks import actions as tasks
from eduplan.workforce import actions as workforce
from tests.workforce.helpers import PASSWORD, world

pytestmark = pytest.mark.django_db
COUNTY = "/office/county/530402/"


@pytest.fixture
def w(client):
    w = world()
    for kg, n in ((w.m.kg_a, 20), (w.m.kg_b, 10)):
        actions.record_class(kg, school_year=2024, name="中一班", age_group="middle", boys=n, girls=n)
    for town in (w.m.town_a, w.m.town_b):
        for age in range(0, 8):
            for sex in ("M", "F"):
                actions.set_population(
                    town, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=10
                )
    client.login(username="cityo", password=PASSWORD)
    # Fill every cache first: what follows must not be served from them.
    for url in (COUNTY, "/office/", "/office/findings/"):
        assert client.get(url).status_code == 200
    return w


def card(client, indicator: str) -> str:
    """The cached county dashboard's card of ``indicator``: value, status and target label."""
    page = client.get(COUNTY).content.decode()
    found = re.search(rf'data-indicator="{indicator}"(.*?)<div class="spark"', page, re.S)
    assert found, f"no card for {indicator}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def api_row(client, indicator: str, division: str = "530402", year: int = 2024) -> dict:
    items = client.get(f"/api/indicators?indicator={indicator}&year={year}").json()["items"]
    return next(r for r in items if r["division"] == division)


def findings_page(client) -> str:
    return client.get("/office/findings/").content.decode()


def api_findings(client, rule: str) -> list[dict]:
    return client.get(f"/api/findings?rule={rule}").json()["items"]


def test_registry_write(client, w):
    before = card(client, "preschool_ger"), api_row(client, "preschool_ger")["value"]
    actions.record_class(w.m.kg_a, school_year=2024, name="中二班", age_group="middle", boys=10, girls=10)
    after = card(client, "preschool_ger"), api_row(client, "preschool_ger")["value"]
    assert after[0] != before[0] and after[1] > before[1]


def test_programme_register_write(client, w):
    assert api_row(client, "demonstration_kindergartens")["value"] == 0
    before = card(client, "demonstration_kindergartens")
    programmes.designate(w.m.kg_a, "demo_kindergarten", designated_on=dt.date(2024, 6, 1))
    assert api_row(client, "demonstration_kindergartens")["value"] == 1
    assert card(client, "demonstration_kindergartens") != before


def test_certification_write(client, w):
    assert api_row(client, "counties_certified_share")["value"] == 0
    before = card(client, "counties_certified_share")
    programmes.certify_county(
        w.m.county_a, kind="provincial", certified_on=dt.date(2024, 11, 1), user=w.users["city"]
    )
    assert api_row(client, "counties_certified_share")["value"] == 100
    assert card(client, "counties_certified_share") != before
    # … and a revocation before the assessment day takes it away again.
    programmes.certify_county(
        w.m.county_a,
        kind="provincial",
        certified_on=dt.date(2024, 11, 1),
        revoked_on=dt.date(2024, 12, 1),
        user=w.users["city"],
    )
    assert api_row(client, "counties_certified_share")["value"] == 0
    assert card(client, "counties_certified_share") == before


def test_adopted_target_write(client, w):
    assert "未分解目标" in card(client, "preschool_ger")
    assert api_row(client, "preschool_ger")["target_origin"] == "none"
    adopt.adopt(
        "preschool_ger",
        2025,
        {"530402": 97.5, "530403": 90.0},
        user=w.users["city"],
        reason="县目标",
        origin=AdoptionOrigin.FILE,
        file_name="targets.xlsx",
    )
    assert "县目标 97.5%（市分解）" in card(client, "preschool_ger")
    row = api_row(client, "preschool_ger")
    assert row["target_origin"] == "adopted" and row["target"] == 97.5 and row["adopted_by"] == "cityo"


def test_workforce_write(client, w):
    """Training records (workforce) feed the training-coverage rule: the county of a teacher with a
    course recorded no longer has the "no training records" finding, on the cached list and in the
    API."""
    no_records = "没有培训记录"
    before = findings_page(client).count(no_records)
    assert before >= 1
    assert "530402" in [f["division"] for f in api_findings(client, "TRAINING-COVERAGE-COUNTY")]
    workforce.record_training(
        w.teacher,
        level="national",
        course="国培计划",
        hours=360,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 7, 20),
        user=w.users["city"],
    )
    assert findings_page(client).count(no_records) < before
    rows = [f for f in api_findings(client, "TRAINING-COVERAGE-COUNTY") if f["division"] == "530402"]
    assert all(no_records not in f["message_zh"] for f in rows)


def test_incident_write(client, w):
    """An incident (supervision) bars the county's 普及普惠 readiness from the next request on, and
    clears the finding that a serious ethics case lacks its incident (the API runs rules as the
    caller; the cached list runs them without a user, for whom ethics records stay closed)."""
    workforce.record_negative_entry(
        w.teacher,
        category="gifts",
        occurred_on=dt.date(2024, 5, 1),
        decided_on=dt.date(2024, 6, 1),
        consequence="no_promotion",
        ban_years=1,
        serious=True,
        description="收受家长礼金",
        user=w.users["city"],
    )
    assert [f["division"] for f in api_findings(client, "HS-ETHICS-INCIDENT")] == ["530402"]
    detail = "/office/indicators/counties_ready_share/530402/2024/"  # from the cached records
    assert "2026-05-01" not in client.get(detail).content.decode()
    incidents.record_incident(
        w.m.county_a,
        kind="teacher_ethics",
        occurred_on=dt.date(2024, 5, 1),
        title="严重师德师风问题",
        user=w.users["city"],
    )
    assert api_findings(client, "HS-ETHICS-INCIDENT") == []
    assert "2026-05-01" in client.get(detail).content.decode()  # barred until two years on


def test_task_write(client, w):
    """Plan tasks (tasks) feed the rule that every open county task names its responsible person
    (TASK-RESPONSIBLE): a task the county adds without one shows on the cached dashboard's findings
    table, the cached findings list and the API at the next request; naming the person clears it
    there just as fast."""
    rule, title = "TASK-RESPONSIBLE", "新建城区公办幼儿园"
    link = f"/office/findings/?rule={rule}"
    assert link not in client.get(COUNTY).content.decode()
    assert title not in findings_page(client)
    assert api_findings(client, rule) == []
    task = tasks.add_county_task(
        w.m.county_a,
        title_zh=title,
        lead="县教育体育局",
        deadline=dt.date(2025, 8, 31),
        user=w.users["county_own"],
    )
    assert link in client.get(COUNTY).content.decode()
    assert title in findings_page(client)
    assert [(f["division"], f["subject"]) for f in api_findings(client, rule)] == [("530402", title)]
    tasks.name_responsible(task, "张局长(副局长)", user=w.users["county_own"])
    assert link not in client.get(COUNTY).content.decode()
    assert title not in findings_page(client)
    assert api_findings(client, rule) == []
