"""The state of one county being built and the helpers its stages share (codes, unique names,
place names for institutions' names, quotas of planted imperfections, writing rows)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import models

from eduplan.registry.models import Division, NameChange

from .. import geo
from ..gazetteer import County
from ..population import CountyPopulation
from ..rows import TableWriter
from ..vocabulary import looks_clean, looks_clean_private, short_name
from .records import BATCH, ClassRow, Inst, day_between

if TYPE_CHECKING:
    from ..generator import Generator


class CountyState:
    """The county being built and the helpers every stage uses. Each stage is a mixin over this
    state (``CountyBuilder`` in :mod:`.builder` runs them in order); the attributes below are set by
    the stage named beside them and read by the later ones."""

    # write_divisions (divisions.py)
    cdiv: Division
    tpoints: list[geo.Point]
    tdivs: list[Division]
    villages: list[list[str]]
    # build (builder.py)
    pop: CountyPopulation
    # set_targets (targets.py)
    ger: dict[int, float]
    public_share: dict[int, float]
    inclusive_share: dict[int, float]
    hs_rate: dict[int, float]
    children_total: dict[int, int]
    category_total: dict[int, dict[str, int]]
    minority_share: float
    # plan_preschool (preschool.py)
    centrals: dict[int, Inst]
    first_kg: Inst | None
    # plan_schools (schools.py)
    general: dict[int, int]
    vocational_total: dict[int, int]
    oversize_hs: Inst | None
    high_schools: list[Inst]
    vocational: list[Inst]
    junior: list[Inst]
    junior_by_township: dict[int, list[Inst]]
    # plant_institutions (planting.py), write_institutions (institutions.py)
    renames: list[tuple[Inst, str]]
    renames_rows: list[NameChange]
    # write_years_and_classes (classes.py)
    classes_latest: dict[Inst, list[ClassRow]]

    def __init__(self, gen: Generator, county: County, population: int, *, last: bool) -> None:
        self.gen = gen
        self.county = county
        self.population_total = population
        self.last = last
        self.cal = gen.settings.calibration
        self.th = gen.th
        self.limit = gen.th.class_limit
        self.spec = gen.spec
        self.rng = np.random.default_rng([gen.seed, int(county.code)])
        # Coordinates and registers draw from their own generators: the rest does not move.
        self.places = geo.CountyPlaces(gen.seed, county.code, gen.county_seats[county.code])
        self.flags = gen.county_flags.get(county.code, set())
        self.insts: list[Inst] = []
        self.counters: dict[str, int] = {}
        self.names: set[str] = set()
        self.counts: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------------------

    def pick(self, kind: str, candidates: list[Any], *, last: bool | None = None) -> list[Any]:
        return self.gen.quota(kind).pick(self.rng, candidates, last=self.last if last is None else last)

    def next_code(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{self.county.code}{prefix}{n:04d}"

    def unique(self, name: str) -> str:
        if name not in self.names:
            self.names.add(name)
            return name
        n = 2
        while f"{name}({n})" in self.names:
            n += 1
        self.names.add(f"{name}({n})")
        return f"{name}({n})"

    def bulk(self, model: type[models.Model], objs: list[Any]) -> None:
        """bulk_create: for rows that need their primary key back or are few."""
        if objs:
            model._default_manager.bulk_create(objs, batch_size=BATCH)
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(objs)

    def insert(self, model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Plain tuples for the big leaf tables (see ``rows``)."""
        if rows:
            TableWriter(model, fields).write(rows)
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(rows)

    def place(self, ti: int) -> str:
        """A township's name for a public institution's name, if nothing in it looks unclean."""
        name = self.county.townships[ti].name
        if looks_clean(name):
            return name
        return self.county.name if looks_clean(self.county.name) else ""

    def private_place(self, ti: int) -> str:
        for candidate in (short_name(self.county.townships[ti].name), short_name(self.county.name)):
            if looks_clean_private(candidate):
                return candidate
        return ""

    def established(self, role: str) -> dt.date:
        """An opening date for an institution of ``role``, in its calibrated span of years."""
        lo, hi = self.cal.established_years[role]
        return day_between(self.rng, dt.date(lo, 1, 1), dt.date(hi, 8, 31))

    def new_inst(self, prefix: str, **kw: Any) -> Inst:
        inst = Inst(code=self.next_code(prefix), **kw)
        self.insts.append(inst)
        return inst
