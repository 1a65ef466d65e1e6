"""Does a fitted compute-optimal frontier stay where the runs it was fitted to are?

A law fitted to a sweep can put its optimum where nothing was trained: at model sizes below
the smallest run, below every observed loss, or at compute past the largest run. Each is an
extrapolation a reader must be told about, in the figure's caption and as a warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Gap in log loss below the runs' envelope that counts as "below every run". The Chinchilla
#: runs (registry ``chinchilla-epoch``, Besiroglu et al. 2024's digitisation) sit within 0.017
#: of their own fitted frontier's band; 0.02 leaves that scatter alone.
MARGIN = 0.02


def frontier_outside_runs(runs: pd.DataFrame, frontier: pd.DataFrame) -> list[str]:
    """Plain-language reasons the frontier lies outside the observed runs' envelope ([] if none).

    Parameters
    ----------
    runs : DataFrame
        The runs table: ``N``, ``C`` (FLOPs) and ``loss``.
    frontier : DataFrame
        The fitted frontier on a compute grid: ``compute``, ``loss``, ``loss_hi`` (upper end of
        its band) and ``N_opt``.

    Notes
    -----
    The envelope at compute ``C`` is the lowest loss any run reached with at most ``C``. A
    frontier whose whole band lies more than :data:`MARGIN` (in log loss) below it claims
    losses no trained model came near.
    """
    c_lo, c_hi = float(runs["C"].min()), float(runs["C"].max())
    inside = frontier[(frontier["compute"] >= c_lo) & (frontier["compute"] <= c_hi)]
    reasons: list[str] = []
    if len(inside):
        order = runs.sort_values("C")
        best = np.minimum.accumulate(order["loss"].to_numpy())
        idx = np.searchsorted(order["C"].to_numpy(), inside["compute"].to_numpy(), side="right")
        envelope = best[np.clip(idx - 1, 0, len(best) - 1)]
        gap = np.log(envelope / inside["loss_hi"].to_numpy())
        below = float(np.mean(gap > MARGIN))
        if below > 0.5:
            reasons.append(
                f"{'over all' if below == 1 else f'over {below:.0%}'} of the runs' compute "
                "range its band lies more than "
                f"{MARGIN:.0%} below the lowest loss any run reached with that compute"
            )
        n_lo, n_hi = float(runs["N"].min()), float(runs["N"].max())
        n_opt = inside["N_opt"].to_numpy(dtype=float)
        if np.mean((n_opt < n_lo) | (n_opt > n_hi)) > 0.5:
            reasons.append(
                f"its compute-optimal sizes N* ({n_opt.min():.3g} to {n_opt.max():.3g}) lie "
                f"outside the sizes trained ({n_lo:.3g} to {n_hi:.3g})"
            )
    decades = float(np.log10(frontier["compute"].max() / c_hi))
    if decades >= 0.5:
        reasons.append(f"it runs {decades:.1f} decades of compute past the largest run")
    return reasons


__all__ = ["MARGIN", "frontier_outside_runs"]
