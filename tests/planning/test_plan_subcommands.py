"""``eduplan plan`` subcommands are registered at start-up, and a broken registration fails loudly."""

from __future__ import annotations

import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from eduplan.plans import subcommands


def test_every_tool_registers_its_subcommand_and_each_loads():
    specs = subcommands.registered()
    assert set(specs) == {
        "adopt",
        "allocate",
        "assumptions",
        "check",
        "coverage",
        "gaps",
        "project",
        "scenario",
        "site",
        "targets",
    }
    for spec in specs.values():
        module = subcommands.load(spec)
        assert callable(module.add_arguments) and callable(module.handle)


def test_a_missing_module_names_the_subcommand_and_the_app():
    def broken() -> types.ModuleType:
        raise ImportError("No module named 'eduplan.planning.nowhere'")

    spec = subcommands.PlanSubcommand(name="nowhere", help="", load=broken, app="planning")
    with pytest.raises(ImproperlyConfigured, match=r"eduplan plan nowhere.*planning.*nowhere"):
        subcommands.load(spec)


def test_a_module_without_handle_is_refused():
    empty = types.ModuleType("eduplan.planning.empty")
    spec = subcommands.PlanSubcommand(name="empty", help="", load=lambda: empty, app="planning")
    with pytest.raises(ImproperlyConfigured, match="add_arguments, handle"):
        subcommands.load(spec)


def test_two_apps_cannot_register_the_same_name():
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        subcommands.register("gaps", "x", lambda: types.ModuleType("x"), app="somewhere_else")
    assert subcommands.registered()["gaps"].app == "planning"
