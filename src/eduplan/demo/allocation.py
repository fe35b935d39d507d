"""Small integer helpers: share a total out by weights under caps, and split a count evenly."""

from __future__ import annotations

import numpy as np


def allocate(total: int, weights: np.ndarray, caps: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Integers adding up to ``total`` (at most the sum of ``caps``), proportional to ``weights``,
    none above its cap and each at least ``minimum`` when the total allows it.

    Water-filling: shares above a cap are cut to the cap and the excess goes to the others. The
    generator sizes institutions so the caps always leave room; a total beyond them is cut (and the
    clean institutions stay within their limits, which matters more than the exact total)."""
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    caps_f = caps.astype(float)
    total = int(min(total, caps.sum()))
    base = min(minimum, total // n)
    x = np.minimum(np.full(n, float(base)), caps_f)
    remaining = total - x.sum()
    free = caps_f > x
    w = np.maximum(weights.astype(float), 1e-9)
    while remaining > 1e-9 and free.any():
        idx = np.flatnonzero(free)
        share = remaining * w[idx] / w[idx].sum()
        room = caps_f[idx] - x[idx]
        over = share >= room
        if not over.any():
            x[idx] += share
            remaining = 0.0
            break
        x[idx[over]] = caps_f[idx[over]]
        remaining -= room[over].sum()
        free[idx[over]] = False
    out = np.floor(x + 1e-9).astype(np.int64)
    short = total - int(out.sum())
    if short > 0:
        order = np.argsort(-(x - out), kind="stable")
        for i in order:
            if short == 0:
                break
            if out[i] < caps[i]:
                out[i] += 1
                short -= 1
    return out


def largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``shares`` (Hamilton's method)."""
    s = np.asarray(shares, dtype=float)
    if total <= 0 or s.sum() <= 0:
        return np.zeros(len(s), dtype=np.int64)
    exact = total * s / s.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    for i in np.argsort(-(exact - out), kind="stable")[:short]:
        out[i] += 1
    return out


def even_split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` sizes differing by at most one, larger first."""
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]
