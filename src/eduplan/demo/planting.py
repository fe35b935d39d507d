"""What the demo plants on purpose, and the manifest that says where.

Every later rule and indicator needs something to find in the demo, and its tests need to know
exactly what: each imperfection *kind* below has a precise definition, the set of entities it
was planted among (its eligible set) and a rate (``calibration.Rates``). The manifest lists, per
kind, every entity that satisfies the definition — planted on purpose or, where noted, implied by
another plant — so a rule's test can assert "all planted found, nothing else".

Entity codes:

- institution: ``Institution.code``
- class: ``<institution code>/<school year>/<class name>``
- staff: ``<institution code>/<staff name>`` (names are unique within an institution)
- fee: ``<institution code>/<effective date, ISO>``
- county: ``Division.code``
- task: ``<county code>/<plan task code>`` (a plan task assigned to the county)

Kinds of entity class, staff and fee also list the institutions concerned (rules report findings
per institution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from .kinds import KINDS, Kind  # noqa: F401 (re-exported: the planted kinds)

T = TypeVar("T")


#: How the manifest's county-level indicators are computed (so a test can recompute them).
CONVENTIONS = {
    "enrollment_rate": (
        "children in all preschool classes (kindergartens and attached classes, any age) in school "
        "year Y ÷ resident population aged 3–5 at the end of calendar year Y"
    ),
    "inclusive_coverage": "children in public or inclusive private preschool institutions ÷ all children",
    "public_share": "children in public preschool institutions ÷ all children",
    "one_month": "a clean filing is 0–28 days after a change (35–90 days before a fee); a late one 35–120 days after (0–25 before)",
    "latest_school_year": "the last school year of the scale; county and 'latest' kinds refer to it",
}


class Quota:
    """Exact planting counts spread over batches (counties, years) in a fixed order.

    After batches with N eligible entities in all, round(rate × N) have been planted: each batch
    gets what the running total is owed, chosen at random inside the batch. ``minimum`` entities are
    planted by the last batch whatever the rate, so every kind exists at every scale."""

    def __init__(self, rate: float, minimum: int = 1) -> None:
        self.rate = rate
        self.minimum = minimum
        self.eligible = 0
        self.planted = 0

    def pick(self, rng: np.random.Generator, candidates: list[T], *, last: bool = False) -> list[T]:
        self.eligible += len(candidates)
        owed = math.floor(self.rate * self.eligible + 0.5) - self.planted
        if last:
            owed = max(owed, self.minimum - self.planted)
        k = max(0, min(owed, len(candidates)))
        if k == 0:
            return []
        idx = np.sort(rng.choice(len(candidates), size=k, replace=False))
        self.planted += k
        return [candidates[int(i)] for i in idx]

    def stats(self) -> dict[str, Any]:
        return {"rate": self.rate, "eligible": self.eligible, "planted": self.planted}


@dataclass
class Manifest:
    """Entity codes per kind, with the quotas that planted them."""

    codes: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in KINDS})
    institutions: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in KINDS})
    quotas: dict[str, Quota] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)

    def add(self, kind: str, code: str, institution: str | None = None) -> None:
        self.codes[kind].append(code)
        if institution is not None:
            self.institutions[kind].append(institution)

    def as_json(self, *, header: dict[str, Any]) -> dict[str, Any]:
        kinds: dict[str, Any] = {}
        for key, kind in KINDS.items():
            entry: dict[str, Any] = {
                "entity": kind.entity,
                "clause": kind.clause,
                "description": kind.description,
                "eligible_set": kind.eligible,
                **(self.quotas[key].stats() if key in self.quotas else {}),
                "count": len(set(self.codes[key])),
                "codes": sorted(set(self.codes[key])),
            }
            if kind.entity in ("class", "staff", "fee"):
                entry["institutions"] = sorted(set(self.institutions[key]))
            kinds[key] = entry
        return {
            **header,
            "conventions": CONVENTIONS,
            "entity_codes": {
                "institution": "Institution.code",
                "class": "<institution code>/<school year>/<class name>",
                "staff": "<institution code>/<staff name>",
                "fee": "<institution code>/<effective date ISO>",
                "county": "Division.code",
                "task": "<county code>/<plan task code>",
            },
            "kinds": kinds,
            "renamed": sorted(self.renamed),
        }
