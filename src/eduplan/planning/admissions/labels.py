"""Ids to show for the mechanism's indices, so checks and summaries read in the user's own codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eduplan.planning.admissions.mechanism import Instance


@dataclass
class Labels:
    """School, junior school, area and candidate ids by index (``-1`` shows as empty)."""

    school_ids: Sequence[str]
    junior_ids: Sequence[str]
    area_ids: Sequence[str]
    candidate_ids: Any  # a sequence or a pyarrow array of str
    school_names: Sequence[str] | None = None

    @classmethod
    def numbered(cls, inst: Instance) -> Labels:
        """Labels for arrays without files: S0, S1 … / J0 … / A0 … / C0 …"""
        n_areas = 0
        for arr in (inst.school_area, inst.junior_area, inst.candidate_area):
            if arr is not None and len(arr):
                n_areas = max(n_areas, int(arr.max()) + 1)
        return cls(
            [f"S{i}" for i in range(inst.m)],
            [f"J{i}" for i in range(inst.juniors)],
            [f"A{i}" for i in range(n_areas)],
            _Numbered("C"),
        )

    def school(self, index: int) -> str:
        return self.school_ids[index] if index >= 0 else ""

    def junior(self, index: int) -> str:
        return self.junior_ids[index] if index >= 0 else ""

    def area(self, index: int) -> str:
        return self.area_ids[index] if index >= 0 else ""

    def candidate(self, index: int) -> str:
        value = self.candidate_ids[index]
        return value.as_py() if hasattr(value, "as_py") else str(value)


class _Numbered:
    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getitem__(self, index: int) -> str:
        return f"{self.prefix}{index}"
