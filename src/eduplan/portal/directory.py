"""The public kindergarten directory (信息公示; the public and inclusive
kindergarten lists of STANDARDS.md's 普及普惠 definitions): what a parent may know about every
licensed kindergarten and approved teaching point, searchable by name, pinyin initials, township
and distance.

A province holds ~10,000 kindergartens; a search must answer in well under 100 ms with many
parents at once. So the directory is built once per registry data version (any registry write
makes it stale) into plain rows, shared by every worker through Django's cache, and kept in each
worker's memory; a search filters those rows in Python. Only public facts go in: no staff names,
identity numbers or contacts ever enter the index.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import threading
from bisect import bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from eduplan.common.protection import clean_query, setting
from eduplan.registry.choices import (
    FIRST_LEVEL_KG_GRADES,
    InstitutionKind,
    KindergartenGrade,
    LicenceStatus,
    Ownership,
)
from eduplan.registry.models import (
    FeeStandard,
    InstitutionYear,
    NameChange,
    SchoolClass,
    current_version,
)
from eduplan.registry.queries import listed_kindergartens
from eduplan.web.search import initials

FIRST_LEVEL = "first"
GRADE_LABELS = dict(KindergartenGrade.choices)
OWNERSHIP_LABELS = dict(Ownership.choices)
EARTH_RADIUS_KM = 6371.0088
CACHE_TIMEOUT = 24 * 3600
#: Searches kept per process and directory version (paging, the map's request after the page).
RECENT_SEARCHES = 128
_results_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Entry:
    """One kindergarten as the public sees it (no person in it)."""

    pk: int
    code: str
    name: str
    initials: str
    old_names: tuple[str, ...]
    county_code: str
    county_name: str
    township_code: str
    township_name: str
    address: str
    ownership: str
    inclusive: bool  # public, or a recognised inclusive private kindergarten (普惠性)
    teaching_point: bool
    grade: str
    grade_year: int | None
    seats: int
    children: int
    classes: int
    monthly_fee: float | None
    latitude: float | None
    longitude: float | None
    haystack: str  # lower-cased name, old names, township, county, address for substring search

    @property
    def public(self) -> bool:
        return self.ownership == Ownership.PUBLIC

    @property
    def private_inclusive(self) -> bool:
        return self.inclusive and not self.public

    @property
    def available(self) -> int:
        return max(0, self.seats - self.children)

    @property
    def has_seats(self) -> bool:
        return self.available > 0

    @property
    def full_address(self) -> str:
        """County and township, then the street or village (``红塔区玉兴街道 玉兴路18号``): the
        registry's address usually begins with the township, which is not repeated."""
        place = f"{self.county_name}{self.township_name}"
        rest = self.address
        if self.township_name and rest.startswith(self.township_name):
            rest = rest[len(self.township_name) :]
        return f"{place} {rest}" if rest.strip() else place

    @property
    def ownership_label(self) -> str:
        return str(OWNERSHIP_LABELS.get(self.ownership, self.ownership))

    @property
    def grade_label(self) -> str:
        return str(GRADE_LABELS.get(self.grade, "")) if self.grade else ""

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class Directory:
    school_year: int | None
    entries: list[Entry]
    by_code: dict[str, Entry] = field(default_factory=dict)
    counties: list[tuple[str, str]] = field(default_factory=list)
    townships: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {e.code: e for e in self.entries}
        counties: dict[str, str] = {}
        towns: dict[str, dict[str, str]] = defaultdict(dict)
        for e in self.entries:
            counties[e.county_code] = e.county_name
            towns[e.county_code][e.township_code] = e.township_name
        self.counties = sorted(counties.items())
        self.townships = {c: sorted(t.items()) for c, t in towns.items()}

    def county_name(self, code: str) -> str:
        return dict(self.counties).get(code, "")

    @property
    def index(self) -> SearchIndex:
        """Built on first use in each process (never pickled into the shared cache)."""
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = SearchIndex(self.entries)
        return index

    @property
    def fragments(self) -> dict[Any, Any]:
        """This process's rendered HTML pieces for this directory version (see ``portal.fragments``)."""
        return self.__dict__.setdefault("_fragments", {})

    def __getstate__(self) -> dict[str, Any]:
        """Per-process parts (index, fragments; names starting with ``_``) are not shared."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


# -- building -------------------------------------------------------------------------------------


def latest_school_year() -> int | None:
    return SchoolClass.objects.filter(institution__kind=InstitutionKind.KINDERGARTEN).aggregate(
        y=Max("school_year")
    )["y"]


def build_directory(today: dt.date | None = None) -> Directory:
    """Every listed kindergarten with its public facts, from five queries (no per-row query)."""
    today = today or timezone.localdate()
    rows: list[Any] = list(
        listed_kindergartens().values(
            "pk",
            "code",
            "name",
            "county__code",
            "county__name",
            "division__code",
            "division__name",
            "address",
            "ownership",
            "inclusive",
            "licence_status",
            "grade",
            "grade_year",
            "seats",
            "latitude",
            "longitude",
        )
    )
    year = latest_school_year()
    classes: dict[int, tuple[int, int]] = {}
    seats: dict[int, int] = {}
    if year is not None:
        for r in (
            SchoolClass.objects.filter(school_year=year, institution__kind=InstitutionKind.KINDERGARTEN)
            .values("institution_id")
            .annotate(n=Count("id"), children=Sum(F("boys") + F("girls")))
        ):
            classes[r["institution_id"]] = (int(r["n"]), int(r["children"] or 0))
        seats = dict(
            InstitutionYear.objects.filter(
                school_year=year, institution__kind=InstitutionKind.KINDERGARTEN, seats__gt=0
            ).values_list("institution_id", "seats")
        )
    fees: dict[int, float] = {}
    for inst_id, fee in (
        FeeStandard.objects.filter(institution__kind=InstitutionKind.KINDERGARTEN, effective_on__lte=today)
        .order_by("institution_id", "-effective_on")
        .values_list("institution_id", "monthly_fee")
    ):
        fees.setdefault(inst_id, float(fee))
    old_names: dict[int, list[str]] = defaultdict(list)
    for inst_id, old in NameChange.objects.filter(institution__kind=InstitutionKind.KINDERGARTEN).values_list(
        "institution_id", "old_name"
    ):
        if old not in old_names[inst_id]:
            old_names[inst_id].append(old)
    entries = []
    for r in rows:
        pk = r["pk"]
        n_classes, children = classes.get(pk, (0, 0))
        olds = tuple(old_names.get(pk, ()))
        public = r["ownership"] == Ownership.PUBLIC
        entries.append(
            Entry(
                pk=pk,
                code=r["code"],
                name=r["name"],
                initials=initials(r["name"]),
                old_names=olds,
                county_code=r["county__code"],
                county_name=r["county__name"],
                township_code=r["division__code"],
                township_name=r["division__name"],
                address=r["address"],
                ownership=r["ownership"],
                inclusive=public or bool(r["inclusive"]),
                teaching_point=r["licence_status"] == LicenceStatus.TEACHING_POINT,
                grade=r["grade"] or "",
                grade_year=r["grade_year"],
                seats=int(seats.get(pk, r["seats"] or 0)),
                children=children,
                classes=n_classes,
                monthly_fee=fees.get(pk),
                latitude=r["latitude"],
                longitude=r["longitude"],
                haystack=" ".join(
                    (r["name"], *olds, r["division__name"], r["county__name"], r["address"])
                ).lower(),
            )
        )
    entries.sort(key=lambda e: (e.county_code, e.township_code, e.name, e.code))
    return Directory(school_year=year, entries=entries)


_process: dict[str, Any] = {}


def directory() -> Directory:
    """The directory of the current data version: this worker's copy if it is still the one in
    the shared cache, else the shared cache's, else built now (then shared).

    The shared cache also holds a random id of the build; a worker keeps its copy only while the
    id matches, so an emptied cache (or a test's fresh database) never serves stale rows."""
    today = timezone.localdate()
    key = f"eduplan:portal:directory:{today}:v{current_version()}"
    build_id = cache.get(f"{key}:id")
    local = _process.get("directory")
    if local is not None and build_id is not None and local[0] == key and local[1] == build_id:
        return local[2]
    built = cache.get(key) if build_id is not None else None
    if built is None:
        built = build_directory(today)
        build_id = secrets.token_hex(8)
        cache.set(key, built, timeout=CACHE_TIMEOUT)
        cache.set(f"{key}:id", build_id, timeout=CACHE_TIMEOUT)
    _process["directory"] = (key, build_id, built)
    return built


# -- searching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A parsed search. ``near`` is (latitude, longitude); ``radius_km`` applies only with it."""

    text: str = ""
    county: str = ""
    township: str = ""
    public: bool = False
    inclusive: bool = False
    grade: str = ""
    seats: bool = False
    near: tuple[float, float] | None = None
    radius_km: float = 5.0
    page: int = 1
    #: The place typed for "near" (a township, village or kindergarten: see ``portal.places``).
    place: str = ""
    #: What ``place`` was taken to be, shown back to the visitor ("凤凰街道(乡镇,红塔区)").
    place_found: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.text
            or self.county
            or self.township
            or self.public
            or self.inclusive
            or self.grade
            or self.seats
            or self.near
        )

    def as_params(self, **changes: Any) -> dict[str, str]:
        """The query as URL parameters (for page links and the map's data URL)."""
        values = {
            "q": self.text,
            "county": self.county,
            "township": self.township,
            "public": "1" if self.public else "",
            "inclusive": "1" if self.inclusive else "",
            "grade": self.grade,
            "seats": "1" if self.seats else "",
            "place": self.place,
            "lat": f"{self.near[0]:.6f}" if self.near and not self.place else "",
            "lon": f"{self.near[1]:.6f}" if self.near and not self.place else "",
            "radius": f"{self.radius_km:g}" if self.near else "",
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}


def _flag(params: Mapping[str, str], name: str) -> bool:
    return params.get(name, "") in ("1", "on", "true", "yes")


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(clean_query(text, 30))
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def parse_query(params: Mapping[str, str]) -> tuple[Query, list[str]]:
    """Read the search form; anything malformed is dropped with a message the visitor can act on
    (Chinese / English), never an error page."""
    errors: list[str] = []
    grade = clean_query(params.get("grade"), 8)
    if grade and grade != FIRST_LEVEL and grade not in GRADE_LABELS:
        errors.append(f"未知等级 {grade} / unknown grade")
        grade = ""
    near = None
    lat_text, lon_text = params.get("lat", ""), params.get("lon", "")
    if lat_text or lon_text:
        lat, lon = _number(lat_text, -90, 90), _number(lon_text, -180, 180)
        if lat is None or lon is None:
            errors.append(
                "位置应为纬度(-90~90)和经度(-180~180)的数字 / a location is a latitude (-90–90) and a longitude (-180–180)"
            )
        else:
            near = (lat, lon)
    place = clean_query(params.get("place"), 50)
    place_found = ""
    if place and near is None:
        from .places import find_places

        found = find_places(place, limit=1)
        if found:
            near = (found[0].latitude, found[0].longitude)
            place_found = f"{found[0].name}({found[0].kind_zh},{found[0].county})"
        else:
            errors.append(
                f"没有找到地点「{place}」:请输入乡镇、村或幼儿园的名称或拼音首字母 / no place called "
                f"'{place}': type the name (or pinyin initials) of a township, village or kindergarten"
            )
            place = ""
    elif near is not None:
        place = ""  # a point given (the map, "my location") wins over the typed place
    default_radius = float(setting("near_radius_km"))
    radius = default_radius
    if params.get("radius"):
        r = _number(params["radius"], 0.1, float(setting("near_max_radius_km")))
        if r is None:
            errors.append(
                f"距离应在0.1到{setting('near_max_radius_km')}公里之间 / the distance is 0.1–{setting('near_max_radius_km')} km"
            )
        else:
            radius = r
    page_text = clean_query(params.get("page"), 6)
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    query = Query(
        text=clean_query(params.get("q")),
        county=clean_query(params.get("county"), 12),
        township=clean_query(params.get("township"), 12),
        public=_flag(params, "public"),
        inclusive=_flag(params, "inclusive"),
        grade=grade,
        seats=_flag(params, "seats"),
        near=near,
        radius_km=radius,
        page=page,
        place=place,
        place_found=place_found,
    )
    return query, errors


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class _Blob:
    """Strings joined by NUL, searched with ``str.find`` (C speed): a substring search over ten
    thousand names visits only the matches, not every row. A needle found in most rows (园) is
    checked row by row instead, which is then cheaper."""

    __slots__ = ("items", "starts", "text")

    def __init__(self, items: list[str]) -> None:
        self.items = items
        self.starts: list[int] = []
        pos = 0
        for item in items:
            self.starts.append(pos)
            pos += len(item) + 1
        self.text = "\0".join(items)

    def matches(self, needle: str) -> dict[int, bool]:
        """Row → whether the row *starts* with ``needle``, for every row containing it."""
        if not needle:
            return {}
        if self.text.count(needle) > len(self.items) // 4:
            return {i: s.startswith(needle) for i, s in enumerate(self.items) if needle in s}
        out: dict[int, bool] = {}
        find, starts = self.text.find, self.starts
        pos = find(needle)
        while pos >= 0:
            row = bisect_right(starts, pos) - 1
            out[row] = out.get(row, False) or pos == starts[row]
            pos = find(needle, pos + 1)
        return out


class SearchIndex:
    """Per-process lookup structures over a directory's rows (row = position in ``entries``,
    which are in display order): text blobs, one set of rows per filter value, coordinates."""

    def __init__(self, entries: list[Entry]) -> None:
        self.n = len(entries)
        self.names = _Blob([e.name.lower() for e in entries])
        self.initials = _Blob([e.initials for e in entries])
        self.codes = _Blob([e.code.lower() for e in entries])
        self.olds = _Blob(["\1".join(e.old_names).lower() for e in entries])
        self.hay = _Blob([e.haystack for e in entries])
        self.name_len = [len(e.name) for e in entries]
        self.county: dict[str, set[int]] = defaultdict(set)
        self.township: dict[str, set[int]] = defaultdict(set)
        self.grade: dict[str, set[int]] = defaultdict(set)
        self.public: set[int] = set()
        self.inclusive: set[int] = set()
        self.seats: set[int] = set()
        self.located: set[int] = set()
        first = set(FIRST_LEVEL_KG_GRADES)
        self.lat = np.full(self.n, np.nan)
        self.lon = np.full(self.n, np.nan)
        for i, e in enumerate(entries):
            self.county[e.county_code].add(i)
            self.township[e.township_code].add(i)
            if e.grade:
                self.grade[e.grade].add(i)
                if e.grade in first:
                    self.grade[FIRST_LEVEL].add(i)
            if e.public:
                self.public.add(i)
            if e.inclusive:
                self.inclusive.add(i)
            if e.has_seats:
                self.seats.add(i)
            if e.has_location:
                self.located.add(i)
                self.lat[i], self.lon[i] = e.latitude, e.longitude

    def text_ranks(self, text: str) -> dict[int, int]:
        """Rows matching ``text`` → rank (lower is better): name exact 0, name start 1, in the name
        2, pinyin initials start 3 / inside 4, code start 5, a former name 6, township, county or
        address 7. Several words (Chinese, separated by spaces) must all match."""
        compact = text.replace(" ", "")
        latin = bool(compact) and compact.isascii() and compact.isalnum()
        words = [text] if latin else text.split()
        ranks: dict[int, int] | None = None
        for word in words:
            found: dict[int, int] = {}
            for row in self.hay.matches(word):
                found[row] = 7
            for row in self.olds.matches(word):
                found[row] = 6
            if latin:
                for row, at_start in self.codes.matches(compact).items():
                    if at_start:
                        found[row] = min(found.get(row, 9), 5)
                for row, at_start in self.initials.matches(compact).items():
                    found[row] = min(found.get(row, 9), 3 if at_start else 4)
            for row, at_start in self.names.matches(word).items():
                rank = (0 if self.name_len[row] == len(word) else 1) if at_start else 2
                found[row] = min(found.get(row, 9), rank)
            if ranks is None:
                ranks = found
            else:
                ranks = {row: max(r, found[row]) for row, r in ranks.items() if row in found}
        return ranks or {}


@dataclass
class Hit:
    entry: Entry
    distance_km: float | None = None


@dataclass
class SearchResult:
    """Matching rows in display order; :class:`Hit` objects are made only for the page shown."""

    directory: Directory
    rows: list[int]
    distances: dict[int, float]
    page: int
    pages: int
    page_size: int

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def page_hits(self) -> list[Hit]:
        start = (self.page - 1) * self.page_size
        entries = self.directory.entries
        return [Hit(entries[i], self.distances.get(i)) for i in self.rows[start : start + self.page_size]]

    def entries(self, limit: int | None = None) -> list[Entry]:
        rows = self.rows if limit is None else self.rows[:limit]
        return [self.directory.entries[i] for i in rows]


def search(d: Directory, q: Query, *, page_size: int | None = None) -> SearchResult:
    """Filter (set intersections), then order: by distance when searching near a point, else by
    how well the text matches, then county, township and name (the directory's order). The last
    searches are kept per process, so paging through a broad search does not redo it."""
    size = int(page_size or setting("page_size"))
    key = (q.text, q.county, q.township, q.public, q.inclusive, q.grade, q.seats, q.near, q.radius_km)
    with _results_lock:
        recent = d.__dict__.setdefault("_results", OrderedDict())
        found = recent.get(key)
        if found is not None:
            recent.move_to_end(key)
    if found is None:
        found = _search(d, q)
        with _results_lock:
            recent[key] = found
            while len(recent) > RECENT_SEARCHES:
                recent.popitem(last=False)
    ordered, distances = found
    pages = max(1, math.ceil(len(ordered) / size))
    return SearchResult(d, ordered, distances, min(q.page, pages), pages, size)


def _search(d: Directory, q: Query) -> tuple[list[int], dict[int, float]]:
    index = d.index
    sets: list[set[int]] = []
    if q.county:
        sets.append(index.county.get(q.county, set()))
    if q.township:
        sets.append(index.township.get(q.township, set()))
    if q.public:
        sets.append(index.public)
    if q.inclusive:
        sets.append(index.inclusive)
    if q.grade:
        sets.append(index.grade.get(q.grade, set()))
    if q.seats:
        sets.append(index.seats)
    if q.near is not None:
        sets.append(index.located)
    ranks = index.text_ranks(q.text.lower()) if q.text else None
    candidates: set[int] | None = None
    for s in sorted(sets, key=len):
        candidates = set(s) if candidates is None else candidates & s
    if ranks is not None:
        candidates = set(ranks) if candidates is None else candidates & ranks.keys()
    distances: dict[int, float] = {}
    if q.near is not None:
        rows = np.fromiter(candidates or (), dtype=np.int64)
        dist = distance_array(q.near, index.lat[rows], index.lon[rows])
        keep = dist <= q.radius_km
        rows, dist = rows[keep], dist[keep]
        order = np.lexsort((rows, dist))
        ordered = rows[order].tolist()
        distances = dict(zip(ordered, dist[order].tolist(), strict=True))
        if ranks is not None:
            ordered.sort(key=lambda i: (round(distances[i], 3), ranks[i]))
    elif ranks is not None:
        ordered = sorted(candidates or (), key=lambda i: (ranks[i], i))
    elif candidates is not None:
        ordered = sorted(candidates)
    else:
        ordered = list(range(index.n))
    return ordered, distances


def distance_array(point: tuple[float, float], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from ``point`` to many points at once (haversine)."""
    lat1, lon1 = math.radians(point[0]), math.radians(point[1])
    lat2, lon2 = np.radians(lat), np.radians(lon)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def map_points(result: SearchResult) -> list[list[Any]]:
    """The located kindergartens of a search for the map, compact: [code, name, lat, lon, kind]
    where kind is "public", "inclusive" (private) or "private"."""
    limit = int(setting("map_max_points"))
    out: list[list[Any]] = []
    for i in result.rows:
        e = result.directory.entries[i]
        if not e.has_location:
            continue
        kind = "public" if e.public else ("inclusive" if e.inclusive else "private")
        out.append([e.code, e.name, round(e.latitude, 6), round(e.longitude, 6), kind])  # type: ignore[arg-type]
        if len(out) >= limit:
            break
    return out


def grade_choices() -> list[tuple[str, str]]:
    return [(FIRST_LEVEL, "一级园(任一等) First level (any)")] + [
        (code, str(label)) for code, label in KindergartenGrade.choices if code
    ]
