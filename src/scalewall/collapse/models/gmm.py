"""Gaussian mixtures refitted by EM on their own samples, batched across seeds in NumPy.

One EM runs for every seed at once (arrays ``(S, K, m)``), with scikit-learn's
``GaussianMixture`` conventions: full covariances, ``reg_covar`` added to each diagonal, and a
stop when the mean log-likelihood per point improves by less than ``tol``. Shumailov et al. 2024
(Nature 631:755, GMM notebook of ``iliaishacked/curse_recurse``) refit a 2-component GMM
(``tol=1e-5``) on N = 1,000 samples of the previous fit for 2,050 generations; the per-component
scale sqrt(tr Sigma_k / d) they print falls from about 0.9 to about 0.01 (research note section 1).
Each fit starts from a split of the data along its principal axis, a deterministic
stand-in for scikit-learn's k-means start that needs no extra random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import logsumexp

from scalewall.collapse.models.base import Metrics, no_bias
from scalewall.collapse.models.gaussian import sqrtm_psd
from scalewall.collapse.models.kde import HELDOUT, real_points
from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

F = NDArray[np.float64]
LOG2PI = float(np.log(2 * np.pi))


def component_log_density(x: F, mu: F, cov: F) -> F:
    """log N(x | mu_k, Sigma_k) for points ``x (S, m, d)``, ``mu (S, K, d)``: ``(S, K, m)``."""
    d = x.shape[-1]
    chol = np.linalg.cholesky(cov)  # (S, K, d, d)
    diff = x[:, None] - mu[:, :, None]  # (S, K, m, d)
    if d == 1:
        z2 = np.square(diff[..., 0] / chol[..., 0, 0][..., None])
    else:  # whiten with the inverse Cholesky factor: d x d inverses, then one einsum
        z = diff @ np.swapaxes(np.linalg.inv(chol), -1, -2)
        z2 = np.square(z).sum(axis=-1)
    logdet = 2 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
    return -0.5 * (z2 + (logdet + d * LOG2PI)[..., None])


@dataclass(frozen=True)
class FittedGMM:
    """Weights ``(S, K)``, means ``(S, K, d)`` and covariances ``(S, K, d, d)`` per seed."""

    weights: F
    means: F
    covs: F
    heldout: F

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        no_bias(bias, "gmm")
        s, k, d = self.means.shape
        cum = np.cumsum(self.weights, axis=1)
        comp = (rng.random((s, n, 1)) * cum[:, None, -1:] > cum[:, None, :]).sum(axis=2)
        comp = np.minimum(comp, k - 1)
        roots = sqrtm_psd(self.covs.reshape(s * k, d, d)).reshape(s, k, d, d)
        z = rng.standard_normal((s, n, d))
        pick = np.arange(s)[:, None], comp
        return Samples.full(self.means[pick] + np.einsum("smij,smj->smi", roots[pick], z))

    def log_prob(self, values: NDArray[Any]) -> F:
        s, _, d = self.means.shape
        x = values.reshape(s, values.shape[1], d).astype(float, copy=False)
        lp = component_log_density(x, self.means, self.covs)
        return logsumexp(lp + np.log(self.weights)[..., None], axis=1)

    def score(self, samples: Samples, judge: Any) -> Metrics:
        d = self.means.shape[-1]
        tr = np.trace(self.covs, axis1=2, axis2=3)  # (S, K)
        centre = (self.weights[..., None] * self.means).sum(axis=1)
        spread = (self.weights * np.square(self.means - centre[:, None]).sum(axis=2)).sum(axis=1)
        out = {
            "component_scale": np.sqrt(tr / d).mean(axis=1),
            "variance": ((self.weights * tr).sum(axis=1) + spread) / d,
        }
        if len(self.heldout):
            held = np.broadcast_to(self.heldout, (self.means.shape[0], *self.heldout.shape))
            out["heldout_nll"] = -self.log_prob(held).mean(axis=1)
        return out


def m_step(x: F, resp: F, reg: float) -> tuple[F, F, F]:
    """Weights, means and covariances from responsibilities ``resp (S, K, m)`` (masked items
    have zero responsibility)."""
    nk = resp.sum(axis=2) + 10 * np.finfo(float).eps  # (S, K), as scikit-learn
    means = (resp @ x) / nk[..., None]
    diff = x[:, None] - means[:, :, None]  # (S, K, m, d); matmul beats einsum at these shapes
    covs = (np.swapaxes(diff * resp[..., None], -1, -2) @ diff) / nk[..., None, None]
    covs += reg * np.eye(x.shape[-1])
    return nk / nk.sum(axis=1, keepdims=True), means, covs


def em(
    x: F, mask: NDArray[np.bool_], k: int, tol: float, max_iter: int, reg: float
) -> tuple[F, F, F]:
    """Batched EM for ``k`` full-covariance components, started from a principal-axis split.

    Every seed iterates until its mean log-likelihood gain drops below ``tol`` (scikit-learn's
    rule); converged seeds keep their parameters while the others go on.
    """
    w = mask.astype(float)
    cnt = w.sum(axis=1)
    mu = np.einsum("sm,smd->sd", w, x) / cnt[:, None]
    xc = (x - mu[:, None]) * w[..., None]
    axis = np.linalg.eigh(np.einsum("smi,smj->sij", xc, xc))[1][:, :, -1]  # top eigenvector
    proj = np.einsum("smd,sd->sm", xc, axis)
    cuts = np.quantile(np.where(mask, proj, np.nan), np.arange(1, k) / k, axis=1).T  # (S, k-1)
    label = (proj[:, None] > cuts[..., None]).sum(axis=1)  # (S, m)
    resp = (label[:, None] == np.arange(k)[None, :, None]) * w[:, None]
    params = m_step(x, resp.astype(float), reg)
    prev = np.full(x.shape[0], -np.inf)
    active = np.ones(x.shape[0], dtype=bool)
    for _ in range(max_iter):
        wts, means, covs = (p[active] for p in params)
        lp = component_log_density(x[active], means, covs) + np.log(wts)[..., None]
        top = lp.max(axis=1)
        norm = top + np.log(np.exp(lp - top[:, None]).sum(axis=1))  # (S_active, m)
        wa = w[active]
        ll = (norm * wa).sum(axis=1) / cnt[active]
        new = m_step(x[active], np.exp(lp - norm[:, None]) * wa[:, None], reg)
        for p, q in zip(params, new, strict=True):
            p[active] = q
        done = np.abs(ll - prev[active]) < tol
        prev[active] = ll
        active[np.flatnonzero(active)[done]] = False
        if not active.any():
            break
    return params


@dataclass(frozen=True)
class GMM:
    """K-component full-covariance Gaussian mixture, refitted by EM.

    Real data from ``dataset`` (``normal``: N(0, I_d), Shumailov's standard blob; or a
    scikit-learn dataset as for :class:`~scalewall.collapse.models.kde.KDE`, e.g. ``digits``);
    ``project`` > 0 keeps that many principal components of it (standardised). ``heldout``
    real points score ``heldout_nll`` each generation (0: skip it).
    """

    components: int = 2
    dataset: str = "normal"
    d: int = 2
    project: int = 0
    heldout: int = HELDOUT
    tol: float = 1e-5  # Shumailov et al.'s notebook: GaussianMixture(tol=1e-5, max_iter=2000)
    max_iter: int = 2000
    reg_covar: float = 1e-6  # scikit-learn's default
    name: str = "gmm"
    _points: F = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.components < 1:
            raise input_error("gmm components must be >= 1", got=self.components)
        pts = real_points(self.dataset, self.d, 20_000, 0)
        if self.project:
            if not 0 < self.project <= pts.shape[1]:
                raise input_error(f"project must be in 1..{pts.shape[1]}", got=self.project)
            pts = pts @ np.linalg.svd(pts, full_matrices=False)[2][: self.project].T
            pts = (pts - pts.mean(0)) / pts.std(0)
        object.__setattr__(self, "_points", pts)

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        pool = self._points[HELDOUT:]  # the held-out points are never training data
        return Samples.full(pool[rng.integers(0, len(pool), (seeds, n))])

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedGMM:
        s = data.seeds
        x = data.values.reshape(s, data.size, -1).astype(float, copy=False)
        params = em(x, data.mask, self.components, self.tol, self.max_iter, self.reg_covar)
        return FittedGMM(*params, self._points[: self.heldout])
