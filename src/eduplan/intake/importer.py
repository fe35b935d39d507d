"""All-or-nothing imports: every row of every sheet is read and checked before anything is written,
the user gets every problem at once, and one bad row means nothing is written.

The steps, for a file (``import_file``) or for rows sent to the API (``import_rows``):

1. read the file (``readers``) and map each sheet to a kind by its name or its header;
2. read every cell into a value (``validate.parse_rows``): types, coded values, identity checksums;
3. resolve codes — a division or institution code must exist in the registry or be created by
   the same file — and find the record each row updates by its natural key (the registry's unique
   constraint), catching rows that repeat a key;
4. build the records in memory and check them with the registry models' own ``full_clean`` and
   check constraints, and check the user may write each row (``accounts.scoping``);
5. only if nothing is wrong: write everything in one transaction. Divisions and institutions go
   through the registry actions row by row (their ``save`` derives county and city); the many-row
   kinds are written with ``bulk_create``/``bulk_update`` and simple_history's bulk helpers, so a
   100,000-row classes workbook takes seconds, not hours. On SQLite the new rows of those kinds are
   converted before the transaction into TEMP tables (``staging``) and copied in by one statement,
   so the write lock is held for the final write only and an officer's save waits seconds at most.
   A crash or a kill inside the transaction leaves the database as it was.

A kind with a write hook (``Kind.hook``: the workforce registers) is read and parsed like every
other; its rows are resolved and written by its app's actions in step 5 instead, and the rows
they refuse are problems like any other (the whole import is rolled back).

Rows equal to what the registry holds are not written at all, so re-importing a file changes
nothing and leaves no history. Each import is recorded as an :class:`ImportBatch`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, can_add, scope
from eduplan.common.workflow import actor
from eduplan.registry import actions, identity, timeline
from eduplan.registry.choices import DivisionLevel, InstitutionKind
from eduplan.registry.models import Division, Institution, bump_version

from . import staging
from .kinds import (
    AUX_SHEET_WORDS,
    AUX_SHEETS,
    DIVISIONS,
    INSTITUTION_KINDS,
    REGISTRY_KINDS,
    ColumnType,
    Kind,
    KindSet,
    UnknownKind,
    concrete_field,
    institution_kind_of,
    zh_part,
)
from .models import BatchStatus, ImportBatch
from .readers import Book, FileProblem, Sheet, read_book
from .validate import (
    CellError,
    Masked,
    ParsedRow,
    ParsedSheet,
    Problem,
    check_constraints,
    header_score,
    model_errors,
    parse_cell,
    parse_header,
    parse_rows,
    row_problem,
)

log = logging.getLogger(__name__)

CHUNK = 2000  # rows per bulk write (and per progress report)
LOOKUP_CHUNK = 500  # values per ``IN (...)`` query: well under SQLite's parameter limit
STORED_ERRORS = 500

Progress = Callable[[str, int, int], None]  # (message, done, total)


@dataclass
class ImportResult:
    batch: ImportBatch | None
    problems: list[Problem]
    counts: dict[str, dict[str, int]]
    dry_run: bool = False
    error_workbook: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def permission_denied(self) -> bool:
        return any(p.code == "not_permitted" for p in self.problems)

    def totals(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0}
        for c in self.counts.values():
            for k in out:
                out[k] += c.get(k, 0)
        return out


@dataclass
class Planned:
    """What one row will do: create ``obj``, update it (``changed`` fields), or nothing."""

    row: ParsedRow
    obj: models.Model
    action: str  # create, update, same
    changed: set[str] = field(default_factory=set)
    deferred: dict[str, models.Model] = field(default_factory=dict)  # refs to rows created later


def _chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


# --- permissions -------------------------------------------------------------------------------


class Permissions:
    """The user's write scope, asked once per parent and once per chunk of existing rows, through
    the one scoping function. ``user=None`` is the command line run by whoever holds the
    database: unrestricted, like Django's own management commands."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.unrestricted = user is None or (getattr(user, "is_superuser", False) and user.is_active)
        self._add: dict[tuple[str, int], bool] = {}

    def may_add(self, kind: Kind, parent: models.Model | None) -> bool:
        if self.unrestricted:
            return True
        if parent is None:
            return False
        if parent.pk is None:
            # The parent row is created by the same import (its own row is checked for itself):
            # whether this user's role may create such rows at all decides.
            return self._role_may_create(kind.model)
        key = (kind.model.__name__, parent.pk)
        if key not in self._add:
            link_field = kind.by_key[kind.link].field
            assert link_field
            stand_in = kind.model(**{link_field: parent})
            self._add[key] = can_add(self.user, stand_in)
        return self._add[key]

    def _role_may_create(self, model: type[models.Model]) -> bool:
        return permissions.may_create(self.user, model)

    def writable(self, model: type[models.Model], pks: Iterable[int]) -> set[int]:
        pks = list(pks)
        if self.unrestricted:
            return set(pks)
        out: set[int] = set()
        for chunk in _chunks(pks, LOOKUP_CHUNK):
            qs = scope(self.user, model._default_manager.filter(pk__in=chunk), write=True)
            out.update(qs.values_list("pk", flat=True))
        return out


# --- the import ----------------------------------------------------------------------------------


class Importer:
    """One import run over parsed sheets; see the module docstring for the steps."""

    def __init__(self, user: User | None, problems: list[Problem], kinds: KindSet = REGISTRY_KINDS) -> None:
        self.user = user
        self.kinds = kinds
        self.perm = Permissions(user)
        self.problems = problems
        self.divisions: dict[str, Division] = {}
        self.institutions: dict[str, Institution] = {}
        self.plans: dict[str, list[Planned]] = {}
        self.hooked: list[ParsedSheet] = []  # sheets of kinds written by their app's hook
        self.staged: dict[str, staging.Staged] = {}

    # references ----------------------------------------------------------------------------

    def load_references(self, sheets: list[ParsedSheet]) -> None:
        division_codes: set[str] = set()
        institution_codes: set[str] = set()
        for ps in sheets:
            for col in ps.kind.columns:
                if col.key not in ps.present:
                    continue
                target = None
                if col.type == ColumnType.DIVISION or (ps.kind is DIVISIONS and col.key == "code"):
                    target = division_codes
                elif col.type == ColumnType.INSTITUTION or (
                    ps.kind in INSTITUTION_KINDS and col.key == "code"
                ):
                    target = institution_codes
                if target is not None:
                    target.update(r.values[col.key] for r in ps.rows if r.values.get(col.key))
        for chunk in _chunks(sorted(division_codes), LOOKUP_CHUNK):
            for d in Division.objects.filter(code__in=chunk).select_related("parent__parent__parent"):
                self.divisions[d.code] = d
        for chunk in _chunks(sorted(institution_codes), LOOKUP_CHUNK):
            for i in Institution.objects.filter(code__in=chunk):
                self.institutions[i.code] = i
        # Rows that create a division or institution are known before any row refers to them, so a
        # classes sheet may name a kindergarten created by the kindergartens sheet of the same file.
        for ps in sheets:
            if ps.kind is DIVISIONS:
                for row in ps.rows:
                    code = row.values.get("code")
                    if code and code not in self.divisions and not row.bad:
                        self.divisions[code] = Division(code=code, level=row.values.get("level") or "")
            elif ps.kind in INSTITUTION_KINDS:
                for row in ps.rows:
                    code = row.values.get("code")
                    if code and code not in self.institutions and not row.bad:
                        inst_kind = row.values.get("kind") or ps.kind.fixed["kind"]
                        self.institutions[code] = Institution(code=code, kind=inst_kind)

    def resolve(self, ps: ParsedSheet, row: ParsedRow, key: str) -> models.Model | None:
        """The division or institution a reference cell names, or a problem saying why not."""
        col = ps.kind.by_key[key]
        code = row.values.get(key)
        if code is None:
            return None
        if col.type == ColumnType.DIVISION:
            target: models.Model | None = self.divisions.get(code)
            what_zh, what_en = "区划", "division"
        else:
            target = self.institutions.get(code)
            what_zh, what_en = "机构", "institution"
        if target is None:
            self.problems.append(
                row_problem(
                    ps,
                    row,
                    key,
                    "unknown_reference",
                    f"没有这个{what_zh}代码(系统中和本文件中都没有)",
                    f"no {what_en} has this code, in the registry or in this file",
                )
            )
            return None
        if col.levels and isinstance(target, Division) and target.level not in col.levels:
            allowed = "/".join(zh_part(DivisionLevel(v).label) for v in col.levels)
            self.problems.append(
                row_problem(
                    ps,
                    row,
                    key,
                    "wrong_level",
                    f"应为{allowed}级区划代码,这是{zh_part(DivisionLevel(target.level).label) if target.level else '?'}级",
                    f"expected the code of a {'/'.join(col.levels)} division, this one is a {target.level}",
                )
            )
            return None
        if (
            col.institution_kinds
            and isinstance(target, Institution)
            and target.kind not in col.institution_kinds
        ):
            self.problems.append(
                row_problem(
                    ps,
                    row,
                    key,
                    "wrong_kind",
                    f"应为{'或'.join(zh_part(InstitutionKind(k).label) for k in col.institution_kinds)}的代码,"
                    f"这个代码是一所{zh_part(InstitutionKind(target.kind).label)}",
                    f"expected the code of a {'/'.join(col.institution_kinds)}, this is a {target.kind}",
                )
            )
            return None
        return target

    # planning ----------------------------------------------------------------------------------

    def plan(self, ps: ParsedSheet) -> None:
        kind = ps.kind
        if kind.hook is not None:
            self.hooked.append(ps)  # its app resolves and checks its rows as it writes them
            return
        model = kind.model
        rows = [r for r in ps.rows if not r.bad]
        if kind is DIVISIONS:
            levels = [c.value for c in DivisionLevel]
            rows.sort(
                key=lambda r: levels.index(r.values["level"]) if r.values.get("level") in levels else 99
            )
        fk_fields = {f.name for f in model._meta.fields if isinstance(f, models.ForeignKey)}
        # 1. references and keys
        prepared: list[tuple[ParsedRow, dict[str, Any], tuple]] = []
        seen: dict[tuple, int] = {}
        for row in rows:
            values = self.row_fields(ps, row)
            if values is None:
                continue
            key = tuple(_key_part(values.get(f)) for f in kind.natural_key)
            if key in seen:
                cols = [kind.by_field[f].key for f in kind.natural_key if f in kind.by_field]
                self.problems.append(
                    row_problem(
                        ps,
                        row,
                        cols[0] if cols else None,
                        "duplicate_key",
                        f"与第{seen[key]}行重复(相同的{'、'.join(kind.by_key[c].label for c in cols)})",
                        f"repeats row {seen[key]} (same {', '.join(cols)})",
                    )
                )
                continue
            seen[key] = row.number
            prepared.append((row, values, key))
        # 2. the records they update
        existing = self.existing(kind, [v for _, v, _ in prepared])
        writable = self.perm.writable(model, [o.pk for o in existing.values()])
        plans: list[Planned] = []
        for row, values, key in prepared:
            obj = existing.get(key)
            if obj is not None and obj.pk not in writable:
                self.problems.append(
                    row_problem(
                        ps,
                        row,
                        kind.link,
                        "not_permitted",
                        "无权修改这条记录(不在您的管辖范围内)",
                        "you may not change this record: it is outside your area",
                    )
                )
                continue
            plan = self.build(ps, row, values, obj)
            if plan is None:
                continue
            parent = values.get(kind.by_key[kind.link].field or "")
            if plan.action == "create" or (
                plan.action == "update" and kind.by_key[kind.link].field in plan.changed
            ):
                if not self.perm.may_add(kind, parent):
                    self.problems.append(
                        row_problem(
                            ps,
                            row,
                            kind.link,
                            "not_permitted",
                            "无权在此新增或移入数据(不在您的管辖范围内)",
                            "you may not add data here: it is outside your area",
                        )
                    )
                    continue
            if plan.action != "same":
                self.check(ps, plan, fk_fields)
            plans.append(plan)
        self.plans[kind.key] = plans

    def row_fields(self, ps: ParsedSheet, row: ParsedRow) -> dict[str, Any] | None:
        """Model field → value for the columns present in the sheet (references resolved)."""
        out: dict[str, Any] = {}
        ok = True
        for col, name, default in self._field_columns(ps):
            value = row.values.get(col.key)
            if col.is_reference:
                target = self.resolve(ps, row, col.key)
                if target is None and value is not None:
                    ok = False
                out[name] = target
            else:
                out[name] = default if value is None else value
        if ps.kind.key == "staff" and not self.staff_identity(ps, row, out):
            ok = False
        return out if ok else None

    def _field_columns(self, ps: ParsedSheet) -> list[tuple[Any, str, Any]]:
        """(column, model field, value of an empty cell) for the sheet's columns, worked out once."""
        cached = getattr(ps, "_field_columns", None)
        if cached is None:
            cached = [
                (col, col.field, None if col.is_reference else _empty_value(ps.kind, col.field))
                for col in ps.kind.columns
                if col.key in ps.present and col.field and col.type != ColumnType.ID_HASH
            ]
            ps._field_columns = cached  # type: ignore[attr-defined]
        return cached

    def staff_identity(self, ps: ParsedSheet, row: ParsedRow, out: dict[str, Any]) -> bool:
        """A clear identity number is hashed here and forgotten; an export's masked number is
        matched by the hash the export carried next to it."""
        number = row.values.get("identity_number")
        given_hash = row.values.get("id_hash")
        if isinstance(number, str):
            out["id_hash"] = identity.hash_number(number)
            out["id_last4"] = identity.last4(number)
            if given_hash and given_hash != out["id_hash"]:
                self.problems.append(
                    row_problem(
                        ps,
                        row,
                        "identity_number",
                        "identity_mismatch",
                        "身份证号与本行的人员标识不符;新增人员请清空人员标识",
                        "the identity number does not match this row's id_hash; for a new person clear the id_hash",
                    )
                )
                return False
            return True
        if given_hash:
            out["id_hash"] = given_hash
            if isinstance(number, Masked):
                out["id_last4"] = number.last4
            return True
        self.problems.append(
            row_problem(
                ps,
                row,
                "identity_number",
                "required" if number is None else "masked_identity",
                "请填写完整的18位身份证号"
                if number is None
                else "脱敏号码无法识别人员:请填写完整身份证号,或保留导出文件的人员标识列",
                "give the full 18-character identity number"
                if number is None
                else "a masked number cannot identify the person: give the full number or keep the export's id_hash column",
            )
        )
        return False

    def existing(self, kind: Kind, rows: list[dict[str, Any]]) -> dict[tuple, models.Model]:
        """Records the rows' natural keys find, loaded a chunk of parents at a time."""
        model = kind.model
        out: dict[tuple, models.Model] = {}
        if kind.natural_key == ("code",):
            lookup: dict[str, Any] = self.divisions if model is Division else self.institutions
            for values in rows:
                obj = lookup.get(values.get("code") or "")
                if obj is not None and obj.pk is not None:
                    out[(values["code"],)] = obj
            return out
        link_field = kind.by_key[kind.link].field
        assert link_field
        parents = sorted(
            {v[link_field].pk for v in rows if v.get(link_field) is not None and v[link_field].pk}
        )
        attnames = [concrete_field(model, f).attname for f in kind.natural_key]
        for chunk in _chunks(parents, LOOKUP_CHUNK):
            for record in model._default_manager.filter(**{f"{link_field}_id__in": chunk}):
                key = tuple(_key_part(getattr(record, a), fk=a.endswith("_id")) for a in attnames)
                out[key] = record
        return out

    def build(self, ps: ParsedSheet, row: ParsedRow, values: dict[str, Any], obj: Any) -> Planned | None:
        kind = ps.kind
        if obj is not None and obj.pk is not None:
            if kind in INSTITUTION_KINDS and not _kind_accepts(kind, obj):
                other = institution_kind_of(obj.kind)
                self.problems.append(
                    row_problem(
                        ps,
                        row,
                        "code",
                        "wrong_kind",
                        f"这个代码已属于一所{zh_part(other.label)},请在「{other.sheet}」表中修改",
                        f"this code belongs to a {other.key} record: change it on the {other.key} sheet",
                    )
                )
                return None
            if kind.key == "staff" and values.get("id_last4") not in (None, obj.id_last4):  # type: ignore[attr-defined]
                self.problems.append(
                    row_problem(
                        ps,
                        row,
                        "identity_number",
                        "identity_mismatch",
                        "脱敏号码的后四位与该人员记录不符",
                        "the last four characters of the masked number do not match this person's record",
                    )
                )
                return None
            changed = set()
            for name, value in values.items():
                if _differs(obj, name, value):
                    setattr(obj, name, value)
                    changed.add(name)
            return Planned(row, obj, "update" if changed else "same", changed)
        if kind.key == "staff" and not values.get("id_last4"):
            self.problems.append(
                row_problem(
                    ps,
                    row,
                    "identity_number",
                    "masked_identity",
                    "新增人员须填写身份证号",
                    "a new staff member needs an identity number",
                )
            )
            return None
        new: models.Model
        if kind is DIVISIONS:
            new = self.divisions[values["code"]]
        elif kind in INSTITUTION_KINDS:
            new = self.institutions[values["code"]]
        else:
            new = kind.model()
        for name, value in {**kind.fixed, **values}.items():
            setattr(new, name, value)
        return Planned(row, new, "create")

    def check(self, ps: ParsedSheet, plan: Planned, fk_fields: set[str]) -> None:
        """The registry model's own rules, on the record as it would be written.

        Fields read from a column are left out of ``clean_fields``: the column was read off that
        very field (type, length, choices, bounds, required) and its cells were checked against it
        already, and on 100,000 rows Django's per-field validators cost more than the write. Every
        other field, ``clean()`` and the check constraints run as in ``full_clean``."""
        obj = plan.obj
        exclude = fk_fields | self._parsed_fields(ps)
        failed: set[str | None] = set()
        with _stand_in_ids(obj):
            try:
                obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for name, zh, en in model_errors(exc):
                    failed.add(name)
                    self._model_problem(ps, plan.row, name, zh, en)
            constraint_problems = check_constraints(obj)
        for name, zh, en in constraint_problems:
            if name not in failed:  # the model's own message already says it
                self._model_problem(ps, plan.row, name, zh, en)

    def _parsed_fields(self, ps: ParsedSheet) -> set[str]:
        return {name for _, name, _ in self._field_columns(ps)}

    def _model_problem(self, ps: ParsedSheet, row: ParsedRow, name: str | None, zh: str, en: str) -> None:
        col = ps.kind.by_field.get(name) if name else None
        key = col.key if col is not None and col.key in ps.present else None
        self.problems.append(row_problem(ps, row, key, "invalid", zh, en))

    # writing -------------------------------------------------------------------------------------

    def stage(self, batch: ImportBatch | None) -> None:
        """Before the write transaction (SQLite): the new rows of the many-row kinds converted into
        TEMP tables, so the transaction only copies them (``staging``)."""
        if not staging.usable():
            return
        reason = batch.reason if batch else "导入 import"
        history_user = self.user if getattr(self.user, "is_authenticated", False) else None
        for key, plans in self.plans.items():
            kind = self.kinds[key]
            creates = [p.obj for p in plans if p.action == "create"]
            if (
                kind.bulk
                and kind not in INSTITUTION_KINDS
                and creates
                and staging.refers_only_to_saved(creates)
            ):
                self.staged[key] = staging.stage(
                    kind.model, creates, history=kind.has_history, history_user=history_user, reason=reason
                )

    def unstage(self) -> None:
        for staged in self.staged.values():
            staging.drop(staged)
        self.staged.clear()

    def write(self, batch: ImportBatch | None, progress: Progress | None) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        reason = batch.reason if batch else "导入 import"
        history_user = self.user if getattr(self.user, "is_authenticated", False) else None
        for kind in self.kinds.in_order(self.kinds[k] for k in self.plans):
            plans = self.plans[kind.key]
            creates = [p for p in plans if p.action == "create"]
            updates = [p for p in plans if p.action == "update"]
            counts[kind.key] = {
                "created": len(creates),
                "updated": len(updates),
                "unchanged": len(plans) - len(creates) - len(updates),
            }
            dated = kind.bulk and kind in INSTITUTION_KINDS
            if kind.key in self.staged:
                staging.copy_in(self.staged[kind.key])
                if progress:
                    progress(f"已写入 written {kind.key}", len(creates), len(creates) + len(updates))
                self._bulk(kind, [], updates, history_user, reason, progress)
            elif kind.bulk:
                if dated:
                    self._prepare_institutions(creates + updates)
                    # With an explicit effective date, a row equal to today's values may still
                    # correct an earlier year: every sent institution is compared with its
                    # attributes in force on that date.
                    dated_rows = (
                        updates if not timeline.explicit() else [p for p in plans if p.action != "create"]
                    )
                    before = timeline.stored_states([p.obj.pk for p in dated_rows])
                self._bulk(kind, creates, updates, history_user, reason, progress)
                if dated:  # the attribute rows, in force from the import's effective date
                    timeline.record_bulk(
                        [cast(Institution, p.obj) for p in creates],
                        [cast(Institution, p.obj) for p in dated_rows],
                        before,
                        user=self.user,
                    )
            else:
                self._one_by_one(kind, creates + updates, reason, progress)
        counts.update(self.write_hooked())
        if any(c["created"] or c["updated"] for c in counts.values()):
            bump_version()  # derived results cached under the registry's data version go stale
        deferred = [p for plans in self.plans.values() for p in plans if p.deferred]
        if deferred:
            # references to institutions created later in the same file, now that they exist
            for p in deferred:
                for name, target in p.deferred.items():
                    setattr(p.obj, name, target)
            fields = sorted({n for p in deferred for n in p.deferred})
            self._bulk_update(Institution, [p.obj for p in deferred], fields, history_user, reason)
        return counts

    def write_hooked(self) -> dict[str, dict[str, int]]:
        """The hooked kinds' rows, through their apps' actions (which bump the data version)."""
        counts: dict[str, dict[str, int]] = {}
        for ps in self.hooked:
            assert ps.kind.hook is not None
            written = ps.kind.hook.write(ps, self.user, self.problems)
            counts[ps.kind.key] = {"created": written, "updated": 0, "unchanged": 0}
        return counts

    def rehearse_hooked(self) -> dict[str, dict[str, int]]:
        """``write_hooked`` in a transaction that is rolled back: what a dry run reports, and
        the hooked rows' own refusals when other rows already failed."""
        counts: dict[str, dict[str, int]] = {}
        try:
            with transaction.atomic():
                counts = self.write_hooked()
                raise _Rehearsed
        except _Rehearsed:
            pass
        return counts

    def _prepare_institutions(self, plans: list[Planned]) -> None:
        """What ``Institution.save`` would do (derive the county from the township), and hold
        back references to institutions this file creates until they exist."""
        for plan in plans:
            obj: Any = plan.obj
            county = obj.division.ancestor_at(DivisionLevel.COUNTY)
            if county is not None and obj.county_id != county.pk:
                obj.county = county
                plan.changed.add("county")
            for name in ("central", "group_lead"):
                target = getattr(obj, name, None)
                if target is not None and target.pk is None:
                    plan.deferred[name] = target
                    setattr(obj, name, None)

    def _one_by_one(self, kind: Kind, plans: list[Planned], reason: str, progress: Progress | None) -> None:
        """Divisions: through the registry action, parents first (``Division.save`` derives the
        county and city of each node from its saved parent)."""
        total = len(plans)
        for i, plan in enumerate(plans, start=1):
            actions.save_validated(plan.obj, user=self.user, reason=reason)
            if progress and (i % CHUNK == 0 or i == total):
                progress(f"已写入 written {kind.key}", i, total)

    def _bulk(
        self,
        kind: Kind,
        creates: list[Planned],
        updates: list[Planned],
        history_user: User | None,
        reason: str,
        progress: Progress | None,
    ) -> None:
        from simple_history.utils import bulk_create_with_history

        model = kind.model
        total = len(creates) + len(updates)
        done = 0
        for chunk in _chunks([p.obj for p in creates], CHUNK):
            if kind.has_history:
                bulk_create_with_history(
                    list(chunk),
                    model,
                    batch_size=CHUNK,
                    default_user=history_user,
                    default_change_reason=reason,
                )
            else:
                model._default_manager.bulk_create(list(chunk), batch_size=CHUNK)
            done += len(chunk)
            if progress:
                progress(f"已写入 written {kind.key}", done, total)
        if updates:
            fields = sorted(set().union(*(p.changed for p in updates)))
            for chunk in _chunks([p.obj for p in updates], CHUNK):
                self._bulk_update(model, list(chunk), fields, history_user, reason)
                done += len(chunk)
                if progress:
                    progress(f"已写入 written {kind.key}", done, total)

    @staticmethod
    def _bulk_update(
        model: type[models.Model],
        objs: list[models.Model],
        fields: list[str],
        history_user: User | None,
        reason: str,
    ) -> None:
        from simple_history.utils import bulk_update_with_history

        if hasattr(model, "history"):
            bulk_update_with_history(
                objs, model, fields, batch_size=500, default_user=history_user, default_change_reason=reason
            )
        else:
            model._default_manager.bulk_update(objs, fields, batch_size=500)


class _Rehearsed(Exception):
    """Rolls back a rehearsal of the hooked kinds' writes."""


class _Refused(Exception):
    """Rolls back an import whose hooked kinds refused rows while writing."""


@contextmanager
def _stand_in_ids(obj: models.Model) -> Iterator[None]:
    """While a record is checked, a reference to a record the same file creates carries a
    stand-in id (negative, never a real one, the same for the same target), so model rules that
    compare ids (``supporter_id == supported_id``) or test for one (``if self.institution_id``)
    see the reference. Written straight into ``__dict__`` so the referenced object stays cached."""
    set_here = []
    for f in obj._meta.fields:
        if isinstance(f, models.ForeignKey) and f.is_cached(obj) and obj.__dict__.get(f.attname) is None:
            target = f.get_cached_value(obj)
            if target is not None and target.pk is None:
                obj.__dict__[f.attname] = -id(target)
                set_here.append(f.attname)
    try:
        yield
    finally:
        for attname in set_here:
            obj.__dict__[attname] = None


def _kind_accepts(kind: Kind, obj: models.Model) -> bool:
    allowed = kind.filters.get("kind__in") or (kind.filters.get("kind"),)
    return obj.kind in allowed  # type: ignore[attr-defined]


def _key_part(value: Any, fk: bool = False) -> Any:
    if isinstance(value, models.Model):
        return ("pk", value.pk) if value.pk is not None else ("new", id(value))
    if fk:
        return ("pk", value) if value is not None else None
    return value


def _empty_value(kind: Kind, name: str) -> Any:
    """What an empty cell means: the field's default, blank text or NULL."""
    if name in kind.fixed:
        return kind.fixed[name]
    f = concrete_field(kind.model, name)
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, models.CharField):
        return ""
    return None


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    f = concrete_field(type(obj), name)
    if isinstance(f, models.ForeignKey):
        current = getattr(obj, f.attname)
        return current != (value.pk if value is not None else None) or (
            value is not None and value.pk is None
        )
    return getattr(obj, name) != value


# --- entry points -----------------------------------------------------------------------------------


def _sheet_kind(
    sheet: Sheet, requested: Kind | None, data_sheets: int, problems: list[Problem], kinds: KindSet
) -> Kind | None:
    """Which kind a sheet holds: by its name, else the one asked for, else by its header."""
    try:
        return kinds.get(sheet.name)
    except UnknownKind:
        pass
    if requested is not None and data_sheets == 1:
        return requested
    scores = []
    for kind in kinds.values():
        matched, unknown, complete = header_score(kind, sheet)
        if complete and unknown == 0 and matched:
            scores.append((matched, kind))
    scores.sort(key=lambda s: -s[0])
    if requested is not None and any(k is requested for _, k in scores):
        return requested
    if len(scores) == 1 or (len(scores) > 1 and scores[0][0] > scores[1][0]):
        return scores[0][1]
    problems.append(
        Problem(
            "unknown_sheet",
            "无法判断这个工作表是哪类数据:请使用模板中的工作表名,或在导入页面选择“数据类别”",
            "cannot tell what this sheet holds: name the sheet as the template does, or choose the "
            "data kind when importing (eduplan import --kind)",
            sheet=sheet.name,
        )
    )
    return None


def _is_aux(sheet: Sheet) -> bool:
    return (
        sheet.name in AUX_SHEETS
        or any(w == sheet.name.strip().lower() for w in AUX_SHEET_WORDS)
        or any(sheet.name.startswith(w + " ") for w in ("说明", "示例", "代码表", "错误"))
    )


def parse_book(
    book: Book, requested: Kind | None, problems: list[Problem], kinds: KindSet = REGISTRY_KINDS
) -> list[ParsedSheet]:
    data = [s for s in book.sheets if not _is_aux(s)]
    nonempty = [s for s in data if any(any(v not in (None, "") for v in r) for r in s.rows)]
    if not nonempty:
        problems.append(
            Problem(
                "no_data",
                "文件中没有任何数据(工作表都是空的)",
                "the file holds no data: every sheet is empty",
                sheet=data[0].name if len(data) == 1 else "",
            )
        )
        return []
    parsed: list[ParsedSheet] = []
    kinds_seen: dict[str, str] = {}
    for sheet in nonempty:
        kind = _sheet_kind(sheet, requested, len(nonempty), problems, kinds)
        if kind is None:
            continue
        if requested is not None and kind is not requested:
            continue
        if kind.key in kinds_seen:
            problems.append(
                Problem(
                    "duplicate_sheet",
                    f"与工作表「{kinds_seen[kind.key]}」是同一类数据,请合并为一个工作表",
                    f"holds the same kind of data as sheet {kinds_seen[kind.key]!r}: merge them",
                    sheet=sheet.name,
                )
            )
            continue
        kinds_seen[kind.key] = sheet.name
        ps = parse_header(kind, sheet, problems)
        if ps is None:
            continue
        parse_rows(ps, problems)
        parsed.append(ps)
    if requested is not None and not parsed and not problems:
        problems.append(
            Problem(
                "no_sheet",
                f"文件中没有「{requested.label}」数据",
                f"the file has no {requested.key} sheet",
            )
        )
    all_rows = sum(len(ps.rows) for ps in parsed)
    if parsed and all_rows == 0 and not problems:
        problems.append(
            Problem(
                "no_rows",
                "只有表头,没有数据行",
                "there is a header but no data rows",
                sheet=parsed[0].sheet.name,
            )
        )
    return parsed


def import_file(
    path: str | Path,
    *,
    kind: str | Kind | None = None,
    user: User | None = None,
    dry_run: bool = False,
    file_name: str | None = None,
    source: str = "cli",
    progress: Progress | None = None,
    kinds: KindSet = REGISTRY_KINDS,
    effective_from: dt.date | None = None,
    batch: ImportBatch | None = None,
) -> ImportResult:
    """Import a workbook or CSV file, all or nothing. ``kind`` is needed only when a sheet's
    name and header do not say what it holds (e.g. a CSV file). ``kinds`` is the pipeline's kind
    set (``intake.kindsets``): the registry workbook's unless a register app passes its own.
    ``batch``: a batch created beforehand (an import queued for the task worker, ``.background``)."""
    path = Path(path)
    name = file_name or path.name
    batch = batch or _start_batch(user, source, name, path, dry_run)
    try:
        with timeline.effective(effective_from):  # changed institution attributes hold from this day
            return _import_book(path, name, batch, kind, user, dry_run, progress, kinds)
    except Exception as exc:  # a defect outside the write: the batch says so, never stays running
        log.exception("import failed")
        return _finish(batch, [_write_problem(exc)], {}, dry_run, None, [], failed=True)


def _import_book(
    path: Path,
    name: str,
    batch: ImportBatch,
    kind: str | Kind | None,
    user: User | None,
    dry_run: bool,
    progress: Progress | None,
    kinds: KindSet,
) -> ImportResult:
    problems: list[Problem] = []
    try:
        requested = kinds.get(kind) if isinstance(kind, str) else kind
    except UnknownKind as exc:
        zh, _, en = str(exc).partition(" / ")
        problems.append(Problem("unknown_kind", zh, en))
        return _finish(batch, problems, {}, dry_run, None, [])
    try:
        book = read_book(path, name)
    except FileProblem as exc:
        problems.append(Problem(exc.code, exc.zh, exc.en))
        return _finish(batch, problems, {}, dry_run, None, [])
    if progress:
        progress("已读取 read", 1, 1)
    parsed = parse_book(book, requested, problems, kinds)
    return _run(parsed, user, batch, problems, dry_run, progress, book, kinds)


def import_rows(
    kind: Kind,
    rows: list[dict[str, Any]],
    *,
    user: User | None = None,
    dry_run: bool = False,
    source: str = "api",
    kinds: KindSet = REGISTRY_KINDS,
    effective_from: dt.date | None = None,
) -> ImportResult:
    """Rows as dictionaries keyed by column key (the API's record endpoints), all or nothing,
    through exactly the checks a file import makes. Problems name the row's position (1-based)."""
    problems: list[Problem] = []
    batch = _start_batch(user, source, f"{source}:{kind.key}", None, dry_run)
    present = [c for c in kind.columns if any(c.key in r for r in rows)]
    sheet = Sheet(kind.key, [])
    ps = ParsedSheet(kind, sheet, [(i, c) for i, c in enumerate(present)], header_rows=0, first_row=-1)
    unknown = sorted({k for r in rows for k in r} - set(kind.by_key))
    for key in unknown:
        problems.append(
            Problem(
                "unknown_column",
                "未知字段",
                f"unknown field; expected: {', '.join(kind.by_key)}",
                sheet=kind.key,
                column=key,
            )
        )
    for col in kind.required:
        if col not in present:
            problems.append(
                Problem(
                    "missing_column",
                    f"缺少必填字段「{col.label}」",
                    "required field missing",
                    sheet=kind.key,
                    column=col.key,
                    label=col.label,
                )
            )
    for number, raw_row in enumerate(rows, start=1):
        row = ParsedRow(number=number, values={})
        for col in present:
            raw = raw_row.get(col.key)
            try:
                value = parse_cell(col, raw)
            except CellError as err:
                row.bad = True
                problems.append(
                    row_problem(ps, ParsedRow(number, {col.key: raw}), col.key, err.code, err.zh, err.en)
                )
                continue
            if value is None and col.required:
                row.bad = True
                problems.append(
                    row_problem(ps, row, col.key, "required", "必填,不能为空", "required: cannot be empty")
                )
            row.values[col.key] = value
        ps.rows.append(row)
    if not rows:
        problems.append(Problem("no_rows", "没有数据行", "no rows were sent", sheet=kind.key))
    with timeline.effective(effective_from):  # changed institution attributes hold from this day
        return _run([ps], user, batch, problems, dry_run, None, None, kinds)


def _run(
    parsed: list[ParsedSheet],
    user: User | None,
    batch: ImportBatch | None,
    problems: list[Problem],
    dry_run: bool,
    progress: Progress | None,
    book: Book | None,
    kinds: KindSet = REGISTRY_KINDS,
) -> ImportResult:
    importer = Importer(user, problems, kinds)
    counts: dict[str, dict[str, int]] = {}
    try:
        if parsed and all(ps.header_ok for ps in parsed):
            ordered = sorted(parsed, key=lambda ps: kinds.in_order(kinds.values()).index(ps.kind))
            importer.load_references(ordered)
            for ps in ordered:
                importer.plan(ps)
                if progress:
                    progress(f"已检查 checked {ps.kind.label} {ps.kind.key}", len(ps.rows), len(ps.rows))
        if problems or dry_run:
            counts = _planned_counts(importer)
            if importer.hooked:
                counts.update(importer.rehearse_hooked())
            return _finish(batch, problems, counts, dry_run, book, parsed)
        try:
            importer.stage(batch)  # the slow part of writing, done before the write lock is taken
            with transaction.atomic():
                counts = importer.write(batch, progress)
                if problems:  # a hooked kind refused rows while writing them
                    raise _Refused
                if batch is not None:
                    _close(batch, BatchStatus.SUCCEEDED, problems, counts, parsed)
        finally:
            importer.unstage()
    except _Refused:
        return _finish(batch, problems, {}, dry_run, book, parsed)
    except Exception as exc:
        # A refusal the checks above should have caught, a database failure or a defect: the
        # transaction is rolled back either way, and the batch says the import failed.
        log.exception("import failed")
        problems.append(_write_problem(exc))
        return _finish(batch, problems, {}, dry_run, book, parsed, failed=True)
    return ImportResult(batch, problems, counts, dry_run)


def _write_problem(exc: Exception) -> Problem:
    if isinstance(exc, ValidationError):
        msgs = model_errors(exc)
        zh = "; ".join(m[1] for m in msgs)
        en = "; ".join(m[2] for m in msgs)
        return Problem(
            "invalid",
            f"写入时被拒绝,未写入任何数据: {zh}",
            f"refused while writing; nothing was written: {en}",
        )
    if isinstance(exc, PermissionDenied):
        return Problem(
            "not_permitted", f"无权写入,未写入任何数据: {exc}", f"not permitted; nothing was written: {exc}"
        )
    if isinstance(exc, DatabaseError):
        return Problem(
            "database",
            "数据库拒绝写入,未写入任何数据",
            f"the database refused the write; nothing was written ({type(exc).__name__}: {exc})",
        )
    return Problem(
        "internal",
        "导入失败(系统内部错误,已记录日志),未写入任何数据",
        f"the import failed (an internal error, logged); nothing was written ({type(exc).__name__}: {exc})",
    )


def _planned_counts(importer: Importer) -> dict[str, dict[str, int]]:
    out = {}
    for key, plans in importer.plans.items():
        c: dict[str, int] = defaultdict(int)
        for p in plans:
            c[{"create": "created", "update": "updated", "same": "unchanged"}[p.action]] += 1
        out[key] = {"created": c["created"], "updated": c["updated"], "unchanged": c["unchanged"]}
    return out


def _start_batch(user: User | None, source: str, name: str, path: Path | None, dry_run: bool) -> ImportBatch:
    from .sweep import sweep_stale_batches

    sweep_stale_batches()  # batches whose process died are closed before a new one starts
    sha, size = "", 0
    if path is not None and path.exists():
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        sha = digest.hexdigest()
    from eduplan.security.sweeps import process_identity

    host, pid, process_start = process_identity()
    return ImportBatch.objects.create(
        host=host,
        pid=pid,
        process_start=process_start,
        user=actor(user),
        source=source[:8],
        file_name=name[:255],
        file_sha256=sha,
        file_size=size,
        dry_run=dry_run,
    )


def _close(
    batch: ImportBatch,
    status: str,
    problems: list[Problem],
    counts: dict[str, dict[str, int]],
    parsed: list[ParsedSheet],
    workbook: bytes | None = None,
) -> None:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.kinds = [ps.kind.key for ps in parsed]
    batch.rows = sum(len(ps.rows) for ps in parsed)
    batch.counts = counts
    batch.error_count = len(problems)
    batch.errors = [p.as_dict() for p in problems[:STORED_ERRORS]]
    batch.error_workbook = workbook
    batch.save()


def _finish(
    batch: ImportBatch | None,
    problems: list[Problem],
    counts: dict[str, dict[str, int]],
    dry_run: bool,
    book: Book | None,
    parsed: list[ParsedSheet],
    *,
    failed: bool = False,
) -> ImportResult:
    workbook = None
    order = {ps.sheet.name: i for i, ps in enumerate(parsed)}
    problems.sort(key=lambda p: (order.get(p.sheet, -1) if p.sheet else -2, p.row or 0))
    if problems and book is not None:  # API callers get the problems as JSON instead
        from .errors import error_workbook

        try:
            workbook = error_workbook(book, parsed, problems)
        except Exception:  # the problems are still listed on the page and kept with the batch
            log.exception("error workbook failed")
    status = (
        BatchStatus.FAILED
        if failed
        else BatchStatus.REJECTED
        if problems
        else BatchStatus.DRY_RUN
        if dry_run
        else BatchStatus.SUCCEEDED
    )
    if batch is not None:
        _close(batch, status, problems, counts, parsed, workbook)
    return ImportResult(batch, problems, counts, dry_run, workbook)
