"""The indexed-web stock of public text (Villalobos et al. 2024) and what it is worth to a run.

``raw = pages x bytes per page / bytes per token`` (epoch-research/data-stock @ 83da8ed,
``src/indexed_web.py``), times the usable ``quality_fraction`` (``src/stock_adjust.py``), times
what repetition adds. Repetition is either the authors' lognormal multiplier or, by default,
``epochs`` passes priced by the data-constrained law of Muennighoff et al. 2023 through
:func:`scalewall.laws.data_constrained.effective_tokens` (4 epochs are worth 3.7 fresh ones at
the published R_D* = 15.4). A synthetic share of each training set adds tokens worth
``1 - collapse_penalty`` of a human one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from scalewall.laws.data_constrained import effective_tokens

Array = NDArray[np.float64]


def raw_stock(x: Mapping[str, Array]) -> Array:
    """Unique indexed-web text tokens in ``data.stock_year``."""
    out: Array = x["data.pages"] * x["data.bytes_per_page"] / x["data.bytes_per_token"]
    return out


def stock_log_growth(x: Mapping[str, Array]) -> Array:
    """Natural-log growth per year of the stock (page count times page size)."""
    out: Array = np.log(x["data.page_growth"]) + np.log(x["data.page_size_growth"])
    return out


def repetition_factor(x: Mapping[str, Array], mode: str) -> Array:
    """Effective tokens per unique token from repeating the data."""
    if mode == "multiplier":
        return np.asarray(x["data.repetition_multiplier"], float)
    epochs = np.clip(x["data.epochs"], 1.0, x["data.max_epochs"])
    return effective_tokens(epochs, 1.0, x["data.R_D_star"])


def synthetic_factor(x: Mapping[str, Array]) -> Array:
    """``1 + s/(1-s) (1 - penalty)``: a synthetic share ``s`` of each set, discounted."""
    s = x["data.synthetic_share"]
    out: Array = 1.0 + s / (1.0 - s) * (1.0 - x["data.collapse_penalty"])
    return out


def stock_draws(x: Mapping[str, Array], mode: str) -> dict[str, Array]:
    """Raw, quality-filtered and effective stocks in ``data.stock_year`` (tokens) per draw."""
    raw = raw_stock(x)
    quality = raw * np.minimum(x["data.quality_fraction"], 1.0)
    effective = quality * repetition_factor(x, mode) * synthetic_factor(x)
    return {"raw": raw, "quality": quality, "effective": effective}
