"""``eduplan plan site``: kindergarten siting and service zones.

Two sources of demand and sites: CSV files (``--demand``, ``--sites``, optional ``--distances``),
usable outside the registry; or the registry (``--county CODE --year Y``, optionally with a saved
planning scenario ``--scenario NAME`` and proposed sites ``--new-sites``), through the adapter
``eduplan.planning.siting.registry.load_county_instance``. In registry mode the output also follows
each service zone's children through the projected years (``trends``: which kindergartens empty out,
which zones need seats). Models and methods are described in ``docs/siting.md``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from eduplan.output import FORMATS, OutputError, render_table, to_json, write_records, write_xlsx
from eduplan.plans import standards

from . import (
    METHODS,
    MODELS,
    Instance,
    SitingInputError,
    SitingResult,
    SitingSettings,
    load_files,
    solve,
)
from .native_output import solver_output_to_stderr
from .trends import YearlyInstance, flat_trend_rows, result_trends, trend_records

NAME = "site"


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
TREND_HEADERS = {
    "name": "名称 name",
    "utilisation_end": "终年使用率 utilisation at the end",
    "flags": "提示 flags",
    "first_year_short": "首次学位不足 first year short",
    "max_shortfall": "最大缺口 max shortfall",
    "empty_from": "生源萎缩起 empty from",
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
    src.add_argument(
        "--scenario",
        metavar="NAME",
        help="规划情景(本县或本市保存的出生假设)/ a saved planning scenario of the county or its city "
        "(registry mode): its births assumption sets the children by year",
    )
    src.add_argument(
        "--new-sites",
        action="store_true",
        help="在每个没有幼儿园的需求点设一处拟建园址 / propose a new kindergarten at every demand point "
        "without one (registry mode)",
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
    if options.get("county"):
        # county instances are small integer programs HiGHS proves in seconds ([siting])
        limit = int(standards.value("siting", "registry_exact_max_pairs"))
        settings = replace(settings, exact_max_pairs=max(settings.exact_max_pairs, limit))
    instance = _instance(options)
    with solver_output_to_stderr():
        result = solve(
            instance,
            options["model"],
            p=options.get("p"),
            method=options.get("method") or "auto",
            capacitated=not options.get("uncapacitated"),
            keep_existing=bool(options.get("keep_existing")),
            settings=settings,
        )
    emit(result, options.get("format") or "table", options.get("out"), stdout, instance=instance)


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
    if not county and (options.get("scenario") or options.get("new_sites")):
        raise SitingInputError(
            "--scenario 与 --new-sites 只用于登记库模式 / --scenario and --new-sites work only with --county"
        )
    if county:
        if options.get("year") is None:
            raise SitingInputError("登记库模式需要 --year / the registry mode needs --year Y")
        extra = {k: options[k] for k in ("scenario", "new_sites") if options.get(k)}
        return registry_instance(county, options["year"], **extra)
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


def registry_instance(county: str, year: int, **options: Any) -> Instance:
    """Demand and sites of one county from the registry and the projections (separate adapter);
    ``options`` (``scenario``, ``new_sites``) are passed on only when given."""
    try:
        from eduplan.planning.siting.registry import load_county_instance
    except ImportError as exc:
        detail = "" if getattr(exc, "name", None) == "eduplan.planning.siting.registry" else f" ({exc})"
        raise SitingInputError(
            "登记库模式(--county)尚未提供,请先用 --demand/--sites 文件 / the registry mode (--county) is not "
            "available yet: use --demand and --sites files" + detail
        ) from None
    return load_county_instance(county, year, **options)


def summary_rows(result: SitingResult, instance: YearlyInstance | None = None) -> list[dict[str, Any]]:
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
    if instance is not None:
        rows = [
            {"item": "county", "value": f"{instance.area_name} {instance.area_code}"},
            {"item": "year", "value": instance.year},
            {"item": "base_year", "value": instance.base_year},
            {"item": "scenario", "value": instance.scenario or "—"},
            {"item": "births", "value": instance.births},
            *rows,
        ]
    rows.append({"item": "seconds", "value": data["stats"].get("seconds")})
    for key in ("open_sites", "new_sites", "closed_existing", "uncovered", "unassigned"):
        ids = data.get(key, [])
        shown = ", ".join(ids[:TABLE_ID_LIMIT]) + (" …" if len(ids) > TABLE_ID_LIMIT else "")
        rows.append({"item": f"{key} ({len(ids)})", "value": shown})
    return rows


def emit(
    result: SitingResult, fmt: str, out: str | None, stdout: Any, *, instance: Instance | None = None
) -> None:
    """json: the whole result; csv: one row per demand point; xlsx: summary, zones, demand, notes
    sheets; table: summary and zones for the terminal. With a registry instance (children by year)
    json adds the county, the years and ``trends``, xlsx a ``trends`` sheet and table its table."""
    yearly = (
        instance if isinstance(instance, YearlyInstance) and instance.children_by_year is not None else None
    )
    trends = trend_records(yearly, result_trends(yearly, result, _trend_settings())) if yearly else None
    if fmt == "json":
        data = result.as_dict()
        if yearly is not None and trends is not None:
            from .registry import registry_fields

            data.update(registry_fields(yearly, trends))
        text = to_json(data) + "\n"
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
            "summary": summary_rows(result, yearly),
            "zones": result.zones,
            "demand": result.demand,
        }
        if trends is not None:
            sheets["trends"] = flat_trend_rows(trends)
        sheets["notes"] = [{"note": n} for n in result.notes]
        write_xlsx(
            Path(out),
            sheets,
            headers={
                **SUMMARY_HEADERS,
                **ZONE_HEADERS,
                **DEMAND_HEADERS,
                **TREND_HEADERS,
                **_year_headers(yearly),
            },
        )
        stdout.write(f"已写入 written: {out}")
    else:
        parts = [
            _table(summary_rows(result, yearly), SUMMARY_HEADERS, "结果 result"),
            _table(result.zones, ZONE_HEADERS, "服务区 service zones"),
        ]
        if trends is not None and yearly is not None:
            parts.append(
                _table(
                    flat_trend_rows(trends),
                    {**ZONE_HEADERS, **TREND_HEADERS, **_year_headers(yearly)},
                    "服务区逐年儿童数 children of each zone by year",
                )
            )
        text = "".join(parts) + "".join(f"- {n}\n" for n in result.notes)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            stdout.write(f"已写入 written: {out}")
        else:
            stdout.write(text, ending="")


def _trend_settings() -> Any:
    from .registry import siting_defaults

    return siting_defaults().trend


def _year_headers(instance: YearlyInstance | None) -> dict[str, str]:
    if instance is None:
        return {}
    return {
        f"children_{y}": f"{y}{'*' if instance.base_year is not None and y > instance.base_year else ''}"
        for y in instance.years
    }


def _table(rows: list[dict[str, Any]], headers: dict[str, str], title: str) -> str:
    return render_table(rows, headers=headers, title=title)
