"""Exports in the template's own layout (xlsx or CSV), for the user's scope only.

What a user may export is exactly what ``accounts.scoping.scope`` lets them see. Identity numbers
leave only masked (``**************123X``), next to the keyed hash that lets a re-import of the
export recognise the same person without the number (see ``docs/intake.md``).

Rows are sorted in Python by each kind's export order (codes, not database ids), so exports from
two databases holding the same data are identical files whichever engine or collation they use.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import models

from eduplan.accounts.scoping import User, model_scope, scope
from eduplan.output import csv_text
from eduplan.registry.identity import mask
from eduplan.registry.models import Division, Institution
from eduplan.security.tokens import row_token

from .kinds import KINDS, Column, ColumnType, Kind, concrete_field, get_kind, kinds_in_order
from .templates import build_workbook, file_value

FORMATS = ("xlsx", "csv")


class ExportError(ValueError):
    """A user-facing problem with an export request."""


def kind_queryset(
    kind: Kind,
    user: User | None = None,
    *,
    county: str | None = None,
    institution: str | None = None,
    year: int | None = None,
) -> models.QuerySet:
    """The kind's records the user may see (all of them for ``user=None``, the command line),
    optionally one county's, one institution's or one year's."""
    qs = kind.queryset()
    if user is not None:
        qs = scope(user, qs)
    if county:
        path = model_scope(kind.model).county
        lookup = f"{path}__county__code" if path else "county__code"
        qs = qs.filter(**{lookup: county})
    if institution:
        link = kind.by_key.get("institution_code")
        if link is not None:
            qs = qs.filter(institution__code=institution)
        elif kind.model is Institution:
            qs = qs.filter(code=institution)
        else:
            qs = qs.filter(supported__code=institution) if kind.key == "pairings" else qs.none()
    if year is not None and kind.year_column:
        qs = qs.filter(**{kind.by_key[kind.year_column].field or kind.year_column: year})
    return qs


class _Codes:
    """Database id → code for the divisions and institutions the exported rows refer to, fetched
    once per chunk of ids rather than once per row."""

    def __init__(self) -> None:
        self.maps: dict[type[models.Model], dict[int, str]] = {Division: {}, Institution: {}}

    def fill(self, model: type[models.Model], ids: Iterable[int]) -> None:
        known = self.maps[model]
        missing = sorted({i for i in ids if i is not None and i not in known})
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            known.update(model._default_manager.filter(pk__in=chunk).values_list("pk", "code"))

    def code(self, model: type[models.Model], pk: int | None) -> str | None:
        return None if pk is None else self.maps[model].get(pk)


def _attname(kind: Kind, col: Column) -> str:
    if col.type == ColumnType.IDENTITY:
        return "id_last4"
    assert col.field
    return concrete_field(kind.model, col.field).attname


def records(
    kind: Kind,
    queryset: models.QuerySet,
    *,
    style: str = "file",
    sort: bool = True,
    columns: Sequence[Column] | None = None,
) -> list[list[Any]]:
    """Rows of cell values in column order. ``style="file"`` writes what a template holds
    (Chinese labels, 是/否); ``style="api"`` keeps codes and booleans and puts the record id first
    (``columns`` then picks which columns)."""
    columns = list(columns or kind.columns)
    attnames = [_attname(kind, c) for c in columns]
    qs = queryset if queryset.query.is_sliced else queryset.order_by()
    raw = list(qs.values_list("pk", *attnames))
    codes = _Codes()
    for i, col in enumerate(columns, start=1):
        if col.is_reference:
            target = Division if col.type == ColumnType.DIVISION else Institution
            codes.fill(target, (r[i] for r in raw))
    rows: list[list[Any]] = []
    for r in raw:
        out = [r[0]]
        for i, col in enumerate(columns, start=1):
            value = r[i]
            if col.is_reference:
                value = codes.code(Division if col.type == ColumnType.DIVISION else Institution, value)
            elif col.type == ColumnType.IDENTITY:
                value = mask(value) if value else None
            elif col.type == ColumnType.ID_HASH:
                value = row_token(value) if value else None  # never the hash itself
            out.append(value)
        rows.append(out)
    if sort:
        order = [*kind.export_order, *(kind.by_field[f].key for f in kind.natural_key if f in kind.by_field)]
        idx = [
            next(i for i, c in enumerate(columns, start=1) if c.key == k)
            for k in order
            if k in {c.key for c in columns}
        ]
        rows.sort(key=lambda row: tuple(_sortable(row[i]) for i in idx))
    convert = api_value if style == "api" else file_value
    plain = [c.type in PLAIN_TYPES for c in columns]
    out_rows = []
    for row in rows:
        values = [
            v if keep or v is None else convert(c, v)
            for c, v, keep in zip(columns, row[1:], plain, strict=True)
        ]
        if style == "file":
            values = [None if v == "" else v for v in values]
        else:
            values.insert(0, row[0])
        out_rows.append(values)
    return out_rows


# Values of these types are written as they come from the database.
PLAIN_TYPES = {
    ColumnType.TEXT,
    ColumnType.CODE,
    ColumnType.INT,
    ColumnType.FLOAT,
    ColumnType.DIVISION,
    ColumnType.INSTITUTION,
    ColumnType.IDENTITY,
    ColumnType.ID_HASH,
}


def _sortable(value: Any) -> tuple:
    if value is None:
        return (0, "")
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, dt.date):
        return (2, value.isoformat())
    return (3, str(value))


def api_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.type == ColumnType.DATE:
        return value.isoformat()
    if col.type == ColumnType.DECIMAL:
        return str(value)
    return value


def export_workbook(
    kinds: Sequence[Kind], user: User | None = None, *, county: str | None = None
) -> tuple[bytes, dict[str, int]]:
    sheets = [(k, records(k, kind_queryset(k, user, county=county))) for k in kinds_in_order(kinds)]
    return build_workbook(sheets)


def export_csv(kind: Kind, user: User | None = None, *, county: str | None = None) -> tuple[bytes, int]:
    """CSV in UTF-8 with the byte-order mark (so Excel shows the Chinese right), with the same two
    header rows as the workbook. Text that Excel would take for a formula gets a leading ``'``,
    which the importer removes again."""
    rows = records(kind, kind_queryset(kind, user, county=county))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in kind.columns])
    writer.writerow([c.key for c in kind.columns])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), len(rows)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(csv_text(str(value)))


def resolve_kinds(name: str) -> list[Kind]:
    if name == "all":
        return kinds_in_order(KINDS.values())
    return [get_kind(name)]


def export(
    kind_name: str,
    fmt: str,
    out: Path,
    user: User | None = None,
    *,
    county: str | None = None,
) -> dict[str, int]:
    """Write an export to ``out``: one xlsx (every kind a sheet for ``all``), or one CSV file per
    kind (``out`` a directory for ``all``). Returns rows written per kind."""
    if fmt not in FORMATS:
        raise ExportError(f"未知格式 {fmt!r},可选 xlsx、csv / unknown format {fmt!r}: choose xlsx or csv")
    kinds = resolve_kinds(kind_name)
    if fmt == "xlsx":
        data, counts = export_workbook(kinds, user, county=county)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        return counts
    counts = {}
    if len(kinds) > 1:
        out.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            data, n = export_csv(kind, user, county=county)
            (out / f"{kind.key}.csv").write_bytes(data)
            counts[kind.key] = n
        return counts
    data, n = export_csv(kinds[0], user, county=county)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return {kinds[0].key: n}
