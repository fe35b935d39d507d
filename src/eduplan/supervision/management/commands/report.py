"""``eduplan report SUBCOMMAND``: the supervision loop's documents.

- ``eduplan report monthly --month 2025-03 --out notice.docx [--xlsx notice.xlsx]`` writes the
  month's notice (通报); ``--issue`` also takes the next document number and records it.
- ``eduplan report render notice.docx --out DIR`` converts it to PDF and PNG pages (LibreOffice).
- ``eduplan report timeliness --month 2025-03`` lists each county's reporting status.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.output import FORMATS, OutputError, write_records
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division
from eduplan.supervision import notices, periods
from eduplan.supervision.render import RenderError, render_notice
from eduplan.supervision.reports import TIMELINESS_LABELS, reporting_status


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"日期格式应为 YYYY-MM-DD,收到“{text}” / a date is written YYYY-MM-DD, got {text!r}"
        ) from exc


def _city(code: str | None) -> Division | None:
    if not code:
        return None
    city = Division.objects.filter(code=code, level=DivisionLevel.CITY).first()
    if city is None:
        raise CommandError(f"找不到市级区划 {code} / no city with code {code}")
    return city


def _records(path: str | None) -> list[dict[str, Any]] | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CommandError(f"无法读取指标记录 {path}: {exc} / cannot read indicator records") from exc
    if isinstance(data, dict):
        data = data.get("records") or data.get("indicators") or []
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and "indicator" in r and "division" in r for r in data
    ):
        raise CommandError(
            f"{path}: 应为指标记录列表(含 indicator、division、value 等字段) / expected a list of indicator records"
        )
    return data


class Command(BaseCommand):
    help = "督导文书 Supervision documents: monthly (通报 notice), render (PDF/PNG), timeliness, demo"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        m = sub.add_parser("monthly", help="月度通报 the month's notice (.docx, and .xlsx with --xlsx)")
        m.add_argument("--month", required=True, help="YYYY-MM")
        m.add_argument("--out", required=True, help="FILE.docx")
        m.add_argument("--xlsx", help="also write the same numbers to FILE.xlsx")
        m.add_argument(
            "--as-of",
            dest="as_of",
            help="judge timeliness and overdue orders on this day (YYYY-MM-DD; default today)",
        )
        m.add_argument("--city", help="city division code (default: the plan's city)")
        m.add_argument("--records", help="indicator records as JSON instead of the indicator engine")
        m.add_argument("--number", help="document number to print (default: the next free one)")
        m.add_argument(
            "--issue", action="store_true", help="issue it: take the next number and record the notice"
        )
        m.add_argument("--pdf", help="also render PDF and PNG pages into this directory (LibreOffice)")
        r = sub.add_parser("render", help="render a .docx to PDF and PNG pages with LibreOffice")
        r.add_argument("docx")
        r.add_argument("--out", required=True, help="output directory")
        r.add_argument("--dpi", type=int, default=110)
        d = sub.add_parser("demo", help="演示督导数据 synthetic supervision records for the demo city")
        d.add_argument("--seed", type=int, default=1)
        d.add_argument("--today", help="the demo's reference day (default 2025-06-30)")
        d.add_argument("--months", type=int, default=6)
        d.add_argument("--city")
        t = sub.add_parser("timeliness", help="各县月报报送情况 reporting status by county for a month")
        t.add_argument("--month", required=True, help="YYYY-MM")
        t.add_argument("--as-of", dest="as_of")
        t.add_argument("--city")
        t.add_argument("--format", choices=FORMATS, default="table")
        t.add_argument("--out")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("subcommand")
        try:
            if name == "monthly":
                self._monthly(options)
            elif name == "render":
                for path in render_notice(options["docx"], options["out"], dpi=options["dpi"]):
                    self.stdout.write(str(path))
            elif name == "timeliness":
                self._timeliness(options)
            elif name == "demo":
                from eduplan.demo.supervision import DEFAULT_TODAY, populate

                today = _date(options["today"]) if options.get("today") else DEFAULT_TODAY
                try:
                    counts = populate(
                        options["seed"], today=today, months=options["months"], city_code=options.get("city")
                    )
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            else:
                raise CommandError("请给出子命令 give a subcommand: monthly, render, timeliness")
        except (periods.PeriodError, notices.NoticeError, RenderError, OutputError) as exc:
            raise CommandError(str(exc)) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc

    def _monthly(self, o: dict[str, Any]) -> None:
        period = periods.parse_month(o["month"])
        as_of = _date(o["as_of"]) if o.get("as_of") else None
        city = _city(o.get("city"))
        records = _records(o.get("records"))
        if o["issue"]:
            notice, data, blob = notices.issue_monthly_notice(period, city=city, records=records, as_of=as_of)
            Path(o["out"]).parent.mkdir(parents=True, exist_ok=True)
            Path(o["out"]).write_bytes(blob)
            if o.get("xlsx"):
                Path(o["xlsx"]).write_bytes(notices.build_notice_xlsx(data))
            self.stdout.write(f"已印发 issued {notice.number} sha256={notice.sha256}")
        else:
            data = notices.collect_notice_data(
                period, city=city, records=records, as_of=as_of, number=o.get("number")
            )
            notices.write_notice(data, o["out"], xlsx=o.get("xlsx"))
        self.stdout.write(f"{o['out']}" + (f" {o['xlsx']}" if o.get("xlsx") else ""))
        if data.criticised:
            self.stdout.write("通报批评 criticised: " + "、".join(c["county_name"] for c in data.criticised))
        if o.get("pdf"):
            for path in render_notice(o["out"], o["pdf"]):
                self.stdout.write(str(path))

    def _timeliness(self, o: dict[str, Any]) -> None:
        period = periods.parse_month(o["month"])
        as_of = _date(o["as_of"]) if o.get("as_of") else None
        city = _city(o.get("city"))
        rows = reporting_status(period, city=city.code if city else None, as_of=as_of)
        for r in rows:
            r["timeliness_label"] = TIMELINESS_LABELS[r["timeliness"]]
        write_records(
            rows,
            o["format"],
            o.get("out"),
            columns=[
                "county",
                "county_name",
                "period",
                "due_on",
                "state",
                "first_submitted_on",
                "timeliness_label",
                "days_late",
            ],
            headers={
                "county": "代码 code",
                "county_name": "县(市、区) county",
                "period": "月份 month",
                "due_on": "截止日 due",
                "state": "状态 state",
                "first_submitted_on": "首次报送 first submitted",
                "timeliness_label": "报送情况 timeliness",
                "days_late": "逾期天数 days late",
            },
            title=f"{periods.label_zh(period)}月报报送情况",
            stream=cast(TextIO, self.stdout),
        )
