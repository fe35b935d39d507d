"""The import pipelines' kind sets: registered at start-up, looked up by name, never mutated."""

from __future__ import annotations

import pytest

from eduplan.intake import kinds as intake_kinds
from eduplan.intake.kinds import KindSet, UnknownKind
from eduplan.intake.kindsets import kind_set, register
from eduplan.programmes.kinds import PROGRAMME_KINDS


def test_registry_and_programme_sets_are_registered_at_start_up():
    registry = kind_set("registry")
    assert list(registry.kinds) == list(intake_kinds.KINDS)
    programmes = kind_set("programmes")
    assert list(programmes.kinds) == [*intake_kinds.KINDS, *PROGRAMME_KINDS]
    # the programme registers are written after every registry kind
    ordered = programmes.in_order(programmes.values())
    assert {k.key for k in ordered[-len(PROGRAMME_KINDS) :]} == set(PROGRAMME_KINDS)
    assert set(PROGRAMME_KINDS).isdisjoint(intake_kinds.KINDS)


def test_a_set_names_its_own_kinds_when_a_name_is_unknown():
    with pytest.raises(UnknownKind) as exc:
        kind_set("programmes").get("nonsense")
    assert "hs_projects" in str(exc.value) and "divisions" in str(exc.value)
    with pytest.raises(UnknownKind) as exc:
        kind_set("registry").get("nonsense")
    assert "hs_projects" not in str(exc.value)


def test_an_unregistered_set_fails_loudly_and_a_name_cannot_be_taken_twice():
    with pytest.raises(LookupError, match=r"AppConfig\.ready"):
        kind_set("no-such-pipeline")
    assert register(KindSet("registry", intake_kinds.KINDS.values())) is kind_set("registry")
    with pytest.raises(RuntimeError, match="already registered"):
        register(KindSet("registry", list(PROGRAMME_KINDS.values())))


def test_the_workforce_registers_are_a_kind_set_of_the_one_pipeline():
    from eduplan.workforce.registers import REGISTERS

    workforce = kind_set("workforce")
    assert list(workforce.kinds) == list(REGISTERS)
    # every register is written by its app's actions through a write hook, none by the upsert
    assert all(k.hook is not None for k in workforce.values())
    assert set(REGISTERS).isdisjoint(intake_kinds.KINDS)


def test_every_kinds_sheet_name_is_a_title_excel_accepts():
    """Excel refuses a sheet title over 31 characters or with one of []:*?/\\ (openpyxl only warns,
    and the workbook then needs repair in Excel): every kind's sheet, in every registered set."""
    from eduplan.intake import kindsets

    names = [*kindsets._SETS, *kindsets._LATER]
    sheets = {kind.sheet for name in names for kind in kind_set(name).kinds.values()}
    assert "办园点标准 teaching_point_standards" in sheets
    bad = sorted(s for s in sheets if len(s) > 31 or any(ch in s for ch in "[]:*?/\\"))
    assert not bad, bad
