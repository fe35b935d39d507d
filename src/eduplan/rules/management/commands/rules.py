"""``eduplan rules``: the compliance catalogue — each rule's id, clause, what it checks, its
parameters with their values and sources."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.output import FORMATS, OutputError, write_records
from eduplan.rules.catalogue import RuleInputError, catalogue, get_rule

HEADERS = {
    "id": "规则 rule",
    "clause": "条款 clause",
    "severity": "严重程度 severity",
    "entity_type": "对象 entity",
    "title_zh": "检查内容",
    "title_en": "what it checks",
    "checkable": "可核查 checkable",
    "parameters": "参数 parameters",
    "standard": "标准依据 standard",
    "note": "说明 note",
}
TABLE_COLUMNS = ("id", "clause", "severity", "title_zh", "parameters", "standard")
#: Lists longer than this are shown as a count in tables.
LIST_SHOWN = 6


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    """Parameters as ``section.key = value`` lines for tables and spreadsheets."""
    out = dict(entry)
    out["parameters"] = "\n".join(
        f"{p['name']} = {_short(p['value'])}" + ("" if p["verified"] else " (未核实 unverified)")
        for p in entry["parameters"]
    )
    return out


def _short(value: Any) -> str:
    """Long lists (word lists, suffixes) as a count; ``--format json`` shows them whole."""
    if isinstance(value, (list, tuple)) and len(value) > LIST_SHOWN:
        return f"[{len(value)} 项 items]"
    if isinstance(value, dict) and not value:
        return "{} (无县级覆盖 no county overrides)"
    return str(value)


class Command(BaseCommand):
    help = "规则目录 List the compliance catalogue: id, clause, what it checks, parameters and their sources"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rule", metavar="ID", help="只显示这条规则 show only this rule")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--out", metavar="FILE", help="写入文件 write to FILE (required for xlsx)")
        parser.add_argument(
            "--db", metavar="PATH", help="SQLite 数据库文件 (not needed: listed for symmetry)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rules = [get_rule(options["rule"])] if options["rule"] else list(catalogue().values())
        except RuleInputError as exc:
            raise CommandError(str(exc)) from exc
        entries = [r.describe() for r in rules]
        fmt = options["format"]
        records = entries if fmt == "json" else [_compact(e) for e in entries]
        try:
            write_records(
                records,
                fmt,
                options["out"],
                columns=TABLE_COLUMNS if fmt == "table" else None,
                headers=HEADERS,
                title=f"合规规则目录 compliance catalogue: {len(entries)} rules",
                stream=cast(TextIO, self.stdout),
            )
        except OutputError as exc:
            raise CommandError(str(exc)) from exc
