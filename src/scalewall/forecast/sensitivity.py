"""Which inputs move the first-wall year: rank correlations and a decile tornado.

Both come from the same joint draws as the forecast (no extra runs): Spearman's rho between each
uncertain input and the first-wall year (draws with no wall by the horizon count as the horizon,
a censored value), and the median first-wall year among draws whose input lies in its lowest
and in its highest decile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from scalewall.forecast.scenario import Scenario

Array = NDArray[np.float64]


def spearman(x: Array, y: Array) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    rx, ry = rankdata(x), rankdata(y)
    return float(np.corrcoef(rx, ry)[0, 1])


def sensitivity(
    x: Mapping[str, Array], first: Array, scenario: Scenario, horizon: float
) -> list[dict[str, Any]]:
    """One record per uncertain input, largest ``|rho|`` first."""
    y = np.minimum(first, horizon)
    rows: list[dict[str, Any]] = []
    for k, p in scenario.params.items():
        if not p.uncertain:
            continue
        v = x[k]
        lo, hi = np.percentile(v, [10, 90])
        rows.append(
            {
                "input": k,
                "spearman": spearman(v, y),
                "low_decile_median_year": float(np.median(y[v <= lo])),
                "high_decile_median_year": float(np.median(y[v >= hi])),
                "cite": p.cite,
            }
        )
    rows.sort(key=lambda r: -abs(float(r["spearman"])) if np.isfinite(r["spearman"]) else 0.0)
    return rows
