"""``eduplan export-returns --year Y (--division CODE | --institution CODE) --out FILE``: the annual
statistical returns written from the registry, for one institution or every institution of a
division with the division's aggregate (docs/returns.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.management.commands._common import add_db_option
from eduplan.registry.models import Division, Institution
from eduplan.returns.layout import LayoutError, load_edition
from eduplan.returns.writing import ExportError, export_returns


class Command(BaseCommand):
    help = "导出教育统计报表 Write the annual statistical returns from the registry"

    def add_arguments(self, parser: CommandParser) -> None:
        add_db_option(parser)
        parser.add_argument("--year", type=int, required=True, help="学年(起始年) school year starting")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--division", help="区划代码(县或市) division code: every institution in it")
        which.add_argument("--institution", help="学校(机构)标识码 one institution's code")
        parser.add_argument("--out", required=True, help="输出的xlsx文件 the xlsx file to write")
        parser.add_argument("--edition", type=int, help="报表版本(年) edition of the forms (default: newest)")

    def handle(self, *args, **options) -> None:
        try:
            edition = load_edition(options["edition"])
        except LayoutError as exc:
            raise CommandError(str(exc)) from exc
        division = institution = None
        if options["division"]:
            division = Division.objects.filter(code=options["division"]).first()
            if division is None:
                raise CommandError(
                    f"没有区划 {options['division']} / no division with code {options['division']!r}"
                )
        else:
            institution = Institution.objects.filter(code=options["institution"]).first()
            if institution is None:
                raise CommandError(
                    f"没有学校(机构) {options['institution']} / no institution with code {options['institution']!r}"
                )
        try:
            result = export_returns(edition, options["year"], division=division, institution=institution)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.write_bytes(result.data)
        self.stdout.write(
            f"已写出 {len(result.holdings)} 所学校(机构)的{edition.edition}年版统计报表 / wrote the "
            f"{edition.edition} returns of {len(result.holdings)} institutions: {out}"
        )
