"""A gazetteer for "near a place": townships, villages and kindergartens by name or pinyin
initials (凤凰街道 → fhjd), so a parent types a place they know instead of a latitude and a
longitude. Built from the registry once per data version (shared through the cache)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eduplan.common.cache import cached
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division, Institution
from eduplan.web.search import initials

if TYPE_CHECKING:
    from .directory import Directory

#: Kinds of place, in the order a tie is broken (a township before a village of the same name).
KINDS = {"township": "乡镇(街道)", "village": "村(社区)", "kindergarten": "幼儿园"}


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str
    county: str
    latitude: float
    longitude: float
    initials: str

    @property
    def kind_zh(self) -> str:
        return KINDS[self.kind]


def gazetteer() -> list[Place]:
    """Every current township and village with coordinates, and every located kindergarten."""

    def build() -> list[Place]:
        places: list[Place] = []
        levels: dict[str, str] = {DivisionLevel.TOWNSHIP: "township", DivisionLevel.VILLAGE: "village"}
        divisions = Division.objects.filter(
            level__in=list(levels), valid_to__isnull=True, latitude__isnull=False, longitude__isnull=False
        ).values_list("name", "level", "county__name", "latitude", "longitude")
        for name, level, county, lat, lon in divisions:
            if lat is not None and lon is not None:  # filtered above; for the type checker
                places.append(Place(name, levels[level], county or "", lat, lon, initials(name)))
        institutions = Institution.objects.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("name", "county__name", "latitude", "longitude")
        for name, county, lat, lon in institutions:
            if lat is not None and lon is not None:
                places.append(Place(name, "kindergarten", county or "", lat, lon, initials(name)))
        return places

    return cached("gazetteer", build)


def _rank(place: Place, text: str, latin: bool) -> int | None:
    if place.name == text:
        return 0
    if place.name.startswith(text):
        return 1
    if latin and place.initials == text:
        return 2
    if latin and place.initials.startswith(text):
        return 3
    if text in place.name:
        return 4
    return None


def find_places(text: str, limit: int = 8) -> list[Place]:
    """Places matching ``text`` best first: exact name, name start, pinyin initials (whole, then
    start), name inside; a township before a village before a kindergarten, then by name."""
    text = text.strip().lower() if text.strip().isascii() else text.strip()
    if not text:
        return []
    latin = text.isascii() and text.isalnum()
    order = list(KINDS)
    ranked = []
    for place in gazetteer():
        rank = _rank(place, text, latin)
        if rank is not None:
            ranked.append((rank, order.index(place.kind), place.name, place))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]


def map_layers(city_code: str | None = None) -> dict[str, object]:
    """What the public map draws besides the kindergartens: the county outlines (a static file
    written by ``eduplan map_boundaries``, when there is one) and the townships as labelled
    points. Served apart from the directory page (``map-layers.json``), so the page stays small and
    a browser keeps the layer until the data changes."""
    from django.templatetags.static import static

    from .boundaries import outline_file
    from .caching import release

    def build() -> dict[str, object]:
        code = city_code or (
            Division.objects.filter(level=DivisionLevel.CITY, valid_to__isnull=True)
            .values_list("code", flat=True)
            .first()
        )
        towns = [[p.name, p.latitude, p.longitude] for p in gazetteer() if p.kind == "township"]
        has_outline = code is not None and outline_file(code).is_file()
        return {
            "boundaries": static(f"portal/boundaries/{code}.geojson") if has_outline else "",
            "townships": towns,
        }

    # the outline's address names a static file of this release
    return cached(f"portal:map-layers:{city_code or ''}:{release()}", build)


def place_example() -> str:
    """The place field's placeholder, from the registry so that its example always works: the
    first township by name and its pinyin initials ("凤凰街道 / fhjd")."""

    def build() -> str:
        towns = [p for p in gazetteer() if p.kind == "township"]
        first = min(towns, key=lambda p: p.name, default=None)
        return f"{first.name} / {first.initials}" if first else ""

    return cached("portal:place-example", build)


def search_example(d: Directory) -> str:
    """The search field's placeholder, from the directory itself: its first kindergarten's name,
    pinyin initials and township — each of which finds it."""
    if not d.entries:
        return ""
    e = d.entries[0]
    return f"{e.name} / {e.initials} / {e.township_name}"
