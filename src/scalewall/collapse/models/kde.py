"""Gaussian kernel density estimates refitted on their own samples, vectorised over seeds.

Bandwidth rules: an absolute ``h``; scikit-learn's ``scott`` n^(-1/(d+4)) and ``silverman``
(n(d+2)/4)^(-1/(d+4)), both independent of the data's scale (sklearn 1.9 ``KernelDensity``); and
SciPy's ``gaussian_kde`` rule, Scott's factor times the data covariance, re-estimated every
generation. Research note 5.5: absolute h has the variance fixed point n h^2; SciPy's rule grows
the variance by 1 - 1/n + n^(-2/(d+4)) per generation. Real data: N(0, I_d) or a 2-D
scikit-learn dataset (blobs, moons, circles) or the handwritten digits (64-D), standardised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import logsumexp

from scalewall.collapse.models.base import Metrics, no_bias
from scalewall.collapse.models.gaussian import sqrtm_psd, weighted_moments
from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

F = NDArray[np.float64]
BANDWIDTHS = ("scott", "silverman", "scipy")
DATASETS = ("normal", "blobs", "moons", "circles", "digits")
HELDOUT = 500


def real_points(dataset: str, d: int, size: int, seed: int) -> F:
    """``size`` standardised points of a bundled or generated scikit-learn dataset."""
    from sklearn import datasets  # type: ignore[import-untyped]

    rng = np.random.default_rng(seed)
    if dataset == "normal":
        return rng.standard_normal((size, d))
    if dataset == "digits":
        x = datasets.load_digits().data.astype(float)
    elif dataset == "blobs":
        x = datasets.make_blobs(size, n_features=2, random_state=seed)[0]
    elif dataset == "moons":
        x = datasets.make_moons(size, noise=0.05, random_state=seed)[0]
    elif dataset == "circles":
        x = datasets.make_circles(size, noise=0.05, factor=0.5, random_state=seed)[0]
    else:
        raise input_error(f"unknown dataset '{dataset}'; valid: {', '.join(DATASETS)}")
    x = x - x.mean(0)
    return x / np.where(x.std(0) > 0, x.std(0), 1.0)


@dataclass(frozen=True)
class FittedKDE:
    """Kernel centres per seed and the kernel covariance (``(S, d, d)``)."""

    centres: Samples
    cov: F
    heldout: F

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        no_bias(bias, "kde")
        c = self.centres
        keys = rng.random((c.seeds, n)) * c.counts()[:, None]
        order = np.argsort(~c.mask, axis=1, kind="stable")  # present centres first
        pick = np.take_along_axis(order, keys.astype(np.intp), 1)
        x = np.take_along_axis(c.values.reshape(c.seeds, c.size, -1), pick[..., None], 1)
        z = rng.standard_normal(x.shape)
        return Samples.full(x + np.einsum("sij,smj->smi", sqrtm_psd(self.cov), z))

    def log_prob(self, values: NDArray[Any]) -> F:
        c = self.centres
        d = self.cov.shape[-1]
        x = values.reshape(c.seeds, values.shape[1], d)
        prec = np.linalg.inv(self.cov)
        diff = x[:, :, None] - c.values.reshape(c.seeds, 1, c.size, d)
        maha = np.einsum("smcd,sde,smce->smc", diff, prec, diff)
        logdet = np.linalg.slogdet(self.cov)[1]
        lk = np.where(c.mask[:, None], -0.5 * maha, -np.inf)
        norm = 0.5 * (logdet + d * np.log(2 * np.pi)) + np.log(c.counts())
        return logsumexp(lk, axis=2) - norm[:, None]

    def score(self, samples: Samples, judge: Any) -> Metrics:
        _, cov, _ = weighted_moments(self.centres, 0)
        d = cov.shape[-1]
        tr = np.trace(cov, axis1=1, axis2=2) + np.trace(self.cov, axis1=1, axis2=2)
        out = {"variance": tr / d}
        if len(self.heldout):
            held = np.broadcast_to(self.heldout, (self.centres.seeds, *self.heldout.shape))
            out["heldout_nll"] = -self.log_prob(held).mean(axis=1)
        return out


@dataclass(frozen=True)
class KDE:
    """Gaussian KDE with ``bandwidth`` a positive number or one of ``scott``, ``silverman``,
    ``scipy``; real data from ``dataset`` (N(0, I_d) by default). ``heldout`` real points score
    ``heldout_nll`` every generation (0: skip it, for long variance-only runs)."""

    bandwidth: float | str = "scott"
    dataset: str = "normal"
    d: int = 1
    heldout: int = HELDOUT
    name: str = "kde"
    _points: F = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.bandwidth, str) and self.bandwidth not in BANDWIDTHS:
            raise input_error(
                f"unknown bandwidth '{self.bandwidth}'; valid: a number or {', '.join(BANDWIDTHS)}"
            )
        if not isinstance(self.bandwidth, str) and not self.bandwidth > 0:
            raise input_error("bandwidth must be > 0", got=self.bandwidth)
        object.__setattr__(self, "_points", real_points(self.dataset, self.d, 20_000, 0))

    @property
    def dim(self) -> int:
        return int(self._points.shape[1])

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        pool = self._points[HELDOUT:]  # the held-out points are never training data
        return Samples.full(pool[rng.integers(0, len(pool), (seeds, n))])

    def kernel_cov(self, data: Samples) -> F:
        """Kernel covariance per seed under the bandwidth rule."""
        n, d = data.counts().astype(float), self.dim
        eye = np.broadcast_to(np.eye(d), (data.seeds, d, d))
        if self.bandwidth == "scipy":
            _, cov, _ = weighted_moments(data, 1)  # gaussian_kde uses the unbiased covariance
            return cov * (n ** (-2.0 / (d + 4)))[:, None, None]
        if self.bandwidth == "scott":
            h = n ** (-1.0 / (d + 4))
        elif self.bandwidth == "silverman":
            h = (n * (d + 2) / 4.0) ** (-1.0 / (d + 4))
        else:
            h = np.full(data.seeds, float(self.bandwidth))
        return eye * (h**2)[:, None, None]

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedKDE:
        return FittedKDE(data, self.kernel_cov(data), self._points[: self.heldout])
