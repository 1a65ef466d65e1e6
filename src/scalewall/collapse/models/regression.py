"""Linear regression on a fixed design (Gerstgrasser et al. 2024), vectorised over seeds.

Every generation relabels the same T x d Gaussian design with the previous fit's weights plus
fresh N(0, sigma^2) noise; an item is one row ``(x, y)``. Research note 5.7: replace gives
E||w_t - w*||^2 = t d/(T-d-1), accumulate d/(T-d-1) sum 1/k^2 (Kazdan et al.'s default d=7, T=89).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scalewall.collapse.models.base import Metrics, no_bias
from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

F = NDArray[np.float64]


@dataclass(frozen=True)
class FittedLinear:
    w: F  # (S, d)
    model: LinearRegression

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        no_bias(bias, "linear-regression")
        return self.model.label(self.w, n, rng)

    def log_prob(self, values: NDArray[Any]) -> F:
        x, y = values[..., :-1], values[..., -1]
        r = y - np.einsum("smd,sd->sm", x, self.w)
        s2 = self.model.sigma**2
        return -0.5 * (r**2 / s2 + np.log(2 * np.pi * s2))

    def score(self, samples: Samples, judge: Any) -> Metrics:
        err = ((self.w - self.model.w_star) ** 2).sum(axis=1)
        return {"weight_sq_error": err}


@dataclass(frozen=True)
class LinearRegression:
    """OLS on a fixed Gaussian design ``T x d`` with true weights ``w*`` and noise ``sigma``."""

    d: int = 7
    T: int = 89
    sigma: float = 1.0
    name: str = "linear-regression"
    design: F = field(init=False, repr=False, compare=False)
    w_star: F = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.d + 1 >= self.T:
            raise input_error(f"the design needs T > d + 1 rows; got T={self.T}, d={self.d}")
        rng = np.random.default_rng(0)
        object.__setattr__(self, "design", rng.standard_normal((self.T, self.d)))
        object.__setattr__(self, "w_star", rng.standard_normal(self.d))

    def label(self, w: F, n: int, rng: np.random.Generator) -> Samples:
        """``n`` rows of the fixed design (cycled) labelled by ``w (S, d)`` plus noise."""
        x = self.design[np.arange(n) % self.T]
        y = x @ w.T + self.sigma * rng.standard_normal((n, w.shape[0]))
        xs = np.broadcast_to(x, (w.shape[0], n, self.d))
        return Samples.full(np.concatenate([xs, y.T[..., None]], axis=2))

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        return self.label(np.broadcast_to(self.w_star, (seeds, self.d)), n, rng)

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedLinear:
        w = data.mask[..., None].astype(float)
        x, y = data.values[..., :-1] * w, data.values[..., -1] * w[..., 0]
        xtx = np.einsum("smi,smj->sij", x, x)
        xty = np.einsum("smi,sm->si", x, y)
        return FittedLinear(np.linalg.solve(xtx, xty[..., None])[..., 0], self)
