"""A siting instance: demand points, candidate sites and the distances between them.

Demand points are villages or neighbourhoods with their (projected) number of children; sites are
existing kindergartens with their seats plus proposed sites. Distances are great-circle by default;
a road-network matrix from a file replaces them when given. The solvers never see this class: they
get plain arrays (weights, capacities and a sparse list of each demand point's nearest sites) from
:func:`candidate_lists`, so they can be tested and benchmarked without files or a database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .config import EARTH_RADIUS_KM

#: Rows of the distance matrix computed at once when distances come from coordinates; bounds memory
#: to about ROW_CHUNK × sites × 8 bytes however large the county.
ROW_CHUNK = 2048


class SitingInputError(ValueError):
    """Input a user can fix: the message names the file, row and column, in Chinese and English."""


@dataclass(frozen=True)
class Instance:
    """Demand points and candidate sites. Arrays are numpy, indexed 0..n-1 and 0..m-1.

    ``km`` (n × m, ``inf`` where a pair is unreachable) is set when distances come from a file;
    otherwise distances are great-circle from the coordinates.
    """

    demand_ids: tuple[str, ...]
    children: np.ndarray
    site_ids: tuple[str, ...]
    capacity: np.ndarray
    existing: np.ndarray
    closable: np.ndarray
    demand_lat: np.ndarray | None = None
    demand_lon: np.ndarray | None = None
    site_lat: np.ndarray | None = None
    site_lon: np.ndarray | None = None
    km: np.ndarray | None = None
    demand_source: str = "demand"
    site_source: str = "sites"
    notes: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.demand_ids)

    @property
    def m(self) -> int:
        return len(self.site_ids)

    def distance_rows(self, rows: np.ndarray | slice) -> np.ndarray:
        """Distances in km from the given demand points to every site (``inf`` = unreachable)."""
        if self.km is not None:
            return np.asarray(self.km[rows], dtype=float)
        assert self.demand_lat is not None and self.demand_lon is not None
        assert self.site_lat is not None and self.site_lon is not None
        return great_circle_km(
            self.demand_lat[rows][:, None],
            self.demand_lon[rows][:, None],
            self.site_lat[None, :],
            self.site_lon[None, :],
        )

    def distance_matrix(self) -> np.ndarray:
        """The whole n × m matrix; for small instances, tests and the exact models."""
        return self.distance_rows(slice(None))

    def with_sites(self, mask: np.ndarray) -> Instance:
        """The same demand with only the sites in ``mask`` (the "close k" model keeps existing ones)."""
        idx = np.flatnonzero(mask)

        def pick(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[idx]

        return replace(
            self,
            site_ids=tuple(self.site_ids[j] for j in idx),
            capacity=self.capacity[idx],
            existing=self.existing[idx],
            closable=self.closable[idx],
            site_lat=pick(self.site_lat),
            site_lon=pick(self.site_lon),
            km=None if self.km is None else self.km[:, idx],
        )


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance in km (arrays broadcast); accurate to ~0.5% against the ellipsoid."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class Candidates:
    """Each demand point's K nearest reachable sites, as a CSR list sorted by distance.

    ``next_km[i]`` is the distance to the nearest site *not* in the list (``inf`` when the list
    holds every reachable site): it is what makes a bound computed on the short lists valid for the
    full problem.
    """

    indptr: np.ndarray
    site: np.ndarray
    km: np.ndarray
    next_km: np.ndarray

    @property
    def row(self) -> np.ndarray:
        """Demand index of each pair (expanded from ``indptr``)."""
        return np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))

    def complete(self) -> bool:
        return bool(np.all(np.isinf(self.next_km)))


def candidate_lists(rows_km: Callable[[slice], np.ndarray], n: int, m: int, k: int | None) -> Candidates:
    """Build :class:`Candidates` from a function giving distance rows, ``ROW_CHUNK`` rows at a time.

    ``k=None`` (or ``k >= m``) keeps every reachable site.
    """
    keep = m if k is None else max(1, min(int(k), m))
    indptr = np.zeros(n + 1, dtype=np.int64)
    sites: list[np.ndarray] = []
    kms: list[np.ndarray] = []
    next_km = np.full(n, np.inf)
    for start in range(0, n, ROW_CHUNK):
        block = np.asarray(rows_km(slice(start, min(n, start + ROW_CHUNK))), dtype=float)
        if keep < m:
            part = np.argpartition(block, keep, axis=1)
            nxt = np.take_along_axis(block, part[:, keep : keep + 1], axis=1)[:, 0]
            next_km[start : start + len(block)] = nxt
            idx = part[:, :keep]
        else:
            idx = np.broadcast_to(np.arange(m), block.shape)
        d = np.take_along_axis(block, idx, axis=1)
        order = np.argsort(d, axis=1, kind="stable")
        idx = np.take_along_axis(idx, order, axis=1)
        d = np.take_along_axis(d, order, axis=1)
        finite = np.isfinite(d)
        counts = finite.sum(axis=1)
        indptr[start + 1 : start + len(block) + 1] = counts
        sites.append(idx[finite])
        kms.append(d[finite])
    indptr = np.cumsum(indptr)
    return Candidates(
        indptr=indptr,
        site=np.concatenate(sites).astype(np.int64) if sites else np.zeros(0, np.int64),
        km=np.concatenate(kms) if kms else np.zeros(0),
        next_km=next_km,
    )


def instance_candidates(instance: Instance, k: int | None) -> Candidates:
    return candidate_lists(instance.distance_rows, instance.n, instance.m, k)


def within_radius(instance: Instance, radius_km: float) -> Candidates:
    """Every (demand point, site) pair no farther than ``radius_km``, for the covering models."""
    indptr = np.zeros(instance.n + 1, dtype=np.int64)
    sites: list[np.ndarray] = []
    kms: list[np.ndarray] = []
    for start in range(0, instance.n, ROW_CHUNK):
        block = instance.distance_rows(slice(start, min(instance.n, start + ROW_CHUNK)))
        r, c = np.nonzero(block <= radius_km)
        indptr[start + 1 : start + len(block) + 1] = np.bincount(r, minlength=len(block))
        sites.append(c)
        kms.append(block[r, c])
    return Candidates(
        indptr=np.cumsum(indptr),
        site=np.concatenate(sites).astype(np.int64) if sites else np.zeros(0, np.int64),
        km=np.concatenate(kms) if kms else np.zeros(0),
        next_km=np.full(instance.n, np.inf),
    )
