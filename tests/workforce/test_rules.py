"""Workforce rules: each flags what its clause forbids and leaves compliant records alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eduplan.rules.catalogue import run_rules
from eduplan.supervision.incidents import record_incident
from eduplan.workforce import actions

from .helpers import staff, world

pytestmark = pytest.mark.django_db

END_2025 = dt.date(2025, 12, 31)


def run(rule: str, user=None, year: int = 2025, as_of: dt.date = END_2025):
    return run_rules(year=year, rule_ids=[rule], user=user, as_of=as_of)


def violations(rule: str, **kw):
    return [f for f in run(rule, **kw) if f.kind == "violation"]


# -- PRE-4.3.2 training ---------------------------------------------------------------------------


def train(person, hours, year, course="国培计划"):
    return actions.record_training(
        person,
        level="national",
        course=f"{course}{year}",
        hours=hours,
        start_date=dt.date(year, 7, 1),
        end_date=dt.date(year, 7, 20),
    )


def test_training_coverage_flags_the_institution_and_county_behind():
    w = world()
    late = staff(w.m.hs_a, "李老师")
    for year in range(2021, 2026):
        train(w.teacher, 72, year)  # 360 over the cycle
    train(late, 100, 2023)
    found = violations("TRAINING-COVERAGE-INSTITUTION")
    assert [(f.entity_code, f.measured) for f in found] == [("H1", Decimal("50.0"))]
    assert "李老师 100.0/360.0" in found[0].details["lagging"]
    county = violations("TRAINING-COVERAGE-COUNTY")
    assert [(f.entity_code, f.measured) for f in county] == [("530402", Decimal("50.0"))]
    assert "2021–2025" in county[0].message_zh


def test_training_coverage_pro_rates_mid_cycle_and_passes_staff_on_track():
    w = world()
    train(w.teacher, 150, 2022)  # by the end of 2022: 2 of 5 years done → 144 hours needed
    assert violations("TRAINING-COVERAGE-INSTITUTION", as_of=dt.date(2022, 12, 31), year=2022) == []
    # a year later 216 hours are needed: now behind
    later = violations("TRAINING-COVERAGE-INSTITUTION", as_of=dt.date(2023, 12, 31), year=2023)
    assert [(f.entity_code, f.details["lagging"]) for f in later] == [("H1", ["王老师 150.0/216.0"])]


def test_training_counties_without_any_record_are_no_data_not_a_pass():
    world()
    found = run("TRAINING-COVERAGE-COUNTY")
    assert {(f.entity_code, f.kind) for f in found} == {("530402", "no_data"), ("530403", "no_data")}


# -- HS-2.3 performance pay -----------------------------------------------------------------------


def test_pay_not_tilted_to_teachers_is_flagged():
    w = world()
    actions.record_performance_pay(
        w.m.hs_a, 2025, frontline=(800_000, 20), class_teachers=(200_000, 5), others=(500_000, 10)
    )  # teachers 40,000 each, others 50,000
    found = violations("HS-PAY-TILT")
    assert [(f.entity_code, f.measured) for f in found] == [("H1", Decimal("40000.00"))]
    assert "50000.00" in found[0].message_zh


def test_pay_tilted_to_teachers_passes_and_missing_figures_are_no_data():
    w = world()
    assert [(f.entity_code, f.kind) for f in run("HS-PAY-TILT")] == [("H1", "no_data")]
    actions.record_performance_pay(
        w.m.hs_a, 2025, frontline=(1_000_000, 20), class_teachers=(300_000, 5), others=(400_000, 10)
    )
    assert run("HS-PAY-TILT") == []


def test_class_teachers_not_above_other_teachers_is_flagged():
    w = world()
    actions.record_performance_pay(
        w.m.hs_a, 2025, frontline=(1_000_000, 20), class_teachers=(250_000, 5), others=(300_000, 10)
    )
    assert [f.entity_code for f in violations("HS-PAY-CLASS-TEACHER")] == ["H1"]
    actions.record_performance_pay(
        w.m.hs_a, 2025, frontline=(1_000_000, 20), class_teachers=(300_000, 5), others=(300_000, 10)
    )
    assert violations("HS-PAY-CLASS-TEACHER") == []


def test_pay_total_must_be_the_sum_of_the_groups():
    from django.core.exceptions import ValidationError

    w = world()
    with pytest.raises(ValidationError) as exc:
        actions.record_performance_pay(
            w.m.hs_a, 2025, frontline=(1, 1), class_teachers=(1, 1), others=(1, 1), total=5
        )
    assert "total" in exc.value.message_dict


# -- HS-3.1 evaluation ----------------------------------------------------------------------------


def scheme(w, title, criteria, **kw):
    return actions.record_evaluation_scheme(
        w.m.county_a, 2025, title, target="schools", criteria=criteria, **kw
    )


def test_admission_rate_as_only_or_dominant_criterion_is_flagged():
    w = world()
    scheme(w, "唯一", [("高考本科上线率", "admission_rate", 100)])
    scheme(w, "为主", [("一本率", "other", 60), ("德育", "moral", 40)])  # named as admission rate
    found = violations("HS-EVAL-ADMISSION")
    assert sorted(f.subject for f in found) == ["为主", "唯一"]
    assert any("唯一评价指标" in f.message_zh for f in found)


def test_admission_targets_given_to_schools_are_flagged_and_balanced_schemes_pass():
    w = world()
    scheme(
        w, "均衡", [("升学率", "admission_rate", 30), ("综合素质", "all_round", 40), ("德育", "moral", 30)]
    )
    assert violations("HS-EVAL-ADMISSION") == []
    scheme(
        w,
        "下达指标",
        [("升学率", "admission_rate", 20), ("综合素质", "all_round", 80)],
        admission_targets=True,
    )
    found = violations("HS-EVAL-ADMISSION")
    assert [f.subject for f in found] == ["下达指标"]
    assert "下达升学率指标" in found[0].message_zh


# -- HS-2.4 ethics --------------------------------------------------------------------------------


def bar(person, decided=dt.date(2024, 3, 1), years=2, **kw):
    return actions.record_negative_entry(
        person,
        category="paid_tutoring",
        occurred_on=decided - dt.timedelta(days=20),
        decided_on=decided,
        consequence="no_promotion",
        ban_years=years,
        **kw,
    )


def award(person, day):
    return actions.record_career_event(person, kind="award", title="优秀教师", granted_on=day)


def test_award_during_an_ethics_bar_is_flagged_for_allowed_roles_only():
    w = world()
    bar(w.teacher)
    award(w.teacher, dt.date(2025, 9, 10))
    city = violations("HS-ETHICS-BAR", user=w.users["city"])
    assert [(f.entity_code, f.subject) for f in city] == [("H1", "王老师")]
    assert [f.subject for f in violations("HS-ETHICS-BAR", user=w.users["principal_own"])] == ["王老师"]
    for role in ("viewer_city", "supervisor_own", "county_other", "principal_same_county"):
        assert violations("HS-ETHICS-BAR", user=w.users[role]) == [], role
    assert violations("HS-ETHICS-BAR") == []  # the shared (user-less) findings list never carries it


def test_award_after_the_bar_has_ended_is_not_flagged():
    w = world()
    bar(w.teacher, decided=dt.date(2022, 3, 1), years=2)
    award(w.teacher, dt.date(2024, 3, 1))  # the first day after the bar
    assert violations("HS-ETHICS-BAR", user=w.users["city"]) == []


def test_serious_ethics_case_without_an_incident_is_flagged_until_recorded():
    w = world()
    entry = bar(w.teacher, serious=True)
    city = w.users["city"]
    assert [f.entity_code for f in violations("HS-ETHICS-INCIDENT", user=city)] == ["530402"]
    record_incident(
        w.m.county_a, kind="teacher_ethics", occurred_on=entry.occurred_on, title="严重师德问题", user=city
    )
    assert violations("HS-ETHICS-INCIDENT", user=city) == []


# -- HS-3.4 publicity -----------------------------------------------------------------------------


def test_publicity_hyping_top_scorers_is_flagged_with_the_words():
    w = world()
    actions.record_publicity(
        w.m.hs_a,
        published_on=dt.date(2025, 10, 1),
        channel="wechat",
        title="高考喜报",
        text="我校考生荣获全市理科状元,清北录取3人",
    )
    found = violations("HS-HYPE")
    assert len(found) == 1
    assert found[0].clause == "HS-3.4"
    assert found[0].details["words"] == ["高考喜报", "状元", "清北"]


def test_ordinary_publicity_and_place_names_pass():
    w = world()
    actions.record_publicity(
        w.m.hs_a,
        published_on=dt.date(2025, 10, 2),
        channel="website",
        title="我校举行全市第一届科技节",
        text="活动在状元桥校区举行,学生展示研究性学习成果。",
    )
    assert violations("HS-HYPE") == []
