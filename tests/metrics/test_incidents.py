"""The PRE-5.4 hook: where the readiness learns which counties are barred."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from eduplan.metrics import engines, incidents
from eduplan.metrics.incidents import Incident, IncidentList
from eduplan.metrics.indicators import compute_indicators

D = dt.date


def test_a_ban_lasts_two_years_from_the_day():
    source = IncidentList([Incident("530402", D(2023, 3, 1))], years=2)
    assert source.banned_counties(D(2023, 2, 28)) == {}
    assert source.banned_counties(D(2023, 3, 1)) == {"530402": D(2025, 3, 1)}
    assert source.banned_counties(D(2025, 2, 28)) == {"530402": D(2025, 3, 1)}
    assert source.banned_counties(D(2025, 3, 1)) == {}


def test_the_latest_incident_ends_the_ban_last_and_29_february_is_handled():
    source = IncidentList([Incident("A", D(2024, 2, 29)), Incident("A", D(2023, 1, 1))], years=2)
    assert source.banned_counties(D(2024, 12, 31)) == {"A": D(2026, 2, 28)}


def test_ban_length_defaults_to_the_standards_file():
    assert incidents.ban_years() == 2
    assert IncidentList([Incident("A", D(2023, 3, 1))]).banned_counties(D(2024, 12, 31)) == {
        "A": D(2025, 3, 1)
    }


def test_source_registration(monkeypatch):
    # An override wins; else the provider registered at start-up; else a loud configuration error.
    monkeypatch.setattr(incidents, "_registered", None)
    incidents.register_incident_source(lambda on: {"530403": D(2026, 1, 1)})
    assert incidents.incident_source().banned_counties(D(2025, 12, 31)) == {"530403": D(2026, 1, 1)}
    registered = IncidentList([])
    incidents.set_incident_source(registered)
    try:
        assert incidents.incident_source() is registered
    finally:
        incidents.set_incident_source(None)
    assert incidents.incident_source().banned_counties(D(2025, 12, 31)) == {"530403": D(2026, 1, 1)}
    monkeypatch.setattr(incidents, "_registered", None)
    with pytest.raises(ImproperlyConfigured, match="no incident source is registered"):
        incidents.incident_source()


def test_supervision_registers_the_incident_source_at_start_up():
    from eduplan.supervision.incidents import banned_counties

    assert incidents.incident_source().fn is banned_counties


@pytest.mark.django_db
def test_compute_uses_the_registered_source(city, django_db_blocker):
    class Fake:
        asked: list[dt.date] = []

        def banned_counties(self, on):
            self.asked.append(on)
            return {"530402": D(2025, 3, 1)} if on.year == 2024 else {}

    incidents.set_incident_source(Fake())
    try:
        with django_db_blocker.unblock():
            # Readiness is an indicator of the assessment set (PRE-T4 itself counts certifications).
            rows = compute_indicators(
                2024, "530402", engine=engines.from_django(), sets=["targets", "assessment"]
            )
    finally:
        incidents.set_incident_source(None)
    # Asked once per school year, on the assessment day (31 December).
    assert Fake.asked == [D(2021, 12, 31), D(2022, 12, 31), D(2024, 12, 31)]
    ready = next(r for r in rows if r["indicator"] == "counties_ready_share")
    assert ready["value"] == 0 and "2025-03-01" in ready["note"]
