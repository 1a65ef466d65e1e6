"""Logistic regression on a fixed real design whose labels are resampled each generation.

Dey & Donoho 2024 ("Universality of the pi^2/6 pathway", arXiv 2410.22812; code
``apd1995/model_collapse_universality``, ``experiments/UCI/*_logistic.py``): split a bundled
scikit-learn dataset 70/30 (``random_state=123456``), fit an unpenalised logistic regression on
the training rows, then relabel those same rows with Bernoulli draws from the fit; "discard" is
our ``replace``, "augment" our ``accumulate``. An item is a row ``(x, y)``. The fit is a batched
Newton solve on standardised features (the MLE's predictions do not depend on the scaling) with
a tiny ridge ``l2`` so that separable label sets, which the chain reaches, keep finite weights.
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
DATASETS = ("breast_cancer", "diabetes")


def load(dataset: str) -> tuple[F, F, F, F]:
    """Their train/test split: X_train, y_train, X_test, y_test, features standardised on the
    training rows and an intercept column appended."""
    from sklearn import datasets  # type: ignore[import-untyped]
    from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]

    if dataset == "breast_cancer":
        raw = datasets.load_breast_cancer()
        x, y = raw.data, raw.target
    elif dataset == "diabetes":
        raw = datasets.load_diabetes()
        x, y = raw.data, (raw.target > 100).astype(int)  # their binary task
    else:
        raise input_error(f"unknown dataset '{dataset}'; valid: {', '.join(DATASETS)}")
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, random_state=123456)
    mu, sd = xtr.mean(0), xtr.std(0)

    def prep(a: F) -> F:
        z = (a - mu) / sd
        return np.concatenate([z, np.ones((len(z), 1))], axis=1)

    return prep(xtr), ytr.astype(float), prep(xte), yte.astype(float)


def log_loss(w: F, x: F, y: F) -> F:
    """Mean binary cross-entropy of weights ``w (S, p)`` on rows ``x (m, p)``, labels ``y (m,)``."""
    z = x @ w.T  # (m, S)
    return (np.logaddexp(0.0, z) - y[:, None] * z).mean(axis=0)


@dataclass(frozen=True)
class FittedLogistic:
    w: F  # (S, p)
    model: LogisticRegression

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        no_bias(bias, "logistic-regression")
        return self.model.label(self.w, n, rng)

    def log_prob(self, values: NDArray[Any]) -> F:
        x, y = values[..., :-1], values[..., -1]
        z = np.einsum("smp,sp->sm", x, self.w)
        return y * z - np.logaddexp(0.0, z)

    def score(self, samples: Samples, judge: Any) -> Metrics:
        m = self.model
        z = m.x_test @ self.w.T
        return {
            "test_loss": log_loss(self.w, m.x_test, m.y_test),
            "test_accuracy": ((z > 0) == (m.y_test[:, None] > 0.5)).mean(axis=0),
        }


@dataclass(frozen=True)
class LogisticRegression:
    """Logistic regression on ``dataset``'s fixed training design (Dey & Donoho 2024)."""

    dataset: str = "breast_cancer"
    l2: float = 1e-4
    newton_steps: int = 40
    name: str = "logistic-regression"
    x_train: F = field(init=False, repr=False, compare=False)
    y_train: F = field(init=False, repr=False, compare=False)
    x_test: F = field(init=False, repr=False, compare=False)
    y_test: F = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.l2 >= 0:
            raise input_error("l2 must be >= 0", got=self.l2)
        for k, v in zip(
            ("x_train", "y_train", "x_test", "y_test"), load(self.dataset), strict=True
        ):
            object.__setattr__(self, k, v)

    def label(self, w: F, n: int, rng: np.random.Generator) -> Samples:
        """``n`` design rows (cycled) with labels ~ Bernoulli(sigmoid(x . w)) per seed."""
        x = self.x_train[np.arange(n) % len(self.x_train)]
        p = 1.0 / (1.0 + np.exp(-(w @ x.T)))  # (S, n)
        y = (rng.random(p.shape) < p).astype(float)
        xs = np.broadcast_to(x, (w.shape[0], *x.shape))
        return Samples.full(np.concatenate([xs, y[..., None]], axis=2))

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        """The real labels of the first ``n`` training rows (cycled), the same for every seed."""
        idx = np.arange(n) % len(self.x_train)
        row = np.concatenate([self.x_train[idx], self.y_train[idx, None]], axis=1)
        return Samples.full(np.broadcast_to(row, (seeds, *row.shape)).copy())

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedLogistic:
        """Newton's method on the mean log-loss + l2/2 |w|^2 (intercept unpenalised)."""
        m = data.mask.astype(float)
        x, y = data.values[..., :-1], data.values[..., -1]
        cnt = m.sum(axis=1)[:, None]
        p_dim = x.shape[-1]
        ridge = self.l2 * np.diag(np.r_[np.ones(p_dim - 1), 0.0])
        w = np.zeros((data.seeds, p_dim))
        for _ in range(self.newton_steps):
            prob = 1.0 / (1.0 + np.exp(-np.einsum("smp,sp->sm", x, w)))
            grad = np.einsum("sm,smp->sp", m * (prob - y), x) / cnt + w @ ridge
            curv = m * prob * (1 - prob) / cnt
            hess = np.einsum("sm,smp,smq->spq", curv, x, x) + ridge + 1e-12 * np.eye(p_dim)
            step = np.linalg.solve(hess, grad[..., None])[..., 0]
            w = w - step
            if np.abs(step).max() < 1e-10:
                break
        return FittedLogistic(w, self)
