"""Backing up and restoring the whole database, and making every cache forget on restore.

SQLite: Python's ``sqlite3`` online backup API, page by page, consistent while the app keeps
serving (WAL readers and writers carry on). Restore copies the backup's pages into the live
database the same way, so every open connection sees the restored data at its next transaction.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` of the same server
version (the clients must be installed).

Caches (indicators, findings, pages, the portal's lists) are keyed by the data-version counters.
A restore sets them back, so without care a later write would bring a counter to a value the
caches already hold results for — results of data that no longer exists. :func:`new_generation`
moves every counter past anything seen before by a random offset (a new "restore generation")
and clears the shared cache, so nothing cached before the restore is ever served again.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.cache import cache, caches
from django.db import connection, transaction


class BackupError(Exception):
    """A user-facing problem: Chinese / English in the message."""


def backup(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        tmp = out.with_name(out.name + ".part")
        tmp.unlink(missing_ok=True)
        connection.ensure_connection()
        target = sqlite3.connect(tmp)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(tmp, out)
        return out
    if connection.vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={out}")
        return out
    raise BackupError(f"不支持的数据库 / unsupported database: {connection.vendor}")


def restore(source: Path) -> None:
    if not source.exists():
        raise BackupError(f"找不到备份文件 {source} / no backup file at {source}")
    if connection.vendor == "sqlite":
        with source.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{source} 不是 SQLite 备份 / {source} is not an SQLite backup")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            src.backup(connection.connection)
        finally:
            src.close()
    elif connection.vendor == "postgresql":
        connection.close()
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source))
    else:
        raise BackupError(f"不支持的数据库 / unsupported database: {connection.vendor}")
    new_generation()


def new_generation() -> None:
    """Every data-version counter jumps by a random offset; the shared cache is cleared."""
    from eduplan.registry.models import DataVersion

    offset = secrets.randbelow(1 << 40) + (1 << 20)
    with transaction.atomic():
        for row in DataVersion.objects.all():
            DataVersion.objects.filter(pk=row.pk).update(version=row.version + offset)
    cache.clear()
    caches["pages"].clear()
    try:
        from eduplan.common.cache import forget_local

        forget_local()
    except ImportError:  # pragma: no cover - the cache moved; the counters still protect it
        pass


def _pg(tool: str, *args: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(
            f"找不到 {tool}(请安装 postgresql-client)/ {tool} is not installed (postgresql-client)"
        )
    s: dict[str, Any] = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    target = [f"--host={s.get('HOST') or 'localhost'}", f"--port={s.get('PORT') or 5432}"]
    if s.get("USER"):
        target.append(f"--username={s['USER']}")
    target.append(f"--dbname={s['NAME']}")
    run = subprocess.run([exe, *target, *args], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise BackupError(f"{tool} 失败 / {tool} failed: {run.stderr.strip()[-2000:]}")
