"""The demo places its divisions and institutions (seeded synthetic coordinates), so the portal's
map and "near me" and the siting tool's registry mode work on it; and the programme and workforce
registers are filled by ``eduplan demo`` itself (the apps' ``demo`` subcommands only fill a registry
that has none).

One tiny demo (seed 1) for the module.
"""

from __future__ import annotations

import math

import pytest
from django.core.management import call_command
from django.test import override_settings

from eduplan.demo import geo
from eduplan.demo.generator import generate
from eduplan.demo.registers import PROGRAMMES, RegistersExist, _part_models, fill_existing
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division, Institution

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        result = generate("tiny", 1)
        yield result
        call_command("flush", interactive=False, verbosity=0)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), independent of the generator's own arithmetic."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def point(obj) -> tuple[float, float]:
    assert obj.latitude is not None and obj.longitude is not None, obj
    return obj.latitude, obj.longitude


def test_yuxi_stands_at_its_real_place_and_its_counties_around_it(tiny):
    city = Division.objects.get(code="530400")
    assert km(point(city), (24.35, 102.54)) < 1
    counties = list(Division.objects.counties())
    assert len(counties) == 9
    distances = sorted(km(point(c), point(city)) for c in counties)
    assert distances[0] < 5 and distances[-1] < 90  # 红塔区 at the centre, the rest around it
    # No two county seats on top of each other.
    seats = [point(c) for c in counties]
    assert min(km(a, b) for i, a in enumerate(seats) for b in seats[i + 1 :]) > 3


def test_townships_villages_and_institutions_are_near_their_county(tiny):
    counties = {c.pk: point(c) for c in Division.objects.counties()}
    for level, limit in ((DivisionLevel.TOWNSHIP, 20), (DivisionLevel.VILLAGE, 25)):
        divisions = list(Division.objects.filter(level=level))
        assert divisions
        for d in divisions:
            assert km(point(d), counties[d.county_id]) <= limit, (d.code, level)
    institutions = list(Institution.objects.select_related("division"))
    assert institutions
    for inst in institutions:
        assert km(point(inst), counties[inst.county_id]) <= 22, inst.code
        assert km(point(inst), point(inst.division)) <= 3.5, inst.code


def test_real_divisions_stand_at_the_same_place_in_every_demo():
    from eduplan.demo.gazetteer import counties

    yuxi = counties("5304")
    assert geo.place_counties(yuxi) == geo.place_counties(yuxi)
    # A city without an entry in the table still gets a point, near its province's capital.
    lat, lon = geo.city_centre("5303", "53")
    assert km((lat, lon), (25.04, 102.71)) < 300
    assert geo.city_centre("5303", "53") == (lat, lon)
    # … and one in a province without an entry lands inside the inland box.
    lat, lon = geo.city_centre("9901", "99")
    assert 26 <= lat <= 36 and 103 <= lon <= 115


def test_the_portal_map_and_near_me_show_the_demo_kindergartens(tiny, client):
    from django.core.cache import cache

    cache.clear()
    data = client.get("/points.json").json()
    assert data["total"] > 100 and len(data["points"]) > 100
    code, _, lat, lon, _ = data["points"][0]
    assert km((lat, lon), point(Institution.objects.get(code=code))) < 0.01
    # "Near me" at 红塔区's seat: kindergartens within the radius, nearest first.
    seat = point(Division.objects.get(code="530402"))
    near = client.get("/points.json", {"lat": seat[0], "lon": seat[1], "radius": 5}).json()
    assert near["total"] > 0
    distances = [km(seat, (p[2], p[3])) for p in near["points"]]
    assert max(distances) <= 5.01
    page = client.get("/", {"lat": seat[0], "lon": seat[1], "radius": 5})
    assert page.status_code == 200 and near["points"][0][1] in page.content.decode()


def test_the_siting_registry_mode_returns_sites_on_the_demo(tiny):
    from eduplan.planning.siting import registry as sr

    instance = sr.load_county_instance("530402", 2025)
    assert instance.n > 0 and instance.m > 0
    run = sr.run_county_siting("530402", 2025, "zones")
    assert run.result.open_sites  # every kindergarten of 红塔区 is a site with a zone


def test_the_apps_demo_commands_refuse_a_filled_demo_and_fill_an_empty_registry(tiny):
    from eduplan.programmes.models import ParentCommittee, StandardisationProject

    with pytest.raises(RegistersExist):
        fill_existing(1, parts=[PROGRAMMES])
    committees = ParentCommittee.objects.count()
    assert committees and StandardisationProject.objects.exists()
    for model in _part_models(PROGRAMMES):
        model.objects.all().delete()
    from eduplan.programmes.models import SchoolGroupMember, VolunteerDuty

    counts = fill_existing(1, parts=[PROGRAMMES])
    assert counts["ParentCommittee"] == committees == ParentCommittee.objects.count()
    assert SchoolGroupMember.objects.exists() and VolunteerDuty.objects.exists()
