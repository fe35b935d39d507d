"""One column spec per kind of registry data: it drives the Excel template, the import, the export
and the JSON API's record endpoints, so a column is declared once and the four cannot drift apart.

A *kind* is what one sheet of a county bureau's workbook holds: divisions, population, births,
kindergartens, high schools, vocational schools, yearly snapshots, classes, staff, safety records,
fees, renames, pairings and the county management network. Each column has an English key (the
second header row, the API field name), a Chinese header, a type that says how a cell is read, and
the model field it sets. Most of that is read off the registry model itself (``field_column``), so a
new ``max_length`` or a new choice reaches the template without an edit here.

Upsert keys (``natural_key``) are the registry's own unique constraints where it has one, so a
re-import of the same file finds every row again and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from eduplan.accounts.scoping import User
from eduplan.registry.choices import (
    PRESCHOOL_KINDS,
    DivisionLevel,
    InstitutionKind,
)
from eduplan.registry.identity import make_number
from eduplan.registry.models import (
    Births,
    Division,
    FeeStandard,
    Institution,
    InstitutionYear,
    ManagementAppointment,
    NameChange,
    Pairing,
    PopulationCount,
    SafetyRecord,
    SchoolClass,
    StaffMember,
)

if TYPE_CHECKING:
    from .validate import ParsedSheet, Problem


class ColumnType(StrEnum):
    """How a cell is read and written."""

    TEXT = "text"
    CODE = "code"  # an identifier: digits typed as numbers are read back as text
    INT = "int"
    DECIMAL = "decimal"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    CHOICE = "choice"
    DIVISION = "division"  # a division code, resolved to the Division
    INSTITUTION = "institution"  # an institution code, resolved to the Institution
    IDENTITY = "identity"  # a resident identity number, in clear on import, masked on export
    ID_HASH = "id_hash"  # the keyed hash of an identity number (export → re-import)
    LIST = "list"  # several short texts in one cell, separated by 、


TYPE_HELP: dict[ColumnType, str] = {
    ColumnType.TEXT: "文本 text",
    ColumnType.CODE: "代码(文本) code, as text",
    ColumnType.INT: "整数 whole number",
    ColumnType.DECIMAL: "数值(两位小数) number with 2 decimals",
    ColumnType.FLOAT: "数值 number",
    ColumnType.BOOL: "是/否 yes/no",
    ColumnType.DATE: "日期 YYYY-MM-DD date",
    ColumnType.CHOICE: "从下拉列表选择 one of the listed values",
    ColumnType.DIVISION: "区划代码(已有或本文件中) division code, existing or in this file",
    ColumnType.INSTITUTION: "机构代码(已有或本文件中) institution code, existing or in this file",
    ColumnType.IDENTITY: "18位身份证号(文本) 18-character identity number, as text",
    ColumnType.ID_HASH: "导出文件自带,勿修改 carried by exports, do not edit",
    ColumnType.LIST: "多项以顿号、分隔 several items separated by 、",
}

YES, NO = "是", "否"

_ENGLISH_TAIL = re.compile(r"\s+[A-Za-z].*$")


def zh_part(label: str) -> str:
    """The Chinese part of a bilingual label: ``"公办 Public"`` → ``"公办"``."""
    short = _ENGLISH_TAIL.sub("", str(label)).strip()
    return short or str(label).strip()


@dataclass(frozen=True)
class Choice:
    code: str
    label: str

    @property
    def zh(self) -> str:
        return zh_part(self.label)


@dataclass(frozen=True, eq=False)
class Column:
    key: str
    label: str
    type: ColumnType
    field: str | None = None
    required: bool = False
    help: str = ""
    choices: tuple[Choice, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None
    decimal_places: int | None = None
    levels: tuple[str, ...] = ()  # allowed division levels of a DIVISION column
    institution_kinds: tuple[str, ...] = ()  # allowed kinds of an INSTITUTION column
    example: Any = None
    import_only: bool = False  # read from files, never written (none yet)
    width: int = 14

    @property
    def header(self) -> str:
        """The Chinese header as written in templates: required columns carry a ``*``."""
        return f"{self.label}*" if self.required else self.label

    @property
    def is_reference(self) -> bool:
        return self.type in (ColumnType.DIVISION, ColumnType.INSTITUTION)

    @cached_property
    def choice_lookup(self) -> dict[str, str]:
        """Every accepted spelling of a coded value → its code: the code, the full bilingual
        label, the Chinese label, and the Chinese label without a trailing bracket."""
        out: dict[str, str] = {}
        for c in self.choices:
            for spelling in (c.code, c.label, c.zh, re.sub(r"\s*[(（].*[)）]\s*$", "", c.zh)):
                norm = normalise_text(spelling).lower()
                if norm or c.code == "":
                    out.setdefault(norm, c.code)
        if self.type == ColumnType.BOOL:
            out.update({k: v for k, v in BOOL_SPELLINGS.items()})
        return out

    @cached_property
    def _display(self) -> dict[str, str]:
        return {c.code: c.zh for c in self.choices}

    def display(self, code: str) -> str:
        """How a coded value is written in files: its Chinese label (empty for a blank code)."""
        if code in ("", None):
            return ""
        return self._display.get(code, str(code))

    @property
    def allowed(self) -> list[str]:
        """What the template's drop-down offers."""
        if self.type == ColumnType.BOOL:
            return [YES, NO]
        return [c.zh for c in self.choices]

    def describe_type(self) -> str:
        text = TYPE_HELP[self.type]
        if self.type == ColumnType.INT and self.min_value is not None:
            text += f", ≥{int(self.min_value)}"
        if self.max_length and self.type in (ColumnType.TEXT, ColumnType.CODE):
            text += f", ≤{self.max_length}字 chars"
        if self.levels:
            text += " (" + "/".join(zh_part(DivisionLevel(v).label) for v in self.levels) + ")"
        return text


BOOL_SPELLINGS = {
    "是": "1",
    "否": "0",
    "y": "1",
    "n": "0",
    "yes": "1",
    "no": "0",
    "true": "1",
    "false": "0",
    "1": "1",
    "0": "0",
    "√": "1",
    "×": "0",
    "有": "1",
    "无": "0",
}

_FULLWIDTH = str.maketrans("（）：，　", "():, ")


def normalise_text(value: str) -> str:
    """Trim and fold the full-width brackets and spaces Chinese input methods type."""
    return str(value).translate(_FULLWIDTH).strip()


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    """A model's field by name, as a concrete ``Field`` (not a reverse relation)."""
    f = model._meta.get_field(name)
    assert isinstance(f, models.Field), name
    return f


def _choices_of(model_field: models.Field) -> tuple[Choice, ...]:
    return tuple(Choice(str(code), str(label)) for code, label in model_field.choices or ())


INT_LIMITS = {
    models.PositiveSmallIntegerField: (0, 32767),
    models.PositiveIntegerField: (0, 2147483647),
    models.SmallIntegerField: (-32768, 32767),
    models.IntegerField: (-2147483648, 2147483647),
}


def field_column(model: type[models.Model], name: str, key: str | None = None, **overrides: Any) -> Column:
    """A column read off a model field: Chinese label from its verbose name, type, length,
    choices and bounds; required when the field has neither a default nor blank/null allowed."""
    f = concrete_field(model, name)
    kw: dict[str, Any] = {"key": key or name, "label": zh_part(str(f.verbose_name)), "field": name}
    if isinstance(f, models.ForeignKey):
        target = f.related_model
        kw["type"] = ColumnType.DIVISION if target is Division else ColumnType.INSTITUTION
        kw["required"] = not f.null
    elif f.choices:
        kw["type"] = ColumnType.CHOICE
        kw["choices"] = _choices_of(f)
        kw["required"] = not f.blank and not f.has_default()
        kw["max_length"] = getattr(f, "max_length", None)
    elif isinstance(f, models.BooleanField):
        kw["type"] = ColumnType.BOOL
    elif isinstance(f, models.DateField):
        kw["type"] = ColumnType.DATE
        kw["required"] = not f.null and not f.has_default()
    elif isinstance(f, models.DecimalField):
        kw["type"] = ColumnType.DECIMAL
        kw["decimal_places"] = f.decimal_places
        kw["max_value"] = float(10 ** (f.max_digits - f.decimal_places)) - 10**-f.decimal_places
        kw["min_value"] = 0.0
        kw["required"] = not f.null and not f.has_default()
    elif isinstance(f, models.FloatField):
        kw["type"] = ColumnType.FLOAT
        kw["required"] = not f.null and not f.has_default()
    elif isinstance(f, models.IntegerField):
        kw["type"] = ColumnType.INT
        lo, hi = next((v for k, v in INT_LIMITS.items() if isinstance(f, k)), (None, None))
        kw["min_value"], kw["max_value"] = lo, hi
        kw["required"] = not f.null and not f.has_default()
    elif isinstance(f, models.JSONField):
        kw["type"] = ColumnType.LIST
    elif isinstance(f, models.CharField):
        kw["type"] = ColumnType.TEXT
        kw["max_length"] = f.max_length
        kw["required"] = not f.blank and not f.has_default()
    else:  # pragma: no cover - a new field type must be mapped here on purpose
        raise TypeError(f"no column type for {model.__name__}.{name} ({type(f).__name__})")
    if f.help_text and "help" not in overrides:
        kw["help"] = str(f.help_text)
    kw.update(overrides)
    return Column(**kw)


class WriteHook(Protocol):
    """A kind that is not written by the importer's own upsert but through its app's actions (the
    workforce registers: a row names a staff member by identity number, a scheme spans rows).

    The importer reads and parses the sheet as for every kind; ``write`` then resolves and writes
    its good rows (``row.bad`` ones are skipped) inside the import's transaction, appending a
    problem naming sheet, row and column for each row it refuses, and returns how many rows it
    wrote. The importer rolls everything back when any problem was found, and runs ``write`` in a
    rolled-back transaction for a dry run or when other rows failed, so a hook's refusals are
    listed with every other problem."""

    def write(self, ps: ParsedSheet, user: User | None, problems: list[Problem]) -> int: ...


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of registry data, as a sheet.

    ``natural_key`` names model fields (foreign keys by field name): a row whose key matches an
    existing record updates it, otherwise a record is created. ``link`` is the column whose target
    decides who may write the row (the same parent ``accounts.scoping.can_add`` looks at).
    ``filters`` restrict which records of the model belong to this kind (institution kinds);
    ``fixed`` are set on every record the kind creates.
    """

    key: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    link: str
    order: int
    description: str
    filters: dict[str, Any] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)
    export_order: tuple[str, ...] = ()  # column keys to sort exports by (natural key appended)
    year_column: str = ""  # the column API and export filters use for a year
    bulk: bool = True  # bulk_create/bulk_update; False: row by row through registry actions
    hook: WriteHook | None = None  # written by its app's actions instead of the importer's upsert
    #: The sheet's name where "label key" would pass Excel's 31-character limit for sheet titles.
    sheet_name: str = ""

    @property
    def sheet(self) -> str:
        return self.sheet_name or f"{self.label} {self.key}"

    @property
    def url_name(self) -> str:
        return self.key.replace("_", "-")

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field}

    def column(self, key: str) -> Column:
        return self.by_key[key]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    @property
    def has_history(self) -> bool:
        return hasattr(self.model, "history")

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.filter(**self.filters)

    @property
    def example_row(self) -> dict[str, Any]:
        return {c.key: c.example for c in self.columns if c.example is not None}


def _cols(model: type[models.Model], *specs: str | Column) -> tuple[Column, ...]:
    return tuple(s if isinstance(s, Column) else field_column(model, s) for s in specs)


_D = dt.date

# --- divisions and population ------------------------------------------------------------------

DIVISIONS = Kind(
    key="divisions",
    label="行政区划",
    model=Division,
    order=0,
    description="行政区划(GB/T 2260代码);上级必须已存在或在本文件中 divisions; a parent must exist or be in the file",
    columns=_cols(
        Division,
        field_column(Division, "code", required=True, type=ColumnType.CODE, example="530402002"),
        field_column(Division, "name", example="春和街道"),
        field_column(Division, "level", example="township"),
        field_column(Division, "type", example="subdistrict"),
        field_column(Division, "parent", "parent_code", label="上级代码", required=False, example="530402"),
        field_column(Division, "locality", example="urban"),
        field_column(Division, "latitude", min_value=-90.0, max_value=90.0),
        field_column(Division, "longitude", min_value=-180.0, max_value=180.0),
        field_column(Division, "valid_from", example=_D(1988, 1, 1)),
        "valid_to",
        "synthetic",
    ),
    natural_key=("code",),
    link="parent_code",
    export_order=("code",),
    bulk=False,
)

POPULATION = Kind(
    key="population",
    label="人口",
    model=PopulationCount,
    order=1,
    description="分年龄、性别人口(年末数) population by year, age band and sex (year end)",
    columns=_cols(
        PopulationCount,
        field_column(PopulationCount, "division", "division_code", label="区划代码", example="530402001"),
        field_column(PopulationCount, "year", min_value=1949, max_value=2100, example=2024),
        field_column(PopulationCount, "age_min", max_value=150, example=3),
        field_column(
            PopulationCount, "age_max", max_value=150, example=3, help="空表示开放年龄组 empty = open band"
        ),
        field_column(PopulationCount, "sex", example="M"),
        field_column(PopulationCount, "basis", example="resident"),
        field_column(PopulationCount, "count", example=1520),
    ),
    natural_key=("division", "year", "basis", "sex", "age_min"),
    link="division_code",
    export_order=("division_code", "year", "basis", "sex", "age_min"),
    year_column="year",
)

BIRTHS = Kind(
    key="births",
    label="出生人口",
    model=Births,
    order=1,
    description="出生人口 live births by division and year",
    columns=_cols(
        Births,
        field_column(Births, "division", "division_code", label="区划代码", example="530402001"),
        field_column(Births, "year", min_value=1949, max_value=2100, example=2024),
        field_column(Births, "basis", example="resident"),
        field_column(Births, "count", example=830),
    ),
    natural_key=("division", "year", "basis"),
    link="division_code",
    export_order=("division_code", "year", "basis"),
    year_column="year",
)

MANAGEMENT = Kind(
    key="management_posts",
    label="县级管理网络",
    model=ManagementAppointment,
    order=1,
    description="县级学前管理专干和教研员 county preschool administrator and researcher posts",
    columns=_cols(
        ManagementAppointment,
        field_column(
            ManagementAppointment,
            "county",
            "county_code",
            label="县代码",
            levels=(DivisionLevel.COUNTY,),
            example="530402",
        ),
        field_column(ManagementAppointment, "post", example="preschool_admin"),
        field_column(ManagementAppointment, "person_name", example="张敏"),
        field_column(ManagementAppointment, "is_dedicated", example=True),
        field_column(ManagementAppointment, "start_date", example=_D(2022, 3, 1)),
        "end_date",
    ),
    natural_key=("county", "post", "person_name", "start_date"),
    link="county_code",
    export_order=("county_code", "post", "start_date", "person_name"),
)

# --- institutions ------------------------------------------------------------------------------

_BELOW_COUNTY = (DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE)


def _institution_common(example_code: str, example_name: str, kind_column: Column | None) -> list[Column]:
    cols = [
        field_column(
            Institution, "code", label="机构代码", required=True, type=ColumnType.CODE, example=example_code
        ),
        field_column(Institution, "name", example=example_name),
    ]
    if kind_column is not None:
        cols.append(kind_column)
    cols += [
        field_column(
            Institution,
            "division",
            "division_code",
            label="所在乡镇代码",
            levels=_BELOW_COUNTY,
            example="530402001",
        ),
        field_column(Institution, "address", example="玉兴路12号"),
        field_column(Institution, "latitude", min_value=-90.0, max_value=90.0, example=24.35),
        field_column(Institution, "longitude", min_value=-180.0, max_value=180.0, example=102.54),
        field_column(Institution, "ownership", example="public"),
        field_column(Institution, "sponsor", example="education"),
        field_column(Institution, "established_on", example=_D(2015, 9, 1)),
        field_column(Institution, "closed_on"),
        field_column(Institution, "seats", example=270),
    ]
    return cols


def _kind_column(kinds: Sequence[str], example: str) -> Column:
    col = field_column(Institution, "kind", required=False, example=example)
    choices = tuple(c for c in col.choices if c.code in kinds)
    return replace(
        col,
        choices=choices,
        help=f"空则为 empty means {zh_part(InstitutionKind(kinds[0]).label)}",
    )


KINDERGARTENS = Kind(
    key="kindergartens",
    label="幼儿园",
    model=Institution,
    order=2,
    description="幼儿园和小学附设幼儿班 kindergartens and preschool classes attached to primary schools",
    filters={"kind__in": PRESCHOOL_KINDS},
    fixed={"kind": InstitutionKind.KINDERGARTEN},
    columns=(
        *_institution_common("K9", "春和街道中心幼儿园", _kind_column(PRESCHOOL_KINDS, "kindergarten")),
        *_cols(
            Institution,
            field_column(Institution, "licence_status", example="licensed"),
            field_column(Institution, "grade", label="园所等级", example="1-2"),
            field_column(Institution, "grade_year", min_value=1949, max_value=2100, example=2021),
            field_column(Institution, "service_type", example="full_day"),
            field_column(Institution, "inclusive", example=False),
            "inclusive_since",
            field_column(Institution, "is_central", example=True),
            field_column(
                Institution,
                "central",
                "central_code",
                label="所属中心园代码",
                institution_kinds=PRESCHOOL_KINDS,
            ),
            field_column(
                Institution,
                "group_lead",
                "group_lead_code",
                label="集团牵头园代码",
                institution_kinds=PRESCHOOL_KINDS,
            ),
            "is_residential_supporting",
            "supporting_planned_on",
            "supporting_approved_on",
            "supporting_built_on",
            "supporting_delivered_on",
            "housing_delivered_on",
            "is_demonstration",
            "in_quality_evaluation",
            "quality_evaluated_on",
            "synthetic",
        ),
    ),
    natural_key=("code",),
    link="division_code",
    export_order=("code",),
)

_HS_KINDS = (InstitutionKind.HIGH_SCHOOL, InstitutionKind.JUNIOR_MIDDLE)

HIGH_SCHOOLS = Kind(
    key="high_schools",
    label="普通高中",
    model=Institution,
    order=2,
    description="普通高中(及初级中学) general high schools (and junior middle schools)",
    filters={"kind__in": _HS_KINDS},
    fixed={"kind": InstitutionKind.HIGH_SCHOOL},
    columns=(
        *_institution_common("H9", "玉溪第三中学", _kind_column(_HS_KINDS, "high_school")),
        *_cols(
            Institution,
            field_column(Institution, "rating", label="高中等级", example="p2"),
            field_column(Institution, "is_county_high_school", example=True),
            "is_new_build",
            field_column(Institution, "network_connected", example=True),
            "licence_status",
            "synthetic",
        ),
    ),
    natural_key=("code",),
    link="division_code",
    export_order=("code",),
)

VOCATIONAL = Kind(
    key="vocational",
    label="中职学校",
    model=Institution,
    order=2,
    description="中等职业学校 secondary vocational schools",
    filters={"kind": InstitutionKind.VOCATIONAL},
    fixed={"kind": InstitutionKind.VOCATIONAL},
    columns=(
        *_institution_common("V9", "玉溪工业财贸学校", None),
        *_cols(
            Institution,
            "is_new_build",
            field_column(Institution, "network_connected", example=True),
            "licence_status",
            "synthetic",
        ),
    ),
    natural_key=("code",),
    link="division_code",
    export_order=("code",),
)

# --- per-institution records -------------------------------------------------------------------


def institution_column(
    model: type[models.Model],
    example: str = "K1",
    kinds: tuple[str, ...] = (),
    field: str = "institution",
    key: str = "institution_code",
    label: str = "机构代码",
) -> Column:
    """The column naming the institution a row hangs from, by its code (of one of ``kinds``, when
    given): the link of every register kept per institution."""
    return field_column(model, field, key, label=label, example=example, institution_kinds=kinds)


def county_column(model: type[models.Model], example: str = "530402") -> Column:
    """The column naming the county a row is about, by its division code."""
    return field_column(
        model, "county", "county_code", label="县代码", example=example, levels=(DivisionLevel.COUNTY.value,)
    )


#: Bounds of a year column (a school year by its starting year, or a budget year).
YEAR_BOUNDS: dict[str, Any] = {"min_value": 1949, "max_value": 2100}


def _institution_link(model: type[models.Model], example: str = "K1") -> Column:
    return institution_column(model, example)


_SCHOOL_YEAR: dict[str, Any] = {"min_value": 1949, "max_value": 2100, "example": 2024}

INSTITUTION_YEARS = Kind(
    key="institution_years",
    label="学年概况",
    model=InstitutionYear,
    order=3,
    description="机构每学年的学位、入离园人数、经费与公示 yearly snapshot of an institution",
    columns=_cols(
        InstitutionYear,
        _institution_link(InstitutionYear),
        field_column(InstitutionYear, "school_year", **_SCHOOL_YEAR),
        field_column(InstitutionYear, "seats", example=270),
        field_column(InstitutionYear, "entered", example=90),
        field_column(InstitutionYear, "left", example=85),
        field_column(InstitutionYear, "funding_per_student", example="600.00"),
        field_column(InstitutionYear, "info_published", example=True),
    ),
    natural_key=("institution", "school_year"),
    link="institution_code",
    export_order=("institution_code", "school_year"),
    year_column="school_year",
)

CLASSES = Kind(
    key="classes",
    label="班级",
    model=SchoolClass,
    order=3,
    description="每学年的班级及分性别、分年龄人数 classes per school year with headcounts",
    columns=_cols(
        SchoolClass,
        _institution_link(SchoolClass),
        field_column(SchoolClass, "school_year", **_SCHOOL_YEAR),
        field_column(SchoolClass, "name", example="小一班"),
        field_column(SchoolClass, "age_group", example="small"),
        field_column(SchoolClass, "is_new_intake", example=True),
        "is_boarding",
        field_column(SchoolClass, "boys", example=13),
        field_column(SchoolClass, "girls", example=12),
        field_column(SchoolClass, "minority", example=3),
        "age_under3",
        field_column(SchoolClass, "age_3", example=25),
        "age_4",
        "age_5",
        "age_over5",
    ),
    natural_key=("institution", "school_year", "name"),
    link="institution_code",
    export_order=("institution_code", "school_year", "name"),
    year_column="school_year",
)

STAFF = Kind(
    key="staff",
    label="教职工",
    model=StaffMember,
    order=3,
    description=(
        "教职工。身份证号导入时填完整号码,只保存其密钥哈希与后四位;导出只含脱敏号码和哈希,"
        "重新导入导出文件按哈希识别人员 staff: identity numbers are hashed on the way in; exports "
        "carry the masked number and the hash, which identifies the person on re-import"
    ),
    columns=_cols(
        StaffMember,
        _institution_link(StaffMember),
        Column(
            key="identity_number",
            label="身份证号",
            type=ColumnType.IDENTITY,
            required=False,
            help=(
                "新增人员填写完整18位号码(文本格式);导出文件中为脱敏号码,保留不改即可 "
                "full 18-character number for new staff; exports show the masked number, keep it"
            ),
            example=make_number("530402", dt.date(1990, 1, 1), 18),
            width=22,
        ),
        field_column(StaffMember, "name", example="李华"),
        field_column(StaffMember, "sex", example="F"),
        field_column(StaffMember, "role", example="teacher"),
        field_column(StaffMember, "certificate", example="kg_teacher"),
        field_column(StaffMember, "employment", example="establishment"),
        field_column(StaffMember, "is_full_time", example=True),
        field_column(StaffMember, "social_insurance", example=True),
        field_column(StaffMember, "housing_fund", example=True),
        field_column(StaffMember, "training_hours", example=72),
        field_column(StaffMember, "start_date", example=_D(2019, 9, 1)),
        "end_date",
        "change_filed_on",
        Column(
            key="id_hash",
            label="人员标识",
            type=ColumnType.ID_HASH,
            field="id_hash",
            help=(
                "身份证号的密钥哈希,由导出生成,用于重新导入时识别人员;新增人员留空 "
                "keyed hash of the identity number written by exports to recognise the person on "
                "re-import; leave empty for new staff"
            ),
            width=20,
        ),
    ),
    natural_key=("institution", "id_hash", "start_date"),
    link="institution_code",
    export_order=("institution_code", "role", "name", "start_date", "id_hash"),
)

SAFETY = Kind(
    key="safety_records",
    label="安全检查",
    model=SafetyRecord,
    order=3,
    description="人防物防技防检查记录 the three-defences safety checks",
    columns=_cols(
        SafetyRecord,
        _institution_link(SafetyRecord),
        field_column(SafetyRecord, "checked_on", example=_D(2024, 9, 2)),
        field_column(SafetyRecord, "full_time_guard", example=True),
        field_column(SafetyRecord, "closed_management", example=True),
        field_column(SafetyRecord, "one_key_alarm", example=True),
        field_column(SafetyRecord, "video_linked_police", example=False),
        field_column(SafetyRecord, "anti_collision", example=True),
    ),
    natural_key=("institution", "checked_on"),
    link="institution_code",
    export_order=("institution_code", "checked_on"),
)

FEES = Kind(
    key="fees",
    label="收费标准",
    model=FeeStandard,
    order=3,
    description="保教费标准及备案日期 fee standards with their filing dates",
    columns=_cols(
        FeeStandard,
        _institution_link(FeeStandard),
        field_column(FeeStandard, "monthly_fee", example="380.00"),
        field_column(FeeStandard, "filed_on", example=_D(2024, 7, 15)),
        field_column(FeeStandard, "effective_on", example=_D(2024, 9, 1)),
        field_column(FeeStandard, "contracted_ceiling", example=False),
    ),
    natural_key=("institution", "effective_on"),
    link="institution_code",
    export_order=("institution_code", "effective_on"),
)

RENAMES = Kind(
    key="renames",
    label="更名记录",
    model=NameChange,
    order=3,
    description="机构更名记录 published renames (the current name is on the institution sheet)",
    columns=_cols(
        NameChange,
        _institution_link(NameChange),
        field_column(NameChange, "old_name", example="玉溪市红塔区双语艺术幼儿园"),
        field_column(NameChange, "new_name", example="玉溪市红塔区春和幼儿园"),
        field_column(NameChange, "changed_on", example=_D(2023, 6, 1)),
        field_column(NameChange, "reason", example="名称规范 name clean-up"),
    ),
    natural_key=("institution", "changed_on", "new_name"),
    link="institution_code",
    export_order=("institution_code", "changed_on", "new_name"),
)

PAIRINGS = Kind(
    key="pairings",
    label="结对帮扶",
    model=Pairing,
    order=3,
    description="结对帮扶;区外帮扶方填名称 pairings; a supporter outside the registry by name",
    columns=_cols(
        Pairing,
        field_column(Pairing, "kind", example="kg_support"),
        field_column(Pairing, "supporter", "supporter_code", label="帮扶方代码", example="K1"),
        field_column(Pairing, "supporter_name", label="区外帮扶方名称"),
        field_column(Pairing, "supported", "supported_code", label="受帮扶方代码", example="K2"),
        field_column(Pairing, "start_date", example=_D(2023, 9, 1)),
        "end_date",
        field_column(Pairing, "agreement_signed", example=True),
        field_column(Pairing, "components", label="帮扶内容", example=["管理", "教研"]),
    ),
    natural_key=("kind", "supported", "supporter", "supporter_name", "start_date"),
    link="supported_code",
    export_order=("supported_code", "kind", "start_date", "supporter_code", "supporter_name"),
)

KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        DIVISIONS,
        POPULATION,
        BIRTHS,
        MANAGEMENT,
        KINDERGARTENS,
        HIGH_SCHOOLS,
        VOCATIONAL,
        INSTITUTION_YEARS,
        CLASSES,
        STAFF,
        SAFETY,
        FEES,
        RENAMES,
        PAIRINGS,
    )
}

INSTITUTION_KINDS = (KINDERGARTENS, HIGH_SCHOOLS, VOCATIONAL)

# Sheets of our own workbooks that hold no data to import.
AUX_SHEETS = {"说明 readme", "示例 example", "代码表 codes", "错误 errors"}
AUX_SHEET_WORDS = {"readme", "example", "codes", "errors", "说明", "示例", "代码表", "错误"}


class UnknownKind(ValueError):
    pass


def find_kind(kinds: Iterable[Kind], name: str, *, what: tuple[str, str] = ("数据类别", "kind")) -> Kind:
    """The kind of ``kinds`` named by key, URL name, Chinese label or sheet name; else a bilingual
    ``UnknownKind`` naming ``what`` is asked for (a kind, a register) and the choices."""
    kinds = list(kinds)
    norm = normalise_text(name).lower().replace("-", "_")
    for kind in kinds:
        if norm in (kind.key, kind.label.lower(), kind.sheet.lower().replace("-", "_")):
            return kind
    keys = ", ".join(k.key for k in kinds)
    zh, en = what
    raise UnknownKind(f"未知{zh}「{name}」,可选: {keys} / unknown {en} {name!r}: choose one of {keys}")


class KindSet:
    """The kinds one import pipeline reads, in write order: how a sheet name or ``--kind`` is
    resolved, how sheets are ordered (parents before children) and which kinds are written.

    The importer takes one of these instead of reading a global dict, so the programme registers
    are imported through the same pipeline as the registry without lending their kinds to
    ``KINDS`` (see ``intake.kindsets`` for the sets registered at start-up)."""

    def __init__(self, name: str, kinds: Iterable[Kind]) -> None:
        self.name = name
        self.kinds: dict[str, Kind] = {k.key: k for k in kinds}

    def __getitem__(self, key: str) -> Kind:
        return self.kinds[key]

    def values(self) -> list[Kind]:
        return list(self.kinds.values())

    def get(self, name: str) -> Kind:
        """A kind by key, URL name, Chinese label or sheet name; raises a bilingual ``UnknownKind``."""
        return find_kind(self.kinds.values(), name)

    def in_order(self, kinds: Iterable[Kind]) -> list[Kind]:
        """Parents before children: divisions, then institutions, then their records."""
        keys = list(self.kinds)
        return sorted(kinds, key=lambda k: (k.order, keys.index(k.key)))


#: The registry workbook's kinds: the default set of the importer.
REGISTRY_KINDS = KindSet("registry", KINDS.values())


def get_kind(name: str) -> Kind:
    """A registry kind by key, URL name, Chinese label or sheet name (``KindSet.get``)."""
    return REGISTRY_KINDS.get(name)


def kinds_in_order(kinds: Iterable[Kind]) -> list[Kind]:
    """Registry kinds parents before children (``KindSet.in_order``)."""
    return REGISTRY_KINDS.in_order(kinds)


def institution_kind_of(code: str) -> Kind:
    """Which institution sheet a record of ``Institution.kind == code`` belongs on."""
    for kind in INSTITUTION_KINDS:
        allowed = kind.filters.get("kind__in") or (kind.filters.get("kind"),)
        if code in allowed:
            return kind
    raise KeyError(code)
