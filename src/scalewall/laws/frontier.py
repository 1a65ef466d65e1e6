"""The compute-optimal frontier as a table: L*(C), N*, D*, D*/N* and the next-10x gain, banded.

Used by the demo's scaling-laws section and by LM sweeps (their own runs' frontier), so both
report the same columns with percentile bands from the same bootstrap draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.laws import allocation
from scalewall.laws.catalog import make_law
from scalewall.laws.result import FitResult
from scalewall.resampling import percentile_interval

Array = NDArray[np.float64]

#: Compute grid of the demo's frontier table (FLOPs): 10 points per decade, 1e18 to 1e28.
FRONTIER_GRID = 10.0 ** np.linspace(18.0, 28.0, 101)


def _draws(res: FitResult) -> dict[str, Array]:
    """Bootstrap draws of a Chinchilla fit, by parameter name."""
    if res.samples_ is None:
        raise ValueError("the frontier needs bootstrap draws; fit with bootstrap > 0")
    names = make_law(res.law).param_names
    return {k: res.samples_[:, i] for i, k in enumerate(names)}


def frontier_table(res: FitResult, grid: Array = FRONTIER_GRID) -> pd.DataFrame:
    """L*(C), N*, D*, D*/N* and the relative next-10x gain, with percentile bands from the draws.

    The relative gain is ``(L*(C) - L*(10 C)) / L*(C)``: the share of the total loss that the next
    10x of compute removes on the compute-optimal frontier.
    """

    def quantities(p: Mapping[str, Array | float]) -> dict[str, Array]:
        opt = allocation.optimal_allocation(p, grid, res.flop_factor)
        gain = allocation.gain_next_10x(p, grid, res.flop_factor)
        return {
            "loss": opt["loss"],
            "N_opt": opt["N"],
            "D_opt": opt["D"],
            "tokens_per_param": opt["tokens_per_param"],
            "rel_gain_next_10x": gain / opt["loss"],
        }

    point = quantities(res.params)
    draws = quantities({k: v[:, None] for k, v in _draws(res).items()})
    cols: dict[str, Any] = {"procedure": res.procedure, "compute": grid}
    for k, v in point.items():
        lo, hi = percentile_interval(draws[k], res.level)
        cols[k], cols[f"{k}_lo"], cols[f"{k}_hi"] = v, lo, hi
    return pd.DataFrame(cols)


__all__ = ["FRONTIER_GRID", "frontier_table"]
