"""Kindergarten siting and service zones (幼儿园布局与服务区).

The plan asks counties to lay out kindergartens from births and pupil flows so that every rural
child has a place and every town child one nearby, with a service-zone system for public and
inclusive kindergartens, "nearest or relatively nearest", and village kindergartens adjusted as
births fall. This package answers the location–allocation questions behind that:

* ``pmedian`` — open p sites, seat every child, least child-km (capacitated p-median);
* ``mclp`` — open p sites, most children within the service radius (maximal covering);
* ``lscp`` — fewest sites with everyone within the radius (set covering);
* ``close`` — which k existing kindergartens to merge into others with least added child-km;
* ``zones`` — the service zones of the existing kindergartens as they are.

Layout: :mod:`.instance` (arrays, distances, candidate lists), :mod:`.pmedian` and
:mod:`.coverage` (pure solvers over numpy arrays), :mod:`.solve` (checks, models, service
zones), :mod:`.files` (CSV input), :mod:`.trends` (an instance with children by year, and each
service zone's children followed through the years). The registry adapter lives elsewhere and has
this contract::

    eduplan.planning.siting_registry.load_county_instance(
        county_code: str, year: int, *, user=None, scenario=None, new_sites=False
    ) -> trends.YearlyInstance  # an Instance

See ``docs/siting.md``.
"""

from __future__ import annotations

from .config import SitingSettings
from .files import load_files
from .instance import Instance, SitingInputError
from .solve import METHODS, MODELS, SitingResult, solve

__all__ = [
    "METHODS",
    "MODELS",
    "Instance",
    "SitingInputError",
    "SitingResult",
    "SitingSettings",
    "load_files",
    "solve",
]
