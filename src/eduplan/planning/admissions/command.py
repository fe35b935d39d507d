"""``eduplan admissions run|demo|audit``: high school admissions with quota-to-school seats.

``run`` reads the candidates and schools files (and optionally junior schools and a settings TOML),
admits, writes one result row per candidate, and a summary (JSON and xlsx) with checks.
``demo`` writes a seeded synthetic province to try it on. Neither touches the database.
``audit`` checks a real admissions result against the published plan (``.audit``), storing nothing.
``job`` runs a run submitted on the officers' page; ``purge --before DATE`` deletes that page's old
finished runs and their files.
See docs/admissions.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.output import OutputError, write_records
from eduplan.plans.checks import clause_text

from .errors import AdmissionsInputError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / not a date YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = "高中招生 High school admissions: 'run' an admission or write a 'demo' province"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        run = sub.add_parser(
            "run",
            help="录取 admit: quota batch then parallel preferences",
            description="Admit candidates (指标到校 + 平行志愿) and write the result and a summary with checks.",
        )
        run.add_argument("--candidates", required=True, help="candidates CSV")
        run.add_argument("--schools", required=True, help="schools CSV")
        run.add_argument("--junior-schools", help="junior schools CSV (area, weight, rural, graduates)")
        # Not --settings: Django's own --settings (DJANGO_SETTINGS_MODULE) is read before any command.
        run.add_argument(
            "--config",
            "--settings-file",
            dest="config",
            metavar="FILE.toml",
            help="admission settings TOML (default: the documented defaults)",
        )
        run.add_argument("--out", required=True, help="result CSV: candidate_id, school_id, batch")
        run.add_argument("--summary", help="summary JSON (default: RESULT.summary.json)")
        run.add_argument("--summary-xlsx", help="summary workbook (default: RESULT.summary.xlsx)")
        run.add_argument("--no-xlsx", action="store_true", help="do not write the summary workbook")
        run.add_argument("--strict", action="store_true", help="exit with an error if any check fails")
        run.add_argument(
            "--format", choices=("table", "json"), default="table", help="how to print the report"
        )

        demo = sub.add_parser(
            "demo",
            help="写出合成省份数据 write a synthetic province",
            description="Write a seeded synthetic province (candidates, schools, junior schools, settings).",
        )
        demo.add_argument(
            "--candidates", type=int, default=10_000, help="number of candidates (default 10000)"
        )
        demo.add_argument("--schools", type=int, help="high schools (default: scaled from candidates)")
        demo.add_argument("--junior-schools", type=int, help="junior middle schools (default: scaled)")
        demo.add_argument("--quota-schools", type=int, help="schools reserving quota seats (default: scaled)")
        demo.add_argument("--quota-share", type=float, default=0.5, help="their quota share (default 0.5)")
        demo.add_argument("--areas", type=int, help="admission areas (default: scaled)")
        demo.add_argument(
            "--choices", type=int, default=10, help="parallel choices per candidate (default 10)"
        )
        demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        demo.add_argument(
            "--out", default="admissions-demo", help="output directory (default ./admissions-demo)"
        )

        job = sub.add_parser(
            "job",
            help="后台运行网页提交的录取 run an admission submitted on the web page (the page starts it)",
            description="Run the queued admissions run ID from the officers' page, recording progress on it.",
        )
        job.add_argument("run_id", type=int, metavar="ID", help="the run's id")

        audit = sub.add_parser(
            "audit",
            help="核查真实录取结果 audit a real admissions result against the published plan",
            description="Check a real admissions result (pseudonymous candidate ids, scores, choices, "
            "admitted school) against the published plan: quota seats honoured, no admission out of "
            "order, no cross-area admission, private and public together. Keeps only breaches and counts.",
        )
        audit.add_argument(
            "--results", required=True, metavar="FILE", help="result CSV, one row per candidate"
        )
        audit.add_argument("--schools", required=True, metavar="FILE", help="published plan: schools CSV")
        audit.add_argument(
            "--quotas",
            metavar="FILE",
            help="published quota allocation CSV (junior_school, school_id, seats)",
        )
        audit.add_argument("--out", metavar="FILE.json", help="write the breaches and counts as JSON")
        audit.add_argument("--strict", action="store_true", help="exit with an error if any breach is found")
        audit.add_argument(
            "--format", choices=("table", "json"), default="table", help="how to print the report"
        )

        purge = sub.add_parser(
            "purge",
            help="删除旧的网页运行及其文件 delete old runs of the web page and their files",
            description="Delete the finished, failed and refused runs of the officers' page created "
            "before DATE, with their uploaded files and results. Queued and running runs are never touched.",
        )
        purge.add_argument(
            "--before",
            required=True,
            type=_date,
            metavar="YYYY-MM-DD",
            help="delete runs created before this date (server local time)",
        )
        purge.add_argument("--dry-run", action="store_true", help="only list what would be deleted")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("subcommand")
        if name not in ("run", "demo", "job", "purge", "audit"):
            raise CommandError(
                "请给出子命令 run、demo、audit 或 purge / give a subcommand: run, demo, audit or purge"
            )
        try:
            if name == "job":
                self._job(options["run_id"])
            elif name == "purge":
                self._purge(options["before"], options["dry_run"])
            elif name == "run":
                self._run(options)
            elif name == "audit":
                self._audit(options)
            else:
                self._demo(options)
        except (AdmissionsInputError, OutputError) as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, options: dict[str, Any]) -> None:
        from eduplan.planning.admissions.checks import run_checks
        from eduplan.planning.admissions.io import load_admission, write_result
        from eduplan.planning.admissions.labels import Labels
        from eduplan.planning.admissions.mechanism import admit
        from eduplan.planning.admissions.settings import load_settings
        from eduplan.planning.admissions.summary import build_summary, write_summary

        times: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(step: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            times[step] = round(now - clock, 3)
            clock = now

        settings = load_settings(options.get("config"))
        data = load_admission(
            options["candidates"], options["schools"], options.get("junior_schools"), settings
        )
        lap("read")
        outcome = admit(data.instance, settings)
        lap("admit")
        labels = Labels(
            data.school_ids, data.junior_ids, data.area_ids, data.candidate_ids, data.school_names
        )
        checks = run_checks(data.instance, outcome, labels, settings)
        summary = build_summary(data.instance, outcome, settings, labels, checks, data.files)
        lap("checks")
        out = Path(options["out"])
        write_result(out, data, outcome)
        json_path = Path(options["summary"]) if options.get("summary") else out.with_suffix(".summary.json")
        xlsx_path = None
        if not options.get("no_xlsx"):
            xlsx_path = (
                Path(options["summary_xlsx"])
                if options.get("summary_xlsx")
                else out.with_suffix(".summary.xlsx")
            )
        write_summary(summary, json_path, xlsx_path)
        lap("write")

        report: list[dict[str, Any]] = [{"item": k, "value": v} for k, v in summary["totals"].items()]
        report += [
            {
                "item": f"check {c.check} ({c.title_zh})",
                "value": "通过 passed" if c.passed else f"未通过 FAILED: {c.count}",
            }
            for c in checks
        ]
        report += [{"item": f"seconds {k}", "value": v} for k, v in times.items()]
        report += [{"item": "result", "value": str(out)}, {"item": "summary", "value": str(json_path)}]
        if xlsx_path is not None:
            report.append({"item": "summary xlsx", "value": str(xlsx_path)})
        write_records(report, options["format"], stream=self._stream(), title="高中招生 admissions")
        failed = [c for c in checks if not c.passed]
        if failed and options.get("strict"):
            raise CommandError(
                f"{clause_text('planning_tool:admissions')} 检查未通过 checks failed: "
                + ", ".join(f"{c.check} ({c.count})" for c in failed)
            )

    def _audit(self, options: dict[str, Any]) -> None:
        import json

        from eduplan.planning.admissions.audit import CHECKS, audit

        report = audit(options["results"], options["schools"], options.get("quotas"))
        data = report.as_dict()
        if options.get("out"):
            Path(options["out"]).write_text(
                json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8"
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            rows: list[dict[str, Any]] = [
                {"item": k, "value": data[k]}
                for k in ("candidates", "admitted", "admitted_quota", "unplaced")
            ]
            counts = report.counts()
            rows += [
                {
                    "item": f"{k} ({zh} {en})",
                    "value": "通过 passed" if not counts[k] else f"违规 BREACHES: {counts[k]}",
                }
                for k, (zh, en) in CHECKS.items()
            ]
            rows += [
                {"item": b.check, "value": ", ".join(f"{k}={v}" for k, v in b.what.items())}
                for b in report.breaches
            ]
            rows += [{"item": "note", "value": n} for n in report.notes]
            write_records(rows, "table", stream=self._stream(), title="录取结果核查 admissions audit")
        if options.get("strict") and not report.passed:
            raise CommandError(
                f"{clause_text('planning_tool:admissions')} 录取结果违规 breaches: "
                + ", ".join(f"{k} ({n})" for k, n in report.counts().items() if n)
            )

    def _job(self, run_id: int) -> None:
        from eduplan.planning.admissions.jobs import execute_run
        from eduplan.planning.models import AdmissionsRun

        try:
            run = execute_run(run_id)
        except AdmissionsRun.DoesNotExist:
            raise CommandError(f"没有编号为 {run_id} 的运行 / no admissions run {run_id}") from None
        self.stdout.write(f"admissions run {run.pk}: {run.status}")
        if run.error:
            self.stdout.write(run.error)

    def _purge(self, before: dt.date, dry_run: bool) -> None:
        from eduplan.planning.admissions.jobs import purge_runs

        deleted = purge_runs(before, dry_run=dry_run)
        verb = "would delete 将删除" if dry_run else "deleted 已删除"
        for item in deleted:
            self.stdout.write(
                f"{verb} run {item.pk}: {item.directory} ({item.files} files, {item.bytes} bytes)"
            )
        total = sum(item.bytes for item in deleted)
        self.stdout.write(
            f"{verb}: {len(deleted)} runs 个运行, {total} bytes 字节"
            f" (created before {before:%Y-%m-%d}; queued and running runs kept 排队或运行中的不删除)"
        )

    def _stream(self) -> TextIO:
        """Django's stdout wrapper, which write_records can write to like a file."""
        return cast(TextIO, self.stdout)

    def _demo(self, options: dict[str, Any]) -> None:
        from eduplan.planning.admissions.demo import DemoSettings, generate, write_province

        for key in ("candidates", "choices"):
            if options[key] < 1:
                raise CommandError(f"--{key} 应为正整数 / must be a positive integer")
        if not 0 <= options["quota_share"] <= 1:
            raise CommandError("--quota-share 应在 0 到 1 之间 / must be between 0 and 1")
        for key in ("schools", "junior_schools", "areas", "quota_schools"):
            if options.get(key) is not None and options[key] < (0 if key == "quota_schools" else 1):
                raise CommandError(f"--{key.replace('_', '-')} 取值无效 / invalid value {options[key]}")
        settings = DemoSettings(
            candidates=options["candidates"],
            schools=options.get("schools"),
            junior_schools=options.get("junior_schools"),
            quota_schools=options.get("quota_schools"),
            areas=options.get("areas"),
            choices=options["choices"],
            quota_share=options["quota_share"],
            seed=options["seed"],
        )
        province = generate(settings)
        paths = write_province(province, options["out"])
        s = province.settings
        rows: list[dict[str, Any]] = [
            {"item": "synthetic data 合成数据", "value": "yes (not real candidates)"},
            {"item": "candidates", "value": s.candidates},
            {"item": "schools", "value": s.schools},
            {"item": "junior_schools", "value": s.junior_schools},
            {"item": "areas", "value": s.areas},
            *({"item": k, "value": v} for k, v in province.notes.items()),
            *({"item": f"file {k}", "value": str(v)} for k, v in paths.items()),
            {
                "item": "next",
                "value": f"eduplan admissions run --candidates {paths['candidates']} --schools {paths['schools']} "
                f"--junior-schools {paths['junior_schools']} --config {paths['settings']} "
                f"--out {Path(options['out']) / 'result.csv'}",
            },
        ]
        write_records(
            rows, "table", stream=self._stream(), title="高中招生演示数据 admissions demo (synthetic)"
        )
