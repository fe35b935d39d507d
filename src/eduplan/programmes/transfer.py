"""Imports and exports of the programme registers through the intake machinery: the same
all-or-nothing import with problems naming sheet, row and column (Chinese and English), the same
error workbook, the same scoped exports in the template's layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eduplan.accounts.scoping import User
from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.importer import ImportResult, import_file, import_rows
from eduplan.intake.kinds import Kind
from eduplan.intake.kindsets import kind_set
from eduplan.intake.templates import build_workbook

from .kinds import PROGRAMME_KINDS, get_programme_kind


def _kind(kind: str | Kind | None) -> Kind | None:
    if kind is None or isinstance(kind, Kind):
        return kind
    return get_programme_kind(kind)


def import_register(
    path: str | Path,
    *,
    kind: str | Kind | None = None,
    user: User | None = None,
    dry_run: bool = False,
    file_name: str | None = None,
    source: str = "cli",
) -> ImportResult:
    """Import a workbook of programme sheets (or a CSV of one ``kind``), all or nothing."""
    return import_file(
        path,
        kind=_kind(kind),
        user=user,
        dry_run=dry_run,
        file_name=file_name,
        source=source,
        kinds=kind_set("programmes"),
    )


def import_register_rows(
    kind: Kind, rows: list[dict[str, Any]], *, user: User | None = None, dry_run: bool = False
) -> ImportResult:
    return import_rows(kind, rows, user=user, dry_run=dry_run, source="api", kinds=kind_set("programmes"))


def export_registers(
    kinds: list[Kind] | None = None,
    user: User | None = None,
    *,
    county: str | None = None,
    template: bool = False,
) -> tuple[bytes, dict[str, int]]:
    """An xlsx workbook of the registers (all by default) as ``user`` may see them."""
    chosen = kinds or list(PROGRAMME_KINDS.values())
    sheets = [(k, [] if template else records(k, kind_queryset(k, user, county=county))) for k in chosen]
    return build_workbook(sheets, template=template)
