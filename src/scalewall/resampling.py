"""Resampling shared by every pillar: bootstrap weights and percentile intervals.

One percentile interval and one resampling scheme serve every bootstrap and Monte Carlo band
(fits, backtests, trends, pass@k, benchmark scaling, collapse and LM summaries), so an interval
means the same thing wherever it is printed. Bottom layer: numpy only.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def percentile_interval(
    draws: NDArray[np.float64], level: float, axis: int | None = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Percentile interval of bootstrap (or Monte Carlo) draws at ``level``, along ``axis``.

    NaN draws (failed refits) are left out; infinite ones ('unreachable') stay in and count.
    """
    q = 100 * (1 - level) / 2
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN bounds
        lo, hi = np.nanpercentile(draws, [q, 100 - q], axis=axis)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def resample_weights(
    n: int,
    replicates: int,
    rng: np.random.Generator,
    groups: NDArray[np.int_] | None = None,
) -> Array:
    """Integer weights ``(replicates, n)``: counts of each row in a resample with replacement.

    With ``groups`` (an integer label per row) whole groups are drawn, so every checkpoint of a
    drawn run enters together.
    """
    if groups is None:
        idx = rng.integers(0, n, size=(replicates, n))
        w = np.zeros((replicates, n))
        np.add.at(w, (np.arange(replicates)[:, None], idx), 1.0)
        return w
    labels, inv = np.unique(groups, return_inverse=True)
    g = len(labels)
    gidx = rng.integers(0, g, size=(replicates, g))
    gw = np.zeros((replicates, g))
    np.add.at(gw, (np.arange(replicates)[:, None], gidx), 1.0)
    out: Array = gw[:, inv]
    return out
