"""Dated changes through the registry action (issue 16, items 1 and 8): an institution recorded
before the time model (no attribute rows) keeps its past when first changed; a change holds from its
effective date; a future-dated change leaves today's values alone; every change moves the data
version the cached indicators and findings are keyed on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eduplan.registry import actions
from eduplan.registry.models import InstitutionState, current_version
from eduplan.registry.models.states import in_force_on
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


def test_a_dated_change_keeps_the_past_and_moves_the_version():
    m = mini_city()
    kg = m.kg_a
    old = kg.ownership
    InstitutionState.objects.filter(institution=kg).delete()  # as if recorded before the time model
    before = current_version()
    actions.change_institution(
        kg,
        {"ownership": "private_nonprofit", "sponsor": "private"},
        effective_from=dt.date(2024, 9, 1),
        reason="转制 conversion",
    )
    assert current_version() > before
    assert in_force_on(kg, dt.date(2024, 8, 31)).ownership == old  # backfilled from what was stored
    assert in_force_on(kg, dt.date(2024, 9, 1)).ownership == "private_nonprofit"
    kg.refresh_from_db()
    assert kg.ownership == "private_nonprofit"


def test_a_change_in_force_from_a_future_day_does_not_show_as_today():
    m = mini_city()
    kg = m.kg_a
    today = kg.ownership
    later = timezone.localdate() + dt.timedelta(days=30)
    actions.change_institution(
        kg, {"ownership": "private_nonprofit", "sponsor": "private"}, effective_from=later, reason="计划转制"
    )
    kg.refresh_from_db()
    assert kg.ownership == today
    assert in_force_on(kg, later).ownership == "private_nonprofit"


def test_a_class_whose_grade_does_not_fit_the_school_is_refused_on_import():
    """Issue 16, item 4: a vocational grade in a general high school, a senior grade in a junior
    middle school are refused with the file's row and column."""
    from eduplan.intake.importer import REGISTRY_KINDS, import_rows

    m = mini_city()
    rows = [{"institution_code": m.hs_a.code, "school_year": 2024, "name": "中职1班", "age_group": "v1"}]
    result = import_rows(REGISTRY_KINDS["classes"], rows)
    assert not result.ok
    problem = result.problems[0]
    assert (problem.row, problem.column) == (1, "age_group")
    assert "v1" in problem.zh or "v1" in problem.en
    ok = [{"institution_code": m.hs_a.code, "school_year": 2024, "name": "高一1班", "age_group": "g10"}]
    assert import_rows(REGISTRY_KINDS["classes"], ok).ok
