"""Every supervision model declares how it reaches a county and an institution, and the one scoping
function filters each of them for every role without error (a wrong lookup path fails here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from eduplan.accounts.scoping import model_scope, scope
from eduplan.supervision import inspections, rectification, reports

from .helpers import GOOD_VALUES, world

pytestmark = pytest.mark.django_db


def supervision_models():
    return [
        m for m in apps.get_app_config("supervision").get_models() if not m.__name__.startswith("Historical")
    ]


def test_every_model_declares_a_scope():
    for model in supervision_models():
        assert model_scope(model) is not None, model.__name__


def test_each_role_sees_its_own_area_of_every_model(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = world()
    for county, officer in ((w.m.county_a, w.county_a), (w.m.county_b, w.county_b)):
        r = reports.open_monthly_report(county, dt.date(2025, 3, 1), user=officer)
        reports.save_monthly_report(r, values=GOOD_VALUES, user=officer)
    for kg, inspector in ((w.m.kg_a, w.supervisor), (w.m.kg_b, w.county_b)):
        i = inspections.record_inspection(kg, inspected_on=dt.date(2025, 3, 1), user=inspector)
        f = inspections.add_finding(i, message_zh="问题", user=inspector)
        o = rectification.issue_rectification_order(f, responsible_person="王", user=inspector)
        rectification.report_rectification(
            o, text="done", user=w.principal if kg == w.m.kg_a else w.principal_b
        )
    for model in supervision_models():
        everything = model.objects.count()
        for user in (w.county_a, w.city, w.supervisor, w.principal, w.viewer):
            seen = scope(user, model.objects.all()).count()
            assert seen <= everything
        # The city sees everything; one county's officer never sees the other county's rows.
        assert scope(w.city, model.objects.all()).count() == everything or model.__name__ in (
            "Notice",
            "ReportingDeadline",
        )
    assert reports.reports_for(w.county_a).count() == 1
    assert inspections.inspections_for(w.county_b).get().institution == w.m.kg_b
    assert inspections.inspections_for(w.supervisor).get().institution == w.m.kg_a
    assert rectification.orders_for(w.principal).get().institution == w.m.kg_a
    assert not rectification.orders_for(w.principal_b).filter(institution=w.m.kg_a).exists()
