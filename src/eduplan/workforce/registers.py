"""Import and export of the workforce registers, one sheet per register.

Each register is a kind of the one import pipeline (``intake.importer``), registered as the
``"workforce"`` kind set (``intake.kindsets``, from ``WorkforceConfig.ready``): intake reads the
file and every cell (Chinese or English headers, coded values by their Chinese label, dates,
identity numbers checked and masked in messages), records the import batch, and writes all rows
or none. What intake cannot do — refer to a staff member — is each kind's write hook here: a row
names the staff member by institution code plus identity number (hashed on the spot, never kept)
or the ``id_hash`` an export wrote, the name is checked against the registry, and the row is
written through ``workforce.actions``; every problem names the sheet, row, column and value, in
Chinese and English.

Exports carry the masked identity number and the hash (never the number). Ethics registers are
exported only to users allowed to see them (``models.ETHICS_ROLES``); others are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User
from eduplan.intake import importer
from eduplan.intake.kinds import Column, ColumnType, Kind, KindSet, WriteHook, field_column
from eduplan.intake.kindsets import kind_set
from eduplan.intake.validate import Masked, ParsedRow, ParsedSheet, Problem, row_problem
from eduplan.registry import identity
from eduplan.registry.identity import IdentityNumberError
from eduplan.registry.models import Division, Institution, StaffMember
from eduplan.security.tokens import row_token

from . import actions
from .models import (
    CareerEvent,
    EthicsAssessment,
    EvaluationCriterion,
    EvaluationScheme,
    NegativeListEntry,
    PerformancePay,
    PublicityItem,
    TrainingRecord,
)


def _staff_columns() -> tuple[Column, ...]:
    return (
        field_column(StaffMember, "institution", "institution_code", label="机构代码", example="H1"),
        Column(
            key="staff_name", label="姓名", type=ColumnType.TEXT, required=True, max_length=40, example="王敏"
        ),
        Column(
            key="identity_number",
            label="身份证号",
            type=ColumnType.IDENTITY,
            help="完整18位号码;导出文件中为脱敏号码,保留人员标识列即可 full number, or keep the export's id_hash",
            width=22,
        ),
        Column(
            key="id_hash",
            label="人员标识",
            type=ColumnType.ID_HASH,
            help="导出生成,勿修改 written by exports",
            width=20,
        ),
    )


def _column(model: type[models.Model], name: str, example: Any = None) -> Column:
    f = model._meta.get_field(name)
    if isinstance(f, models.TextField):  # long text: intake maps only short fields
        label = str(f.verbose_name).split(" ")[0]
        return Column(key=name, label=label, type=ColumnType.TEXT, field=name, max_length=4000, width=40)
    return field_column(model, name, example=example)


def _cols(model: type[models.Model], *names: str, **examples: Any) -> tuple[Column, ...]:
    return tuple(_column(model, n, examples.get(n)) for n in names)


@dataclass(frozen=True)
class Register:
    """One register as a sheet: its intake ``Kind`` (columns; its write hook writes a row), how
    its rows are exported."""

    key: str
    kind: Kind
    restricted: bool  # ethics records: only ETHICS_ROLES
    rows: Callable[[models.QuerySet], Iterable[dict[str, Any]]]  # export
    queryset: Callable[[], models.QuerySet]
    fields: dict[str, str] = field(default_factory=dict)  # model field → column key, for errors

    @property
    def label(self) -> str:
        return self.kind.label


def _kind(
    key: str,
    label: str,
    model: type[models.Model],
    columns: tuple[Column, ...],
    description: str,
    hook: WriteHook,
) -> Kind:
    return Kind(
        key=key,
        label=label,
        model=model,
        columns=columns,
        natural_key=(),
        link=columns[0].key,
        order=9,
        description=description,
        hook=hook,
    )


def _staff_out(s: StaffMember) -> dict[str, Any]:
    return {
        "institution_code": s.institution.code,
        "staff_name": s.name,
        "identity_number": identity.mask(s.id_last4),
        "id_hash": row_token(s.id_hash),  # never the hash itself (eduplan.security.tokens)
    }


def _display(kind: Kind, key: str, code: Any) -> Any:
    col = kind.by_key[key]
    if col.type == ColumnType.CHOICE:
        return col.display(code)
    if col.type == ColumnType.BOOL:
        return "是" if code else "否"
    return code


def _out(kind: Kind, obj: models.Model, keys: Iterable[str]) -> dict[str, Any]:
    return {k: _display(kind, k, getattr(obj, kind.by_key[k].field or k)) for k in keys}


# -- writing a row (the kinds' write hooks) ------------------------------------------------------


def _inst(values: dict[str, Any]) -> Institution:
    return values["institution_code"]


def _write_training(v: dict[str, Any], user: User | None) -> models.Model:
    return actions.record_training(
        v["staff"],
        level=v["level"],
        course=v["course"],
        hours=v["hours"],
        start_date=v["start_date"],
        end_date=v["end_date"],
        provider=v.get("provider") or "",
        user=user,
    )


def _write_pay(v: dict[str, Any], user: User | None) -> models.Model:
    return actions.record_performance_pay(
        _inst(v),
        v["year"],
        frontline=(v["frontline_amount"], v["frontline_count"]),
        class_teachers=(v["class_teacher_amount"], v["class_teacher_count"]),
        others=(v["other_amount"], v["other_count"]),
        total=v["total"],
        user=user,
    )


def _write_ethics(v: dict[str, Any], user: User | None) -> models.Model:
    return actions.record_ethics_assessment(
        v["staff"],
        v["year"],
        v["result"],
        assessed_on=v.get("assessed_on"),
        note=v.get("note") or "",
        user=user,
    )


def _write_negative(v: dict[str, Any], user: User | None) -> models.Model:
    return actions.record_negative_entry(
        v["staff"],
        category=v["category"],
        occurred_on=v["occurred_on"],
        decided_on=v["decided_on"],
        consequence=v["consequence"],
        ban_years=v.get("ban_years") or 0,
        serious=bool(v.get("serious")),
        description=v.get("description") or "",
        user=user,
    )


def _write_award(v: dict[str, Any], user: User | None) -> models.Model:
    return actions.record_career_event(
        v["staff"],
        kind=v["kind"],
        title=v["title"],
        granted_on=v["granted_on"],
        granted_by=v.get("granted_by") or "",
        user=user,
    )


def _write_publicity(v: dict[str, Any], user: User | None) -> models.Model:
    return actions.record_publicity(
        _inst(v),
        published_on=v["published_on"],
        channel=v["channel"],
        title=v["title"],
        text=v.get("text") or "",
        url=v.get("url") or "",
        user=user,
    )


@dataclass(frozen=True)
class _RowsHook:
    """A register's write hook for the one import pipeline (``intake.kinds.WriteHook``): resolve
    each good row's references and staff member, then write it through ``workforce.actions`` in
    a savepoint, so every refused row is listed (the importer rolls the whole import back)."""

    write_row: Callable[[dict[str, Any], Any], models.Model]

    def write(self, ps: ParsedSheet, user: User | None, problems: list[Problem]) -> int:
        written = 0
        for row, values in _resolved_rows(ps, problems):
            try:
                with transaction.atomic():
                    self.write_row(values, user)
                written += 1
            except (ValidationError, PermissionDenied) as exc:
                problems.extend(_error_problems(ps, row, exc))
        return written


class _SchemesHook:
    """The evaluation schemes' write hook: one scheme spans the rows of its criteria (same county,
    year and title), written as one scheme with its criteria."""

    def write(self, ps: ParsedSheet, user: User | None, problems: list[Problem]) -> int:
        schemes: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row, values in _resolved_rows(ps, problems):
            k = (values["county_code"].pk, values["year"], values["title"])
            group = schemes.setdefault(k, {"values": values, "criteria": [], "row": row})
            group["criteria"].append((values["criterion"], values["category"], values["weight"]))
        written = 0
        for group in schemes.values():
            v = group["values"]
            try:
                with transaction.atomic():
                    actions.record_evaluation_scheme(
                        v["county_code"],
                        v["year"],
                        v["title"],
                        target=v["target"],
                        criteria=group["criteria"],
                        institution=v.get("institution_code"),
                        issued_on=v.get("issued_on"),
                        admission_targets=bool(v.get("admission_targets")),
                        user=user,
                    )
                written += len(group["criteria"])
            except (ValidationError, PermissionDenied) as exc:
                problems.extend(_error_problems(ps, group["row"], exc))
        return written


# -- registers ------------------------------------------------------------------------------------

TRAINING_KIND = _kind(
    "training",
    "培训记录",
    TrainingRecord,
    _staff_columns()
    + _cols(
        TrainingRecord,
        "level",
        "course",
        "hours",
        "start_date",
        "end_date",
        "provider",
        level="national",
        course="国培计划骨干教师研修",
        hours=24,
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 7, 5),
    ),
    "教职工培训记录(五级培训网络、全员轮训) training records",
    _RowsHook(_write_training),
)
PAY_KIND = _kind(
    "pay",
    "绩效工资分配",
    PerformancePay,
    (
        field_column(PerformancePay, "institution", "institution_code", label="学校代码", example="H1"),
        *_cols(
            PerformancePay,
            "year",
            "total",
            "frontline_amount",
            "frontline_count",
            "class_teacher_amount",
            "class_teacher_count",
            "other_amount",
            "other_count",
            year=2025,
        ),
    ),
    "普通高中绩效工资分配 performance pay by group; total = the three groups' sum",
    _RowsHook(_write_pay),
)
SCHEME_KIND = _kind(
    "schemes",
    "评价方案",
    EvaluationScheme,
    (
        field_column(EvaluationScheme, "county", "county_code", label="县代码", example="530402"),
        field_column(EvaluationScheme, "institution", "institution_code", label="学校代码", required=False),
        *_cols(EvaluationScheme, "year", "title", "target", "issued_on", "admission_targets", year=2025),
        field_column(EvaluationCriterion, "name", "criterion", label="指标", example="学生综合素质"),
        field_column(EvaluationCriterion, "category", example="all_round"),
        field_column(EvaluationCriterion, "weight", example=40),
    ),
    "评价学校和教师的方案,每行一项指标 evaluation schemes, one criterion a row",
    _SchemesHook(),
)
ETHICS_KIND = _kind(
    "ethics",
    "师德考核",
    EthicsAssessment,
    _staff_columns()
    + _cols(EthicsAssessment, "year", "result", "assessed_on", "note", year=2025, result="qualified"),
    "年度师德考核(限授权角色) yearly ethics assessments (restricted)",
    _RowsHook(_write_ethics),
)
NEGATIVE_KIND = _kind(
    "negative",
    "师德负面清单",
    NegativeListEntry,
    _staff_columns()
    + _cols(
        NegativeListEntry,
        "category",
        "occurred_on",
        "decided_on",
        "consequence",
        "ban_years",
        "serious",
        "description",
    ),
    "师德负面清单记录及处理(限授权角色) negative-list entries (restricted)",
    _RowsHook(_write_negative),
)
AWARD_KIND = _kind(
    "awards",
    "评优与晋升",
    CareerEvent,
    _staff_columns() + _cols(CareerEvent, "kind", "title", "granted_on", "granted_by", kind="award"),
    "评优评先、职称和岗位晋升 awards and promotions",
    _RowsHook(_write_award),
)
PUBLICITY_KIND = _kind(
    "publicity",
    "宣传报道",
    PublicityItem,
    (
        field_column(PublicityItem, "institution", "institution_code", label="学校代码", example="H1"),
        *_cols(PublicityItem, "published_on", "channel", "title", "text", "url", channel="wechat"),
    ),
    "学校公开宣传 schools' public publicity items",
    _RowsHook(_write_publicity),
)


def _staff_rows(kind: Kind, keys: tuple[str, ...]) -> Callable[[models.QuerySet], Iterable[dict[str, Any]]]:
    def rows(qs: models.QuerySet) -> Iterable[dict[str, Any]]:
        for obj in qs.select_related("staff__institution"):
            yield {**_staff_out(obj.staff), **_out(kind, obj, keys)}

    return rows


def _inst_rows(kind: Kind, keys: tuple[str, ...]) -> Callable[[models.QuerySet], Iterable[dict[str, Any]]]:
    def rows(qs: models.QuerySet) -> Iterable[dict[str, Any]]:
        for obj in qs.select_related("institution"):
            yield {"institution_code": obj.institution.code, **_out(kind, obj, keys)}

    return rows


def _scheme_rows(qs: models.QuerySet) -> Iterable[dict[str, Any]]:
    k = SCHEME_KIND
    for s in qs.select_related("county", "institution").prefetch_related("criteria"):
        head = {
            "county_code": s.county.code,
            "institution_code": s.institution.code if s.institution_id else "",
            **_out(k, s, ("year", "title", "target", "issued_on", "admission_targets")),
        }
        for c in s.criteria.all():
            yield {
                **head,
                "criterion": c.name,
                "category": _display(k, "category", c.category),
                "weight": c.weight,
            }


def _keys(kind: Kind, skip: int) -> tuple[str, ...]:
    return tuple(c.key for c in kind.columns[skip:])


REGISTERS: dict[str, Register] = {
    r.key: r
    for r in (
        Register(
            "training",
            TRAINING_KIND,
            False,
            _staff_rows(TRAINING_KIND, _keys(TRAINING_KIND, 4)),
            lambda: TrainingRecord.objects.order_by("staff__institution__code", "staff__name", "start_date"),
        ),
        Register(
            "pay",
            PAY_KIND,
            False,
            _inst_rows(PAY_KIND, _keys(PAY_KIND, 1)),
            lambda: PerformancePay.objects.order_by("institution__code", "year"),
            {"frontline_count": "frontline_count", "total": "total"},
        ),
        Register(
            "schemes",
            SCHEME_KIND,
            False,
            _scheme_rows,
            lambda: EvaluationScheme.objects.order_by("county__code", "year", "title"),
        ),
        Register(
            "ethics",
            ETHICS_KIND,
            True,
            _staff_rows(ETHICS_KIND, _keys(ETHICS_KIND, 4)),
            lambda: EthicsAssessment.objects.order_by("staff__institution__code", "staff__name", "year"),
        ),
        Register(
            "negative",
            NEGATIVE_KIND,
            True,
            _staff_rows(NEGATIVE_KIND, _keys(NEGATIVE_KIND, 4)),
            lambda: NegativeListEntry.objects.order_by("staff__institution__code", "decided_on"),
        ),
        Register(
            "awards",
            AWARD_KIND,
            False,
            _staff_rows(AWARD_KIND, _keys(AWARD_KIND, 4)),
            lambda: CareerEvent.objects.order_by("staff__institution__code", "granted_on"),
        ),
        Register(
            "publicity",
            PUBLICITY_KIND,
            False,
            _inst_rows(PUBLICITY_KIND, _keys(PUBLICITY_KIND, 1)),
            lambda: PublicityItem.objects.order_by("institution__code", "published_on"),
        ),
    )
}


class RegisterError(ValueError):
    """An unknown register or a refusal a user can act on (bilingual)."""


def get_register(key: str) -> Register:
    if key not in REGISTERS:
        raise RegisterError(
            f"未知名册 {key!r},可选:{'、'.join(REGISTERS)} / unknown register {key!r}: choose one of {', '.join(REGISTERS)}"
        )
    return REGISTERS[key]


def may_see_ethics(user: User | None) -> bool:
    """Users allowed to see ethics records at all (the system, superusers and ``ETHICS_ROLES``)."""
    return user is None or permissions.may_see_ethics(user)


def require_register_access(register: Register, user: User | None) -> None:
    if register.restricted and not may_see_ethics(user):
        raise PermissionDenied("师德档案仅限授权角色查看 / ethics records are restricted to authorised roles")


# -- export ---------------------------------------------------------------------------------------


def export_rows(
    key: str, user: User | None = None, county: str | None = None
) -> tuple[Register, list[dict[str, Any]]]:
    """The register's rows the user may see, as the import reads them back."""
    register = get_register(key)
    return register, list(register.rows(visible_queryset(key, user, county)))


def visible_queryset(key: str, user: User | None = None, county: str | None = None) -> models.QuerySet:
    """The register's rows the user may see (optionally one county's), in a total order (``pk``
    breaks ties) so that ``register.rows`` and a list of the rows' ids line up."""
    register = get_register(key)
    require_register_access(register, user)
    qs = actions.visible(user, register.queryset())
    qs = qs.order_by(*qs.query.order_by, "pk")
    if county:
        path = {"pay": "institution", "publicity": "institution", "schemes": ""}.get(
            key, "staff__institution"
        )
        prefix = f"{path}__" if path else ""
        qs = qs.filter(
            models.Q(**{f"{prefix}county__code": county})
            | models.Q(**{f"{prefix}county__city__code": county})
        )
    return qs


def headers(register: Register) -> dict[str, str]:
    return {c.key: c.header for c in register.kind.columns}


# -- import ---------------------------------------------------------------------------------------

#: The workforce registers' kind set in the one import pipeline (``intake.kindsets``), registered
#: by ``WorkforceConfig.ready``.
WORKFORCE_KINDS = KindSet("workforce", (r.kind for r in REGISTERS.values()))


@dataclass
class ImportOutcome:
    register: str
    rows: int = 0
    written: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _resolved_rows(ps: ParsedSheet, problems: list[Problem]) -> Iterator[tuple[ParsedRow, dict[str, Any]]]:
    """The sheet's good rows with their references and staff member resolved; a row that names
    an unknown code or person is a problem and is left out."""
    staff_based = "staff_name" in ps.kind.by_key
    for row in ps.rows:
        if row.bad:
            continue
        before = len(problems)
        values = dict(row.values)
        for col in ps.kind.columns:
            if col.is_reference:
                values[col.key] = _reference(ps, row, col.key, problems)
        if staff_based and values.get("institution_code") is not None:
            values["staff"] = _resolve_staff(ps, row, values["institution_code"], problems)
        if len(problems) == before:
            yield row, values


def _resolve_staff(
    ps: ParsedSheet, row: ParsedRow, inst: Institution, problems: list[Problem]
) -> StaffMember | None:
    number, given = row.values.get("identity_number"), row.values.get("id_hash")
    if isinstance(number, str):
        try:
            digest = identity.hash_number(number)
        except IdentityNumberError as exc:
            problems.append(row_problem(ps, row, "identity_number", "bad_identity", str(exc), str(exc)))
            return None
    elif given:
        digest = given
    else:
        problems.append(
            row_problem(
                ps,
                row,
                "identity_number",
                "required" if number is None else "masked_identity",
                "请填写完整身份证号,或保留导出文件的人员标识列",
                "give the full identity number, or keep the export's id_hash column",
            )
        )
        return None
    found = list(StaffMember.objects.filter(institution=inst, id_hash=digest).order_by("-start_date")[:1])
    if not found:
        problems.append(
            row_problem(
                ps,
                row,
                "identity_number" if isinstance(number, (str, Masked)) else "id_hash",
                "unknown_staff",
                f"机构{inst.code}没有该教职工,请先在教职工表中登记",
                f"no such staff member at {inst.code}: add them to the staff sheet first",
            )
        )
        return None
    person = found[0]
    name = (row.values.get("staff_name") or "").strip()
    if name and name != person.name:
        problems.append(
            row_problem(
                ps,
                row,
                "staff_name",
                "name_mismatch",
                f"姓名与登记的“{person.name}”不符",
                f"the name does not match the registry's {person.name!r}",
            )
        )
        return None
    return person


def _reference(ps: ParsedSheet, row: ParsedRow, key: str, problems: list[Problem]) -> Any:
    code = row.values.get(key)
    if code is None:
        return None
    col = ps.kind.by_key[key]
    model = Division if col.type == ColumnType.DIVISION else Institution
    obj = model.objects.filter(code=code).first()
    if obj is None:
        problems.append(
            row_problem(
                ps,
                row,
                key,
                "unknown_code",
                f"找不到代码 {code}",
                f"no {model.__name__.lower()} with code {code}",
            )
        )
    return obj


def _error_problems(ps: ParsedSheet, row: ParsedRow, exc: Exception) -> list[Problem]:
    if isinstance(exc, PermissionDenied):
        text = str(exc)
        return [row_problem(ps, row, None, "not_permitted", text.split(" / ")[0], text.split(" / ")[-1])]
    assert isinstance(exc, ValidationError)
    out = []
    by_field = {c.field: c.key for c in ps.kind.columns if c.field}
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for name, messages in items:
        key = by_field.get(name) if name else None
        for m in messages:
            zh, _, en = str(m).partition(" / ")
            out.append(row_problem(ps, row, key, "invalid", zh, en or zh))
    return out


def import_file(
    key: str,
    path: str | Path,
    user: User | None = None,
    *,
    dry_run: bool = False,
    file_name: str | None = None,
) -> ImportOutcome:
    """Import one register's sheet from ``path`` through the one import pipeline
    (``intake.importer``): all rows or none."""
    register = get_register(key)
    require_register_access(register, user)
    result = importer.import_file(
        path,
        kind=register.kind,
        user=user,
        dry_run=dry_run,
        file_name=file_name,
        kinds=kind_set(WORKFORCE_KINDS.name),
    )
    rows = result.batch.rows if result.batch is not None else 0
    written = 0 if result.problems else result.counts.get(register.key, {}).get("created", 0)
    return ImportOutcome(register.key, rows, written, list(result.problems))
