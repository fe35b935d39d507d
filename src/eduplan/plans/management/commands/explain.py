"""``eduplan explain INDICATOR|RULE (--division CODE | --institution CODE) [--year Y] [--format
text|json]``: why a status or a finding is what it is — the formula or rule, the numbers, the
clauses of the plan in force, the standards with their sources, the assumptions and whether each
is confirmed, the target and where it comes from."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.plans.explain import ExplainError, explain


class Command(BaseCommand):
    help = "依据说明 Explain a status or finding: formula, numbers, clauses, standards, assumptions"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what", help="指标 id 或规则 id an indicator id (public_share) or a rule id (KG-NAME)"
        )
        parser.add_argument("--division", help="区划代码 division code")
        parser.add_argument("--institution", help="单位代码 institution code (rules)")
        parser.add_argument("--year", type=int, help="学年 school year (its first calendar year)")
        parser.add_argument("--format", default="text", choices=("text", "json"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = explain(
                options["what"],
                division=options.get("division"),
                institution=options.get("institution"),
                year=options.get("year"),
            )
        except ExplainError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        w = self.stdout.write
        w(
            f"{data['name_zh']} / {data['name_en']} ({data['kind']} {data['id']}, {data.get('division')}, {data.get('year')})"
        )
        w(f"公式/规则 formula: {data['formula']}")
        if data["kind"] == "indicator":
            w(
                f"值 value: {data['value']}  分子 numerator: {data['numerator']}  分母 denominator: {data['denominator']}"
            )
            w(
                f"目标 target: {data['comparison']} {data['target']} by {data['deadline']} "
                f"(来源 origin: {data['target_origin']}; {data['target_source']})  状态 status: {data['status']}  "
                f"预测 forecast: {data['forecast']}"
            )
        else:
            for f in data["findings"]:
                w(f"- {f['entity']} {f['entity_name']}: {f['message_zh']}")
        for c in data["clauses"]:
            w(f"条款 clause {c['id']}: {c['title_zh']} / {c['title_en']}")
        for s in data["standards"]:
            w(f"标准 standard {s['name']} = {s['value']} ({s['source']})")
        for a in data["assumptions"]:
            state = f"已确认 confirmed by {a['confirmed_by']}" if a["confirmed"] else "依据待确认 unconfirmed"
            w(f"假设 assumption {a['id']} = {a['value']}: {state}")
