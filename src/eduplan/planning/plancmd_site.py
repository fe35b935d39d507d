"""``eduplan plan site``: kindergarten siting and service zones (PRE-4.1.1).

Two sources of demand and sites: CSV files (``--demand``, ``--sites``, optional ``--distances``),
usable outside the registry; or the registry (``--county CODE --year Y``), through the adapter
``eduplan.planning.siting_registry.load_county_instance`` once it exists. Models and methods are
described in ``docs/siting.md``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from eduplan.output import FORMATS, OutputError, render_table, to_json, write_records, write_xlsx
from eduplan.plans.coverage import implements

from .siting import (
    METHODS,
    MODELS,
    Instance,
    SitingInputError,
    SitingResult,
    SitingSettings,
    load_files,
    solve,
)

NAME = "site"
HELP = "幼儿园布局与服务区 Kindergarten siting (p-median, covering, closing) and service zones"

implements("planning", NAME, ["PRE-4.1.1"])

DEFAULTS = SitingSettings()

SUMMARY_HEADERS = {"item": "项目 item", "value": "值 value"}
ZONE_HEADERS = {
    "site_id": "园址 site",
    "existing": "现有 existing",
    "seats": "学位 seats",
    "children": "儿童 children",
    "spare_seats": "余位 spare",
    "utilisation": "使用率 utilisation",
    "demand_points": "需求点 points",
    "mean_km": "平均距离 mean km",
    "max_km": "最远 max km",
    "points_beyond_radius": "超半径点 points beyond",
    "children_beyond_radius": "超半径儿童 children beyond",
}
DEMAND_HEADERS = {
    "demand_id": "需求点 demand point",
    "children": "儿童 children",
    "site_id": "园址 site",
    "km": "距离 km",
    "status": "状态 status",
}
#: Ids listed in the terminal table before "…" (JSON and xlsx always carry all of them).
TABLE_ID_LIMIT = 30


def add_arguments(parser: Any) -> None:
    src = parser.add_argument_group("输入 input (files, or the registry)")
    src.add_argument("--demand", metavar="D.csv", help="需求点文件 demand points: id, lat, lon, children")
    src.add_argument(
        "--sites",
        metavar="S.csv",
        help="候选园址文件 candidate sites: id, lat, lon, capacity, existing[, closable]",
    )
    src.add_argument(
        "--distances",
        metavar="M.csv",
        help="距离矩阵(如路网)distance matrix in km: demand_id, site_id, km — or wide, site ids as headers",
    )
    src.add_argument(
        "--county", metavar="CODE", help="县级代码(登记库模式)county code, registry mode, e.g. 530402"
    )
    src.add_argument(
        "--year",
        type=int,
        help="年份:登记库模式必填;文件模式选 children_<year> 列 / year (registry; or file column)",
    )
    parser.add_argument("--model", required=True, choices=MODELS, help="模型 model")
    parser.add_argument(
        "--p",
        type=int,
        help="开设园址数(close 模型为撤并数)/ sites to open (for close: kindergartens to close)",
    )
    parser.add_argument(
        "--radius",
        type=float,
        metavar="KM",
        help=f"服务半径 service radius in km (default {DEFAULTS.radius_km})",
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="auto: 小规模精确求解,否则启发式 / exact when small, heuristic otherwise",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help=f"求解时限(秒)seconds for each solver run (default exact {DEFAULTS.exact_time_limit_s:g}, "
        f"heuristic {DEFAULTS.heuristic_time_limit_s:g})",
    )
    parser.add_argument(
        "--candidates",
        type=int,
        metavar="K",
        help=f"每个需求点考虑最近的 K 个园址 / nearest K sites per demand point (default {DEFAULTS.candidates_per_demand})",
    )
    parser.add_argument("--uncapacitated", action="store_true", help="不考虑学位 ignore seats")
    parser.add_argument(
        "--keep-existing",
        action="store_true",
        help="现有园必须保留并计入 p / existing kindergartens stay open and count towards p",
    )
    parser.add_argument(
        "--format", choices=list(FORMATS), default="table", help="输出格式 output format (default table)"
    )
    parser.add_argument("--out", metavar="FILE", help="写入文件 write to FILE (required for xlsx)")
    parser.add_argument(
        "--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file (read by the eduplan launcher)"
    )


def handle(options: dict[str, Any], stdout: Any) -> None:
    settings = _settings(options)
    instance = _instance(options)
    result = solve(
        instance,
        options["model"],
        p=options.get("p"),
        method=options.get("method") or "auto",
        capacitated=not options.get("uncapacitated"),
        keep_existing=bool(options.get("keep_existing")),
        settings=settings,
    )
    emit(result, options.get("format") or "table", options.get("out"), stdout)


def _settings(options: dict[str, Any]) -> SitingSettings:
    changes: dict[str, Any] = {}
    if options.get("radius") is not None:
        changes["radius_km"] = options["radius"]
    if options.get("time_limit") is not None:
        if options["time_limit"] <= 0:
            raise SitingInputError("--time-limit 须大于 0 / must be positive")
        changes["exact_time_limit_s"] = options["time_limit"]
        changes["heuristic_time_limit_s"] = options["time_limit"]
    if options.get("candidates") is not None:
        if options["candidates"] < 1:
            raise SitingInputError("--candidates 须至少为 1 / must be at least 1")
        changes["candidates_per_demand"] = options["candidates"]
    return replace(DEFAULTS, **changes)


def _instance(options: dict[str, Any]) -> Instance:
    county = options.get("county")
    files = options.get("demand") or options.get("sites") or options.get("distances")
    if county and files:
        raise SitingInputError(
            "--county 与 --demand/--sites 只能选一种 / give either --county or files, not both"
        )
    if county:
        if options.get("year") is None:
            raise SitingInputError("登记库模式需要 --year / the registry mode needs --year Y")
        return registry_instance(county, options["year"])
    if not (options.get("demand") and options.get("sites")):
        raise SitingInputError(
            "请给出 --demand D.csv 和 --sites S.csv,或 --county CODE --year Y / give --demand and --sites "
            "files, or --county CODE --year Y"
        )
    return load_files(
        options["demand"],
        options["sites"],
        options.get("distances"),
        year=options.get("year"),
        capacitated=not options.get("uncapacitated"),
    )


def registry_instance(county: str, year: int) -> Instance:
    """Demand and sites of one county from the registry and the projections (separate adapter)."""
    try:
        from eduplan.planning.siting_registry import load_county_instance
    except ImportError as exc:
        detail = "" if getattr(exc, "name", None) == "eduplan.planning.siting_registry" else f" ({exc})"
        raise SitingInputError(
            "登记库模式(--county)尚未提供,请先用 --demand/--sites 文件 / the registry mode (--county) is not "
            "available yet: use --demand and --sites files" + detail
        ) from None
    return load_county_instance(county, year)


def summary_rows(result: SitingResult) -> list[dict[str, Any]]:
    data = result.as_dict()
    keys = [
        "model",
        "method",
        "objective",
        "objective_unit",
        "lower_bound",
        "gap",
        "proven_optimal",
        "p",
        "radius_km",
        "covered_children",
        "total_children",
        "baseline_objective",
        "added_objective",
    ]
    rows = [{"item": k, "value": data[k]} for k in keys if k in data]
    for key in ("open_sites", "new_sites", "closed_existing", "uncovered", "unassigned"):
        ids = data.get(key, [])
        shown = ", ".join(ids[:TABLE_ID_LIMIT]) + (" …" if len(ids) > TABLE_ID_LIMIT else "")
        rows.append({"item": f"{key} ({len(ids)})", "value": shown})
    return rows


def emit(result: SitingResult, fmt: str, out: str | None, stdout: Any) -> None:
    """json: the whole result; csv: one row per demand point; xlsx: summary, zones, demand, notes
    sheets; table: summary and zones for the terminal."""
    if fmt == "json":
        text = to_json(result.as_dict()) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
            stdout.write(f"已写入 written: {out}")
        else:
            stdout.write(text, ending="")
    elif fmt == "csv":
        write_records(result.demand, "csv", out, stream=stdout)
        if out:
            stdout.write(f"已写入 written: {out}")
    elif fmt == "xlsx":
        if not out:
            raise OutputError("xlsx 格式需要 --out 文件路径 / the xlsx format needs --out FILE.xlsx")
        sheets = {
            "summary": summary_rows(result),
            "zones": result.zones,
            "demand": result.demand,
            "notes": [{"note": n} for n in result.notes],
        }
        write_xlsx(Path(out), sheets, headers={**SUMMARY_HEADERS, **ZONE_HEADERS, **DEMAND_HEADERS})
        stdout.write(f"已写入 written: {out}")
    else:
        parts = [
            _table(summary_rows(result), SUMMARY_HEADERS, "结果 result"),
            _table(result.zones, ZONE_HEADERS, "服务区 service zones"),
        ]
        text = "".join(parts) + "".join(f"- {n}\n" for n in result.notes)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            stdout.write(f"已写入 written: {out}")
        else:
            stdout.write(text, ending="")


def _table(rows: list[dict[str, Any]], headers: dict[str, str], title: str) -> str:
    return render_table(rows, headers=headers, title=title)
