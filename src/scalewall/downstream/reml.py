"""Multilevel meta-regression with known sampling variances, fitted by REML.

The model is ``y = X b + sum_t Z_t u_t + m + e``: ``e ~ N(0, diag(v))`` carries the known sampling
variances of the estimates, ``m ~ N(0, tau2 I)`` is one random effect per estimate (metafor's
``~ 1 | message_id`` when every row is its own group), and each crossed term ``t`` draws, per
group, a vector of ``k_t`` effects from ``N(0, G_t)`` with ``G_t`` unstructured (an intercept
alone, or an intercept and slopes with their correlations: metafor's ``struct = "GEN"``).

The restricted likelihood is evaluated through the Woodbury identity: ``V = D + W W'`` with
``D = diag(v + tau2)`` and ``W = U Lambda`` (``Lambda`` the Cholesky factor of the stacked
``G_t``), so each evaluation costs a ``q x q`` factorisation (``q`` = number of random effects)
instead of an ``n x n`` one, and a variance at zero stays well defined (as in lme4).

References
----------
Viechtbauer 2010, 'Conducting meta-analyses in R with the metafor package', J. Stat. Softw. 36(3).
Harville 1977, 'Maximum likelihood approaches to variance component estimation', JASA 72:320.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats

from scalewall.errors import input_error

Array = NDArray[np.float64]


@dataclass(frozen=True)
class RandomTerm:
    """One crossed random-effects term: per group, effects on the columns of ``z``.

    Attributes
    ----------
    name : str
        The grouping factor's name (``"model"``, ``"issue"``).
    groups : ndarray of int, shape (n,)
        Group index of each row, 0..g-1.
    z : ndarray, shape (n, k)
        Columns the group's effects multiply: a column of ones for a random intercept, then any
        random slopes.
    """

    name: str
    groups: NDArray[np.int64]
    z: Array

    @property
    def k(self) -> int:
        return int(self.z.shape[1])

    @property
    def n_groups(self) -> int:
        return int(self.groups.max()) + 1

    def expand(self) -> Array:
        """The ``n x (g k)`` design of this term: group-major blocks of ``z``."""
        n, k, g = self.z.shape[0], self.k, self.n_groups
        u = np.zeros((n, g * k))
        for j in range(k):
            u[np.arange(n), self.groups * k + j] = self.z[:, j]
        return u


@dataclass
class RemlFit:
    """A fitted multilevel meta-regression.

    Attributes
    ----------
    coef : ndarray
        Fixed effects ``b``.
    cov : ndarray
        Their covariance ``(X' V^-1 X)^-1`` at the REML variance components (analytic; the
        Wald z intervals metafor reports by default come from it).
    tau2 : float
        Variance of the per-estimate random effect.
    g : dict
        Term name -> its ``k x k`` covariance matrix ``G_t``.
    loglik : float
        Restricted log-likelihood at the optimum.
    converged : bool
        The optimiser's own convergence flag.
    """

    coef: Array
    cov: Array
    tau2: float
    g: dict[str, Array]
    loglik: float
    converged: bool
    names: list[str] = field(default_factory=list)

    @property
    def se(self) -> Array:
        return np.sqrt(np.diag(self.cov))

    def wald(self, j: int, level: float = 0.95) -> tuple[float, float, float, float]:
        """Estimate, interval bounds (Wald z, analytic) and two-sided p of coefficient ``j``."""
        b, s = float(self.coef[j]), float(self.se[j])
        zq = float(stats.norm.ppf(0.5 + level / 2))
        p = float(2 * stats.norm.sf(abs(b / s)))
        return b, b - zq * s, b + zq * s, p

    def sd(self, term: str) -> Array:
        """Standard deviations of a term's effects (square roots of ``diag(G_t)``)."""
        return np.sqrt(np.diag(self.g[term]))

    def rho(self, term: str) -> float:
        """Correlation between a term's first two effects (intercept and slope)."""
        gm = self.g[term]
        den = float(np.sqrt(gm[0, 0] * gm[1, 1]))
        return float(gm[0, 1] / den) if den > 0 else 0.0


def _unpack(theta: Array, ks: list[int]) -> tuple[float, list[Array]]:
    """``theta`` -> (tau, the lower-triangular Cholesky factor of each term)."""
    tau = float(np.exp(theta[0]))
    factors, i = [], 1
    for k in ks:
        lo = np.zeros((k, k))
        rows, cols = np.tril_indices(k)
        lo[rows, cols] = theta[i : i + len(rows)]
        lo[np.diag_indices(k)] = np.exp(np.diag(lo))
        factors.append(lo)
        i += len(rows)
    return tau, factors


def _lambda(factors: list[Array], terms: list[RandomTerm]) -> Array:
    """Block-diagonal Cholesky factor of the stacked random effects (``I_g kron L_t``)."""
    blocks = [np.kron(np.eye(t.n_groups), lo) for t, lo in zip(terms, factors, strict=True)]
    q = sum(b.shape[0] for b in blocks)
    out = np.zeros((q, q))
    i = 0
    for b in blocks:
        out[i : i + b.shape[0], i : i + b.shape[0]] = b
        i += b.shape[0]
    return out


def _solve_parts(d: Array, w: Array) -> tuple[float, Array, Array]:
    """``log|V|`` and the pieces of ``V^-1 = D^-1 - D^-1 W M^-1 W' D^-1``, ``M = I + W'D^-1W``."""
    wd = w / d[:, None]
    m = np.eye(w.shape[1]) + w.T @ wd
    cm = np.linalg.cholesky(m)
    logdet = float(np.sum(np.log(d)) + 2 * np.sum(np.log(np.diag(cm))))
    return logdet, wd, np.asarray(cm, dtype=np.float64)


def _vinv(a: Array, d: Array, wd: Array, cm: Array) -> Array:
    """``V^-1 a`` for a matrix ``a`` (n x c)."""
    inner = np.linalg.solve(cm.T, np.linalg.solve(cm, wd.T @ a))
    return a / d[:, None] - wd @ inner


def _gls(
    theta: Array, y: Array, v: Array, x: Array, u: Array, terms: list[RandomTerm]
) -> tuple[float, Array, Array]:
    """Minus the restricted log-likelihood, the GLS coefficients and their covariance."""
    tau, factors = _unpack(theta, [t.k for t in terms])
    d = v + tau**2
    logdet, wd, cm = _solve_parts(d, u @ _lambda(factors, terms))
    vx = _vinv(np.column_stack([x, y]), d, wd, cm)
    xtvx = x.T @ vx[:, :-1]
    cx = np.linalg.cholesky(xtvx)
    b = np.linalg.solve(xtvx, x.T @ vx[:, -1])
    r = y - x @ b
    quad = float(r @ _vinv(r[:, None], d, wd, cm)[:, 0])
    n, p = x.shape
    nll = 0.5 * (logdet + 2 * np.sum(np.log(np.diag(cx))) + quad + (n - p) * np.log(2 * np.pi))
    return float(nll), np.asarray(b, dtype=np.float64), np.asarray(np.linalg.inv(xtvx), np.float64)


def fit_reml(
    y: Array,
    v: Array,
    x: Array,
    terms: list[RandomTerm],
    names: list[str] | None = None,
) -> RemlFit:
    """Fit the model of the module docstring by REML.

    Parameters
    ----------
    y, v : ndarray, shape (n,)
        Estimates and their known sampling variances (standard error squared).
    x : ndarray, shape (n, p)
        Fixed-effects design (include the intercept column).
    terms : list of RandomTerm
        Crossed random-effects terms besides the per-estimate one.
    names : list of str, optional
        Names of the columns of ``x``, kept on the result.

    Notes
    -----
    Sampling errors are taken as independent (a diagonal ``V``). When estimates share a control
    group their errors covary; a fit with the full sampling covariance gives somewhat different
    variance components (see :mod:`scalewall.downstream.persuasion`).
    """
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise input_error(
            "the fixed-effects design is rank-deficient (a covariate is constant or collinear)",
            column=", ".join(names or []) or None,
            fix="drop the collinear covariate",
        )
    u = np.hstack([t.expand() for t in terms]) if terms else np.zeros((len(y), 0))
    sd0 = float(np.sqrt(max(np.var(y) - np.mean(v), np.var(y) / 4)) / 2)
    theta0 = [np.log(sd0)]
    for t in terms:
        lo0 = np.eye(t.k) * np.log(sd0)
        theta0.extend(lo0[np.tril_indices(t.k)])

    def nll(th: Array) -> float:
        return _gls(th, y, v, x, u, terms)[0]

    res = optimize.minimize(nll, np.asarray(theta0), method="L-BFGS-B")
    polish = optimize.minimize(
        nll, res.x, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 4000}
    )
    best = polish if polish.fun <= res.fun else res
    val, b, cov = _gls(best.x, y, v, x, u, terms)
    tau, factors = _unpack(best.x, [t.k for t in terms])
    return RemlFit(
        coef=b,
        cov=cov,
        tau2=tau**2,
        g={t.name: lo @ lo.T for t, lo in zip(terms, factors, strict=True)},
        loglik=-val,
        converged=bool(res.success or polish.success),
        names=list(names or []),
    )


__all__ = ["RandomTerm", "RemlFit", "fit_reml"]
