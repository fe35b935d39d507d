"""Importing returns, all or nothing: read every file, check everything, and only if nothing is wrong
write — institutions through the registry's actions (created, or their basic information updated),
and each return's figures as :class:`ReturnAggregate` rows replacing that institution's figures of
the same tables and year — in one transaction, recorded as an :class:`ImportBatch` like every import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from eduplan.intake.errors import error_workbook
from eduplan.intake.importer import _write_problem  # the refusal every import gives
from eduplan.intake.models import BatchStatus, ImportBatch
from eduplan.intake.validate import Problem
from eduplan.registry import actions
from eduplan.registry.choices import Ownership
from eduplan.registry.models import Division, Institution, bump_version

from .layout import Edition
from .models import ReturnAggregate
from .reading import FiledReturn, read_returns

log = logging.getLogger(__name__)

STORED_ERRORS = 500


@dataclass
class ReturnsImportResult:
    batch: ImportBatch
    problems: list[Problem]
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    error_workbook: bytes | None = None


def _digest(files: Sequence[tuple[Path, str]]) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    for path, _ in files:
        data = path.read_bytes() if path.exists() else b""
        h.update(data)
        size += len(data)
    return h.hexdigest(), size


def institution_fields(ret: FiledReturn, division: Division, census: dt.date) -> dict[str, Any]:
    """The registry's fields from a return's basic information."""
    b = ret.basic
    private = b["ownership"] != Ownership.PUBLIC
    inclusive = private and b.get("inclusive") == "yes"
    return {
        "name": b["name"],
        "kind": b["kind"],
        "sponsor": b["sponsor"],
        "ownership": b["ownership"],
        "address": b.get("address", ""),
        "licence_status": b.get("licence_status") or "licensed",
        "inclusive": inclusive,
        "division": division,
        **({"inclusive_since": census} if inclusive else {}),
    }


def _plan(
    edition: Edition, returns: dict[str, FiledReturn], user: Any, problems: list[Problem]
) -> list[tuple[FiledReturn, Institution | None, Division]]:
    """Each return with its institution (``None``: to be created) and division, or problems."""
    from eduplan.accounts.scoping import scope

    existing = {
        i.code: i for i in Institution.objects.filter(code__in=list(returns)).select_related("division")
    }
    codes = {r.basic.get("division", "") for r in returns.values()}
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes)}
    writable = (
        set(
            scope(
                user, Institution.objects.filter(pk__in=[i.pk for i in existing.values()]), write=True
            ).values_list("code", flat=True)
        )
        if user is not None
        else set(existing)
    )
    out = []
    for code, ret in sorted(returns.items()):
        where = ret.basic_places
        division = divisions.get(ret.basic["division"])
        if division is None:
            p = where["division"]
            problems.append(
                p.problem(
                    "unknown_division",
                    "区划代码不存在(请先导入区划)",
                    "no division with this code (import the divisions first)",
                    column="division",
                    value=ret.basic["division"],
                )
            )
            continue
        inst = existing.get(code)
        if inst is not None and inst.kind not in ret.form.kinds:
            p = where["kind"]
            problems.append(
                p.problem(
                    "wrong_kind",
                    f"登记中该学校(机构)的类别为 {inst.get_kind_display()},与报表不符",
                    f"the registry holds this institution as {inst.kind}, not a {ret.form.key}",
                    column="kind",
                    value=ret.basic["kind"],
                )
            )
            continue
        if inst is not None and code not in writable:
            p = where["code"]
            problems.append(
                p.problem(
                    "not_permitted",
                    "无权修改该学校(机构)的数据",
                    "you may not change this institution's data",
                    column="code",
                    value=code,
                )
            )
            continue
        out.append((ret, inst, division))
    return out


def _write(
    edition: Edition,
    planned: list[tuple[FiledReturn, Institution | None, Division]],
    user: Any,
    batch: ImportBatch,
) -> dict[str, int]:
    counts = {"institutions_created": 0, "institutions_updated": 0, "figures": 0}
    reason = f"统计报表导入 returns import #{batch.pk}"[:100]
    for ret, inst, division in planned:
        census = edition.census(ret.school_year)
        fields = institution_fields(ret, division, census)
        if inst is None:
            inst = actions.save_validated(Institution(code=ret.code, **fields), user=user, reason=reason)
            counts["institutions_created"] += 1
        else:
            # only what the return says: a field left out or blank keeps the registry's value
            given = {k for k in ("address", "licence_status", "inclusive") if ret.basic.get(k)}
            given |= {"name", "kind", "sponsor", "ownership", "division"}
            changes = {k: v for k, v in fields.items() if k in given and getattr(inst, k) != v}
            if changes.get("inclusive"):
                changes["inclusive_since"] = inst.inclusive_since or census
            if changes:
                actions.update_fields(inst, changes, user=user, reason=reason)
                counts["institutions_updated"] += 1
        ReturnAggregate.objects.filter(
            institution=inst, school_year=ret.school_year, table_key__in=sorted(ret.tables)
        ).delete()
        rows = []
        for (table_key, row_key, col_key), value in sorted(ret.cells.items()):
            table = ret.form.table(table_key)
            rows.append(
                ReturnAggregate(
                    institution=inst,
                    school_year=ret.school_year,
                    edition=edition.edition,
                    table=table.code,
                    row_code=table.row(row_key).code,
                    column_code=table.column(col_key).code,
                    table_key=table_key,
                    row_key=row_key,
                    column_key=col_key,
                    value=value,
                    batch=batch,
                )
            )
        ReturnAggregate.objects.bulk_create(rows, batch_size=2000)
        counts["figures"] += len(rows)
    counts["returns"] = len(planned)
    bump_version()
    return counts


def import_returns(
    files: Sequence[tuple[Path, str]] | Sequence[Path],
    edition: Edition,
    *,
    user: Any = None,
    dry_run: bool = False,
    source: str = "cli",
) -> ReturnsImportResult:
    """Import the returns in ``files`` (paths, or (path, name the user gave it)), all or nothing."""
    named = [(f, f.name) if isinstance(f, Path) else (Path(f[0]), f[1]) for f in files]
    sha, size = _digest(named)
    batch = ImportBatch.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        source=source[:8],
        file_name=", ".join(n for _, n in named)[:255],
        file_sha256=sha,
        file_size=size,
        dry_run=dry_run,
        kinds=["returns"],
    )
    read = read_returns(named, edition)
    problems = read.problems
    counts: dict[str, int] = {}
    status = BatchStatus.REJECTED
    try:
        planned = _plan(edition, read.returns, user, problems) if not problems else []
        if not problems:
            if dry_run:
                status = BatchStatus.DRY_RUN
                counts = {"returns": len(planned)}
            else:
                with transaction.atomic():
                    counts = _write(edition, planned, user, batch)
                status = BatchStatus.SUCCEEDED
    except Exception as exc:
        log.exception("returns import failed")
        problems.append(_write_problem(exc))
        status = BatchStatus.FAILED
    workbook = None
    if problems:
        book = read.books[0] if len(read.books) == 1 else None
        workbook = error_workbook(book, [], problems)
    batch.status = status
    batch.finished_at = timezone.now()
    batch.rows = sum(len(r.cells) for r in read.returns.values())
    batch.counts = counts
    batch.error_count = len(problems)
    batch.errors = [p.as_dict() for p in problems[:STORED_ERRORS]]
    batch.error_workbook = workbook
    batch.save()
    return ReturnsImportResult(batch, problems, counts, dry_run, workbook)
