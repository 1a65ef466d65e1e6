"""Global fit of a law by variable projection.

For fixed nonlinear parameters ``theta`` (exponents, breaks), every law is linear in its
coefficients (E, A, B, ...). The fitter therefore

1. evaluates the *profile* objective ``min_c f(c, theta)`` on a grid of ``theta``: exactly by
   non-negative least squares for ``mse``, and for the log objectives by batched IRLS
   Levenberg-Marquardt in ``log c`` started from the relative-error NNLS solution;
2. takes the best grid points from distinct basins and polishes each in the full parameter
   space with L-BFGS-B and analytic gradients;
3. keeps the best, and records whether the restarts agree.

The exponent search is global on the grid, so no start grid has to be tuned by the user, unlike
the 4,500-start L-BFGS-B grid of Besiroglu et al. 2024 or the chinchilla package. The 5-D
Chinchilla problem is badly conditioned (Hessian condition number ~3.5e11) while the profile in
(alpha, beta) is not (~11; Czech 2026, 'Problems with Chinchilla Approach 2', VPNLS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, minimize

from scalewall.laws.forms import Inputs, Law
from scalewall.laws.grouped import Grouped
from scalewall.laws.objectives import Objective
from scalewall.laws.solvers import levenberg_marquardt, nnls_small

Array = NDArray[np.float64]

LOG_COEF_MIN = -60.0  # exp(-60) ~ 1e-26: a coefficient this small is zero for every purpose
LOG_COEF_MAX = 200.0


@dataclass
class RawFit:
    """The optimum of one fit: packed vector ``phi = (log coefficients, theta)``."""

    phi: Array
    value: float
    diagnostics: dict[str, object] = field(default_factory=dict)


def search_bounds(law: Law) -> tuple[Array, Array]:
    """The box a fit of ``law`` searches (log coefficients, then its exponents; inf where open).

    The fit, its bootstrap refits and its profiles share it, so "a replicate at a bound" means
    the same box everywhere.
    """
    bounds = [(LOG_COEF_MIN, LOG_COEF_MAX)] * len(law.linear) + law.theta_bounds()
    lower = np.array([-np.inf if b is None else b for b, _ in bounds], dtype=float)
    upper = np.array([np.inf if b is None else b for _, b in bounds], dtype=float)
    return lower, upper


def model_fn(law: Law, X: Inputs):  # type: ignore[no-untyped-def]
    """``phi -> (mu, dmu/dphi)`` for the packed vector ``phi = (log c, theta)`` (batched)."""
    p = len(law.linear)

    def fn(phi: Array, idx: NDArray[np.int_] | None = None) -> tuple[Array, Array]:
        z, theta = phi[..., :p], phi[..., p:]
        c = np.exp(z)
        B, off, dB, doff = law.basis_and_d(X, theta)
        Jz = B * c[..., None, :]
        mu = Jz.sum(axis=-1) + off
        Jt = doff
        for j in range(p):  # p <= 3: a loop beats a general einsum here
            Jt = Jt + dB[..., j, :] * c[..., j, None, None]
        return mu, np.concatenate([Jz, Jt], axis=-1)

    return fn


def profile(
    law: Law,
    X: Inputs,
    y: Array,
    objective: Objective,
    thetas: Array,
    w: Array | None = None,
    inner_iter: int = 12,
) -> tuple[Array, Array]:
    """Profile objective over a batch of ``thetas``: returns (best log-coefficients, values).

    A :class:`~scalewall.laws.grouped.Grouped` law is profiled group by group with its base form
    (for fixed theta the groups' coefficients are separate problems) and the values summed.
    """
    if isinstance(law, Grouped):
        parts = [
            profile(
                law.base,
                {k: np.asarray(v)[m] for k, v in X.items()},
                y[m],
                objective,
                thetas,
                None if w is None else w[..., m],
                inner_iter,
            )
            for m in law.masks(X)
        ]
        z_all = np.concatenate([z for z, _ in parts], axis=-1)
        return z_all, np.sum([v for _, v in parts], axis=0)
    B, off = law.basis(X, thetas)
    target = y - off
    rel_w = None if not objective.log_space else 1.0 / (y * y)
    if w is not None:
        rel_w = w if rel_w is None else rel_w * w
    c = nnls_small(B, target, rel_w)
    scale = float(np.median(y))
    z = np.log(np.maximum(c, 1e-12 * scale))
    if not objective.log_space:
        mu = np.einsum("...np,...p->...n", B, c) + off
        return z, objective.value(y, mu, w)

    def inner(zz: Array, idx: NDArray[np.int_]) -> tuple[Array, Array]:
        cc = np.exp(np.minimum(zz, LOG_COEF_MAX))
        Bi = B[idx]
        return np.einsum("bnp,bp->bn", Bi, cc) + off[idx], Bi * cc[:, None, :]

    lo = np.full(z.shape[-1], LOG_COEF_MIN)
    z, val, _ = levenberg_marquardt(
        inner, z, y, objective, w, max_iter=inner_iter, rtol=1e-10, lower=lo
    )
    return z, val


def _pick_starts(thetas: Array, values: Array, k: int) -> list[int]:
    """Indices of the best grid points from distinct basins (greedy, in scaled distance)."""
    order = np.argsort(values)
    span = np.ptp(thetas, axis=0)
    span = np.where(span > 0, span, 1.0)
    chosen: list[int] = []
    for i in order:
        if not np.isfinite(values[i]):
            break
        if all(np.max(np.abs(thetas[i] - thetas[j]) / span) > 0.08 for j in chosen):
            chosen.append(int(i))
        if len(chosen) >= k:
            break
    return chosen


def polish(
    law: Law,
    X: Inputs,
    y: Array,
    objective: Objective,
    phi0: Array,
    w: Array | None = None,
    max_iter: int = 5000,
) -> tuple[Array, float, bool]:
    """Refine one start in the full space with L-BFGS-B and the analytic gradient.

    A joint law over groups (dozens of coefficients, badly scaled) first takes Gauss-Newton
    (Levenberg-Marquardt IRLS) steps: L-BFGS-B alone needs thousands of evaluations there, LM a
    few dozen (0.4 s instead of 12 s on the 8 experiments of ``isoflops-openathena``).
    """
    fn = model_fn(law, X)
    ww = np.ones_like(y) if w is None else w
    lo, hi = search_bounds(law)
    if isinstance(law, Grouped):
        w2 = None if w is None else w[None]
        phi_lm, _, _ = levenberg_marquardt(
            fn, np.asarray(phi0, dtype=float)[None], y, objective, w2, lower=lo, upper=hi
        )
        phi0 = phi_lm[0]

    def fg(phi: Array) -> tuple[float, Array]:
        mu, J = fn(phi)
        if np.any(mu <= 0) and objective.log_space:
            return 1e300, np.zeros_like(phi)
        r = objective.residuals(y, mu)
        dr = -J / mu[:, None] if objective.log_space else -J
        val = float(np.sum(ww * objective.rho(r)))
        grad = np.einsum("n,nk->k", ww * objective.psi(r), dr)
        return val / scale, grad / scale

    # L-BFGS-B's ftol is relative to max(|f|, 1): scale the objective to order 1 at the start,
    # or near-perfect fits (objective ~1e-12) stop on absolute changes of 1e-15 far too early.
    scale = 1.0
    scale = max(fg(np.asarray(phi0, dtype=float))[0], 1e-300)

    res = minimize(
        fg,
        phi0,
        jac=True,
        method="L-BFGS-B",
        bounds=Bounds(lo, hi),
        options={"maxiter": max_iter, "maxfun": 4 * max_iter, "ftol": 1e-13, "gtol": 1e-10},
    )
    ok = bool(res.success) or "ABNORMAL" in str(res.message)
    return np.asarray(res.x, dtype=float), float(res.fun) * scale, ok


def fit_raw(
    law: Law,
    X: Inputs,
    y: Array,
    objective: Objective,
    w: Array | None = None,
    *,
    n_starts: int = 3,
    grid: Array | None = None,
) -> RawFit:
    """Global fit: profile on the theta grid, polish the best basins, keep the best.

    The whole grid is ranked by the cheap relative-error NNLS profile (exact for ``mse``, the
    first-order approximation of the log objectives); the best points of ``4 * n_starts``
    distinct basins are re-ranked by the exact profile of the objective, and the best
    ``n_starts`` of those are polished.
    """
    law.check_fixed()
    thetas = law.grid(X) if grid is None else grid
    z, vals = profile(law, X, y, objective, thetas, w, inner_iter=0)
    cand = np.asarray(_pick_starts(thetas, vals, 4 * n_starts), dtype=int)
    if objective.log_space and cand.size:
        zc, vc = profile(law, X, y, objective, thetas[cand], w)
        z[cand], vals[cand] = zc, vc
    starts = [int(i) for i in cand[np.argsort(vals[cand], kind="stable")][:n_starts]]
    results = []
    for i in starts:
        phi0 = np.concatenate([z[i], thetas[i]])
        phi, val, ok = polish(law, X, y, objective, phi0, w)
        results.append((val, phi, ok))
    results.sort(key=lambda t: t[0])
    best_val, best_phi, ok = results[0]
    p = len(law.linear)
    tb = law.theta_bounds()
    at_bound = [
        name
        for name, v, (lo, hi) in zip(law.nonlinear, best_phi[p:], tb, strict=True)
        if (lo is not None and v <= lo + 1e-9) or (hi is not None and v >= hi - 1e-9)
    ]
    at_bound += [
        n for n, v in zip(law.linear, best_phi[:p], strict=True) if v <= LOG_COEF_MIN + 1e-6
    ]
    agree = sum(1 for v, _, _ in results if v <= best_val * (1 + 1e-6) + 1e-12)
    diag: dict[str, object] = {
        "converged": ok,
        "n_starts": len(results),
        "starts_at_optimum": agree,
        "grid_points": len(thetas),
        "params_at_bound": at_bound,
        "second_best_value": float(results[1][0]) if len(results) > 1 else None,
    }
    return RawFit(phi=best_phi, value=best_val, diagnostics=diag)


def unpack(law: Law, phi: Array) -> dict[str, float]:
    """Named parameters from a packed vector (coefficients exponentiated)."""
    p = len(law.linear)
    out = {n: float(np.exp(v)) for n, v in zip(law.linear, phi[:p], strict=True)}
    out.update({n: float(v) for n, v in zip(law.nonlinear, phi[p:], strict=True)})
    return out


def pack(law: Law, params: Mapping[str, float]) -> Array:
    """Packed vector from named parameters."""
    return np.array(
        [np.log(params[n]) for n in law.linear] + [params[n] for n in law.nonlinear], dtype=float
    )
