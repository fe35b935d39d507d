"""Synthetic coordinates for the demo: counties around their city's centre, townships around their
county, villages and institutions around their township — deterministic: the real divisions (city,
county, township) are placed from their codes alone, like their names, so they stand at the same
place in every demo; the synthetic villages and the institutions are seeded, so the same (scale,
seed) gives the same points on any machine.

The centres come from ``data/centres.toml`` (a city's approximate centre where listed, else a seeded
point near its province's capital, else one inside an inland box of China); the code knows no city.
Distances are drawn in kilometres and turned into degrees at the point's latitude. The points are
plausible, not real: a county's townships are scattered around it, not on its real territory.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from eduplan.registry.choices import DivisionType

from .gazetteer import County

CENTRES = Path(__file__).resolve().parent / "data" / "centres.toml"
KM_PER_DEGREE = 111.32
#: Rings (km from the centre) of each kind of place.
DISTRICT_KM = (6.0, 18.0)  # districts other than the first (市辖区 around the city centre)
COUNTY_KM = (30.0, 75.0)  # counties and county-level cities
SUBDISTRICT_KM = (0.5, 4.0)  # 街道 around the county seat
TOWN_KM = (6.0, 18.0)  # 镇, 乡
VILLAGE_KM = (1.0, 5.0)
INSTITUTION_KM = {"urban": (0.1, 1.5), "rural": (0.2, 3.0)}

Point = tuple[float, float]


@cache
def centres() -> dict[str, Any]:
    with CENTRES.open("rb") as fh:
        return tomllib.load(fh)


def offset(point: Point, km: float, angle: float) -> Point:
    """The point ``km`` away from ``point`` in direction ``angle`` (radians, 0 = east)."""
    lat, lon = point
    dlat = km * math.sin(angle) / KM_PER_DEGREE
    dlon = km * math.cos(angle) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def around(rng: np.random.Generator, point: Point, ring: tuple[float, float]) -> Point:
    """A point at a uniform distance in ``ring`` (km) and a uniform direction from ``point``."""
    km = float(rng.uniform(*ring))
    return offset(point, km, float(rng.uniform(0, 2 * math.pi)))


def province_centre(province_code: str) -> Point | None:
    entry = centres()["provinces"].get(province_code)
    return (float(entry[0]), float(entry[1])) if entry else None


def city_centre(city_code: str, province_code: str) -> Point:
    """The listed centre of the city, else a point drawn from its code near its province's capital
    (within the province's ``spread``), else one inside the inland box."""
    data = centres()
    listed = data["cities"].get(city_code)
    if listed:
        return float(listed[0]), float(listed[1])
    rng = np.random.default_rng([int(city_code), 11])
    entry = data["provinces"].get(province_code)
    if entry:
        lat, lon, spread = (float(v) for v in entry)
        return round(lat + float(rng.uniform(-spread, spread)), 6), round(
            lon + float(rng.uniform(-spread, spread)), 6
        )
    box = data["china"]
    return round(float(rng.uniform(*box["latitude"])), 6), round(float(rng.uniform(*box["longitude"])), 6)


def place_counties(counties: list[County]) -> dict[str, Point]:
    """Each county's seat: the city's first district at its centre, its other districts on a near
    ring, the other counties evenly around a far ring (turn and jitter drawn from the city's code),
    in code order."""
    by_city: dict[str, list[County]] = {}
    for county in counties:
        by_city.setdefault(county.city_code, []).append(county)
    out: dict[str, Point] = {}
    for city_code, members in by_city.items():
        members.sort(key=lambda c: c.code)
        centre = city_centre(city_code, members[0].province_code)
        rng = np.random.default_rng([int(city_code), 12])
        districts = [c for c in members if c.type == DivisionType.DISTRICT]
        others = [c for c in members if c.type != DivisionType.DISTRICT]
        if districts:
            out[districts[0].code] = around(rng, centre, (0.0, 3.0))
        for ring, group in ((DISTRICT_KM, districts[1:]), (COUNTY_KM, others)):
            turn = float(rng.uniform(0, 2 * math.pi))
            for k, county in enumerate(group):
                angle = turn + 2 * math.pi * k / len(group) + float(rng.uniform(-0.25, 0.25))
                out[county.code] = offset(centre, float(rng.uniform(*ring)), angle)
    return out


class CountyPlaces:
    """The points of one county's townships (from the county's code), villages and institutions
    (seeded)."""

    def __init__(self, seed: int, county_code: str, seat: Point) -> None:
        self.fixed = np.random.default_rng([int(county_code), 11])
        self.rng = np.random.default_rng([seed, int(county_code), 11])
        self.seat = seat

    def township(self, kind: str) -> Point:
        return around(self.fixed, self.seat, SUBDISTRICT_KM if kind == DivisionType.SUBDISTRICT else TOWN_KM)

    def village(self, township: Point) -> Point:
        return around(self.rng, township, VILLAGE_KM)

    def institution(self, township: Point, *, urban: bool) -> Point:
        return around(self.rng, township, INSTITUTION_KM["urban" if urban else "rural"])
