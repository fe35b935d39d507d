"""High school admissions: quota-to-school seats (指标到校) and parallel preferences (平行志愿).

The plan (玉教体联〔2022〕26号 二(一)) asks that public and private high schools admit in the same round
and within their own area, that quality high schools' places be allocated to junior middle schools,
that no school cherry-picks across areas or sets a minimum score line in advance, and that
"everyone who can be admitted is admitted". This package computes such an admission exactly and
fast enough for a province (see ``docs/admissions.md``):

- :mod:`.mechanism` — the mechanism as pure functions over numpy arrays;
- :mod:`.reference` — the same mechanism written plainly in Python, the definition tests check against;
- :mod:`.settings` — every choice of the mechanism as a documented setting, loadable from TOML;
- :mod:`.io` — reading and validating the CSV files, writing the result;
- :mod:`.checks` and :mod:`.summary` — the checks and the per-school / per-junior-school summary;
- :mod:`.demo` — a seeded synthetic province for trials and benchmarks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eduplan.planning.admissions.errors import AdmissionsInputError
from eduplan.planning.admissions.settings import AdmissionSettings, load_settings

if TYPE_CHECKING:
    from eduplan.planning.admissions.mechanism import Instance, Outcome, admit


_MECHANISM = ("Instance", "Outcome", "admit")


def __getattr__(name: str) -> Any:
    """The mechanism's names, imported on first use: the page's jobs module and the admin import
    this package at start-up, and numpy should not load for every command (issue 19 item 7)."""
    if name in _MECHANISM:
        from eduplan.planning.admissions import mechanism

        return getattr(mechanism, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AdmissionSettings",
    "AdmissionsInputError",
    "Instance",
    "Outcome",
    "admit",
    "load_settings",
]
