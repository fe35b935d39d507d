"""Imports and exports of the duty registers through the intake machinery: all or nothing, problems
naming sheet, row and column, the same scoped exports in the template's layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.importer import ImportResult, import_file, import_rows
from eduplan.intake.kinds import Kind
from eduplan.intake.kindsets import kind_set
from eduplan.intake.templates import build_workbook

from .kinds import DUTY_KINDS, get_duty_kind


def import_duties(
    path: str | Path,
    *,
    kind: str | Kind | None = None,
    user: Any = None,
    dry_run: bool = False,
    file_name: str | None = None,
    source: str = "cli",
) -> ImportResult:
    """Import a workbook of duty sheets (or a CSV of one ``kind``), all or nothing."""
    chosen = get_duty_kind(kind) if isinstance(kind, str) else kind
    return import_file(
        path,
        kind=chosen,
        user=user,
        dry_run=dry_run,
        file_name=file_name,
        source=source,
        kinds=kind_set("duties"),
    )


def import_duty_rows(
    kind: Kind, rows: list[dict[str, Any]], *, user: Any = None, dry_run: bool = False
) -> ImportResult:
    return import_rows(kind, rows, user=user, dry_run=dry_run, source="api", kinds=kind_set("duties"))


def export_duties(
    kinds: list[Kind] | None = None, user: Any = None, *, county: str | None = None, template: bool = False
) -> tuple[bytes, dict[str, int]]:
    """An xlsx workbook of the duty registers (all by default) as ``user`` may see them."""
    chosen = kinds or list(DUTY_KINDS.values())
    sheets = [(k, [] if template else records(k, kind_queryset(k, user, county=county))) for k in chosen]
    return build_workbook(sheets, template=template)
