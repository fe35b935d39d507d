"""Siting input from CSV files, for use outside the registry.

* demand: ``id, lat, lon, children`` — or ``children_<year>`` columns chosen with ``year``;
* sites: ``id, lat, lon, capacity, existing`` (+ optional ``closable``, default: existing);
* distances (optional, e.g. a road network): either long — ``demand_id, site_id, km`` — or a wide
  matrix whose first column is the demand id and whose other headers are site ids. A pair left out
  or left empty is unreachable. With a matrix, coordinates may be left out.

Files exported from Excel in Chinese Windows are often GB18030, not UTF-8; both are read. Chinese
column names are accepted too (编号, 纬度, 经度, 儿童数, 学位数, 现有). Every problem is reported with the
file, the row (as a spreadsheet shows it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .instance import Instance, SitingInputError

ENCODINGS = ("utf-8-sig", "gb18030")

#: Accepted header spellings (lower-cased, stripped) for each column.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "code", "编号", "代码", "名称编号"),
    "lat": ("lat", "latitude", "纬度", "y"),
    "lon": ("lon", "lng", "long", "longitude", "经度", "x"),
    "children": ("children", "kids", "儿童", "儿童数", "幼儿数", "需求"),
    "capacity": ("capacity", "seats", "学位", "学位数", "容量"),
    "existing": ("existing", "现有", "已有"),
    "closable": ("closable", "可撤并"),
    "demand_id": ("demand_id", "demand", "需求点", "需求点编号", "origin", "inputid"),
    "site_id": ("site_id", "site", "园址", "园址编号", "destination", "targetid"),
    "km": ("km", "distance_km", "distance", "距离", "距离km", "公里"),
}
DEMAND_WORDS = ("需求点", "demand point")
SITE_WORDS = ("园址", "site")
TRUE = {"1", "true", "yes", "y", "t", "是", "有", "现有"}
FALSE = {"0", "false", "no", "n", "f", "否", "无", "新建", "规划", ""}


@dataclass
class _Table:
    path: str
    header: list[str]
    rows: list[list[str]]

    def column(self, key: str, *, required: bool = True) -> int | None:
        names = [h.strip().lower() for h in self.header]
        for alias in ALIASES[key]:
            if alias in names:
                return names.index(alias)
        if required:
            raise SitingInputError(
                f"{self.path}: 缺少列 {key}(可用名称 {'/'.join(ALIASES[key])})/ missing column {key!r}; "
                f"the header has: {', '.join(self.header)}"
            )
        return None


def read_table(path: str | Path) -> _Table:
    """A CSV file as header and rows of strings (UTF-8 or GB18030)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"找不到文件 file not found: {p}")
    raw = p.read_bytes()
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SitingInputError(
            f"{p}: 无法识别的编码(请存为 UTF-8)/ unreadable encoding: save the file as UTF-8"
        )
    rows = [r for r in csv.reader(io.StringIO(text))]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise SitingInputError(f"{p}: 文件为空 / the file is empty")
    return _Table(str(p), [h.strip() for h in rows[0]], rows[1:])


def _cell(table: _Table, r: int, c: int) -> str:
    row = table.rows[r]
    return row[c].strip() if c < len(row) else ""


def _where(table: _Table, r: int, c: int) -> str:
    return f"{table.path} 第 {r + 2} 行 {table.header[c]} 列 / row {r + 2}, column {table.header[c]!r}"


def _number(
    table: _Table, r: int, c: int, what: str, *, low: float | None = None, high: float | None = None
) -> float:
    text = _cell(table, r, c).replace(",", "")
    if text == "":
        raise SitingInputError(f"{_where(table, r, c)}: 缺少{what} / {what} is missing")
    try:
        value = float(text)
    except ValueError:
        raise SitingInputError(
            f"{_where(table, r, c)}: {text!r} 不是数字 / {text!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise SitingInputError(
            f"{_where(table, r, c)}: {text!r} 不是有限数 / {text!r} is not a finite number"
        )
    if low is not None and value < low:
        raise SitingInputError(
            f"{_where(table, r, c)}: {value:g} 小于 {low:g} / {what} must be at least {low:g}"
        )
    if high is not None and value > high:
        raise SitingInputError(
            f"{_where(table, r, c)}: {value:g} 大于 {high:g} / {what} must be at most {high:g}"
        )
    return value


def _flag(table: _Table, r: int, c: int) -> bool:
    text = _cell(table, r, c).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise SitingInputError(
        f"{_where(table, r, c)}: {text!r} 应为 1/0(是/否)/ expected 1 or 0 (yes/no, true/false)"
    )


def _ids(table: _Table, c: int) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for r in range(len(table.rows)):
        value = _cell(table, r, c)
        if not value:
            raise SitingInputError(f"{_where(table, r, c)}: 编号为空 / the id is empty")
        if value in seen:
            raise SitingInputError(
                f"{_where(table, r, c)}: 编号 {value!r} 重复(首次见第 {seen[value] + 2} 行)/ duplicate id "
                f"{value!r} (first on row {seen[value] + 2})"
            )
        seen[value] = r
        out.append(value)
    return out


def _coordinates(table: _Table, required: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
    lat_c = table.column("lat", required=required)
    lon_c = table.column("lon", required=required)
    if lat_c is None or lon_c is None:
        return None, None
    lat = [_number(table, r, lat_c, "纬度 latitude", low=-90, high=90) for r in range(len(table.rows))]
    lon = [_number(table, r, lon_c, "经度 longitude", low=-180, high=180) for r in range(len(table.rows))]
    return np.array(lat), np.array(lon)


def _children_column(table: _Table, year: int | None) -> int:
    if year is not None:
        names = [h.strip().lower() for h in table.header]
        for alias in ALIASES["children"]:
            if f"{alias}_{year}" in names:
                return names.index(f"{alias}_{year}")
    c = table.column("children", required=False)
    if c is None:
        wanted = f"children_{year}" if year is not None else "children"
        raise SitingInputError(
            f"{table.path}: 缺少列 {wanted} / missing column {wanted!r} (children per demand point"
            + (f", or children_{year} for --year {year})" if year is not None else ")")
        )
    return c


def load_files(
    demand: str | Path,
    sites: str | Path,
    distances: str | Path | None = None,
    *,
    year: int | None = None,
    capacitated: bool = True,
) -> Instance:
    """Read and check the three files; an :class:`Instance` or a :class:`SitingInputError`."""
    dt = read_table(demand)
    st = read_table(sites)
    if not dt.rows:
        raise SitingInputError(f"{dt.path}: 没有数据行 / no data rows after the header")
    if not st.rows:
        raise SitingInputError(f"{st.path}: 没有数据行 / no data rows after the header")
    need_xy = distances is None
    demand_ids = _ids(dt, dt.column("id"))  # type: ignore[arg-type]
    dlat, dlon = _coordinates(dt, need_xy)
    cc = _children_column(dt, year)
    children = np.array([_number(dt, r, cc, "儿童数 children", low=0) for r in range(len(dt.rows))])

    site_ids = _ids(st, st.column("id"))  # type: ignore[arg-type]
    slat, slon = _coordinates(st, need_xy)
    capc = st.column("capacity", required=capacitated)
    capacity = (
        np.array([_number(st, r, capc, "学位数 capacity", low=0) for r in range(len(st.rows))])
        if capc is not None
        else np.full(len(site_ids), np.inf)
    )
    notes: list[str] = []
    exc = st.column("existing", required=False)
    if exc is None:
        existing = np.zeros(len(site_ids), dtype=bool)
        notes.append(
            f"{st.path}: 无 existing 列,全部视为新建园址 / no existing column: every site is a proposed one"
        )
    else:
        existing = np.array([_flag(st, r, exc) for r in range(len(st.rows))], dtype=bool)
    clc = st.column("closable", required=False)
    closable = existing.copy() if clc is None else np.array([_flag(st, r, clc) for r in range(len(st.rows))])

    km = None
    if distances is not None:
        km = _read_distances(read_table(distances), demand_ids, site_ids)
    return Instance(
        demand_ids=tuple(demand_ids),
        children=children,
        site_ids=tuple(site_ids),
        capacity=capacity,
        existing=existing,
        closable=closable & existing,
        demand_lat=dlat,
        demand_lon=dlon,
        site_lat=slat,
        site_lon=slon,
        km=km,
        demand_source=dt.path,
        site_source=st.path,
        notes=tuple(notes),
    )


def _read_distances(table: _Table, demand_ids: list[str], site_ids: list[str]) -> np.ndarray:
    """A long or wide distance file as an n × m matrix (``inf`` = unreachable)."""
    d_index = {d: i for i, d in enumerate(demand_ids)}
    s_index = {s: j for j, s in enumerate(site_ids)}
    km = np.full((len(demand_ids), len(site_ids)), np.inf)
    long_cols = [table.column(k, required=False) for k in ("demand_id", "site_id", "km")]
    if all(c is not None for c in long_cols):
        dc, sc, kc = (int(c) for c in long_cols)  # type: ignore[arg-type]
        seen: set[tuple[int, int]] = set()
        for r in range(len(table.rows)):
            i = _known(table, r, dc, d_index, DEMAND_WORDS)
            j = _known(table, r, sc, s_index, SITE_WORDS)
            if (i, j) in seen:
                raise SitingInputError(
                    f"{_where(table, r, dc)}: 重复的距离对 {demand_ids[i]} → {site_ids[j]} / duplicate pair"
                )
            seen.add((i, j))
            if _cell(table, r, kc) != "":
                km[i, j] = _number(table, r, kc, "距离 distance", low=0)
        return km
    columns: list[tuple[int, int]] = []
    for c, name in enumerate(table.header[1:], start=1):
        if name not in s_index:
            raise SitingInputError(
                f"{table.path} 第 1 行 第 {c + 1} 列 / row 1, column {c + 1}: 园址 {name!r} 不在园址文件中 / site "
                f"{name!r} is not in the sites file (a wide matrix needs site ids as headers; a long one needs "
                f"columns demand_id, site_id, km)"
            )
        columns.append((c, s_index[name]))
    for r in range(len(table.rows)):
        i = _known(table, r, 0, d_index, DEMAND_WORDS)
        for c, j in columns:
            if _cell(table, r, c) != "":
                km[i, j] = _number(table, r, c, "距离 distance", low=0)
    return km


def _known(table: _Table, r: int, c: int, index: dict[str, int], what: tuple[str, str]) -> int:
    value = _cell(table, r, c)
    if value not in index:
        raise SitingInputError(
            f"{_where(table, r, c)}: {what[0]} {value!r} 不在输入文件中 / unknown {what[1]} {value!r}"
        )
    return index[value]
