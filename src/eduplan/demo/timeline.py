"""The demo registry changes over time (issue 16): attribute rows (``registry.InstitutionState``)
that give the demo a past different from its present, so the trends of the time-true measures show
conversions, re-grading, re-rating and network connection as they happened.

Every institution gets the rows the registry would hold: from its opening, today's values, except
for a planted share whose earlier values differed until a change in force from a day inside the
demo's school years —

- **conversions** (public share): a public kindergarten was private (民办) until it was taken over;
- **re-grading** (graded share, rated share): a graded kindergarten was one grade lower (a first-level one was
  2-1; a 2-x one was unrated);
- **re-rating** (first-level high schools): a first-level high school was rated p2;
- **network** (education network): a connected high school was not connected.

Today's values, and so every planted case of the manifest, are unchanged: only the past differs.
Programme designations (demonstration kindergartens, county high schools), pairings and closures already carry their own dates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from eduplan.registry.choices import FIRST_LEVEL_HS_RATINGS, FIRST_LEVEL_KG_GRADES, InstitutionKind, Ownership
from eduplan.registry.models import Institution, InstitutionState
from eduplan.registry.models.states import TRACKED, opening_rows

#: Shares of eligible institutions whose past differs (planting rates of the time model).
RATES = {"conversion": 0.15, "regrading": 0.25, "rerating": 0.3, "network": 0.3}


def _change_day(rng: random.Random, years: Sequence[int]) -> dt.date:
    """A day inside the demo's school years after the first (so at least one year shows the old
    value): from 1 March to 31 August of one of the later years."""
    year = rng.choice(list(years[1:]) or list(years))
    return dt.date(year, rng.randint(3, 8), rng.randint(1, 28))


def _earlier(values: dict[str, object], rng: random.Random) -> dict[str, object] | None:
    """The values before a planted change, or ``None`` when this institution keeps its present."""
    kind = values.pop("_kind")
    old = dict(values)
    if kind == InstitutionKind.KINDERGARTEN:
        if (
            values["ownership"] == Ownership.PUBLIC
            and not values["inclusive"]
            and rng.random() < RATES["conversion"]
        ):
            old.update(ownership=Ownership.PRIVATE_NONPROFIT, sponsor="private")
        grade = str(values["grade"] or "")
        if grade and rng.random() < RATES["regrading"]:
            old.update(grade="2-1" if grade in FIRST_LEVEL_KG_GRADES else "", grade_year=None)
    elif kind == InstitutionKind.HIGH_SCHOOL:
        if values["rating"] in FIRST_LEVEL_HS_RATINGS and rng.random() < RATES["rerating"]:
            old.update(rating="p2")
        if values["network_connected"] and rng.random() < RATES["network"]:
            old.update(network_connected=False)
    return old if old != values else None


def plant(seed: int, school_years: Sequence[int]) -> int:
    """Write every demo institution's attribute rows; returns how many changed over time."""
    rng = random.Random(f"timeline-{seed}")
    rows: list[InstitutionState] = []
    changed = 0
    for inst in Institution.objects.order_by("pk").values("pk", "kind", "established_on", *TRACKED):
        pk, opened = inst.pop("pk"), inst.pop("established_on")
        now = {name: inst[name] for name in TRACKED}
        before = _earlier({**now, "_kind": inst["kind"]}, rng)
        day = _change_day(rng, school_years)
        if before is not None and (opened is None or opened < day):
            changed += 1
            first = opening_rows(before, opened)
            rows += [
                InstitutionState(institution_id=pk, effective_from=s, reason="演示 demo", **v)
                for s, v in first
            ]
            rows.append(
                InstitutionState(institution_id=pk, effective_from=day, reason="演示:变更 demo change", **now)
            )
        else:
            rows += [
                InstitutionState(institution_id=pk, effective_from=s, reason="演示 demo", **v)
                for s, v in opening_rows(now, opened)
            ]
    InstitutionState.objects.bulk_create(rows, batch_size=2000)
    return changed
