"""The one interface every collapse model follows, vectorised over seeds where it can be.

A :class:`Model` is a task and an estimator together: it knows the real distribution (or real
data) it starts from, draws real training sets, and fits. Its :class:`Fitted` result samples the
next generation's data, gives per-item log-densities (for likelihood filters) and scores itself
against the real distribution or held-out real data. Every array carries the seed batch first:
``Samples.values`` is ``(S, m, *item)`` and each metric is an ``(S,)`` array. A neural model
plugs in by implementing the same two protocols with ``S = 1``.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

Metrics = dict[str, NDArray[np.float64]]


class Fitted(Protocol):
    """A model fitted on one generation's data, for every seed at once."""

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        """``n`` new items per seed, drawn from the fitted distribution under ``bias``."""
        ...

    def log_prob(self, values: NDArray[Any]) -> NDArray[np.float64]:
        """Log-density (or log-probability) of each item, ``(S, m)``."""
        ...

    def score(self, samples: Samples, judge: Fitted) -> Metrics:
        """Metrics of this fit (against the real distribution) and of its ``samples``.

        ``judge`` is the frozen fit on real data (generation 1), for judge-perplexity metrics.
        """
        ...


class Model(Protocol):
    """Real data in, fitted model out."""

    @property
    def name(self) -> str: ...

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        """``n`` real training items for each of ``seeds`` independent runs."""
        ...

    def fit(self, data: Samples, rng: np.random.Generator) -> Fitted:
        """Fit on the present items of ``data`` (one fit per seed)."""
        ...


def no_bias(bias: SamplingBias, model: str, allowed: tuple[str, ...] = ()) -> None:
    """Refuse sampling-bias settings a model cannot apply, naming the model."""
    bad = [
        k
        for k, on in (
            ("temperature", bias.temperature != 1.0),
            ("top_p", bias.top_p < 1.0),
            ("top_k", bias.top_k > 0),
        )
        if on and k not in allowed
    ]
    if bad:
        raise input_error(f"model '{model}' does not support {', '.join(bad)}; leave it unset")


def seed_counts(x: NDArray[np.intp], mask: NDArray[np.bool_], size: int) -> NDArray[np.float64]:
    """Per-seed histogram of integer items ``x (S, m)`` over ``range(size)``, ``(S, size)``."""
    s = x.shape[0]
    flat = (x + size * np.arange(s)[:, None])[mask]
    return np.bincount(flat, minlength=s * size).reshape(s, size).astype(float)


def draw_categorical(p: NDArray[np.float64], n: int, rng: np.random.Generator) -> NDArray[np.intp]:
    """``n`` draws per row of the probability rows ``p (S, V)`` by one batched inverse-CDF search."""
    s, v = p.shape
    cum = np.cumsum(p, axis=1)
    cum /= cum[:, -1:]
    off = np.arange(s)[:, None]
    u = rng.random((s, n)) + off
    idx = np.searchsorted((cum + off).ravel(), u.ravel(), side="right").reshape(s, n)
    return np.minimum(idx - off * v, v - 1)
