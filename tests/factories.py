"""Small hand-built registry fixtures shared by tests (a city, two counties, a few institutions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, DivisionType, InstitutionKind, Ownership, Sponsor
from eduplan.registry.models import Division, Institution


@dataclass
class MiniCity:
    city: Division
    county_a: Division
    county_b: Division
    town_a: Division
    town_b: Division
    kg_a: Institution
    kg_b: Institution
    hs_a: Institution


def memory_caches() -> dict[str, dict[str, str]]:
    """Every cache of the settings in this process's memory, for a test (the derived results and
    the kept public pages)."""
    return {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{alias}"}
        for alias in ("default", "pages")
    }


def make_division(code: str, name: str, level: str, parent: Division | None = None, **kw) -> Division:
    return actions.create_division(code=code, name=name, level=level, parent=parent, **kw)


def make_kindergarten(code: str, name: str, township: Division, **kw) -> Institution:
    fields = dict(
        kind=InstitutionKind.KINDERGARTEN,
        ownership=Ownership.PUBLIC,
        sponsor=Sponsor.EDUCATION_DEPT,
        licence_status="licensed",
        service_type="full_day",
        seats=180,
    )
    fields.update(kw)
    return actions.create_institution(code=code, name=name, division=township, **fields)


def mini_city() -> MiniCity:
    city = make_division("530400", "玉溪市", DivisionLevel.CITY, type=DivisionType.CITY)
    county_a = make_division("530402", "红塔区", DivisionLevel.COUNTY, city, type=DivisionType.DISTRICT)
    county_b = make_division("530403", "江川区", DivisionLevel.COUNTY, city, type=DivisionType.DISTRICT)
    town_a = make_division(
        "530402001", "玉兴街道", DivisionLevel.TOWNSHIP, county_a, type=DivisionType.SUBDISTRICT
    )
    town_b = make_division("530403100", "江城镇", DivisionLevel.TOWNSHIP, county_b, type=DivisionType.TOWN)
    kg_a = make_kindergarten("K1", "玉兴街道中心幼儿园", town_a)
    kg_b = make_kindergarten("K2", "江城镇中心幼儿园", town_b)
    hs_a = actions.create_institution(
        code="H1",
        name="玉溪第一中学",
        kind=InstitutionKind.HIGH_SCHOOL,
        division=town_a,
        ownership=Ownership.PUBLIC,
        sponsor=Sponsor.EDUCATION_DEPT,
        rating="p1-1",
        established_on=dt.date(1950, 9, 1),
    )
    return MiniCity(city, county_a, county_b, town_a, town_b, kg_a, kg_b, hs_a)
