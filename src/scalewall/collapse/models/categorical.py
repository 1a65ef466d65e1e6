"""Categorical / unigram distributions refitted by counting, vectorised over seeds.

The real distribution is a vocabulary's probabilities: English word frequencies from the
``wordfreq`` package, a Zipf(a) law over V types, or K equally likely outcomes. Refitting by
counts is a Wright-Fisher chain (research note 5.8-5.9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scalewall.collapse import metrics
from scalewall.collapse.models.base import Metrics, draw_categorical, seed_counts
from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

F = NDArray[np.float64]


def zipf_probs(a: float, v: int) -> F:
    """p_i proportional to i^-a over ranks 1..v."""
    if v < 2:
        raise input_error("vocabulary size must be >= 2", got=v)
    p = np.arange(1, v + 1, dtype=float) ** -a
    return p / p.sum()


def wordfreq_probs(v: int) -> tuple[F, list[str]]:
    """The ``v`` most frequent English words and their renormalised frequencies (wordfreq)."""
    from wordfreq import top_n_list, word_frequency

    words = top_n_list("en", v)
    p = np.array([word_frequency(w, "en") for w in words])
    return p / p.sum(), words


@dataclass(frozen=True)
class FittedCategorical:
    p: F
    p0: F
    tail_rank: int

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        return Samples.full(draw_categorical(bias.apply(self.p), n, rng))

    def log_prob(self, values: NDArray[Any]) -> F:
        with np.errstate(divide="ignore"):
            return np.log(np.take_along_axis(self.p, values.astype(np.intp), 1))

    def score(self, samples: Samples, judge: Any) -> Metrics:
        return metrics.distribution_metrics(self.p, self.p0, self.tail_rank)


@dataclass(frozen=True)
class Categorical:
    """Counts refit of a categorical over a fixed vocabulary with real probabilities ``p0``.

    ``tail_rank``: ``tail_mass`` is the probability beyond this rank of the real ordering
    (default: the top 10% of types are the head).
    """

    p0: F
    name: str = "categorical"
    tail_rank: int = 0
    words: list[str] = field(default_factory=list, repr=False)

    @classmethod
    def vocabulary(cls, vocab: str = "zipf", size: int = 10_000, a: float = 1.0) -> Categorical:
        """``vocab``: ``zipf`` (Zipf(a) over ``size`` types), ``uniform`` or ``wordfreq``."""
        if vocab == "zipf":
            return cls(zipf_probs(a, size), name=f"zipf-{a:g}")
        if vocab == "uniform":
            return cls(np.full(size, 1.0 / size), name="uniform")
        if vocab == "wordfreq":
            p, words = wordfreq_probs(size)
            return cls(p, name="wordfreq", words=words)
        raise input_error(f"unknown vocabulary '{vocab}'; valid: zipf, uniform, wordfreq")

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        return Samples.full(
            draw_categorical(np.broadcast_to(self.p0, (seeds, self.p0.size)), n, rng)
        )

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedCategorical:
        c = seed_counts(data.values, data.mask, self.p0.size)
        p = c / np.maximum(c.sum(axis=1, keepdims=True), 1)
        return FittedCategorical(p, self.p0, self.tail_rank or max(1, self.p0.size // 10))
