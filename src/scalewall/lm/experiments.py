"""What a sweep computes from its runs: the corpus's own laws and the concept-frequency slope.

* Scaling: the Chinchilla law fitted to the runs table (:func:`scalewall.laws.api.fit`), with
  bootstrap intervals and the compute-optimal frontier on the sweep's own compute range.
* Repeated data: the data-constrained law of Muennighoff et al. 2023 fitted to runs that repeat
  a fixed unique-token budget, next to single-epoch runs of the same lengths; it reports R_D*
  and the effective-data multiple of 4 epochs against the published 3.7x.
* Concept frequency: held-out loss of each token type against the log of its training count,
  the test of "performance is log-linear in frequency" (Kandpal et al. 2023, arXiv 2211.08411;
  Udandarao et al. 2024, arXiv 2404.04125), with a bootstrap interval over token types.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.errors import input_error
from scalewall.laws.api import fit
from scalewall.laws.data_constrained import (
    MUENNIGHOFF_2023,
    MUENNIGHOFF_2023_CITATION,
    DataConstrained,
    effective_tokens,
)
from scalewall.laws.frontier import frontier_table
from scalewall.laws.result import FitResult
from scalewall.lm.config import RunConfig
from scalewall.resampling import percentile_interval

Array = NDArray[np.float64]
#: Token types seen fewer times than this in the held-out windows are left out of the slope.
MIN_HELD_OUT_COUNT = 5


def scaling_fit(table: pd.DataFrame, bootstrap: int, seed: int, level: float) -> FitResult:
    """The corpus's own Chinchilla law over (N, D), huber-log objective, bootstrap intervals."""
    budgets = np.geomspace(table["C"].min(), 100 * table["C"].max(), 3)
    return fit(
        table[["N", "D", "C", "loss"]],
        "chinchilla",
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        budgets=budgets,
        source="sweep runs table",
        select="all",  # seeds of one configuration are replicates, each a point (as before)
    )


def frontier(res: FitResult, table: pd.DataFrame) -> pd.DataFrame:
    """Compute-optimal L*, N*, D* with bands from the fit's draws, over the sweep's range x100."""
    grid = np.geomspace(table["C"].min(), 100 * table["C"].max(), 41)
    return frontier_table(res, grid)


def repeat_law(table: pd.DataFrame) -> DataConstrained:
    """The data-constrained law with ``alpha = beta`` tied, as the authors fitted it.

    ``N_opt(U)`` (which parameters count as excess) comes from the published C4 base law
    (:class:`~scalewall.laws.data_constrained.DataConstrained`'s default allocation).
    """
    return DataConstrained(tied=True)


def repeat_fit(table: pd.DataFrame, bootstrap: int, seed: int, level: float) -> FitResult:
    """Data-constrained fit of a repeat sweep's runs (N, D, unique_tokens, loss)."""
    cols = ["N", "D", "unique_tokens", "loss"]
    return fit(
        table[cols],
        repeat_law(table),
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        source="sweep runs table",
        select="all",  # seeds of one configuration are replicates, each a point (as before)
    )


def repeat_summary(res: FitResult) -> dict[str, Any]:
    """R_D* and the 4-epoch effective-data multiple, next to Muennighoff et al.'s values."""
    key = "effective_data_multiple_4_epochs"
    published = float(effective_tokens(4.0, 1.0, MUENNIGHOFF_2023["R_D_star"]))
    return {
        "R_D_star": res.params["R_D_star"],
        "R_D_star_ci": res.ci.get("R_D_star"),
        "effective_data_multiple_4_epochs": res.derived.get(key),
        "effective_data_multiple_4_epochs_ci": res.derived_ci.get(key),
        "published_R_D_star": MUENNIGHOFF_2023["R_D_star"],
        "published_effective_data_multiple_4_epochs": published,
        "published_source": MUENNIGHOFF_2023_CITATION,
    }


def per_type_losses(cfg: RunConfig, checkpoint: bytes, max_tokens: int = 65_536) -> pd.DataFrame:
    """Held-out loss per token type with its training and held-out counts."""
    from scalewall.lm.data import eval_windows, prepare
    from scalewall.lm.train import load_model, token_losses

    data = prepare(cfg)
    model = load_model(cfg, checkpoint)
    windows = eval_windows(data.val, cfg.context, max_tokens)
    losses = token_losses(model, windows, next(model.parameters()).device).ravel()
    targets = windows[:, 1:].ravel()
    V = data.tokenizer.vocab_size
    val_count = np.bincount(targets, minlength=V)
    loss_sum = np.bincount(targets, weights=losses, minlength=V)
    train_count = np.bincount(data.train, minlength=V)
    seen = (val_count > 0) & (train_count > 0)
    ids = np.flatnonzero(seen)
    return pd.DataFrame(
        {
            "token_id": ids,
            "token": [data.tokenizer.decode([int(i)]) for i in ids],
            "train_count": train_count[ids],
            "train_frequency": train_count[ids] / train_count.sum(),
            "held_out_count": val_count[ids],
            "mean_loss": loss_sum[ids] / val_count[ids],
        }
    )


def _wls_slope(x: Array, y: Array, w: Array) -> tuple[Array, Array]:
    """Slopes and R² of weighted least squares of y on x; ``w`` has shape (..., n)."""
    sw = w.sum(-1, keepdims=True)
    xm = (w * x).sum(-1, keepdims=True) / sw
    ym = (w * y).sum(-1, keepdims=True) / sw
    sxy = (w * (x - xm) * (y - ym)).sum(-1)
    sxx = (w * (x - xm) ** 2).sum(-1)
    syy = (w * (y - ym) ** 2).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = sxy / sxx
        r2 = sxy**2 / (sxx * syy)
    return slope, r2


def frequency_slope(
    types: pd.DataFrame, bootstrap: int = 2000, seed: int = 0, level: float = 0.95
) -> dict[str, Any]:
    """Slope of held-out loss per decade of training frequency, bootstrapped over token types.

    Each token type with at least :data:`MIN_HELD_OUT_COUNT` held-out occurrences is one point
    (as each concept is one point in Kandpal et al. 2023); resampling types with replacement
    gives the percentile interval of the slope and of R², all replicates in one array.
    """
    kept = types[types["held_out_count"] >= MIN_HELD_OUT_COUNT]
    if len(kept) < 5:
        raise input_error(
            f"only {len(kept)} token types occur {MIN_HELD_OUT_COUNT}+ times in the held-out "
            "text; the frequency slope needs at least 5",
            fix="use more eval_tokens",
        )
    x = np.log10(kept["train_frequency"].to_numpy(dtype=float))
    y = kept["mean_loss"].to_numpy(dtype=float)
    slope, r2 = _wls_slope(x, y, np.ones_like(x))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    W = rng.multinomial(len(x), np.full(len(x), 1 / len(x)), size=bootstrap).astype(float)
    bs, br2 = _wls_slope(x, y, W)
    lo, hi = percentile_interval(bs, level)
    r2lo, r2hi = percentile_interval(br2, level)
    return {
        "slope_per_decade": float(slope),
        "slope_ci": [float(lo), float(hi)],
        "r2": float(r2),
        "r2_ci": [float(r2lo), float(r2hi)],
        "n_types": len(x),
        "frequency_decades": float(x.max() - x.min()),
        "bootstrap": bootstrap,
        "seed": seed,
        "level": level,
        "min_held_out_count": MIN_HELD_OUT_COUNT,
        "unit": "nats per token per 10x training frequency",
    }


__all__ = [
    "frequency_slope",
    "frontier",
    "per_type_losses",
    "repeat_fit",
    "repeat_law",
    "repeat_summary",
    "scaling_fit",
]
