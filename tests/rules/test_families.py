"""The rule families are registered explicitly at start-up (``RulesConfig.ready``); a rule whose
module is not in that list, or a catalogue asked for before the list ran, fails loudly instead of
answering with a partial catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from eduplan.rules import catalogue as cat
from eduplan.rules import families as fam

RULES = Path(cat.__file__).resolve().parent


def test_every_module_declaring_rules_is_a_registered_family():
    rules = cat.catalogue()
    declaring = {p.stem for p in RULES.glob("*.py") if "@rule(" in p.read_text(encoding="utf-8")}
    registered = {name.rsplit(".", 1)[-1] for name in fam._FAMILIES}
    assert declaring <= registered, declaring - registered
    assert {r.func.__module__ for r in rules.values()} <= set(fam._FAMILIES)


def test_a_rule_in_an_unlisted_module_fails_loudly(monkeypatch):
    cat.catalogue()

    def stray(ctx):  # pragma: no cover - never run
        """A rule declared outside the registered families."""
        return []

    stray.__module__ = "eduplan.rules.unlisted"
    monkeypatch.setitem(
        cat._CATALOGUE,
        "STRAY",
        cat.Rule("STRAY", cat.Severity.LOW, "游离", "stray", cat.EntityType.INSTITUTION, (), stray),
    )
    with pytest.raises(ImproperlyConfigured, match=r"eduplan\.rules\.unlisted"):
        cat.catalogue()


def test_a_catalogue_asked_for_before_the_families_are_registered_fails_loudly(monkeypatch):
    monkeypatch.setattr(fam, "_FAMILIES", {})
    monkeypatch.setattr(fam, "_LOADER", None)
    with pytest.raises(ImproperlyConfigured, match="INSTALLED_APPS"):
        cat.catalogue()
