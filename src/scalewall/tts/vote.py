"""Selecting one answer from k samples: majority vote, best-of-k by verifier, imperfect verifiers.

Both estimators are exact expectations over all k-subsets of a problem's n samples, drawn without
replacement, like unbiased pass@k (not the first k samples, whose value depends on sample order:
lm-evaluation-harness' ``take_first_k``). Ties are broken uniformly at random, so the value does
not depend on sample order either.

* maj@k: the correct answer must win the plurality among the k drawn answers. Samples without an
  answer (None) abstain. With q = k/n, the multivariate hypergeometric law of the vote counts is a
  product of Binomial(m_h, q) laws conditioned on their total being k, so every term is a
  probability (no factorials overflow). Answers with fewer votes than the candidate's x in the
  whole pool cannot tie or beat it and pool into one binomial; a tie with T others is worth
  1/(1+T) = integral of s^T over [0, 1], evaluated exactly by Gauss-Legendre in s.
  Cost grows like n k^2 per problem and k; fine for k up to a few hundred.
* best-of-k: the sample with the highest verifier score is chosen; P(the maximum of a k-subset
  lies in the tie group of ranks lo..hi) = [C(hi, k) - C(lo-1, k)] / C(n, k).
* imperfect verifier (Stroebl et al. 2024, arXiv 2411.17501): the first sample the verifier
  accepts is returned; with true-positive rate t and false-positive rate f, accuracy at k is
  ``p t / a * (1 - (1 - a)^k)`` with ``a = p t + (1 - p) f``, and tends to the ceiling
  ``p t / (p t + (1 - p) f)`` below 1 whenever f > 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln
from scipy.stats import binom

from scalewall.errors import input_error
from scalewall.tts.io import model_counts
from scalewall.tts.passk import check_ks

Array = NDArray[np.float64]


def _groups(answers: Sequence[Any], correct: ArrayLike) -> tuple[Array, NDArray[np.bool_], int]:
    """Vote counts per distinct answer, whether each answer is correct, and abstentions."""
    corr = np.asarray(correct, dtype=bool)
    ans = pd.Series(list(answers), dtype=object)
    missing = ans.isna().to_numpy()
    df = pd.DataFrame({"a": ans[~missing].astype(str).to_numpy(), "c": corr[~missing]})
    g = df.groupby("a", sort=True)["c"].agg(["size", "min", "max"])
    mixed = g[g["min"] != g["max"]]
    if len(mixed):
        raise input_error(
            f"answer '{mixed.index[0]}' is marked both correct and incorrect",
            column="correct",
            fix="samples with the same answer must share their correctness",
        )
    return g["size"].to_numpy(dtype=float), g["max"].to_numpy(dtype=bool), int(missing.sum())


def _win_probability(m: Array, star: int, abstain: int, k: int, n: int) -> float:
    """P(answer ``star`` wins the vote among k of the n samples), ties split uniformly."""
    q = k / n
    ms = int(m[star])
    others = np.delete(m, star)
    total = 0.0
    for x in range(1, min(k, ms) + 1):
        rest = k - x
        if rest > n - ms:
            continue
        capped = others[others >= x]
        free = abstain + int(others[others < x].sum())
        n_s = min(len(capped), rest // x) // 2 + 1
        s, w = np.polynomial.legendre.leggauss(n_s)
        s, w = (s + 1) / 2, w / 2
        poly = np.tile(binom.pmf(np.arange(rest + 1), free, q), (n_s, 1))
        for mh in capped:
            below = binom.pmf(np.arange(x), mh, q)
            kernel = np.concatenate([np.tile(below, (n_s, 1)), binom.pmf(x, mh, q) * s[:, None]], 1)
            new = np.zeros_like(poly)
            for j in range(min(x, rest) + 1):
                new[:, j:] += poly[:, : rest + 1 - j] * kernel[:, j : j + 1]
            poly = new
        total += float(binom.pmf(x, ms, q)) * float(w @ poly[:, rest])
    return total / float(binom.pmf(k, n, q))


def majority_at_k(answers: Sequence[Any], correct: ArrayLike, ks: ArrayLike) -> Array:
    """Exact maj@k of one problem for each k: the chance that a correct answer wins the vote."""
    m, is_corr, abstain = _groups(answers, correct)
    n = int(m.sum()) + abstain
    k = check_ks(ks, [n])
    stars = np.flatnonzero(is_corr)
    return np.array(
        [sum(_win_probability(m, int(i), abstain, int(kk), n) for i in stars) for kk in k]
    )


def _log_choose_ratio(m: Array, k: Array, n: int) -> Array:
    """log C(m, k) / C(n, k), -inf where m < k."""
    with np.errstate(invalid="ignore"):
        out = (
            gammaln(m + 1) - gammaln(np.maximum(m - k, 0) + 1) - gammaln(n + 1) + gammaln(n - k + 1)
        )
    res: Array = np.where(m >= k, out, -np.inf)
    return res


def best_of_k(scores: ArrayLike, correct: ArrayLike, ks: ArrayLike) -> Array:
    """Exact best-of-k accuracy of one problem: the top-scored of k random samples is correct."""
    sc, corr = np.asarray(scores, dtype=float), np.asarray(correct, dtype=float)
    if not np.isfinite(sc).all():
        raise input_error("verifier scores must be finite numbers", column="score")
    n = sc.size
    k = check_ks(ks, [n]).astype(float)
    _, inv, sizes = np.unique(sc, return_inverse=True, return_counts=True)
    frac = np.bincount(inv, weights=corr) / sizes
    hi = np.cumsum(sizes).astype(float)
    lo = hi - sizes.astype(float)
    p_top = np.exp(_log_choose_ratio(hi[:, None], k[None, :], n)) - np.exp(
        _log_choose_ratio(lo[:, None], k[None, :], n)
    )
    out: Array = frac @ p_top
    return out


def per_problem(samples: pd.DataFrame, ks: ArrayLike, method: str) -> pd.DataFrame:
    """maj@k (``method='majority'``) or best-of-k (``'best-of'``) per (model, problem) and k.

    ``samples`` is a per-sample table from :func:`scalewall.tts.io.load_samples` with an
    ``answer`` or a ``score`` column. Returns ``model, problem, k, value``.
    """
    need = {"majority": "answer", "best-of": "score"}[method]
    if need not in samples.columns:
        flag = "--answer-col" if need == "answer" else "--score-col"
        raise input_error(
            f"{method} needs a column of {'answers' if need == 'answer' else 'verifier scores'}",
            column=need,
            fix=f"map it with {flag}",
        )
    k = np.asarray(ks)
    rows = []
    for (model, prob), g in samples.groupby(["model", "problem"], sort=False):
        if method == "majority":
            v = majority_at_k(g["answer"].tolist(), g["correct"], k)
        else:
            v = best_of_k(g["score"], g["correct"], k)
        rows.append(pd.DataFrame({"model": model, "problem": prob, "k": k, "value": v}))
    return pd.concat(rows, ignore_index=True)


def verifier_accuracy(p: ArrayLike, ks: ArrayLike, tpr: float = 1.0, fpr: float = 0.0) -> Array:
    """Accuracy at k of resampling until an imperfect verifier accepts: ``(problems, len(ks))``.

    ``p`` is each problem's single-sample success rate (c/n); no answer counts as wrong.
    """
    if not (0 <= tpr <= 1 and 0 <= fpr <= 1):
        raise input_error("verifier rates must lie in [0, 1]", got=f"tpr={tpr}, fpr={fpr}")
    pp = np.asarray(p, dtype=float)[:, None]
    kk = np.asarray(ks, dtype=float)[None, :]
    accept = pp * tpr + (1 - pp) * fpr
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(accept > 0, pp * tpr / accept, 0.0)
    out: Array = share * -np.expm1(kk * np.log1p(-np.minimum(accept, 1 - 1e-300)))
    return out


def verifier_ceiling(p: ArrayLike, tpr: float = 1.0, fpr: float = 0.0) -> float:
    """Mean accuracy as k -> infinity under an imperfect verifier (Stroebl et al. 2024)."""
    pp = np.asarray(p, dtype=float)
    accept = pp * tpr + (1 - pp) * fpr
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.where(accept > 0, pp * tpr / accept, 0.0).mean())


def verifier_table(
    counts: pd.DataFrame, ks: ArrayLike, tpr: float = 1.0, fpr: float = 0.0
) -> list[dict[str, Any]]:
    """Per model and k: mean accuracy with the verifier and its k -> infinity ceiling."""
    kk = np.asarray(ks)
    rows = []
    for m, g in model_counts(counts).items():
        p = (g["c"] / g["n"]).to_numpy()
        acc = verifier_accuracy(p, kk, tpr, fpr).mean(axis=0)
        ceil = verifier_ceiling(p, tpr, fpr)
        rows += [
            {"model": m, "k": int(k), "tpr": tpr, "fpr": fpr, "accuracy": float(a), "ceiling": ceil}
            for k, a in zip(kk, acc, strict=True)
        ]
    return rows


__all__ = [
    "best_of_k",
    "majority_at_k",
    "per_problem",
    "verifier_accuracy",
    "verifier_ceiling",
    "verifier_table",
]
