"""The real division codes and names the demo is built on (``eduplan/data/divisions``, NBS
statistical codes as of 2022-10-31), selected for a scale.

Only county-level divisions (县/市/区/旗) and their townships (街道 0xx, 镇 1xx, 乡 2xx, 苏木 3xx)
are used: development zones, farms and other administrative units without a resident township
structure (codes 4xx/5xx, and county-level "开发区/园区/管委会" units) are left out, which gives
about 2,860 counties for China (the official count is 2,844 in 2023).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from eduplan.registry.choices import DivisionType, Locality

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "divisions"
#: County-level units that are not counties (their names contain these).
NOT_COUNTIES = ("开发区", "园区", "管理区", "管委会", "行政委员会", "群岛", "海域", "新城")
#: Township codes (last three digits) by first digit: the GB/T 2260 convention.
TOWNSHIP_TYPES: dict[str, str] = {
    "0": DivisionType.SUBDISTRICT,
    "1": DivisionType.TOWN,
    "2": DivisionType.TOWNSHIP,
    "3": DivisionType.TOWNSHIP,  # 苏木 (Inner Mongolia)
}
LOCALITY_OF: dict[str, str] = {
    DivisionType.SUBDISTRICT: Locality.URBAN,
    DivisionType.TOWN: Locality.TOWN,
    DivisionType.TOWNSHIP: Locality.RURAL,
}


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    type: str

    @property
    def weight_key(self) -> str:
        return {
            DivisionType.SUBDISTRICT: "subdistrict",
            DivisionType.TOWN: "town",
            DivisionType.TOWNSHIP: "township",
        }.get(self.type, "other")  # type: ignore[call-overload]


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city_code: str  # 4 digits
    province_code: str  # 2 digits
    townships: tuple[Township, ...]

    @property
    def type(self) -> str:
        if self.name.endswith("区"):
            return DivisionType.DISTRICT
        if self.name.endswith("市"):
            return DivisionType.COUNTY_CITY
        if self.name.endswith(("县", "旗")):
            return DivisionType.COUNTY
        return DivisionType.OTHER

    @property
    def is_autonomous(self) -> bool:
        return "自治" in self.name


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def provinces() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _read("provinces.csv")}


@cache
def cities() -> dict[str, tuple[str, str]]:
    """4-digit city code → (name, province code)."""
    return {row["code"]: (row["name"], row["provinceCode"]) for row in _read("cities.csv")}


@cache
def _townships_by_county() -> dict[str, list[Township]]:
    out: dict[str, list[Township]] = {}
    for row in _read("streets.csv"):
        kind = TOWNSHIP_TYPES.get(row["code"][6])
        if kind is None:
            continue
        out.setdefault(row["areaCode"], []).append(Township(row["code"], row["name"], kind))
    return out


def counties(area_prefix: str) -> list[County]:
    """Counties whose code starts with ``area_prefix`` ("5304", "53", "" for all), by code, each
    with its townships by code. Counties without townships are left out."""
    townships = _townships_by_county()
    out = []
    for row in _read("areas.csv"):
        code = row["code"]
        if not code.startswith(area_prefix) or any(word in row["name"] for word in NOT_COUNTIES):
            continue
        towns = sorted(townships.get(code, []), key=lambda t: t.code)
        if not towns:
            continue
        out.append(County(code, row["name"], row["cityCode"], row["provinceCode"], tuple(towns)))
    out.sort(key=lambda c: c.code)
    return out


@cache
def _area_codes() -> frozenset[str]:
    return frozenset(row["code"] for row in _read("areas.csv"))


def city_division_code(city_code: str) -> str:
    """The city's division code: its 4 digits padded to 6 — except for the few cities without
    county-level divisions (东莞 441900, 中山 442000, 儋州 460400), whose one county-level unit
    already carries that code; their city node keeps the 4-digit code."""
    code = f"{city_code}00"
    return city_code if code in _area_codes() else code


def province_division_code(province_code: str) -> str:
    return f"{province_code}0000"
