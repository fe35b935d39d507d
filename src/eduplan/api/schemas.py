"""API schemas, generated from the intake column specs so the API, the templates, imports and
exports share one definition of every field. Input fields carry the same bounds the importer checks
(lengths, ranges, coded values), so most bad requests are refused before they reach the registry."""

import datetime as dt
import decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints, create_model

from eduplan.intake.kinds import Column, ColumnType, Kind

# No NUL or other control characters (PostgreSQL refuses NUL; nobody means to send them).
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
CODE_PATTERN = r"^[^\s\x00-\x1f\x7f]+$"
IDENTITY_PATTERN = r"^[0-9]{17}[0-9Xx]$"


def safe_text(max_length: int = 200) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=TEXT_PATTERN)]


def code_text(max_length: int = 32) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=CODE_PATTERN)]


CodeStr = code_text(32)


def _input_type(col: Column) -> Any:
    t = col.type
    if t == ColumnType.TEXT:
        return safe_text(col.max_length or 200)
    if t in (ColumnType.CODE, ColumnType.DIVISION, ColumnType.INSTITUTION):
        return code_text(col.max_length or 32)
    if t == ColumnType.INT:
        return Annotated[int, Field(ge=col.min_value, le=col.max_value)]
    if t == ColumnType.DECIMAL:
        digits = len(str(int(col.max_value or 0))) + (col.decimal_places or 0)
        return Annotated[
            decimal.Decimal,
            Field(ge=0, le=col.max_value, max_digits=digits, decimal_places=col.decimal_places),
        ]
    if t == ColumnType.FLOAT:
        return Annotated[float, Field(ge=col.min_value, le=col.max_value, allow_inf_nan=False)]
    if t == ColumnType.BOOL:
        return bool
    if t == ColumnType.DATE:
        return Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]
    if t == ColumnType.CHOICE:
        return Literal[tuple(c.code for c in col.choices)]  # type: ignore[misc]
    if t == ColumnType.IDENTITY:
        return Annotated[str, StringConstraints(pattern=IDENTITY_PATTERN)]
    if t == ColumnType.LIST:
        return Annotated[list[safe_text(50)], Field(max_length=20)]  # type: ignore[misc]
    raise AssertionError(t)


def _output_type(col: Column) -> Any:
    t = col.type
    if t == ColumnType.INT:
        return int
    if t == ColumnType.FLOAT:
        return float
    if t == ColumnType.BOOL:
        return bool
    if t == ColumnType.DATE:
        return dt.date
    if t == ColumnType.LIST:
        return list[str]
    return str


def api_columns(kind: Kind) -> list[Column]:
    """Columns the API shows and takes: all but the identity hash (files only, for re-imports)."""
    return [c for c in kind.columns if c.type != ColumnType.ID_HASH]


def _describe(col: Column) -> str:
    text = f"{col.label}. {col.describe_type()}"
    if col.type == ColumnType.CHOICE:
        text += ". " + "; ".join(f"{c.code} = {c.zh}" for c in col.choices if c.code)
    if col.help:
        text += ". " + col.help
    return text


def _name(kind: Kind, suffix: str) -> str:
    return "".join(p.capitalize() for p in kind.key.split("_")) + suffix


def item_schema(kind: Kind) -> type[Schema]:
    fields: dict[str, Any] = {"id": (int, Field(description="记录编号 record id"))}
    for col in api_columns(kind):
        if col.type == ColumnType.IDENTITY:
            fields[col.key] = (str | None, Field(None, description="脱敏身份证号 masked identity number"))
        else:
            fields[col.key] = (_output_type(col) | None, Field(None, description=_describe(col)))
    return create_model(_name(kind, "Out"), __base__=Schema, **fields)


def row_schema(kind: Kind) -> type[Schema]:
    fields: dict[str, Any] = {}
    for col in api_columns(kind):
        typ = _input_type(col)
        if col.required:
            fields[col.key] = (typ, Field(..., description=_describe(col)))
        else:
            fields[col.key] = (typ | None, Field(None, description=_describe(col)))
    return create_model(_name(kind, "In"), __base__=Schema, **fields)


def rows_schema(kind: Kind, row: type[Schema]) -> type[Schema]:
    return create_model(
        _name(kind, "Upsert"),
        __base__=Schema,
        rows=(list[row], Field(..., min_length=1, max_length=5000)),  # type: ignore[valid-type]
        dry_run=(bool, Field(False, description="只检查不写入 check only, write nothing")),
        effective_from=(
            dt.date | None,
            Field(
                None,
                description="变更生效日期(默认今天) the date changed institution attributes hold from "
                "(default: today); a date in a reported school year makes the change a correction",
            ),
        ),
    )


def page_schema(kind_name: str, item: type[Schema]) -> type[Schema]:
    return create_model(
        kind_name + "Page",
        __base__=Schema,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
    )


def filter_schema(kind: Kind) -> type[Schema]:
    fields: dict[str, Any] = {
        "county": (CodeStr | None, Field(None, description="县代码 county code")),
    }
    if "institution_code" in kind.by_key or kind.key == "pairings":
        fields["institution"] = (CodeStr | None, Field(None, description="机构代码 institution code"))
    if kind.year_column:
        fields[kind.year_column] = (int | None, Field(None, ge=1900, le=2100))
    fields["limit"] = (int, Field(100, ge=1, le=1000))
    fields["offset"] = (int, Field(0, ge=0, le=10**9))
    return create_model(_name(kind, "Filters"), __base__=Schema, **fields)


class ProblemOut(Schema):
    code: str
    sheet: str
    row: int | None
    column: str
    label: str
    cell: str
    value: str
    message_zh: str
    message_en: str


class ProblemsOut(Schema):
    detail: str
    batch: int | None = None
    errors: list[ProblemOut]


class ImportOut(Schema):
    batch: int | None
    dry_run: bool
    counts: dict[str, dict[str, int]]


class Detail(Schema):
    detail: str


class MeOut(Schema):
    username: str
    role: str | None
    division_code: str | None
    institution_code: str | None
    superuser: bool
    #: every capability of the permission vocabulary (``accounts.permissions``) by name
    capabilities: dict[str, bool]
