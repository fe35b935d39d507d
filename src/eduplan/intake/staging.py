"""New rows of a large import prepared outside the write lock, copied in by one statement inside it.

SQLite has one writer at a time: while an import's transaction writes, an officer's save waits
(``EDUPLAN_SQLITE_BUSY_SECONDS``). ``bulk_create`` spends most of its time in Python (each field of
each row converted for the database, historical rows built), all of it while holding the lock: a
100,000-row workbook held it for tens of seconds on a loaded machine. Here that Python work is done
first, into a connection-private TEMP table (writing one takes no lock on the main database); the
transaction then copies each table with one ``INSERT … SELECT`` at C speed, numbering the new rows
after the table's largest id (read inside the transaction, so no other writer can take them), and
history rows carry the same ids. All or nothing is kept: the copy is inside the import's single
transaction.

PostgreSQL needs none of it (writers of different rows do not wait for each other), so it is used on
SQLite only, for the creates of kinds whose rows refer only to records that already exist.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

from eduplan.accounts.scoping import User

_names = itertools.count(1)


@dataclass
class Staged:
    """One model's new rows in a TEMP table, and (for a model with history) their history rows."""

    model: type[models.Model]
    objs: list[models.Model]
    table: str
    columns: list[str]
    history: Staged | None = None
    #: For a history table: the column holding the index (1-based) of the row it records.
    parent_column: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def usable() -> bool:
    """On SQLite, unless ``EDUPLAN_IMPORT_STAGING=0`` asks for the chunked write inside the
    transaction (the path PostgreSQL takes)."""
    return connection.vendor == "sqlite" and os.environ.get("EDUPLAN_IMPORT_STAGING", "1") != "0"


def refers_only_to_saved(objs: Sequence[models.Model]) -> bool:
    """Whether no row points at a record this import has not written yet (its id is unknown)."""
    for obj in objs:
        for f in obj._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.is_cached(obj):
                target = f.get_cached_value(obj)
                if target is not None and target.pk is None:
                    return False
    return True


def _write_temp(table: str, columns: list[str], rows: list[list[Any]]) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE {qn(table)} (seq INTEGER PRIMARY KEY, {', '.join(map(qn, columns))})")
        sql = f"INSERT INTO temp.{qn(table)} (seq, {', '.join(map(qn, columns))}) VALUES ({', '.join(['%s'] * (len(columns) + 1))})"
        own = not connection.in_atomic_block  # one private transaction: it locks only the TEMP database
        if own:
            cur.execute("BEGIN DEFERRED")
        try:
            cur.executemany(sql, rows)
        finally:
            if own:
                cur.execute("COMMIT")


def stage(
    model: type[models.Model],
    objs: list[models.Model],
    *,
    history: bool,
    history_user: User | None,
    reason: str,
) -> Staged:
    """Convert ``objs`` (unsaved, all of ``model``) for the database into a TEMP table, and their
    history rows too when the model keeps history. Nothing is written to the main database."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = []
    for seq, obj in enumerate(objs, start=1):
        rows.append([seq, *(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)])
    staged = Staged(model, objs, f"eduplan_stage_{next(_names)}", [f.column for f in fields])
    _write_temp(staged.table, staged.columns, rows)
    if history:
        history_model = model.history.model  # type: ignore[attr-defined]
        now = timezone.now()
        pk_attname = model._meta.pk.attname
        hfields = [f for f in history_model._meta.concrete_fields if not f.primary_key]
        hrows = []
        for seq, obj in enumerate(objs, start=1):
            h = history_model(
                history_date=now,
                history_user=history_user,
                history_change_reason=reason,
                history_type="+",
                **{f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields},
            )
            setattr(h, pk_attname, seq)  # the row's index; the copy turns it into the row's id
            hrows.append([seq, *(f.get_db_prep_save(f.pre_save(h, True), connection) for f in hfields)])
        staged.history = Staged(
            history_model,
            [],
            f"eduplan_stage_{next(_names)}",
            [f.column for f in hfields],
            parent_column=model._meta.pk.column,
        )
        _write_temp(staged.history.table, staged.history.columns, hrows)
    return staged


def copy_in(staged: Staged) -> None:
    """Inside the write transaction: copy the staged rows into their tables, number them after the
    largest id the table ever had, and give the in-memory objects their ids."""
    qn = connection.ops.quote_name
    table = staged.model._meta.db_table
    pk = staged.model._meta.pk.column
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
        base = int(cur.fetchone()[0])
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cur.fetchone()
        base = max(base, int(found[0]) if found else 0)
        cols = ", ".join(map(qn, staged.columns))
        cur.execute(
            f"INSERT INTO {qn(table)} ({qn(pk)}, {cols}) SELECT seq + %s, {cols} FROM temp.{qn(staged.table)} ORDER BY seq",
            [base],
        )
        if staged.history is not None:
            h = staged.history
            htable = h.model._meta.db_table
            select = ", ".join(f"{qn(c)} + %s" if c == h.parent_column else qn(c) for c in h.columns)
            cur.execute(
                f"INSERT INTO {qn(htable)} ({', '.join(map(qn, h.columns))}) SELECT {select} FROM temp.{qn(h.table)} ORDER BY seq",
                [base],
            )
    for seq, obj in enumerate(staged.objs, start=1):
        obj.pk = base + seq
        obj._state.adding = False
        obj._state.db = connection.alias


def drop(staged: Staged) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        for s in (staged, staged.history):
            if s is not None:
                cur.execute(f"DROP TABLE IF EXISTS temp.{qn(s.table)}")
