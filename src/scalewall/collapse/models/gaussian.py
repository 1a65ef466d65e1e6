"""Gaussian in d dimensions refitted by MLE or unbiased moments, vectorised over seeds.

The real distribution is N(0, I_d), so every metric has the research note's closed form
(section 5.1-5.4): ``variance`` is tr(Sigma_t)/tr(Sigma_0), ``det_ratio`` det(Sigma_t)/det(Sigma_0),
``mean_sq_error`` ||mu_t - mu_0||^2 and ``wasserstein2`` the W2 distance to N(0, I_d).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from scalewall.collapse.models.base import Metrics, no_bias
from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

F = NDArray[np.float64]


def weighted_moments(data: Samples, ddof: int) -> tuple[F, F, F]:
    """Per-seed mean ``(S, d)``, covariance ``(S, d, d)`` and item count ``(S,)``."""
    x = data.values.reshape(data.seeds, data.size, -1).astype(float, copy=False)
    if data.mask.all():
        cnt = np.full(data.seeds, float(data.size))
        mu = x.mean(axis=1)
        xc = x - mu[:, None]
    else:
        w = data.mask.astype(float)
        cnt = w.sum(axis=1)
        mu = np.einsum("sm,smd->sd", w, x) / np.maximum(cnt, 1)[:, None]
        xc = (x - mu[:, None]) * w[..., None]
    if x.shape[2] == 1:  # 1-D: a plain sum of squares is several times faster than einsum
        ss = np.square(xc[..., 0]).sum(axis=1)[:, None, None]
    else:
        ss = np.einsum("smi,smj->sij", xc, xc)
    cov = ss / np.maximum(cnt - ddof, 1)[:, None, None]
    return mu, cov, cnt


def sqrtm_psd(cov: F) -> F:
    """Symmetric square root of a batch of PSD matrices (a collapsed, singular one is fine)."""
    if cov.shape[-1] == 1:
        return np.sqrt(np.maximum(cov, 0.0))
    ev, vec = np.linalg.eigh(cov)
    return np.einsum("sij,sj,skj->sik", vec, np.sqrt(np.clip(ev, 0.0, None)), vec)


@dataclass(frozen=True)
class FittedGaussian:
    mu: F
    cov: F

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        no_bias(bias, "gaussian", allowed=("temperature",))
        s, d = self.mu.shape
        z = rng.standard_normal((s, n, d))
        root = sqrtm_psd(self.cov * bias.temperature)
        return Samples.full(self.mu[:, None] + np.einsum("sij,smj->smi", root, z))

    def log_prob(self, values: NDArray[Any]) -> F:
        s, d = self.mu.shape
        x = values.reshape(s, values.shape[1], d) - self.mu[:, None]
        logdet = np.linalg.slogdet(self.cov)[1]
        sol = np.linalg.solve(self.cov[:, None], x[..., None])[..., 0]
        maha = np.einsum("smd,smd->sm", x, sol)
        return -0.5 * (maha + logdet[:, None] + d * np.log(2 * np.pi))

    def score(self, samples: Samples, judge: Any) -> Metrics:
        d = self.mu.shape[1]
        ev = np.clip(self.cov[:, 0] if d == 1 else np.linalg.eigvalsh(self.cov), 0.0, None)
        msq = (self.mu**2).sum(axis=1)
        tr = ev.sum(axis=1)
        w2sq = msq + tr + d - 2 * np.sqrt(ev).sum(axis=1)
        return {
            "variance": tr / d,
            "det_ratio": ev.prod(axis=1),
            "mean_sq_error": msq,
            "wasserstein2": np.sqrt(np.maximum(w2sq, 0.0)),
        }


@dataclass(frozen=True)
class Gaussian:
    """N(mu, Sigma) refitted on its own samples; real data N(0, I_d).

    ``estimator``: ``mle`` (ddof 0, ``np.cov(bias=True)`` as Kazdan et al. 2024) or ``unbiased``
    (ddof 1, Shumailov et al. 2024, Thm 3.1).
    """

    d: int = 1
    estimator: Literal["mle", "unbiased"] = "mle"
    name: str = "gaussian"

    def __post_init__(self) -> None:
        if self.d < 1:
            raise input_error("gaussian dimension d must be >= 1", got=self.d)
        if self.estimator not in ("mle", "unbiased"):
            raise input_error("estimator must be 'mle' or 'unbiased'", got=self.estimator)

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        return Samples.full(rng.standard_normal((seeds, n, self.d)))

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedGaussian:
        mu, cov, _ = weighted_moments(data, 0 if self.estimator == "mle" else 1)
        return FittedGaussian(mu, cov)


def sufficient_chain(
    model: Gaussian, policy: Any, generations: int, seeds: int, rngs: list[np.random.Generator]
) -> list[Metrics] | None:
    """The 1-D replace/accumulate chain drawn through its sufficient statistics, or None.

    n samples of N(mu, v) enter an MLE or unbiased refit only through their mean,
    ~ N(mu, v/n), and sum of squares about it, ~ v chi^2_{n-1}; drawing those two per seed
    instead of n points is exact in distribution and n/2 times less work. Applies to d = 1,
    replace or accumulate, no filters and no top-p/top-k (None otherwise: the item path runs).
    """
    mix = getattr(policy.mix, "name", "")
    if model.d != 1 or mix not in ("replace", "accumulate") or policy.filters:
        return None
    if policy.bias.top_p < 1.0 or policy.bias.top_k:
        return None
    ddof = 0 if model.estimator == "mle" else 1

    def draw(mu: F, v: F, n: int, rng: np.random.Generator) -> tuple[F, F]:
        m = mu + np.sqrt(v / n) * rng.standard_normal(seeds)
        return n * m, v * rng.chisquare(n - 1, seeds) + n * m**2  # sum, sum of squares

    n0 = policy.size(1)
    cnt = np.full(seeds, float(n0))
    s1, s2 = draw(np.zeros(seeds), np.ones(seeds), n0, rngs[0])
    frames: list[Metrics] = []
    for t in range(1, generations + 1):
        mu = s1 / cnt
        v = np.maximum(s2 - cnt * mu**2, 0.0) / (cnt - ddof)
        frames.append(
            FittedGaussian(mu[:, None], v[:, None, None]).score(
                Samples.full(mu[:, None, None]), None
            )
        )
        n = policy.size(t + 1)
        c1, c2 = draw(mu, v * policy.bias.temperature, n, rngs[t])
        if mix == "replace":
            s1, s2, cnt = c1, c2, np.full(seeds, float(n))
        else:
            s1, s2, cnt = s1 + c1, s2 + c2, cnt + n
    return frames
