"""``eduplan indicators``: every target of the plan, computed, with progress and forecast.

    eduplan indicators [--year Y|all] [--county CODE] [--set targets|assessment|all]
                       [--format table|csv|json|xlsx] [--out FILE] [--parquet DIR] [--db PATH]

Default: the latest school year with data, every county and the city, on the app's database.
``--parquet DIR`` runs the same measures on DuckDB over an ``eduplan export-parquet`` directory;
``--engine spark`` (with ``--parquet``) on Spark, local or on ``--spark-master URL``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.metrics import engines
from eduplan.metrics.formula import FormulaError
from eduplan.metrics.indicators import FIELDS, compute_indicators
from eduplan.metrics.progress import STATUS_ZH
from eduplan.metrics.records import IndicatorRecord
from eduplan.output import FORMATS, OutputError, write_records
from eduplan.plans.loader import PlanError, load_plan
from eduplan.plans.standards import StandardsError

SETS = ("targets", "assessment", "all")

TABLE_COLUMNS = (
    "name_zh",
    "division_name",
    "year",
    "value",
    "numerator",
    "denominator",
    "target",
    "met",
    "forecast",
    "status",
)
HEADERS = {
    "indicator": "指标代码 indicator",
    "set": "指标集 set",
    "group": "分组 group",
    "name_zh": "指标",
    "name_en": "indicator",
    "clause": "条款 clause",
    "division": "区划代码 code",
    "division_name": "区划",
    "level": "层级 level",
    "year": "学年",
    "value": "值",
    "unit": "单位 unit",
    "numerator": "分子",
    "denominator": "分母",
    "target": "目标",
    "comparison": "比较 comparison",
    "target_scope": "目标范围 scope",
    "deadline": "期限 deadline",
    "met": "达标",
    "gap": "差距 gap",
    "trend": "年均变化 trend",
    "forecast": "预测",
    "forecast_year": "预测学年 forecast year",
    "forecast_method": "预测方法 method",
    "status": "进度",
    "target_source": "依据 source",
    "lead": "牵头单位 lead",
    "cooperating": "配合单位 cooperating",
    "note": "说明 note",
}
XLSX_COLUMNS = (
    "clause",
    "name_zh",
    "division",
    "division_name",
    "year",
    "value",
    "unit",
    "numerator",
    "denominator",
    "target",
    "comparison",
    "deadline",
    "met",
    "gap",
    "trend",
    "forecast",
    "forecast_year",
    "forecast_method",
    "status",
    "target_source",
    "lead",
    "cooperating",
    "note",
    "indicator",
)


class Command(BaseCommand):
    help = (
        "规划指标 Every target of the plan, computed by county and city with progress and forecast: "
        "eduplan indicators [--year Y|all] [--county CODE] [--format table|csv|json|xlsx]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            default="latest",
            metavar="Y",
            help="学年(起始年),或 all / latest(默认)school year by its starting year, 'all' or 'latest' (default)",
        )
        parser.add_argument(
            "--county", metavar="CODE", help="只看该县(市、区) only this county (division code)"
        )
        parser.add_argument(
            "--city", metavar="CODE", help="城市代码(默认规划所属城市) city code (default: the plan's city)"
        )
        parser.add_argument("--set", default="all", choices=SETS, help="指标集 indicator set (default all)")
        parser.add_argument("--format", default="table", choices=FORMATS, help="输出格式 output format")
        parser.add_argument("--out", metavar="FILE", help="写入文件 write to FILE (required for xlsx)")
        parser.add_argument(
            "--parquet",
            metavar="DIR",
            help="在 DuckDB 上对 export-parquet 目录计算 compute on DuckDB over an export-parquet directory",
        )
        parser.add_argument(
            "--engine",
            choices=("duckdb", "spark"),
            help="与 --parquet 一起: 计算引擎(默认 duckdb)with --parquet: the engine (default duckdb; "
            "spark needs pip install 'eduplan[spark]')",
        )
        parser.add_argument(
            "--spark-master",
            metavar="URL",
            help="Spark 集群地址(默认本机 local[*])Spark master: spark://host:7077, yarn, k8s://… "
            "(default local[*])",
        )
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["engine"] or options["spark_master"]) and not options["parquet"]:
            raise CommandError(
                "--engine/--spark-master 需要 --parquet DIR / --engine and --spark-master need --parquet DIR "
                "(an eduplan export-parquet directory)"
            )
        try:
            engine = (
                engines.parquet_engine(
                    options["engine"] or "duckdb", options["parquet"], master=options["spark_master"]
                )
                if options["parquet"]
                else engines.from_django()
            )
            chosen = None if options["set"] == "all" else [options["set"]]
            records = compute_indicators(
                county=options["county"], engine=engine, sets=chosen, city=options["city"]
            )
            records = _select_year(records, options["year"])
            _write(records, options["format"], options["out"], self.stdout, self.stderr)
        except (PlanError, FormulaError, StandardsError, engines.EngineError, OutputError, ValueError) as exc:
            raise CommandError(str(exc)) from exc


def _select_year(records: list[IndicatorRecord], year: str) -> list[IndicatorRecord]:
    if year == "all" or not records:
        return records
    if year == "latest":
        wanted = max(r["year"] for r in records)
    else:
        try:
            wanted = int(year)
        except ValueError as exc:
            raise ValueError(
                f"--year 应为年份、all 或 latest / --year must be a year, 'all' or 'latest', not {year!r}"
            ) from exc
    return [r for r in records if r["year"] == wanted]


def _display(r: Mapping[str, Any]) -> dict[str, Any]:
    """A table row: numbers with separators, the unit, the target with its comparison, 是/否, and the
    status in Chinese."""
    row = dict(r)
    percent = r["unit"] == "%"
    if r["value"] is not None:
        row["value"] = f"{_fmt(r['value'], percent)}%" if percent else f"{_fmt(r['value'])} {r['unit']}"
    if r["target"] is not None:
        row["target"] = f"{r['comparison']} {_fmt(r['target'])}"
    row["met"] = {True: "是", False: "否", None: ""}[r["met"]]
    if r["forecast"] is not None:
        row["forecast"] = f"{_fmt(r['forecast'], percent)} ({r['forecast_year']})"
    elif r["forecast_method"] == "passed":
        row["forecast"] = "已到期 due"
    row["status"] = STATUS_ZH.get(r["status"], "") if r["status"] else ""
    for key in ("numerator", "denominator"):
        if r[key] is not None:
            row[key] = _fmt(r[key])
    return row


def _fmt(x: float, decimal: bool = False) -> str:
    """``55,807`` for counts, one decimal for rates and fractional values."""
    return f"{x:,.1f}" if decimal or isinstance(x, float) else f"{x:,}"


def _write(records: Sequence[Mapping[str, Any]], fmt: str, out: str | None, stdout, stderr) -> None:
    plan = load_plan()
    if fmt == "table":
        if not records:
            stderr.write(
                "没有数据 no data for this selection (eduplan indicators --year all lists every year)\n"
            )
            return
        title = f"{plan.document} 规划指标 plan indicators"
        write_records(
            [_display(r) for r in records],
            "table",
            out,
            columns=TABLE_COLUMNS,
            headers=HEADERS,
            title=title,
            stream=stdout,
        )
        return
    if fmt == "xlsx":
        sheets: dict[str, list[Mapping[str, Any]]] = {}
        for g in plan.groups:
            rows = [r for r in records if r["group"] == g.id]
            if rows:
                sheets[f"{g.name_zh} {g.name_en}"] = rows
        write_records(
            records, "xlsx", out, columns=XLSX_COLUMNS, headers=HEADERS, sheets=sheets or {"data": []}
        )
        stdout.write(f"已写入 written: {out}\n")
        return
    write_records([{k: r[k] for k in FIELDS} for r in records], fmt, out, stream=stdout)
