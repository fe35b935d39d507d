"""Synthetic road networks for the benchmark and the tests of the uncapacitated p-median.

The literature's test bed for exact p-median methods (Beasley's OR-Library ``pmed`` instances):
a random connected graph with integer edge lengths, shortest-path distances, every node both a
demand point and a candidate site. Generated here with a fixed seed, never presented as real data.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from .instance import Instance

#: Edge lengths are whole numbers drawn uniformly from this range (as in OR-Library's pmed).
EDGE_LENGTHS = (1, 100)


def road_network_km(n: int, seed: int, edges: int | None = None) -> np.ndarray:
    """Shortest-path distances (n × n) over a random connected graph of ``edges`` edges
    (default 2n): a random spanning tree, then random extra edges."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    pairs = {tuple(sorted((int(perm[k]), int(perm[rng.integers(0, k)])))) for k in range(1, n)}
    target = min(2 * n if edges is None else edges, n * (n - 1) // 2)
    while len(pairs) < target:
        a, b = (int(x) for x in rng.integers(0, n, 2))
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    e = np.array(sorted(pairs)).reshape(-1, 2)
    lengths = rng.integers(EDGE_LENGTHS[0], EDGE_LENGTHS[1] + 1, len(e)).astype(float)
    graph = csr_matrix((lengths, (e[:, 0], e[:, 1])), shape=(n, n))
    return np.asarray(shortest_path(graph, directed=False))


def network_instance(km: np.ndarray, children: np.ndarray | None = None) -> Instance:
    """Every node a demand point (one child unless ``children`` says otherwise) and a site."""
    n = len(km)
    return Instance(
        demand_ids=tuple(f"v{i}" for i in range(n)),
        children=np.ones(n) if children is None else children,
        site_ids=tuple(f"s{j}" for j in range(n)),
        capacity=np.ones(n),
        existing=np.zeros(n, dtype=bool),
        closable=np.zeros(n, dtype=bool),
        km=km,
        demand_source="synthetic network",
        site_source="synthetic network",
    )
