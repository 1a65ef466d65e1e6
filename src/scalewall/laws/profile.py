"""Profile-likelihood intervals for a fitted law, beside the bootstrap's percentile intervals.

A percentile interval is only as good as its replicates: when refits stop on a bound or fail,
the interval shows the search range, not the data. The profile interval needs no resampling.
For each parameter it fixes the parameter on a grid around the optimum, refits all the others
(batched Levenberg-Marquardt), and keeps the values the data cannot reject at ``level``:

    Lambda(v) = 2 xi [S(v) - S_hat] <= chi2_1(level),  xi = sum psi'(r) / sum psi(r)^2,

where ``S`` is the fit's objective (a sum of ``rho`` over runs) and ``psi = rho'``. This is the
robust likelihood-ratio ('drop-in-dispersion') test of M-estimation (Hampel, Ronchetti,
Rousseeuw & Stahel 1986, 'Robust Statistics', Sec. 7.3); for squared error it is the usual
Gaussian profile likelihood with the residual variance plugged in. An end the grid cannot reach
(the objective stays flat out to a search bound) is reported as open, never as a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from scalewall.laws.fitter import model_fn, search_bounds
from scalewall.laws.forms import Inputs, Law
from scalewall.laws.objectives import Objective, ObjectiveName
from scalewall.laws.solvers import levenberg_marquardt

Array = NDArray[np.float64]

STEPS = 12  # grid points on each side of the optimum
REACH = 4.0  # the grid spans +- REACH x the interval's half-width expected from the curvature


def _dpsi(objective: Objective, r: Array) -> Array:
    """Derivative of ``psi``: 2 for squared errors, the indicator of Huber's quadratic core."""
    if objective.name in (ObjectiveName.mse, ObjectiveName.mse_log):
        return np.full_like(r, 2.0)
    core = (np.abs(r) <= objective.delta).astype(float)
    if objective.name is ObjectiveName.asymmetric:
        core = np.where(r < 0, objective.weight * core, core)
    return core


def profile_intervals(
    law: Law,
    X: Inputs,
    y: Array,
    objective: Objective,
    phi_hat: Array,
    level: float = 0.95,
) -> dict[str, dict[str, Any]]:
    """Profile interval of every fitted parameter of ``law`` around the optimum ``phi_hat``.

    Returns
    -------
    dict
        Parameter name -> ``{"lo", "hi"}`` (natural units: coefficients exponentiated; None for
        an open end) and ``"open"``, the list of ends that reach a search bound or the edge of
        the grid without the data rejecting them. Empty when the robust scale cannot be
        estimated (no residual inside Huber's core).
    """
    fn = model_fn(law, X)
    phi_hat = np.asarray(phi_hat, dtype=float)
    mu, J = fn(phi_hat[None])
    r = objective.residuals(y, mu[0])
    s_hat = float(objective.value(y, mu[0]))
    xi = float(np.sum(_dpsi(objective, r)) / max(np.sum(objective.psi(r) ** 2), 1e-300))
    if not np.isfinite(xi) or xi <= 0:
        return {}
    crit = float(stats.chi2.ppf(level, 1))
    dr = -J[0] / mu[0][:, None] if objective.log_space else -J[0]
    # Near the optimum S - S_hat ~ d' H d / 2 with H = sum psi'(r) dr dr' (IRLS weights stand in
    # for psi', which is 0 outside Huber's core), so Lambda reaches crit at d_j = ``half``.
    H = (dr * objective.irls_weight(r)[:, None]).T @ dr
    half = np.sqrt(crit * np.clip(np.diag(np.linalg.pinv(H)), 1e-30, None) / xi)
    lower, upper = search_bounds(law)
    steps = np.linspace(0, REACH, STEPS + 1)[1:]
    t = np.concatenate([-steps[::-1], steps])
    out: dict[str, dict[str, Any]] = {}
    for j, name in enumerate(law.param_names):
        grid = np.clip(phi_hat[j] + t * half[j], lower[j], upper[j])
        lam = _profile(fn, y, objective, phi_hat, j, grid, lower, upper)
        lam = 2 * xi * (lam - s_hat)
        ends = _crossings(grid, lam, phi_hat[j], crit)
        linear = j < len(law.linear)
        out[name] = {
            "lo": None if ends[0] is None else float(np.exp(ends[0]) if linear else ends[0]),
            "hi": None if ends[1] is None else float(np.exp(ends[1]) if linear else ends[1]),
            "open": [side for side, e in zip(("lo", "hi"), ends, strict=True) if e is None],
        }
    return out


def _profile(
    fn: Any,
    y: Array,
    objective: Objective,
    phi_hat: Array,
    j: int,
    grid: Array,
    lower: Array,
    upper: Array,
) -> Array:
    """Minimum of the objective over the other parameters, at each grid value of parameter j."""
    keep = np.arange(phi_hat.size) != j

    def reduced(phi: Array, idx: NDArray[np.int_]) -> tuple[Array, Array]:
        full = np.empty((phi.shape[0], phi_hat.size))
        full[:, keep] = phi
        full[:, j] = grid[idx]
        mu, J = fn(full)
        return mu, J[..., keep]

    start = np.tile(phi_hat[keep], (grid.size, 1))
    _, val, _ = levenberg_marquardt(
        reduced, start, y, objective, None, max_iter=500, lower=lower[keep], upper=upper[keep]
    )
    return val


def _crossings(grid: Array, lam: Array, centre: float, crit: float) -> list[float | None]:
    """Where the profile statistic first rises through ``crit`` on each side of the optimum."""
    ends: list[float | None] = []
    for side in (-1, 1):
        sel = np.flatnonzero(np.sign(grid - centre) == side)
        order = sel[np.argsort(np.abs(grid[sel] - centre))]
        xs = np.concatenate([[centre], grid[order]])
        ls = np.concatenate([[0.0], lam[order]])
        hit = np.flatnonzero(ls > crit)
        if hit.size == 0:
            ends.append(None)
            continue
        i = int(hit[0])
        # interpolate the signed root of Lambda, close to linear in the parameter
        a, b = np.sqrt(max(ls[i - 1], 0.0)), np.sqrt(ls[i])
        f = (np.sqrt(crit) - a) / max(b - a, 1e-300)
        ends.append(float(xs[i - 1] + f * (xs[i] - xs[i - 1])))
    return ends
