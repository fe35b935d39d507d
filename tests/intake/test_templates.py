"""The column specs and the templates they produce."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from eduplan.intake.importer import import_file
from eduplan.intake.kinds import KINDS, ColumnType, get_kind
from eduplan.intake.templates import CODES_SHEET, EXAMPLE_SHEET, README_SHEET, template_workbook
from eduplan.registry.queries import registry_counts
from tests.intake.helpers import full_city


def test_every_registry_entity_has_a_kind():
    covered = {k.model.__name__ for k in KINDS.values()}
    models = {
        m.__name__
        for m in apps.get_app_config("registry").get_models()
        if not m.__name__.startswith("Historical")
    }
    # DataVersion is a cache counter, not data; InstitutionState rows are written by the institution
    # kinds' imports, in force from the import's effective date (registry.timeline.record_bulk).
    assert models - covered <= {"DataVersion", "InstitutionState"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_headers_and_coded_values_are_unambiguous(kind):
    k = KINDS[kind]
    assert len({c.key for c in k.columns}) == len(k.columns)
    assert len({c.label for c in k.columns}) == len(k.columns)
    for col in k.columns:
        if col.type == ColumnType.CHOICE:
            assert len({c.zh for c in col.choices}) == len(col.choices), col.key
            for c in col.choices:  # every spelling reads back as its own code
                assert col.choice_lookup[c.zh.lower()] == c.code
                assert col.choice_lookup[c.code.lower()] == c.code
    for name in k.natural_key:
        assert name in k.by_field or name == "id_hash", name
    assert k.by_key[k.link].is_reference


def test_kinds_by_any_name():
    assert get_kind("classes") is get_kind("班级") is get_kind("班级 classes") is KINDS["classes"]
    assert get_kind("high-schools") is KINDS["high_schools"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_layout(kind):
    wb = load_workbook(io.BytesIO(template_workbook([kind])))
    k = KINDS[kind]
    assert wb.sheetnames == [README_SHEET, k.sheet, EXAMPLE_SHEET, CODES_SHEET]
    ws = wb[k.sheet]
    headers = [c.value for c in ws[1]]
    keys = [c.value for c in ws[2]]
    assert keys == [c.key for c in k.columns]
    assert headers == [c.header for c in k.columns]
    assert all(ws.cell(1, i + 1).comment is not None for i in range(len(keys)))  # each explains itself
    assert ws.freeze_panes == "A3"
    coded = {c.key for c in k.columns if c.type in (ColumnType.CHOICE, ColumnType.BOOL)}
    validated = {
        keys[rng.min_col - 1] for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges
    }
    assert validated == coded
    readme = [r[2] for r in wb[README_SHEET].values if r and len(r) > 2]
    assert set(keys) <= set(readme)
    assert wb[CODES_SHEET].sheet_state == "hidden"


def test_same_template_twice_is_byte_identical():
    assert template_workbook(["all"]) == template_workbook(["all"])


@pytest.mark.django_db
def test_the_template_example_rows_import_cleanly(tmp_path):
    """Every example row is valid data for the mini city (a template must not teach mistakes)."""
    full_city()
    path = tmp_path / "all.xlsx"
    call_command("template", "all", out=str(path))
    wb = load_workbook(path)
    for kind in KINDS.values():  # move each example row onto its data sheet
        example = wb[f"示例 {kind.key}"[:31]]
        wb[kind.sheet].append([c.value for c in example[3]])
    wb.save(path)
    before = registry_counts()
    result = import_file(path, dry_run=True)
    assert result.ok, [p.message for p in result.problems]
    assert registry_counts() == before
