"""The ``eduplan template``, ``import`` and ``export`` commands, and a kill mid-import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from eduplan.intake.kinds import KINDS
from eduplan.intake.models import BatchStatus, ImportBatch
from eduplan.intake.templates import build_workbook, file_value
from eduplan.registry.models import SchoolClass
from tests.factories import mini_city
from tests.intake.helpers import class_row, kind_sheet

EDUPLAN = Path(sys.executable).parent / "eduplan"


def test_import_is_a_command_despite_the_keyword():
    out = subprocess.run([str(EDUPLAN), "import", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--dry-run" in out.stdout and "--kind" in out.stdout


@pytest.mark.django_db
def test_import_and_export_commands(tmp_path, capsys):
    m = mini_city()
    good = kind_sheet(tmp_path / "good.xlsx", "classes", [class_row(name="命令班")])
    call_command("import", str(good))
    assert "created 1" in capsys.readouterr().out
    assert SchoolClass.objects.filter(institution=m.kg_a, name="命令班").exists()

    bad = kind_sheet(tmp_path / "bad.xlsx", "classes", [class_row(name="错班", girls="x")])
    errors = tmp_path / "bad-errors.xlsx"
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", str(bad), errors_out=str(errors))
    err = capsys.readouterr().err
    assert "第3行" in err and "column girls" in err and errors.exists()

    call_command("export", "classes", format="csv", out=str(tmp_path / "c.csv"))
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("institution_code,school_year,name") and "命令班" in text
    call_command("template", "staff", out=str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").stat().st_size > 0
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("export", "pupils", out=str(tmp_path / "x.xlsx"))


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{s['USER']}@{host}:{port}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_killing_an_import_mid_write_leaves_the_database_as_it_was(tmp_path):
    """SIGKILL after the first chunk of rows has been written inside the import's transaction:
    the database afterwards holds none of them, and the batch shows it never finished."""
    mini_city()
    n = 8000
    rows = [
        [file_value(c, v) for c, v in zip(KINDS["classes"].columns, _row(i), strict=False)] for i in range(n)
    ]
    path = tmp_path / "big.xlsx"
    path.write_bytes(build_workbook([(KINDS["classes"], rows)])[0])
    # The chunked write (PostgreSQL's path; on SQLite staging copies the rows in one statement, too
    # quickly to be killed in between): SIGKILL lands between two chunks inside the transaction.
    env = {**os.environ, "DATABASE_URL": _database_url(), "EDUPLAN_IMPORT_STAGING": "0"}
    proc = subprocess.Popen(
        [str(EDUPLAN), "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    seen = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if line.startswith("已写入 written classes") and not line.strip().endswith(f"{n}/{n}"):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read() if proc.stderr else "")
    assert SchoolClass.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.RUNNING and batch.finished_at is None


def _row(i: int) -> list:
    return [
        "K1",
        2024,
        f"班{i}",
        "small",
        False,
        False,
        10,
        10,
        0,
        0,
        20,
        0,
        0,
        0,
    ]
