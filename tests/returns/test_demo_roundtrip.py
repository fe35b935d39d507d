"""The demo speaks the returns (issue 24, "Done when"):

- reconciling the demo's own export reports no difference; with one child moved between age
  columns and one teacher's qualification changed in the file, exactly two differences, each with
  its table, row, columns and cells;
- exporting the demo city as returns and importing them into a database holding only the demo's
  divisions and population (``eduplan export divisions|population`` → ``eduplan import``) gives
  identical indicators for every indicator the returns carry.

One tiny demo (seed 1) for the module; the round trip empties it, so it runs last.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from eduplan.demo.generator import generate
from eduplan.metrics.indicators import compute_indicators
from eduplan.returns.importing import import_returns
from eduplan.returns.layout import load_edition
from eduplan.returns.reconcile import reconcile
from tests.returns.helpers import grid_rows, header_index

pytestmark = pytest.mark.django_db
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
YEAR = 2024
CITY = "530400"
#: Indicators whose measures the returns carry (children by age and sponsor, high school classes by
#: size band, staff by post and qualification).
CARRIED = (
    "preschool_ger",
    "public_share",
    "inclusive_coverage",
    "hs_big_classes",
    "hs_big_class_share",
    "hs_super_class_share",
    "hs_new_intake_over_limit",
    "assess_ger",
    "assess_public",
    "assess_inclusive",
    "assess_certified",
    "assess_children_per_teacher",
)


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        result = generate("tiny", 1)
        yield result
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def exported(tiny, tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("returns") / "city.xlsx"
    with django_db_blocker.unblock():
        call_command("export-returns", "--year", str(YEAR), "--division", CITY, "--out", str(path))
    return path


def exported_changed_with_summaries(exported, tmp_path):
    """The export with one child's age changed in an institution's rows but not in the 汇总 sheet."""
    wb, kg = grid_rows(exported, "基础基311")
    age3, age4 = header_index(kg, "3岁"), header_index(kg, "4岁")
    code = next(
        r[0].value for r in kg.iter_rows(min_row=4) if r[2].value == "03" and (r[age3 - 1].value or 0) > 0
    )
    for row in kg.iter_rows(min_row=4):
        if row[0].value == code and row[2].value in ("01", "03"):
            row[age3 - 1].value -= 1
            row[age4 - 1].value += 1
    path = tmp_path / "summary-disagrees.xlsx"
    wb.save(path)
    return path


def differences(path) -> list[dict]:
    out = call_command_output("reconcile-returns", str(path), "--year", str(YEAR), "--format", "json")
    return json.loads(out)


def call_command_output(*args) -> str:
    import io

    buf = io.StringIO()
    call_command(*args, stdout=buf)
    return buf.getvalue()


def test_the_demos_own_export_reconciles_without_difference(tiny, exported):
    assert differences(exported) == []


def test_one_child_moved_and_one_qualification_changed_make_two_differences(tiny, exported, tmp_path):
    wb, kg = grid_rows(exported, "基础基311")
    age3, age4 = header_index(kg, "3岁"), header_index(kg, "4岁")
    # the first 小班 row with a child aged 3, and its institution's 总计 row
    small = next(r for r in kg.iter_rows(min_row=4) if r[2].value == "03" and (r[age3 - 1].value or 0) > 0)
    code = small[0].value
    total = next(r for r in kg.iter_rows(min_row=4) if r[0].value == code and r[2].value == "01")
    for row in (small, total):
        row[age3 - 1].value -= 1
        row[age4 - 1].value += 1
    staff = next(wb[n] for n in wb.sheetnames if "基础基411" in n and n.startswith("幼儿园"))
    kg_cert, none = header_index(staff, "幼儿园教师资格证"), header_index(staff, "无证书")
    teacher = next(
        r for r in staff.iter_rows(min_row=4) if r[2].value == "04" and (r[kg_cert - 1].value or 0) > 0
    )
    staff_code = teacher[0].value
    staff_total = next(
        r for r in staff.iter_rows(min_row=4) if r[0].value == staff_code and r[2].value == "01"
    )
    for row in (teacher, staff_total):
        row[kg_cert - 1].value -= 1
        row[none - 1].value += 1
    # The county aggregate sheets (汇总) would now disagree with the institutions — a check of
    # its own (test below); the bureau files the institutions' returns without them.
    for name in [n for n in wb.sheetnames if n.startswith("汇总")]:
        del wb[name]
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    with pytest.raises(CommandError, match="cannot be reconciled"):
        call_command(
            "reconcile-returns", str(exported_changed_with_summaries(exported, tmp_path)), "--year", str(YEAR)
        )

    found = differences(changed)
    assert len(found) == 2
    child, qualification = sorted(found, key=lambda d: d["table"])
    assert (child["institution"], child["table"], child["row"], child["kind"]) == (
        code,
        "基础基311",
        "03",
        "figures",
    )
    assert [(c["label"], c["filed"] - c["held"]) for c in child["cells"]] == [("3岁", -1), ("4岁", 1)]
    assert all("幼儿园 基础基311" in c["cell"] for c in child["cells"])
    assert (qualification["institution"], qualification["table"], qualification["row"]) == (
        staff_code,
        "基础基411",
        "04",
    )
    assert [(c["label"], c["filed"] - c["held"]) for c in qualification["cells"]] == [
        ("幼儿园教师资格证", -1),
        ("无证书", 1),
    ]


def wipe() -> None:
    """Delete every registry, demo, account, intake, returns, planning and duty row, and the
    supervision, task and audit rows of the demo's planted hazards and tasks (a fresh database)."""
    User = get_user_model()
    labels = {
        *("registry", "demo", "accounts", "programmes", "workforce", "returns", "intake", "planning"),
        *("duties", "supervision", "tasks", "web", "common"),
    }
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in labels]
    models += [User, User.groups.through, User.user_permissions.through]
    with connection.cursor() as cursor:
        for _ in range(2):  # foreign keys between the tables: a second pass clears what the first could not
            for model in models:
                try:
                    with connection.constraint_checks_disabled():
                        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
                except Exception:  # retried on the second pass
                    pass


def carried(rows: list[dict]) -> dict:
    return {(r["indicator"], r["division"], r["year"]): r["value"] for r in rows if r["indicator"] in CARRIED}


def test_round_trip_through_the_returns_keeps_every_indicator_they_carry(tiny, exported, tmp_path):
    before = carried(compute_indicators(year=YEAR))
    assert {k[0] for k in before} == set(CARRIED)
    divisions, population = tmp_path / "divisions.xlsx", tmp_path / "population.xlsx"
    call_command("export", "divisions", "--out", str(divisions))
    call_command("export", "population", "--out", str(population))
    wipe()
    call_command("import", str(divisions))
    call_command("import", str(population))
    result = import_returns([exported], load_edition())
    assert result.problems == []
    after = carried(compute_indicators(year=YEAR))
    assert after == before
    # and the reimported city reconciles with its own returns
    assert reconcile([(exported, exported.name)], YEAR, load_edition()).differences == []
