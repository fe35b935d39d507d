"""Imports and exports of a register app's kinds through the intake machinery: the same
all-or-nothing import with problems naming sheet, row and column (Chinese and English), the same
error workbook, the same scoped exports in the template's layout. Each register app (programmes,
duties) makes one :class:`RegisterTransfer` over its kind set and names its functions after it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eduplan.accounts.scoping import User
from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.importer import ImportResult, import_file, import_rows
from eduplan.intake.kinds import Kind
from eduplan.intake.kindsets import kind_set
from eduplan.intake.templates import build_workbook


@dataclass(frozen=True)
class RegisterTransfer:
    #: the kind set registered at start-up (``intake.kindsets``): the registry's kinds, then these
    kind_set: str
    #: the app's own kinds, by key (what an export writes by default)
    kinds: Mapping[str, Kind]
    #: a kind by key, label or sheet name, raising a bilingual ``UnknownKind``
    find: Callable[[str], Kind]

    def import_file(
        self,
        path: str | Path,
        *,
        kind: str | Kind | None = None,
        user: User | None = None,
        dry_run: bool = False,
        file_name: str | None = None,
        source: str = "cli",
    ) -> ImportResult:
        """Import a workbook of the app's sheets (or a CSV of one ``kind``), all or nothing."""
        return import_file(
            path,
            kind=self.find(kind) if isinstance(kind, str) else kind,
            user=user,
            dry_run=dry_run,
            file_name=file_name,
            source=source,
            kinds=kind_set(self.kind_set),
        )

    def import_rows(
        self, kind: Kind, rows: list[dict[str, Any]], *, user: User | None = None, dry_run: bool = False
    ) -> ImportResult:
        """Rows of one kind sent to the API, all or nothing."""
        return import_rows(
            kind, rows, user=user, dry_run=dry_run, source="api", kinds=kind_set(self.kind_set)
        )

    def export(
        self,
        kinds: list[Kind] | None = None,
        user: User | None = None,
        *,
        county: str | None = None,
        template: bool = False,
    ) -> tuple[bytes, dict[str, int]]:
        """An xlsx workbook of the registers (all the app's by default) as ``user`` may see them."""
        chosen = kinds or list(self.kinds.values())
        sheets = [(k, [] if template else records(k, kind_queryset(k, user, county=county))) for k in chosen]
        return build_workbook(sheets, template=template)
