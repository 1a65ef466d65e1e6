"""Per-generation metrics shared by the models: discrete distributions and text samples.

Every function takes a seed batch first and returns ``(S,)`` arrays, so the loop stores them as
they are. Metric names (the ``metric`` column of the tables) are the dictionary keys.
"""

from __future__ import annotations

import zlib
from collections import Counter

import numpy as np
from numpy.typing import NDArray

F = NDArray[np.float64]


def entropy(p: F) -> F:
    """Shannon entropy in nats of each row."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log(p), 0.0).sum(axis=-1)


def zipf_exponent(p: F) -> F:
    """Slope of -log p against log rank over each row's surviving types (OLS)."""
    q = -np.sort(-p, axis=-1)
    w = (q > 0).astype(float)
    x = np.log(np.arange(1, q.shape[-1] + 1))[None].repeat(q.shape[0], 0)
    with np.errstate(divide="ignore"):
        y = np.where(q > 0, np.log(q), 0.0)
    n = np.maximum(w.sum(-1), 1)
    mx, my = (w * x).sum(-1) / n, (w * y).sum(-1) / n
    sxx = (w * (x - mx[:, None]) ** 2).sum(-1)
    sxy = (w * (x - mx[:, None]) * (y - my[:, None])).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sxx > 0, -sxy / np.where(sxx > 0, sxx, 1), np.nan)


def distribution_metrics(p: F, p0: F, tail_rank: int) -> dict[str, F]:
    """Support survival, entropy, Gini-Simpson, Zipf exponent, KL and the tails of ``p (S, V)``.

    ``tail_mass`` is the mass on types beyond rank ``tail_rank`` of the real ordering ``p0``;
    ``tail_quantile_99`` is a tail quantile: how many of the real ordering's top types it takes
    to hold 99% of ``p``'s mass (it shrinks as the tail is cut off, even where the tail mass,
    a martingale, keeps its mean). ``kl_to_real`` is KL(p_t || p_0), finite even after types
    die out.
    """
    alive0 = p0 > 0
    order = np.argsort(-p0, kind="stable")
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(p > 0, p * (np.log(p) - np.log(np.where(alive0, p0, 1.0))), 0.0).sum(-1)
    return {
        "support_fraction": ((p > 0) & alive0).sum(-1) / alive0.sum(),
        "entropy": entropy(p),
        "gini_simpson": 1.0 - (p**2).sum(-1),
        "zipf_exponent": zipf_exponent(p),
        "kl_to_real": kl,
        "tail_mass": p[:, order[tail_rank:]].sum(-1),
        "tail_quantile_99": (np.cumsum(p[:, order], axis=-1) < 0.99).sum(-1) + 1.0,
    }


def ngram_codes(seqs: NDArray[np.int64], n: int, v: int) -> NDArray[np.int64]:
    """Integer code of every n-gram inside each row of ``seqs (m, L)`` (base-``v`` digits)."""
    m, length = seqs.shape
    if length < n:
        return np.zeros(0, dtype=np.int64)
    code = np.zeros((m, length - n + 1), dtype=np.int64)
    for i in range(n):
        code = code * v + seqs[:, i : length - n + 1 + i]
    return code.ravel()


def distinct_n(seqs: NDArray[np.int64], n: int, v: int) -> float:
    """Distinct n-grams over all n-grams in the samples (Li et al. 2016)."""
    codes = ngram_codes(seqs, n, v)
    return np.unique(codes).size / codes.size if codes.size else float("nan")


def type_token_ratio(tokens: NDArray[np.int64], length: int = 1000) -> float:
    """Types over tokens in the first ``length`` tokens (fixed length, so comparable across n)."""
    head = tokens[:length]
    return np.unique(head).size / max(1, head.size)


def compression_ratio(text: str) -> float:
    """Raw over zlib-compressed size: repetitive (collapsed) text compresses better."""
    raw = text.encode("utf-8")
    return len(raw) / max(1, len(zlib.compress(raw, 9)))


def self_bleu(seqs: NDArray[np.int64], max_n: int = 4) -> float:
    """Mean BLEU (clipped n-gram precisions, geometric mean, no brevity penalty) of each sample
    against all the others as references (Zhu et al. 2018, Texygen); call on a subsample."""
    if len(seqs) < 2:
        return float("nan")
    rows = [list(map(int, r)) for r in seqs]
    counts = [
        [Counter(tuple(r[i : i + k]) for i in range(len(r) - k + 1)) for r in rows]
        for k in range(1, max_n + 1)
    ]
    scores = []
    for j in range(len(seqs)):
        logp = 0.0
        for k in range(max_n):
            hyp = counts[k][j]
            ref: Counter[tuple[int, ...]] = Counter()
            for i, c in enumerate(counts[k]):
                if i != j:
                    ref |= c
            total = sum(hyp.values())
            match = sum(min(c, ref[g]) for g, c in hyp.items())
            logp += np.log((match + 1) / (total + 1)) / max_n  # add-one smoothing (Lin & Och 2004)
        scores.append(np.exp(logp))
    return float(np.mean(scores))
